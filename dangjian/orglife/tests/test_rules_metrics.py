"""LIFE-01…07 at their boundaries (a period is missed only once it has ended, and only within
the 12 months looked at), scoped, and the metrics drawn from the same pass."""

import datetime

import pytest

from dangjian.accounts.scoping import Scope
from dangjian.core.periods import Period
from dangjian.core.registry import metrics, rules
from dangjian.orglife.models import OrgLifeMeeting
from dangjian.orglife.tests.factories import held

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]


def _findings(code, scope, on_date):
    return [f for f in rules.get(code).check(scope, on_date)]


def _for(findings, branch):
    return [f for f in findings if f.subject.pk == branch.pk]


def test_theme_days_missed_are_named_by_month(superuser, city):
    branch = city.org(city.dahanggong)
    for month in range(1, 13):
        if month not in (4, 9):
            held(actor=superuser, organization=branch, held_on=datetime.date(2025, month, 8))
    on_date = datetime.date(2026, 1, 1)
    [finding] = _for(_findings("LIFE-05", Scope(actor=superuser), on_date), branch)
    assert finding.detail["missed"] == ["2025年4月", "2025年9月"]
    assert "主题党日" in finding.message and finding.records_url.endswith(f"/orglife/branches/{branch.pk}/calendar/")
    # on the 31st of January, January is not over yet: still only April and September
    [finding] = _for(_findings("LIFE-05", Scope(actor=superuser), datetime.date(2026, 1, 31)), branch)
    assert finding.detail["missed"] == ["2025年4月", "2025年9月"]
    # from February 1st, January counts too; April 2025 has left the 12-month window by May 2026
    [finding] = _for(_findings("LIFE-05", Scope(actor=superuser), datetime.date(2026, 5, 1)), branch)
    assert finding.detail["missed"] == ["2025年9月", "2026年1月", "2026年2月", "2026年3月", "2026年4月"]


def test_a_planned_meeting_does_not_count_as_held(superuser, city):
    branch = city.org(city.dahanggong)
    held(actor=superuser, organization=branch, kind="life_meeting", held_on=datetime.date(2025, 12, 20))
    OrgLifeMeeting.objects.filter(organization=branch).update(status="planned")
    assert _for(_findings("LIFE-06", Scope(actor=superuser), datetime.date(2026, 3, 1)), branch)


def test_an_annual_meeting_held_clears_the_rule(superuser, city):
    branch = city.org(city.dahanggong)
    held(actor=superuser, organization=branch, kind="life_meeting", held_on=datetime.date(2025, 12, 31))
    assert not _for(_findings("LIFE-06", Scope(actor=superuser), datetime.date(2026, 1, 1)), branch)
    assert _for(_findings("LIFE-07", Scope(actor=superuser), datetime.date(2026, 1, 1)), branch)


def test_rules_stay_in_scope_and_counts_match(superuser, city, community_admin):
    scope = Scope(actor=community_admin)
    found = _findings("LIFE-05", scope, datetime.date(2026, 3, 1))
    # the community branch and the unit branch located in 大行宫社区, nothing else
    assert {f.subject.pk for f in found} == {city.org(city.dahanggong).pk, city.unit_branch(city.meiyuan).pk}
    for code in ("LIFE-01", "LIFE-02", "LIFE-03", "LIFE-04", "LIFE-05", "LIFE-06", "LIFE-07"):
        for actor in (superuser, community_admin):
            scope = Scope(actor=actor)
            assert rules.get(code).count(scope, datetime.date(2026, 3, 1)) == len(
                _findings(code, scope, datetime.date(2026, 3, 1)))
        assert rules.get(code).citation


def test_metrics_count_held_meetings_and_missed_periods(superuser, city):
    branch = city.org(city.dahanggong)
    held(actor=superuser, organization=branch, kind="theme_day", held_on=datetime.date(2025, 3, 8))
    held(actor=superuser, organization=branch, kind="party_lecture", held_on=datetime.date(2025, 3, 9))
    scope, period = Scope(actor=superuser, focus_area=city.dahanggong), Period.containing(datetime.date(2025, 6, 1))
    assert metrics.get("orglife.meetings_held").compute(scope, period) == 2
    assert metrics.get("orglife.held_by_kind").compute(scope, period)["党课"] == 1
    missed = metrics.get("orglife.missed_by_kind").compute(scope, Period.containing(datetime.date(2025, 1, 1)))
    # two branches sit in 大行宫社区 (the community's and a unit's): 11 + 12 months, 1 + 1 reviews
    assert missed["主题党日"] == 23 and missed["民主评议党员"] == 2
