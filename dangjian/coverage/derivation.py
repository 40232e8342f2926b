"""Coverage derived from the records, never typed in (COV-01, COV-02, COV-03).

A unit is covered by its *own* party organization (an active organization whose ``unit`` is it),
by a *joint* branch (an active organization listing it in ``covered_units``), or — work coverage
only — by an *instructor* (an open assignment of an instructor whose appointment is current).
Members employed there are counted from the registry (full members in good standing whose
``workplace_unit`` is it) plus the street's manual figure for those registered elsewhere.

Everything is one annotated queryset (EXISTS and COUNT subqueries), so a list of units or a
board over a district costs one query whatever its size, on SQLite and PostgreSQL alike.
"""

import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from dangjian.coverage.models import CoverageStatus, InstructorAssignment, UnitProfile
from dangjian.members.models import Member, MemberStatus, Standing
from dangjian.organizations.models import NEW_ORGANIZATION_SECTORS, PartyOrganization, Unit

ORGANIZED = (CoverageStatus.OWN, CoverageStatus.JOINT)
WORKED = (*ORGANIZED, CoverageStatus.INSTRUCTOR)


def _count(queryset: QuerySet) -> Subquery:
    return Coalesce(Subquery(queryset.order_by().values("workplace_unit").annotate(n=Count("pk")).values("n")[:1],
                             output_field=IntegerField()), Value(0))


def active_assignments(on_date: datetime.date) -> QuerySet:
    """Open assignments of instructors whose appointment runs on ``on_date``."""
    return InstructorAssignment.objects.filter(ended_on=None, started_on__lte=on_date).filter(
        instructor_active_q(on_date, prefix="instructor__"))


def instructor_active_q(on_date: datetime.date, *, prefix: str = "") -> Q:
    """An appointment not ended and within its term on ``on_date``."""
    return Q(**{f"{prefix}ended_on": None, f"{prefix}appointed_on__lte": on_date, f"{prefix}term_ends_on__gt": on_date})


def with_coverage(queryset: QuerySet, on_date: datetime.date) -> QuerySet:
    """``queryset`` of Units annotated with ``full_members``, ``members_elsewhere``,
    ``member_total``, ``has_own``, ``has_joint``, ``has_instructor`` and ``coverage``."""
    unit = OuterRef("pk")
    full = Member.objects.filter(workplace_unit=unit, status=MemberStatus.FULL, standing=Standing.ACTIVE)
    return queryset.annotate(
        full_members=_count(full),
        members_elsewhere=Coalesce(Subquery(UnitProfile.objects.filter(unit=unit)
                                            .values("members_registered_elsewhere")[:1]), Value(0)),
        has_own=Exists(PartyOrganization.objects.filter(unit=unit, is_active=True)),
        has_joint=Exists(PartyOrganization.covered_units.through.objects.filter(
            unit_id=unit, partyorganization__is_active=True)),
        has_instructor=Exists(active_assignments(on_date).filter(unit=unit)),
    ).annotate(
        member_total=F("full_members") + F("members_elsewhere"),
        coverage=Case(
            When(has_own=True, then=Value(CoverageStatus.OWN.value)),
            When(has_joint=True, then=Value(CoverageStatus.JOINT.value)),
            When(has_instructor=True, then=Value(CoverageStatus.INSTRUCTOR.value)),
            default=Value(CoverageStatus.NONE.value),
        ),
    )


def counted_units(queryset: QuerySet | None = None) -> QuerySet:
    """The units coverage counts (COV-03): 两新组织 actually operating. Agencies, institutions and
    state enterprises organize through their own systems and are not in the denominator."""
    queryset = Unit.objects.all() if queryset is None else queryset
    return queryset.filter(sector__in=NEW_ORGANIZATION_SECTORS, is_operating=True)


def rates(statuses: list[str]) -> dict:
    """Organization and work coverage rates (percent, one decimal) over a list of statuses."""
    total = len(statuses)
    organized = sum(1 for status in statuses if status in ORGANIZED)
    worked = sum(1 for status in statuses if status in WORKED)
    return {
        "units": total,
        "own": sum(1 for status in statuses if status == CoverageStatus.OWN),
        "joint": sum(1 for status in statuses if status == CoverageStatus.JOINT),
        "instructor": sum(1 for status in statuses if status == CoverageStatus.INSTRUCTOR),
        "uncovered": total - worked,
        "organization_rate": round(100 * organized / total, 1) if total else None,
        "work_rate": round(100 * worked / total, 1) if total else None,
    }
