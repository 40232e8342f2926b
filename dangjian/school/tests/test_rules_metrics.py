"""EDU-01, SCH-01, SCH-02 at their boundaries, and the school's metrics."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.accounts.scoping import Scope
from dangjian.core.periods import Period
from dangjian.core.registry import metrics, rules
from dangjian.school import services
from dangjian.school.tests.factories import at

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def _codes(rule_code, scope, on_date):
    return list(rules.get(rule_code).check(scope, on_date))


def test_edu01_warns_pro_rata_during_the_year_and_finds_after_it(setup, superuser, street_admin, city):
    session = setup.schedule(actor=superuser, starts_at=at(YESTERDAY, 9))
    services.attendance_mark(actor=superuser, session=session, members=[setup.members["在职"]])
    year = setup.plan.year
    # on 1 January only a sliver is due: the one with 2 hours is on track
    early = _codes("EDU-01", Scope(actor=street_admin), datetime.date(year, 1, 2))
    assert {f.subject.name for f in early} == {"王退休", "赵预备"}
    assert all(f.detail["severity"] == "warning" for f in early)
    # the next year: below the whole 32 hours is a serious finding for all three
    after = _codes("EDU-01", Scope(actor=street_admin), datetime.date(year + 1, 1, 10))
    assert {f.subject.name for f in after} == {"李在职", "王退休", "赵预备"}
    assert all(f.detail["severity"] == "serious" for f in after)
    assert rules.get("EDU-01").count(Scope(actor=street_admin), datetime.date(year + 1, 1, 10)) == 3
    # a focus on another district holds none of it
    assert rules.get("EDU-01").count(Scope(actor=superuser, focus_area=city.qinhuai), datetime.date(year + 1, 1, 10)) == 0


def test_sch01_planned_class_not_held_after_its_month(setup, superuser):
    year = setup.plan.year
    planned = services.plan_add_class(actor=superuser, plan=setup.plan, month=3, course=setup.course)
    scope = Scope(actor=superuser)
    assert _codes("SCH-01", scope, datetime.date(year, 3, 31)) == []
    assert [f.subject for f in _codes("SCH-01", scope, datetime.date(year, 4, 1))] == [planned]
    services.session_schedule(actor=superuser, school=setup.school, course=setup.course, venue=setup.venue,
                              starts_at=at(YESTERDAY, 9), ends_at=at(YESTERDAY, 11), plan=setup.plan, planned=planned)
    assert rules.get("SCH-01").count(scope, datetime.date(year, 4, 1)) == 1  # scheduled is not held
    from dangjian.school.models import ClassSession

    services.session_record_held(actor=superuser, session=ClassSession.objects.get(), feedback_score="4.5")
    assert rules.get("SCH-01").count(scope, datetime.date(year, 4, 1)) == 0


def test_sch02_teacher_idle_for_a_year(setup, superuser):
    scope = Scope(actor=superuser)
    assert rules.get("SCH-02").count(scope, TODAY) == 0  # just registered
    later = TODAY + datetime.timedelta(days=370)
    assert [f.subject for f in _codes("SCH-02", scope, later)] == [setup.teacher]
    session = setup.schedule(actor=superuser, starts_at=at(YESTERDAY, 9))
    services.session_record_held(actor=superuser, session=session)
    assert rules.get("SCH-02").count(scope, TODAY + datetime.timedelta(days=300)) == 0


def test_metrics(setup, superuser):
    session = setup.schedule(actor=superuser, starts_at=at(YESTERDAY, 9), expected_attendees=4)
    services.attendance_mark(actor=superuser, session=session, members=[setup.members["在职"], setup.members["退休"]])
    services.session_record_held(actor=superuser, session=session, feedback_score="4.6")
    services.plan_add_class(actor=superuser, plan=setup.plan, month=YESTERDAY.month, course=setup.course)
    scope, period = Scope(actor=superuser), Period.containing(YESTERDAY, "year")
    assert metrics.get("school.attendance_rate").compute(scope, period) == 50.0
    assert metrics.get("school.teacher_feedback").compute(scope, period) == 4.6
    assert metrics.get("school.classes").compute(scope, period) == {"计划": 1, "举办": 1}
    assert metrics.get("school.target_share").compute(scope, period) == 0.0
    assert metrics.get("school.target_share_by_group").compute(scope, period) == {"辖区全体党员": 0.0}
    assert metrics.get("school.hours_per_member").compute(scope, period) == round(4 / 3, 1)  # 3 in the audience
    assert services.default_target_hours() == Decimal("32")
