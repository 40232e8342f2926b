"""The audiences of many education plans at once, in a constant number of queries.

A plan's audience is the on-roll members under its school's area, narrowed to its care group
(selectors.audience_under); its figures are their study hours of the plan's year. Asking each
plan in turn is one query per plan — thousands at city scope. Here the plans are taken together
by (year, care group): one query per pair (at most two years × five groups) reads the members
under all those schools' areas, grouped by the area their organization sits in, with the count,
the hours and a conditional count per threshold asked for; each plan then adds up the areas
under its school in Python (one row per area holding members: a few thousand at most). The
results equal the per-plan computation, and the care groups stay the members app's definitions.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from dangjian.organizations.models import Area
from dangjian.school import selectors
from dangjian.school.models import EducationPlan


@dataclass
class Totals:
    """One plan's audience: how many, their hours, and how many reach each threshold asked for."""

    members: int = 0
    hours: Decimal = Decimal("0")
    reaching: dict = field(default_factory=dict)  # threshold → members with at least that many hours


def roots(paths: Iterable[str]) -> list[str]:
    """The fewest area paths covering ``paths`` (a street's school covers its communities')."""
    found: list[str] = []
    for path in sorted(set(paths)):
        if not found or not path.startswith(found[-1]):
            found.append(path)
    return found


def under_any(paths: Iterable[str]) -> Q:
    where = Q(pk__in=[])
    for path in roots(paths):
        where |= Q(organization__area__path__startswith=path)
    return where


def groups(plans: Iterable[EducationPlan]) -> dict[tuple[int, str], list[EducationPlan]]:
    by_kind: dict[tuple[int, str], list[EducationPlan]] = defaultdict(list)
    for plan in plans:
        by_kind[(plan.year, plan.audience)].append(plan)
    return by_kind


def plan_totals(plans: Iterable[EducationPlan], threshold: Callable[[EducationPlan], Decimal]) -> dict[int, Totals]:
    """Each plan's (pk →) Totals, with ``reaching`` holding the count for ``threshold(plan)``.
    One query per (year, care group) among ``plans``; the plans need ``school__area`` loaded."""
    result: dict[int, Totals] = {}
    for (year, audience), members_of in groups(plans).items():
        levels = sorted({threshold(plan) for plan in members_of})
        names = {level: f"reaching_{index}" for index, level in enumerate(levels)}
        rows = (selectors.audience_under(under_any(plan.school.area.path for plan in members_of), audience)
                .annotate(study_hours=selectors.hours_in_year(year))
                .order_by().values("organization__area__path")
                .annotate(n=Count("pk"), total=Sum("study_hours"),
                          **{name: Count("pk", filter=Q(study_hours__gte=level)) for level, name in names.items()}))
        by_path: dict[str, list[EducationPlan]] = defaultdict(list)
        for plan in members_of:
            result[plan.pk] = Totals(reaching={threshold(plan): 0})
            by_path[plan.school.area.path].append(plan)
        for row in rows:
            path = row["organization__area__path"]
            # the schools holding this area sit at it or above it: walk its ancestors, not the plans
            for end in range(Area.steplen, len(path) + 1, Area.steplen):
                for plan in by_path.get(path[:end], ()):
                    totals, level = result[plan.pk], threshold(plan)
                    totals.members += row["n"]
                    totals.hours += selectors.as_hours(row["total"])
                    totals.reaching[level] += row[names[level]]
    return result
