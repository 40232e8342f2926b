"""The dashboard's rollup: figures computed ahead by a background job, read on the page.

A district's dashboard aggregates 50,000 members and the records of every app; the city's,
600,000. Computing that on each visit costs seconds (docs/benchmarks.md), far over the 300 ms
budget of ARCHITECTURE.md. So the job (``manage.py refresh_dashboard``, nightly from cron, or
the ``refresh_dashboard_rollups`` task) computes every registered metric for the current and the
previous month, quarter and year, and every rule's count, for the city, its districts and its
streets (``DANGJIAN_DASHBOARD_ROLLUP["DEPTH"]``), with the same metric and rule code the live
dashboard runs, as an actor who sees everything under the area.

A reader gets those figures only when they equal what the live computation would give them: the
reader sees every record under the area (a city administrator; an area administrator or leader
on an area inside their grant) and the row is younger than ``MAX_AGE_HOURS``. Anyone else — an
organization administrator, a community's dashboard, a past period, a stale or missing row —
is computed live, and the page says which it is (``Dashboard.rollup_computed_at``).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.accounts.scoping import Scope
from dangjian.core.periods import Period
from dangjian.core.registry import metrics, rules
from dangjian.dashboard.models import DashboardRollup, RuleCountRollup
from dangjian.organizations.models import Area

PERIOD_KINDS = ("month", "quarter", "year")


class _Everyone:
    """The job's actor: sees the whole city (it computes; it shows nothing to anyone)."""

    is_superuser = is_active = is_authenticated = True
    pk = None


# ---------------------------------------------------------------- values in JSON


def encode(value):
    """A metric value as JSON keeps it: numbers and None as they are, a Decimal (money) as its
    string so it reads back exact, a breakdown as ordered [label, value] pairs."""
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, dict):
        return {"breakdown": [[str(label), encode(number)] for label, number in value.items()]}
    return value


def decode(value):
    if isinstance(value, dict):
        if "decimal" in value:
            return Decimal(value["decimal"])
        return {label: decode(number) for label, number in value["breakdown"]}
    return value


# ---------------------------------------------------------------- the job


def _settings() -> dict:
    return settings.DANGJIAN_DASHBOARD_ROLLUP


def rollup_areas():
    return Area.objects.filter(depth__lte=_settings()["DEPTH"]).order_by("path")


def compute_area(area: Area, *, today: datetime.date, kinds=PERIOD_KINDS) -> None:
    """Compute and store one area's figures (one transaction: a reader sees the old row or the
    new one, never half of each)."""
    from dangjian.dashboard.selectors import without_jit

    scope = Scope(actor=_Everyone(), focus_area=area)
    computed = {}
    with without_jit():
        for kind in kinds:
            current = Period.containing(today, kind)
            for period in (current, current.previous()):
                computed[(kind, period.start)] = {metric.key: encode(metric.compute(scope, period))
                                                  for metric in metrics.all()}
        counts = {rule.code: rule.count(scope, today) for rule in rules.all()}
    now = timezone.now()
    with transaction.atomic():
        for (kind, start), values in computed.items():
            DashboardRollup.objects.update_or_create(
                area=area, period_kind=kind, period_start=start,
                defaults={"values": values, "computed_at": now})
        RuleCountRollup.objects.update_or_create(
            area=area, defaults={"counts": counts, "counted_on": today, "computed_at": now})


def refresh(*, today: datetime.date | None = None, area_ids=None, kinds=PERIOD_KINDS, progress=None) -> int:
    """Recompute the rollup of every area down to the configured depth (or of ``area_ids``, for
    the period ``kinds``); returns how many areas were computed. ``progress(done, total)`` is
    called after each area."""
    today = today or timezone.localdate()
    areas = rollup_areas()
    if area_ids is not None:
        areas = areas.filter(pk__in=area_ids)
    areas = list(areas)
    for done, area in enumerate(areas, start=1):
        compute_area(area, today=today, kinds=kinds)
        if progress is not None:
            progress(done, len(areas))
    # Periods that are neither current nor previous any more are never read: drop them.
    oldest = min(Period.containing(today, kind).previous().start for kind in PERIOD_KINDS)
    DashboardRollup.objects.filter(period_start__lt=oldest).delete()
    return len(areas)


# ---------------------------------------------------------------- what a reader may use


@dataclass
class RollupView:
    computed_at: datetime.datetime
    current: dict
    previous: dict | None
    children: dict  # {area pk: values of the same period}
    rule_counts: dict | None


def _fresh_since() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=_settings()["MAX_AGE_HOURS"])


def reader_sees_all_under(actor, area: Area) -> bool:
    if scoping.is_city_admin(actor):
        return True
    return any(grant.area_path is not None and area.path.startswith(grant.area_path)
               for grant in scoping.grants_for(actor) if grant.role in scoping.GENERAL_ROLES)


def view_for(actor, focus: Area | None, period: Period, children: list[Area]) -> RollupView | None:
    """The rolled-up figures this actor may be shown for ``focus`` and ``period``, or None
    (compute live). Two queries: the period rows of the focus and its children, the rule counts."""
    if focus is None or focus.depth > _settings()["DEPTH"] or not reader_sees_all_under(actor, focus):
        return None
    fresh_since = _fresh_since()
    previous = period.previous()
    rows = DashboardRollup.objects.filter(
        area__in=[focus.pk, *(child.pk for child in children)], period_kind=period.kind,
        period_start__in=[period.start, previous.start], computed_at__gte=fresh_since,
    ).only("area_id", "period_start", "values", "computed_at")
    by_key = {(row.area_id, row.period_start): row for row in rows}
    current = by_key.get((focus.pk, period.start))
    if current is None:
        return None
    previous_row = by_key.get((focus.pk, previous.start))
    child_rows = {child.pk: by_key.get((child.pk, period.start)) for child in children}
    counts = RuleCountRollup.objects.filter(area=focus, computed_at__gte=fresh_since).first()
    return RollupView(
        computed_at=current.computed_at,
        current={key: decode(value) for key, value in current.values.items()},
        previous=({key: decode(value) for key, value in previous_row.values.items()}
                  if previous_row is not None else None),
        children=({pk: {key: decode(value) for key, value in row.values.items()} for pk, row in child_rows.items()}
                  if children and all(row is not None for row in child_rows.values()) else {}),
        rule_counts=counts.counts if counts is not None else None,
    )
