"""CON-01 and CON-02 flag overdue and unassigned concerns in the scope (and nothing else); the
metrics count concerns by category and status, time to resolution and satisfaction."""

import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.scoping import Scope
from dangjian.concerns import services
from dangjian.concerns.tests.factories import filed
from dangjian.core.periods import Period
from dangjian.core.registry import metrics, rules

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

NOW = timezone.now()
TODAY = timezone.localdate()


def _ago(days: float):
    return NOW - datetime.timedelta(days=days)


def _codes(findings):
    return sorted(finding.subject.pk for finding in findings)


def test_overdue_concerns_are_flagged_with_a_citation(city, community_admin):
    late = filed(community=city.dahanggong, category="security", at=_ago(20))
    services.concern_assign(actor=community_admin, concern=late, organization=city.org(city.dahanggong), at=_ago(19))
    filed(community=city.dahanggong, category="security")  # within its 5 days
    done = filed(community=city.dahanggong, category="security", at=_ago(30))
    services.concern_assign(actor=community_admin, concern=done, organization=city.org(city.dahanggong), at=_ago(29))
    services.concern_resolve(actor=community_admin, concern=done, reply="已处理", at=_ago(28))
    rule = rules.get("CON-01")
    findings = list(rule.check(Scope(actor=community_admin), TODAY))
    assert _codes(findings) == [late.pk]
    assert "已超过办理时限15天" in findings[0].message and "大行宫社区党支部" in findings[0].message
    assert "本地做法" in rule.citation and "难点热点问题解决到社区" in rule.citation


def test_unassigned_concerns_are_flagged_after_the_allowed_days(city, street_admin, settings):
    waiting = filed(community=city.changjianglu, at=_ago(3))
    filed(community=city.changjianglu, at=_ago(1))
    findings = list(rules.get("CON-02").check(Scope(actor=street_admin), TODAY))
    assert _codes(findings) == [waiting.pk] and "受理已3天仍未交办" in findings[0].message


def test_rules_stay_within_the_scope(city, community_admin):
    filed(community=city.changjianglu, at=_ago(40))
    scope = Scope(actor=community_admin)
    assert not list(rules.get("CON-01").check(scope, TODAY)) and not list(rules.get("CON-02").check(scope, TODAY))


def test_the_metrics_count_categories_statuses_time_and_satisfaction(city, community_admin):
    # the last 60 days (a year's period would cut the story in two in early January)
    period = Period(kind="year", start=(NOW - datetime.timedelta(days=60)).date(), end=TODAY)
    organization = city.org(city.dahanggong)
    start = _ago(40)
    for index, (category, days, rating) in enumerate([("medical", 2, "satisfied"), ("medical", 4, "unsatisfied"),
                                                      ("elderly", 6, "fairly_satisfied")]):
        received = start + datetime.timedelta(hours=index)
        concern = filed(community=city.dahanggong, category=category, at=received)
        services.concern_assign(actor=community_admin, concern=concern, organization=organization,
                                at=received + datetime.timedelta(hours=1))
        services.concern_resolve(actor=community_admin, concern=concern, reply="已办理",
                                 at=received + datetime.timedelta(days=days))
        services.concern_rate(tracking_code=concern.tracking_code, rating=rating, comment="还是没解决",
                              at=received + datetime.timedelta(days=days, hours=1))
    filed(community=city.dahanggong, category="environment")
    scope = Scope(actor=community_admin)
    assert metrics.get("concerns.received").compute(scope, period) == 4
    by_category = metrics.get("concerns.by_category").compute(scope, period)
    assert by_category["医疗"] == 2 and by_category["养老服务"] == 1 and by_category["环境"] == 1
    by_status = metrics.get("concerns.by_status").compute(scope, period)
    assert by_status == {"已受理": 1, "已交办": 0, "办理中": 1, "已办结": 0, "已评价": 2}
    # the reopened one is no longer resolved: medians over 2 and 6 days
    assert metrics.get("concerns.median_resolution_days").compute(scope, period) == 4.0
    assert metrics.get("concerns.resolution_days_by_category").compute(scope, period) == {"医疗": 2.0, "养老服务": 6.0}
    assert metrics.get("concerns.satisfaction_rate").compute(scope, period) == pytest.approx(66.7)
    # the reopened one got 7 fresh days a month ago: overdue now
    assert metrics.get("concerns.overdue").compute(scope, period) == 1
    # another community's administrator counts none of them
    other = Scope(actor=community_admin, focus_area=city.changjianglu)
    assert metrics.get("concerns.received").compute(other, period) == 0
    assert metrics.get("concerns.satisfaction_rate").compute(other, period) is None
