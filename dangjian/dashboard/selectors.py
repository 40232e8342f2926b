"""What the dashboard shows, computed from the metric and rule registries for a scope."""

import datetime
import itertools
import json
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.accounts.scoping import Scope
from dangjian.core.periods import Period
from dangjian.core.registry import Severity, metrics, rules
from dangjian.dashboard import findings, rollup
from dangjian.organizations.models import Area
from dangjian.organizations.selectors import area_get_for, area_list_for

PERIOD_KINDS = {"month": "月", "quarter": "季度", "year": "年"}
# The figures compared across the children of the current area.
COMPARISON_KEYS = ("areas.communities", "organizations.total", "organizations.community_coverage_rate",
                   "units.total")


@dataclass
class Headline:
    key: str
    label: str
    unit: str
    value: object
    previous: object
    url: str | None

    @property
    def change(self):
        if isinstance(self.value, int | float) and isinstance(self.previous, int | float):
            return round(self.value - self.previous, 1)
        return None


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    breadcrumbs: list[Area]
    headlines: list[Headline] = field(default_factory=list)
    breakdowns: list[dict] = field(default_factory=list)
    comparison_labels: list[str] = field(default_factory=list)
    comparison_rows: list[dict] = field(default_factory=list)
    # One bar chart per compared figure over the children (Chart.js data, as unfold's components read it).
    comparison_charts: list[dict] = field(default_factory=list)
    # [{"severity", "label", "items": [RuleCount, …]}], most severe first; rules with findings only.
    findings_by_severity: list[dict] = field(default_factory=list)
    finding_count: int = 0
    # The weekly record the rule summary was read from (None: counted live just now).
    findings_recorded_on: datetime.date | None = None
    # Open findings by severity on each recorded week (a line chart), when a record exists.
    findings_trend_chart: str = ""
    # When the rollup job computed the figures shown (None: computed live for this request).
    rollup_computed_at: datetime.datetime | None = None


@dataclass(frozen=True)
class RuleCount:
    rule: object
    count: int


def default_focus(actor) -> Area | None:
    """The area a user lands on: the city for city administrators, else the single area of
    their area grant; organization administrators have no area focus."""
    if scoping.is_city_admin(actor):
        return Area.objects.filter(depth=1).order_by("path").first()
    area_paths = [grant.area_path for grant in scoping.grants_for(actor) if grant.area_path]
    if len(area_paths) == 1:
        return Area.objects.get(path=area_paths[0])
    return None


def focus_for(actor, area_id) -> Area | None:
    if area_id in (None, ""):
        return default_focus(actor)
    return area_get_for(actor, area_id)  # 404 outside scope


def period_for(kind: str | None, on: str | None = None) -> Period:
    if kind not in PERIOD_KINDS:
        kind = "year"
    day = timezone.localdate()
    if on:
        try:
            day = datetime.date.fromisoformat(on)
        except ValueError:
            raise Http404("日期格式不正确。") from None
    return Period.containing(day, kind)


def _breadcrumbs(actor, focus: Area | None) -> list[Area]:
    if focus is None:
        return []
    ancestors = list(Area.objects.get_ancestors(focus)) + [focus]
    return [area for area in ancestors if scoping.can_see(actor, area)]


@contextmanager
def without_jit():
    """PostgreSQL JIT-compiles any query its planner estimates as costly. The dashboard's
    aggregates over a district (a visit lookup per care-group member, sixty conditional counts)
    run in 20–200 ms and are estimated far above ``jit_above_cost``: compiling them took
    0.5–1.7 s on the reference city, more than running them. Off for this transaction only
    (``SET LOCAL``); a deployment may as well set ``jit = off`` server-wide.

    The member summary groups a district's 55,000 members into a thousand or so groups, but the
    planner expects one group per member; within the default 4 MB ``work_mem`` it sorted them
    on disk (0.4–1 s) instead of hashing them. 32 MB for this transaction only."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '32MB'")
        yield


def dashboard_for(actor, *, focus: Area | None, period: Period, live: bool = False) -> Dashboard:
    """The dashboard of ``focus`` for ``period``: from the rollup job's figures when they are
    fresh and the actor sees everything under ``focus`` (dashboard/rollup.py), else — or with
    ``live`` — computed now."""
    with without_jit():
        return _dashboard(actor, focus=focus, period=period, live=live)


def _dashboard(actor, *, focus: Area | None, period: Period, live: bool) -> Dashboard:
    scope = Scope(actor=actor, focus_area=focus)
    board = Dashboard(scope=scope, period=period, breadcrumbs=_breadcrumbs(actor, focus))
    previous = period.previous()
    children = (area_list_for(actor).filter(path__startswith=focus.path, depth=focus.depth + 1)
                if focus is not None else Area.objects.none())
    children = list(children)
    rolled = None if live else rollup.view_for(actor, focus, period, children)
    if rolled is not None:
        board.rollup_computed_at = rolled.computed_at

    def value(metric, of_period):
        if rolled is None:
            return metric.compute(scope, of_period)
        figures = rolled.current if of_period == period else rolled.previous
        if figures is None or metric.key not in figures:  # a metric added since the job ran
            return metric.compute(scope, of_period)
        return figures[metric.key]

    for metric in metrics.all():
        url = metric.records_url(scope) if metric.records_url else None
        if metric.breakdown:
            values = value(metric, period) or {}
            board.breakdowns.append({
                "label": metric.label, "unit": metric.unit, "url": url, "rows": list(values.items()),
                "chart": json.dumps({
                    "labels": list(values.keys()),
                    "datasets": [{"label": metric.label, "data": list(values.values())}],
                }, ensure_ascii=False, default=str),
            })
        else:
            board.headlines.append(Headline(
                key=metric.key, label=metric.label, unit=metric.unit, url=url,
                value=value(metric, period), previous=value(metric, previous),
            ))

    comparison = [metrics.get(key) for key in COMPARISON_KEYS if key in metrics]
    board.comparison_labels = [f"{metric.label}（{metric.unit}）" if metric.unit else metric.label
                               for metric in comparison]
    if rolled is not None and rolled.children and all(
            metric.key in figures for figures in rolled.children.values() for metric in comparison):
        columns = [{pk: figures[metric.key] for pk, figures in rolled.children.items()} for metric in comparison]
    else:
        # One query per figure over all the children (Metric.by_area), not one per child.
        columns = [metric.compute_by_area(scope, period, children,
                                          lambda area: Scope(actor=actor, focus_area=area))
                   for metric in comparison]
    child_scopes = [Scope(actor=actor, focus_area=child) for child in children]
    board.comparison_rows = []
    for child, child_scope in zip(children, child_scopes, strict=True):
        values = [column[child.pk] for column in columns]
        urls = [metric.records_url(child_scope) if metric.records_url else None for metric in comparison]
        board.comparison_rows.append({"area": child, "values": values, "cells": list(zip(values, urls, strict=True))})
    board.comparison_charts = [
        {"label": label, "drill": json.dumps([f"?area={child.pk}&period={period.kind}" for child in children]),
         "data": json.dumps({"labels": [child.name for child in children],
                             "datasets": [{"label": label, "data": [column[child.pk] or 0 for child in children]}]},
                            ensure_ascii=False, default=str)}
        for label, column in zip(board.comparison_labels, columns, strict=True)] if children else []

    # The dashboard shows how many findings each rule has (never the findings themselves: a
    # district has thousands); the health check page lists them. The counts are the rollup job's
    # when its figures are used, else live (each rule's SQL counter); never the weekly record
    # (dashboard/findings.py): it anchors a finding by its subject's own area and organization, which is not always the scope the rule itself narrows by (a school's
    # members below target belong to the school's area; an in-service member's service to the
    # community they live in), so it feeds only the trend chart and "resolved since last week".
    by_severity: dict[str, list] = {}
    recorded = findings.fresh_run() if focus is not None else None
    if recorded is not None:
        board.findings_recorded_on = recorded.recorded_on
        trend = findings.findings_trend(actor, focus)
        board.findings_trend_chart = json.dumps({
            "labels": [point["date"].strftime("%m-%d") for point in trend],
            "datasets": [{"label": str(Severity.LABELS[severity]), "data": [point[severity] for point in trend]}
                         for severity in sorted(Severity.ORDER, key=Severity.ORDER.get)],
        }, ensure_ascii=False)
    today = timezone.localdate()
    if rolled is not None and rolled.rule_counts is not None:
        counts = {rule.code: (rolled.rule_counts[rule.code] if rule.code in rolled.rule_counts
                              else rule.count(scope, today)) for rule in rules.all()}
    else:
        counts = {rule.code: rule.count(scope, today) for rule in rules.all()}
    for rule in rules.all():
        count = counts.get(rule.code, 0)
        if count:
            by_severity.setdefault(rule.severity, []).append(RuleCount(rule=rule, count=count))
    board.findings_by_severity = [
        {"severity": severity, "label": Severity.LABELS[severity], "items": by_severity[severity],
         "count": sum(item.count for item in by_severity[severity])}
        for severity in sorted(by_severity, key=Severity.ORDER.get)
    ]
    board.finding_count = sum(group["count"] for group in board.findings_by_severity)
    return board


# ---------------------------------------------------------------- rule findings (health check page, API)


def rules_in_order() -> list:
    """Every registered rule, the most severe first, then by code: how the health check lists them."""
    return sorted(rules.all(), key=lambda rule: (Severity.ORDER[rule.severity], rule.code))


def rule_get(code: str):
    if code not in rules:
        raise Http404("没有这条规则。")
    return rules.get(code)


class RuleFindings:
    """A rule's findings as a Paginator (or a slice) reads them: the total from the rule's COUNT,
    a page by running the check only as far as that page (the checks are generators)."""

    def __init__(self, rule, scope, on_date):
        self.rule, self.scope, self.on_date = rule, scope, on_date

    def count(self):
        return self.rule.count(self.scope, self.on_date)

    def __getitem__(self, page: slice):
        return list(itertools.islice(self.rule.check(self.scope, self.on_date), page.start, page.stop))
