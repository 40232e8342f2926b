"""Services of the conference: founding it, seats and handovers, the library with versions,
meetings with attendance and resolutions, tasks and progress — and their refusals, each with a
Chinese message and nothing written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.accounts.tests.factories import audit_entries_for
from dangjian.conference import services, services_meetings
from dangjian.conference.models import (
    AgendaItem,
    Attendance,
    ConferenceTask,
    Document,
    DocumentVersion,
    JointConference,
    Seat,
    SeatTerm,
    TaskProgress,
    TaskStatus,
)
from dangjian.conference.tests.factories import START, meeting, pdf, street_conference, task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]


def _message(error) -> str:
    return "；".join(error.value.messages) if isinstance(error.value, ValidationError) else str(error.value)


# ---------------------------------------------------------------- conference and seats


def test_a_street_office_founds_its_conference_once(city, street_admin):
    conference = services.conference_create(actor=street_admin, area=city.meiyuan, established_on=START)
    assert conference.name == "梅园新村街道社区党建联席会" and conference.level == "street"
    assert audit_entries_for(conference, "create").exists()
    with pytest.raises(ValidationError) as error:
        services.conference_create(actor=street_admin, area=city.meiyuan, established_on=START)
    assert "已设立" in _message(error)


def test_a_conference_is_refused_for_a_community_or_outside_scope(city, street_admin):
    with pytest.raises(ValidationError) as error:
        services.conference_create(actor=street_admin, area=city.dahanggong, established_on=START)
    assert "区或街道" in _message(error)
    with pytest.raises(PermissionDenied):
        services.conference_create(actor=street_admin, area=city.fuzimiao, established_on=START)
    assert not JointConference.objects.exists()


def test_seats_refuse_a_unit_outside_the_area_and_a_second_chair(city, street_admin):
    street = street_conference(city, actor=street_admin)
    seats_before = Seat.objects.count()
    with pytest.raises(ValidationError) as error:
        services.seat_create(actor=street_admin, conference=street.conference, unit=city.unit(city.xinjiekou),
                             post="member", holder_name="某人", starts_on=START)
    assert "不在梅园新村街道范围内" in _message(error)
    with pytest.raises(ValidationError) as error:
        services.seat_change_post(actor=street_admin, seat=street.tech, post="chair")
    assert "同一时间只能有一位会长" in _message(error)
    assert Seat.objects.count() == seats_before
    assert Seat.objects.get(pk=street.tech.pk).post == "vice_chair"


def test_a_handover_keeps_the_seats_history(city, street_admin):
    street = street_conference(city, actor=street_admin)
    services.seat_handover(actor=street_admin, seat=street.tech, holder_name="周总", on_date=datetime.date(2025, 9, 1))
    terms = list(SeatTerm.objects.filter(seat=street.tech).order_by("starts_on"))
    assert [(t.holder_name, t.ends_on) for t in terms] == [("李总", datetime.date(2025, 9, 1)), ("周总", None)]
    with pytest.raises(ValidationError) as error:
        services.seat_handover(actor=street_admin, seat=street.tech, holder_name="吴总",
                               on_date=datetime.date(2025, 8, 1))
    assert "交接日期须晚于" in _message(error)
    assert SeatTerm.objects.filter(seat=street.tech).count() == 2


def test_a_leader_and_a_liaison_cannot_change_the_conference(city, street_admin, leader, liaison):
    street = street_conference(city, actor=street_admin)
    for actor in (leader, liaison):
        with pytest.raises(PermissionDenied):
            services.seat_handover(actor=actor, seat=street.tech, holder_name="周总", on_date=datetime.date(2025, 9, 1))
        with pytest.raises(PermissionDenied):
            meeting(street, actor=actor)
    assert SeatTerm.objects.filter(seat=street.tech).count() == 1


# ---------------------------------------------------------------- documents


def _charter(street, actor, **extra):
    return services.document_create(actor=actor, conference=street.conference, kind="charter",
                                    title="梅园新村街道社区党建联席会章程", issuer="梅园新村街道党工委",
                                    number="梅党工〔2025〕1号", effective_on=START,
                                    text="第一条 联席会每年召开全体成员大会两次。", **extra)


def test_a_document_is_revised_and_its_previous_version_kept(city, street_admin):
    street = street_conference(city, actor=street_admin)
    charter = _charter(street, street_admin, attachment=pdf())
    assert charter.plenary_per_year == 2 and charter.attachment.name.endswith(".pdf")
    services.document_revise(actor=street_admin, document=charter, title=charter.title,
                             text="第一条 联席会每年召开全体成员大会三次。", effective_on=datetime.date(2025, 6, 1),
                             note="增加会议次数")
    charter.refresh_from_db()
    assert charter.version == 2 and "三次" in charter.text
    versions = list(DocumentVersion.objects.filter(document=charter).order_by("version"))
    assert ["两次" in versions[0].text, "三次" in versions[1].text] == [True, True]


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("工具.exe", b"MZ\x90\x00"), "附件类型不允许"),
    (SimpleUploadedFile("假的.pdf", b"MZ\x90\x00 not a pdf"), "内容与扩展名不符"),
    (pdf(size=11 * 1024 * 1024), "附件过大"),
])
def test_an_attachment_of_a_forbidden_type_or_too_large_is_refused(city, street_admin, upload, message):
    street = street_conference(city, actor=street_admin)
    with pytest.raises(ValidationError) as error:
        _charter(street, street_admin, attachment=upload)
    assert message in _message(error)
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_a_new_charter_supersedes_the_old_one(city, street_admin):
    street = street_conference(city, actor=street_admin)
    old = _charter(street, street_admin)
    new = _charter(street, street_admin, plenary_per_year=4)
    old.refresh_from_db()
    assert old.status == "superseded" and new.status == "in_force" and new.plenary_per_year == 4
    with pytest.raises(ValidationError):
        services.document_set_status(actor=street_admin, document=old, status="in_force")


# ---------------------------------------------------------------- meetings, resolutions, tasks


def test_attendance_needs_a_reason_for_absence_and_a_name_for_a_delegate(city, street_admin):
    street = street_conference(city, actor=street_admin)
    held = meeting(street, actor=street_admin)
    services_meetings.meeting_record_attendance(actor=street_admin, meeting=held, seat=street.chair, status="present")
    with pytest.raises(ValidationError) as error:
        services_meetings.meeting_record_attendance(actor=street_admin, meeting=held, seat=street.tech, status="absent")
    assert "请假须写明事由" in _message(error)
    with pytest.raises(ValidationError) as error:
        services_meetings.meeting_record_attendance(actor=street_admin, meeting=held, seat=street.care,
                                                    status="delegate")
    assert "受委托人" in _message(error)
    services_meetings.meeting_record_attendance(actor=street_admin, meeting=held, seat=street.tech, status="absent",
                                                reason="出差")
    assert dict(Attendance.objects.filter(meeting=held).values_list("seat_id", "status")) == {
        street.chair.pk: "present", street.tech.pk: "absent"}


def test_a_task_needs_a_seat_of_this_conference_and_a_deadline_after_the_meeting(city, street_admin):
    street = street_conference(city, actor=street_admin)
    held = meeting(street, actor=street_admin)
    resolution = services_meetings.resolution_add(actor=street_admin, meeting=held, text="推进助老服务。")
    with pytest.raises(ValidationError) as error:
        services_meetings.task_assign(actor=street_admin, resolution=resolution, seat=None, title="助老",
                                      deadline=datetime.date(2025, 6, 1))
    assert "请选择负责落实的成员单位" in _message(error)
    with pytest.raises(ValidationError) as error:
        services_meetings.task_assign(actor=street_admin, resolution=resolution, seat=street.tech, title="助老",
                                      deadline=datetime.date(2025, 3, 1))
    assert "不能早于会议日期" in _message(error)
    assert not ConferenceTask.objects.exists()
    made = services_meetings.task_assign(actor=street_admin, resolution=resolution, seat=street.tech, title="助老",
                                         deadline=datetime.date(2025, 6, 1))
    assert made.unit_id == street.tech.unit_id and made.conference_id == street.conference.pk


def test_the_liaison_reports_progress_on_its_own_task_only(city, street_admin, liaison):
    street = street_conference(city, actor=street_admin)
    mine = task(street, street.tech, actor=street_admin)
    other = task(street, street.care, actor=street_admin, title="开放活动场地")
    services_meetings.task_report_progress(actor=liaison, task=mine, text="已组织志愿者上门三次。")
    assert ConferenceTask.objects.get(pk=mine.pk).status == TaskStatus.IN_PROGRESS
    with pytest.raises(PermissionDenied) as error:
        services_meetings.task_report_progress(actor=liaison, task=other, text="冒名填报")
    assert str(error.value) == services_meetings.NOT_YOUR_TASK
    assert not TaskProgress.objects.filter(task=other).exists()
    services_meetings.task_report_progress(actor=liaison, task=mine, text="已完成。", done=True)
    done = ConferenceTask.objects.get(pk=mine.pk)
    assert done.status == TaskStatus.DONE and done.completed_on is not None
    with pytest.raises(ValidationError):
        services_meetings.task_report_progress(actor=liaison, task=mine, text="再报一次")


def test_a_plenary_carries_the_open_tasks_onto_its_agenda(city, street_admin):
    street = street_conference(city, actor=street_admin)
    open_task = task(street, street.tech, actor=street_admin)
    closed = task(street, street.care, actor=street_admin, title="开放活动场地")
    services_meetings.task_report_progress(actor=street_admin, task=closed, text="已开放。", done=True,
                                           reported_on=datetime.date(2025, 4, 1))
    nxt = meeting(street, actor=street_admin, held_on=datetime.date(2025, 9, 10), title="2025年第二次全体成员大会")
    carried = list(AgendaItem.objects.filter(meeting=nxt, carried_task__isnull=False))
    assert [item.carried_task_id for item in carried] == [open_task.pk]
    assert "开展助老志愿服务" in carried[0].text
    research = meeting(street, actor=street_admin, held_on=datetime.date(2025, 9, 20), kind="research",
                       title="工作研讨交流")
    assert not AgendaItem.objects.filter(meeting=research, carried_task__isnull=False).exists()
