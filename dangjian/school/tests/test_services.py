"""Scheduling, attendance, make-up study, QR check-in and study hours: successes and refusals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.accounts.models import AuditEntry
from dangjian.school import selectors, services
from dangjian.school.models import Attendance, Audience, ClassSession, ClassStatus
from dangjian.school.tests.factories import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def test_plan_target_defaults_to_edu01_32_hours(setup):
    """RULES.md EDU-01: members study at least 32 hours a year."""
    assert setup.plan.target_hours == Decimal("32")


def test_second_plan_for_the_same_year_and_audience_is_refused(setup, superuser):
    with pytest.raises(ValidationError, match="已经存在"):
        services.plan_create(actor=superuser, school=setup.school, year=setup.plan.year, title="重复")
    floating = services.plan_create(actor=superuser, school=setup.school, year=setup.plan.year, title="流动党员",
                                    audience=Audience.FLOATING, target_hours="16")
    assert floating.target_hours == Decimal("16")


def test_double_booked_venue_and_teacher_are_refused(setup, superuser):
    # given a class tomorrow 09:00–11:00
    tomorrow = TODAY + datetime.timedelta(days=1)
    setup.schedule(actor=superuser, starts_at=at(tomorrow, 9))
    other_venue = services.venue_save(actor=superuser, school=setup.school, name="社区活动室", capacity=20)
    # when the same venue is booked at 10:00, then the same teacher elsewhere
    with pytest.raises(ValidationError, match="该场所在此时段已安排"):
        setup.schedule(actor=superuser, starts_at=at(tomorrow, 10))
    with pytest.raises(ValidationError, match="周教授在此时段已有课程"):
        setup.schedule(actor=superuser, starts_at=at(tomorrow, 10), venue=other_venue)
    # then nothing was written; back to back is fine
    assert ClassSession.objects.count() == 1
    setup.schedule(actor=superuser, starts_at=at(tomorrow, 11))


def test_class_over_capacity_and_hours_over_length_are_refused(setup, superuser):
    with pytest.raises(ValidationError, match="超过街道党群服务中心报告厅的容纳人数"):
        setup.schedule(actor=superuser, starts_at=at(TODAY, 9), expected_attendees=31)
    with pytest.raises(ValidationError, match="不能超过课程时长"):
        setup.schedule(actor=superuser, starts_at=at(TODAY, 9), hours="3")
    with pytest.raises(ValidationError, match="学时须大于0"):
        setup.schedule(actor=superuser, starts_at=at(TODAY, 9), hours="-1")
    assert not ClassSession.objects.exists()


def test_bulk_marking_credits_hours_and_refuses_outsiders(setup, superuser):
    session = setup.schedule(actor=superuser, starts_at=at(YESTERDAY, 9))
    m = setup.members
    with pytest.raises(ValidationError, match="钱外区不在本班次的教育对象范围内"):
        services.attendance_mark(actor=superuser, session=session, members=[m["在职"], m["外区"]])
    assert not Attendance.objects.exists()
    with pytest.raises(ValidationError, match="学时不能超过"):
        services.attendance_mark(actor=superuser, session=session, members=[m["在职"]], hours="5")
    services.attendance_mark(actor=superuser, session=session, members=[m["在职"], m["退休"]])
    services.attendance_mark(actor=superuser, session=session, members=[m["在职"]])  # already there: left alone
    assert Attendance.objects.count() == 2
    assert selectors.member_hours(m["在职"], TODAY.year if YESTERDAY.year == TODAY.year else YESTERDAY.year) == 2
    session.refresh_from_db()
    assert session.status == ClassStatus.HELD
    assert AuditEntry.objects.filter(object_type="school.ClassSession", object_id=str(session.pk)).exists()


def test_marking_beyond_the_venue_capacity_is_refused(city, superuser):
    from dangjian.school.tests.factories import build_school

    small = build_school(actor=superuser, city=city, capacity=1)
    session = small.schedule(actor=superuser, starts_at=at(YESTERDAY, 9))
    with pytest.raises(ValidationError, match="超过.*容纳人数"):
        services.attendance_mark(actor=superuser, session=session, members=[small.members["在职"], small.members["退休"]])
    assert not Attendance.objects.exists()


def test_future_class_cannot_be_marked(setup, superuser):
    session = setup.schedule(actor=superuser, starts_at=at(TODAY + datetime.timedelta(days=2), 9))
    with pytest.raises(ValidationError, match="尚未开始"):
        services.attendance_mark(actor=superuser, session=session, members=[setup.members["在职"]])


def test_makeup_study_for_a_missed_class(setup, superuser):
    session = setup.schedule(actor=superuser, starts_at=at(YESTERDAY, 9))
    services.attendance_mark(actor=superuser, session=session, members=[setup.members["在职"]])
    retired = setup.members["退休"]
    with pytest.raises(ValidationError, match="请写明补学方式"):
        services.makeup_record(actor=superuser, session=session, member=retired, hours="2", studied_on=TODAY)
    with pytest.raises(ValidationError, match="已有本班次的出勤"):
        services.makeup_record(actor=superuser, session=session, member=setup.members["在职"], hours="2",
                               studied_on=TODAY, note="观看录像")
    with pytest.raises(ValidationError, match="学时不能超过"):
        services.makeup_record(actor=superuser, session=session, member=retired, hours="2.5", studied_on=TODAY,
                               note="观看录像")
    row = services.makeup_record(actor=superuser, session=session, member=retired, hours="1.5", studied_on=TODAY,
                                 note="观看录像")
    assert row.method == "makeup" and row.credited_on == TODAY


def test_care_group_class_is_open_only_to_that_group(setup, superuser):
    session = setup.schedule(actor=superuser, starts_at=at(YESTERDAY, 9), audience=Audience.OFF_POST)
    with pytest.raises(ValidationError, match="李在职不在本班次的教育对象范围内"):
        services.attendance_mark(actor=superuser, session=session, members=[setup.members["在职"]])
    services.attendance_mark(actor=superuser, session=session, members=[setup.members["退休"]])


def test_leader_and_other_schools_admin_cannot_write(setup, leader, school_admin, city, superuser):
    with pytest.raises(PermissionDenied):
        services.venue_save(actor=leader, school=setup.school, name="x", capacity=3)
    services.venue_save(actor=school_admin, school=setup.school, name="新场所", capacity=3)
    from dangjian.school.tests.factories import school_of

    other = school_of(city.fuzimiao)
    with pytest.raises(PermissionDenied):
        services.venue_save(actor=school_admin, school=other, name="x", capacity=3)


# ---------------------------------------------------------------- QR check-in


def _token(session):
    return services.checkin_token_for(session)


def test_checkin_once_within_the_window(setup, superuser):
    starts = timezone.now() + datetime.timedelta(minutes=10)
    session = setup.schedule(actor=superuser, starts_at=starts)
    member = setup.members["在职"]
    row = services.checkin_by_member(member=member, token=_token(session))
    assert row.method == "qr" and row.hours == Decimal("2")
    with pytest.raises(ValidationError, match="您已签到"):
        services.checkin_by_member(member=member, token=_token(session))
    assert Attendance.objects.count() == 1


def test_checkin_refuses_expired_early_forged_and_outsiders(setup, superuser):
    session = setup.schedule(actor=superuser, starts_at=timezone.now() + datetime.timedelta(minutes=10))
    member = setup.members["在职"]
    with pytest.raises(ValidationError, match="签到已结束"):
        services.checkin_by_member(member=member, token=_token(session), now=session.ends_at + datetime.timedelta(hours=1))
    with pytest.raises(ValidationError, match="签到尚未开始"):
        services.checkin_by_member(member=member, token=_token(session),
                                   now=session.starts_at - datetime.timedelta(hours=2))
    with pytest.raises(ValidationError, match="签到码无效"):
        services.checkin_by_member(member=member, token=_token(session) + "x")
    with pytest.raises(ValidationError, match="不面向您开放"):
        services.checkin_by_member(member=setup.members["外区"], token=_token(session))
    assert not Attendance.objects.exists()


# ---------------------------------------------------------------- hours and plan progress


def test_members_below_target_pro_rata_and_progress(setup, superuser):
    session = setup.schedule(actor=superuser, starts_at=at(YESTERDAY, 9))
    services.attendance_mark(actor=superuser, session=session, members=[setup.members["在职"]])
    below = {m.name: m.study_hours for m in selectors.below_target(setup.plan)}
    assert below == {"李在职": Decimal("2"), "王退休": Decimal("0"), "赵预备": Decimal("0")}
    progress = selectors.plan_progress(setup.plan, on_date=TODAY)
    assert progress["members"] == 3 and progress["meeting_target"] == 0
    assert selectors.expected_hours_by(Decimal("32"), datetime.date(2026, 12, 31), 2026) == Decimal("32")
    assert selectors.expected_hours_by(Decimal("32"), datetime.date(2026, 7, 2), 2026) == Decimal("16.0")
