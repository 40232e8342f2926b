"""EDU-02 (secretaries: 56 hours a year), EDU-03 (new members trained during probation and within a
year of becoming full) at their boundaries, and SCH-01/SCH-02's thresholds read from the settings."""

import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.scoping import Scope
from dangjian.core.registry import rules
from dangjian.members.tests.factories import member
from dangjian.organizations import services as organization_services
from dangjian.school import services
from dangjian.school.tests.factories import at

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
DAY = datetime.timedelta(days=1)


def _found(code, scope, on_date):
    findings = list(rules.get(code).check(scope, on_date))
    assert rules.get(code).count(scope, on_date) == len(findings), (code, on_date)
    return findings


def _attend(setup, actor, people):
    session = setup.schedule(actor=actor, starts_at=at(YESTERDAY, 9))
    services.attendance_mark(actor=actor, session=session, members=people)


def test_edu02_the_recorded_secretary_below_56_hours(setup, superuser, street_admin, city, settings):
    # given 李在职 recorded as the secretary of his own branch, with 2 hours this year
    branch = city.org(city.dahanggong)
    organization_services.organization_update(actor=superuser, organization=branch, secretary_name="李在职")
    member(actor=superuser, organization=city.org(city.fuzimiao), name="李在职", phone="13911110000")  # namesake
    _attend(setup, superuser, [setup.members["在职"]])
    year, scope = YESTERDAY.year, Scope(actor=street_admin)
    # early in the year 2 hours are on track (56 × 10/365 ≈ 1.5); on 31 December they are not
    assert _found("EDU-02", scope, datetime.date(year, 1, 10)) == []
    [late] = _found("EDU-02", scope, datetime.date(year, 12, 31))
    assert late.subject == setup.members["在职"] and late.detail["severity"] == "serious"
    assert "书记李在职" in late.message and "应达56学时" in late.message
    # the namesake in another district is no secretary; a focus there finds nothing
    assert _found("EDU-02", Scope(actor=superuser, focus_area=city.qinhuai), datetime.date(year, 12, 31)) == []
    # the target is a setting (RULES.md EDU-02)
    settings.DANGJIAN_RULES = {**settings.DANGJIAN_RULES, "SECRETARY_TRAINING_HOURS": 2}
    assert _found("EDU-02", scope, datetime.date(year, 12, 31)) == []


def test_edu02_nobody_without_a_recorded_secretary(setup, superuser):
    assert _found("EDU-02", Scope(actor=superuser), datetime.date(TODAY.year, 12, 31)) == []


def test_edu03_new_members_without_training(setup, superuser, city, settings):
    branch = city.org(city.dahanggong)
    probationary = setup.members["预备"]  # joined 100 days ago
    after_full = member(actor=superuser, organization=branch, name="钱转正", phone="13911110001",
                        joined_on=TODAY - 800 * DAY, full_member_on=TODAY - 400 * DAY)
    just_full = member(actor=superuser, organization=branch, name="孙新转", phone="13911110002",
                       joined_on=TODAY - 465 * DAY, full_member_on=TODAY - 100 * DAY)
    scope = Scope(actor=superuser)
    found = {f.subject.name: f.detail["severity"] for f in _found("EDU-03", scope, TODAY)}
    # the probationary member is not yet six months in; the other two were never trained
    assert found == {"钱转正": "serious", "孙新转": "warning"}
    later = {f.subject.name for f in _found("EDU-03", scope, TODAY + 90 * DAY)}
    assert later == {"赵预备", "钱转正", "孙新转"}
    settings.DANGJIAN_RULES = {**settings.DANGJIAN_RULES, "NEW_MEMBER_TRAINING_WARN_MONTHS": 3}
    assert "赵预备" in {f.subject.name for f in _found("EDU-03", scope, TODAY)}
    # a class yesterday trains the probationary member and the one full for over a year; it came
    # too late for the other's probation
    _attend(setup, superuser, [probationary, after_full, just_full])
    assert [f.subject.name for f in _found("EDU-03", scope, TODAY + 90 * DAY)] == ["孙新转"]
    # members long full (李在职 since 2006) are never new
    assert setup.members["在职"].pk not in {f.subject.pk for f in _found("EDU-03", scope, TODAY)}


def test_sch01_grace_days_and_sch02_idle_days_are_settings(setup, superuser, settings):
    year, scope = setup.plan.year, Scope(actor=superuser)
    services.plan_add_class(actor=superuser, plan=setup.plan, month=3, course=setup.course)
    assert len(_found("SCH-01", scope, datetime.date(year, 4, 5))) == 1
    settings.DANGJIAN_RULES = {**settings.DANGJIAN_RULES, "SCHOOL_PLANNED_CLASS_GRACE_DAYS": 10}
    assert _found("SCH-01", scope, datetime.date(year, 4, 5)) == []
    assert len(_found("SCH-01", scope, datetime.date(year, 4, 11))) == 1
    assert _found("SCH-02", scope, TODAY + 40 * DAY) == []
    settings.DANGJIAN_RULES = {**settings.DANGJIAN_RULES, "SCHOOL_TEACHER_IDLE_DAYS": 30}
    assert [f.subject for f in _found("SCH-02", scope, TODAY + 40 * DAY)] == [setup.teacher]
