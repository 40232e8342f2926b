"""The weekly findings record: what it keeps, what it resolves, and that the dashboard's rule
summary read from it agrees with the live counts for every role and focus."""

import datetime

import pytest
from django.core.management import call_command

from dangjian.accounts.scoping import Scope
from dangjian.core.registry import Finding, Rule, Severity, rules
from dangjian.dashboard import findings
from dangjian.dashboard.models import FindingSnapshot, FindingsRun
from dangjian.dashboard.selectors import dashboard_for, period_for
from dangjian.dashboard.tests.test_rule_counts import troubled_city  # noqa: F401 - a fixture
from dangjian.organizations.models import Area

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)

TODAY = datetime.date.today()
WEEK = datetime.timedelta(days=7)


@pytest.mark.parametrize(("role", "focus"), [
    ("city_admin", "nanjing"), ("city_admin", "qinhuai"), ("district_admin", "xuanwu"), ("leader", "meiyuan"),
    ("street_admin", "meiyuan"), ("community_admin", "dahanggong"),
])
def test_recorded_counts_agree_with_the_live_counts(request, troubled_city, city, role, focus):  # noqa: F811
    findings.findings_record(on_date=TODAY)
    actor, area = request.getfixturevalue(role), getattr(city, focus)
    run = findings.latest_run()
    recorded = findings.recorded_rule_counts(actor, area, run)
    live = {rule.code: rule.count(Scope(actor=actor, focus_area=area), TODAY) for rule in rules.all()}
    # Rules that narrow by another path than their subject's own anchors are recorded under the
    # subject's (see dashboard/selectors.py): they agree at city and district level, not below.
    by_other_path = {"EDU-01", "SVC-01", "SVC-02"}
    assert ({code: n for code, n in recorded.items() if code not in by_other_path}
            == {code: count for code, count in live.items() if count and code not in by_other_path})
    assert sum(recorded.values()) > 0 or focus == "dahanggong"


@pytest.fixture
def flagged_areas(monkeypatch):
    """A rule flagging every community whose name holds 测试 (so a rename resolves it)."""
    def check(scope, on_date):
        for area in scope.areas().filter(level="community", name__contains="测试"):
            yield Finding(rule_code="TST-01", message=f"{area.name}需整改", subject=area, anchor_label=area.name)

    rule = Rule(code="TST-01", title="测试规则", citation="测试依据", severity=Severity.SERIOUS, check=check)
    monkeypatch.setattr(rules, "_entries", {"TST-01": rule})
    return rule


def test_findings_open_move_and_resolve_week_by_week(city, district_admin, flagged_areas):
    Area.objects.filter(pk__in=[city.dahanggong.pk, city.changjianglu.pk]).update(name="测试社区")
    first = findings.findings_record(on_date=TODAY - WEEK)
    assert (first.open_findings, first.new_findings, first.resolved_findings) == (2, 2, 0)
    # a week later one community is fixed
    Area.objects.filter(pk=city.changjianglu.pk).update(name="长江路社区")
    second = findings.findings_record(on_date=TODAY)
    assert (second.open_findings, second.new_findings, second.resolved_findings) == (1, 0, 1)
    still = FindingSnapshot.objects.get(resolved_on__isnull=True)
    assert (still.first_seen, still.last_seen, still.area_id) == (TODAY - WEEK, TODAY, city.dahanggong.pk)
    resolved = list(findings.resolved_since(district_admin, city.xuanwu, second))
    assert [snap.area_id for snap in resolved] == [city.changjianglu.pk]
    trend = findings.findings_trend(district_admin, city.xuanwu)
    assert [(point["date"], point[Severity.SERIOUS]) for point in trend] == [(TODAY - WEEK, 2), (TODAY, 1)]
    cards = findings.score_cards(district_admin, city.xuanwu, second)
    assert [(card.label, card.score) for card in cards] == [("测试社区", 90)]
    # nothing of another district
    assert findings.recorded_rule_counts(district_admin, city.qinhuai, second) == {}


def test_the_dashboard_counts_live_and_draws_the_trend_from_a_fresh_record(city, district_admin, flagged_areas):
    Area.objects.filter(pk=city.dahanggong.pk).update(name="测试社区")
    board = dashboard_for(district_admin, focus=city.xuanwu, period=period_for("year"))
    assert board.findings_recorded_on is None and board.finding_count == 1
    findings.findings_record(on_date=TODAY)
    Area.objects.filter(pk=city.dahanggong.pk).update(name="大行宫社区")  # fixed after the record
    board = dashboard_for(district_admin, focus=city.xuanwu, period=period_for("year"))
    # the counts are today's (the fix shows at once); the trend chart is the record's
    assert board.findings_recorded_on == TODAY and board.finding_count == 0
    assert '"data": [1]' in board.findings_trend_chart


def test_a_stale_record_is_not_used(city, district_admin, flagged_areas):
    findings.findings_record(on_date=TODAY - 3 * WEEK)
    board = dashboard_for(district_admin, focus=city.xuanwu, period=period_for("year"))
    assert board.findings_recorded_on is None


def test_the_command_records_now_or_queues_the_task(city, flagged_areas, settings):
    call_command("record_findings", "--date", TODAY.isoformat())
    assert FindingsRun.objects.get().recorded_on == TODAY
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command("record_findings", "--enqueue", "--date", (TODAY + WEEK).isoformat())
    assert FindingsRun.objects.count() == 2
