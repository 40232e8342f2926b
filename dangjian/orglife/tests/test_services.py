"""Recording meetings, attendance and attachments: what is written, and the refusals (a meeting
in the future marked held, attendance for someone not in the branch, a wrong file) that write
nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.accounts.models import AuditEntry
from dangjian.members import services as member_services
from dangjian.members.tests.factories import member
from dangjian.orglife import services
from dangjian.orglife.models import Attendance, MeetingAttachment, MeetingStatus, OrgLifeMeeting
from dangjian.orglife.tests.factories import held

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

TODAY = datetime.date.today()


@pytest.fixture
def branch(city):
    return city.org(city.dahanggong)


def test_a_held_meeting_is_recorded_and_audited(superuser, branch):
    before = AuditEntry.objects.count()
    meeting = held(actor=superuser, organization=branch, kind="members_meeting", held_on=TODAY)
    assert meeting.status == MeetingStatus.HELD and meeting.organization == branch
    assert AuditEntry.objects.count() == before + 1


def test_a_meeting_in_the_future_marked_held_is_refused(superuser, branch):
    with pytest.raises(ValidationError) as error:
        held(actor=superuser, organization=branch, held_on=TODAY + datetime.timedelta(days=1))
    assert "不能登记为“已召开”" in str(error.value)
    assert not OrgLifeMeeting.objects.exists()


def test_a_future_meeting_may_be_planned_and_a_planned_one_cannot_lie_in_the_past(superuser, branch):
    planned = services.meeting_record(actor=superuser, organization=branch, kind="party_lecture",
                                      held_on=TODAY + datetime.timedelta(days=10), topic="党课", host="书记",
                                      status=MeetingStatus.PLANNED)
    assert planned.status == MeetingStatus.PLANNED
    with pytest.raises(ValidationError):
        services.meeting_record(actor=superuser, organization=branch, kind="party_lecture",
                                held_on=TODAY - datetime.timedelta(days=10), topic="党课", host="书记",
                                status=MeetingStatus.PLANNED)


def test_only_branches_hold_branch_meetings(superuser, city):
    with pytest.raises(ValidationError) as error:
        held(actor=superuser, organization=city.org(city.meiyuan))
    assert "党支部" in str(error.value)


def test_out_of_scope_and_read_only_actors_are_refused(city, community_admin, leader):
    with pytest.raises(ValidationError):
        held(actor=community_admin, organization=city.unit_branch(city.fuzimiao))
    with pytest.raises(PermissionDenied):
        held(actor=leader, organization=city.org(city.dahanggong))
    assert not OrgLifeMeeting.objects.exists()


def test_attendance_is_recorded_for_the_branch_and_its_floating_members(superuser, branch):
    meeting = held(actor=superuser, organization=branch)
    here, sick = member(actor=superuser, organization=branch, name="在场"), member(actor=superuser, organization=branch,
                                                                                  name="病假")
    away = member(actor=superuser, organization=branch, name="外出")
    member_services.member_float_out(actor=superuser, member=away, place="广东省深圳市",
                                     started_on=TODAY - datetime.timedelta(days=60))
    rows = services.meeting_record_attendance(actor=superuser, meeting=meeting, entries=[
        {"member": here, "status": "present"}, {"member": sick, "status": "leave", "reason": "住院"},
        {"member": away, "status": "elsewhere", "elsewhere": "深圳市南山区某党支部"}])
    assert len(rows) == 3
    assert dict(Attendance.objects.values_list("member__name", "status")) == {
        "在场": "present", "病假": "leave", "外出": "elsewhere"}


def test_attendance_for_someone_not_in_the_branch_writes_nothing(superuser, city, branch):
    meeting = held(actor=superuser, organization=branch)
    here = member(actor=superuser, organization=branch, name="本支部")
    stranger = member(actor=superuser, organization=city.unit_branch(city.meiyuan), name="外支部")
    with pytest.raises(ValidationError) as error:
        services.meeting_record_attendance(actor=superuser, meeting=meeting, entries=[
            {"member": here, "status": "present"}, {"member": stranger, "status": "present"}])
    assert "外支部不是大行宫社区党支部的党员" in str(error.value)
    assert not Attendance.objects.exists()


def test_absence_needs_a_reason_and_elsewhere_needs_a_floating_record(superuser, branch):
    meeting = held(actor=superuser, organization=branch)
    person = member(actor=superuser, organization=branch, name="李四")
    with pytest.raises(ValidationError):
        services.meeting_record_attendance(actor=superuser, meeting=meeting,
                                           entries=[{"member": person, "status": "absent"}])
    with pytest.raises(ValidationError) as error:
        services.meeting_record_attendance(actor=superuser, meeting=meeting,
                                           entries=[{"member": person, "status": "elsewhere", "elsewhere": "外地"}])
    assert "没有流出登记" in str(error.value)
    assert not Attendance.objects.exists()


def test_a_hosted_inflow_member_may_attend(superuser, city, branch):
    meeting = held(actor=superuser, organization=branch)
    guest = member(actor=superuser, organization=city.unit_branch(city.fuzimiao), name="流入党员")
    member_services.member_float_in(actor=superuser, host_organization=branch, origin="秦淮区",
                                    started_on=TODAY - datetime.timedelta(days=100), member=guest)
    services.meeting_record_attendance(actor=superuser, meeting=meeting, entries=[{"member": guest, "status": "present"}])
    assert Attendance.objects.filter(member=guest).exists()


def test_attendance_on_a_planned_meeting_is_refused(superuser, branch):
    planned = services.meeting_record(actor=superuser, organization=branch, kind="theme_day",
                                      held_on=TODAY + datetime.timedelta(days=3), topic="主题党日", host="书记",
                                      status=MeetingStatus.PLANNED)
    with pytest.raises(ValidationError):
        services.meeting_record_attendance(actor=superuser, meeting=planned, entries=[])


def test_attachments_are_checked_for_type_size_and_content(superuser, branch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = held(actor=superuser, organization=branch)
    good = services.attachment_add(actor=superuser, meeting=meeting,
                                   upload=SimpleUploadedFile("签到表.pdf", b"%PDF-1.4 test", "application/pdf"))
    assert good.size == 13 and good.content_type == "application/pdf"
    for upload in (SimpleUploadedFile("run.exe", b"MZ....", "application/octet-stream"),
                   SimpleUploadedFile("fake.pdf", b"not a pdf", "application/pdf")):
        with pytest.raises(ValidationError):
            services.attachment_add(actor=superuser, meeting=meeting, upload=upload)
    settings.ORGLIFE_ATTACHMENTS = {**settings.ORGLIFE_ATTACHMENTS, "max_bytes": 10}
    with pytest.raises(ValidationError) as error:
        services.attachment_add(actor=superuser, meeting=meeting,
                                upload=SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * 20, "image/png"))
    assert "文件过大" in str(error.value)
    assert MeetingAttachment.objects.count() == 1


def test_a_held_meeting_cannot_be_deleted_a_planned_one_can(superuser, branch):
    meeting = held(actor=superuser, organization=branch)
    with pytest.raises(ValidationError):
        services.meeting_delete(actor=superuser, meeting=meeting)
    planned = services.meeting_record(actor=superuser, organization=branch, kind="theme_day",
                                      held_on=TODAY + datetime.timedelta(days=3), topic="主题党日", host="书记",
                                      status=MeetingStatus.PLANNED)
    services.meeting_delete(actor=superuser, meeting=planned)
    assert list(OrgLifeMeeting.objects.all()) == [meeting]
