"""The dashboard's rollup: figures the nightly job computed are shown only when they equal what the
live computation gives the reader, and the page says how fresh they are."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.dashboard import rollup
from dangjian.dashboard.models import DashboardRollup, RuleCountRollup
from dangjian.dashboard.selectors import dashboard_for
from dangjian.dashboard.tests.test_rule_counts import troubled_city  # noqa: F401 (fixture)
from dangjian.members.tests.factories import member

pytestmark = pytest.mark.django_db


def _figures(board):
    return {
        "headlines": [(h.key, h.value, h.previous) for h in board.headlines],
        "breakdowns": [(b["label"], b["rows"]) for b in board.breakdowns],
        "comparison": [(row["area"].pk, row["values"]) for row in board.comparison_rows],
        "findings": [(group["severity"], [(item.rule.code, item.count) for item in group["items"]])
                     for group in board.findings_by_severity],
    }


def test_rolled_up_figures_equal_the_live_ones_for_every_reader(troubled_city, city_admin,  # noqa: F811
                                                                 district_admin, street_admin):
    rollup.refresh()
    readers = [(city_admin, troubled_city.nanjing, "year"), (city_admin, troubled_city.xuanwu, "month"),
               (district_admin, troubled_city.xuanwu, "year"), (district_admin, troubled_city.meiyuan, "quarter"),
               (street_admin, troubled_city.meiyuan, "year")]
    for actor, focus, kind in readers:
        period = Period.current(kind)
        rolled = dashboard_for(actor, focus=focus, period=period)
        live = dashboard_for(actor, focus=focus, period=period, live=True)
        assert rolled.rollup_computed_at is not None and live.rollup_computed_at is None
        assert _figures(rolled) == _figures(live), (actor.username, focus.name)
        assert rolled.finding_count == live.finding_count > 0 or focus.depth == 1


def test_rollup_is_read_in_a_few_queries(city, district_admin, django_assert_max_num_queries):
    rollup.refresh(kinds=("year",))
    period = Period.current("year")
    dashboard_for(district_admin, focus=city.xuanwu, period=period)  # warm code tables and grants
    # breadcrumbs, children, the period rows, the rule counts, the weekly record
    with django_assert_max_num_queries(12):
        board = dashboard_for(district_admin, focus=city.xuanwu, period=period)
    assert board.rollup_computed_at is not None


def test_the_page_says_how_fresh_the_figures_are_and_offers_live_ones(city, district_admin):
    client = Client()
    client.force_login(district_admin)
    assert "实时统计" in client.get("/admin/").content.decode()
    rollup.refresh(area_ids=[city.xuanwu.pk], kinds=("year",))
    html = client.get("/admin/").content.decode()
    assert "统计数据更新于" in html and "查看实时数据" in html
    assert "统计数据更新于" not in client.get("/admin/?live=1").content.decode()


def test_figures_stay_as_computed_until_the_next_run_and_live_shows_the_change(city, superuser, district_admin):
    rollup.refresh(area_ids=[city.xuanwu.pk], kinds=("year",))
    period = Period.current("year")

    def total(board):
        return next(h.value for h in board.headlines if h.key == "members.total")

    before = total(dashboard_for(district_admin, focus=city.xuanwu, period=period))
    member(actor=superuser, organization=city.org(city.dahanggong), name="新来党员")
    assert total(dashboard_for(district_admin, focus=city.xuanwu, period=period)) == before
    assert total(dashboard_for(district_admin, focus=city.xuanwu, period=period, live=True)) == before + 1
    rollup.refresh(area_ids=[city.xuanwu.pk], kinds=("year",))
    assert total(dashboard_for(district_admin, focus=city.xuanwu, period=period)) == before + 1


def test_stale_rollup_or_a_partial_reader_is_computed_live(city, district_admin, org_admin, settings):
    rollup.refresh(area_ids=[city.xuanwu.pk, city.dahanggong.pk], kinds=("year",))
    period = Period.current("year")
    assert dashboard_for(district_admin, focus=city.xuanwu, period=period).rollup_computed_at is not None
    # an organization administrator sees part of the area: the area's totals are not theirs
    assert dashboard_for(org_admin, focus=None, period=period).rollup_computed_at is None
    # a community is below the rollup's depth
    assert dashboard_for(district_admin, focus=city.dahanggong, period=period).rollup_computed_at is None
    # older than the allowed age
    DashboardRollup.objects.update(computed_at=timezone.now() - datetime.timedelta(hours=27))
    RuleCountRollup.objects.update(computed_at=timezone.now() - datetime.timedelta(hours=27))
    assert dashboard_for(district_admin, focus=city.xuanwu, period=period).rollup_computed_at is None


def test_refresh_keeps_only_the_periods_a_reader_can_ask_for(city):
    DashboardRollup.objects.create(area=city.xuanwu, period_kind="year", period_start=datetime.date(2001, 1, 1),
                                   values={}, computed_at=timezone.now())
    count = rollup.refresh()
    assert count == 1 + 2 + 4  # the city, its districts and streets
    assert not DashboardRollup.objects.filter(period_start__year=2001).exists()
    # current and previous month, quarter and year for each area
    assert DashboardRollup.objects.filter(area=city.xuanwu).count() == 6


def test_values_round_trip_through_json_exactly():
    for value in [None, 3, 12.5, Decimal("1234.50"), {"男": 3, "女": Decimal("0.10")}]:
        assert rollup.decode(rollup.encode(value)) == value


def test_refresh_task_computes_the_rollup(city, settings):
    from dangjian.dashboard.tasks import refresh_dashboard_rollups

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DANGJIAN_DASHBOARD_ROLLUP = {**settings.DANGJIAN_DASHBOARD_ROLLUP, "DEPTH": 1}
    result = refresh_dashboard_rollups.enqueue()
    assert result.return_value == {"areas": 1}
    assert RuleCountRollup.objects.filter(area=city.nanjing).exists()
