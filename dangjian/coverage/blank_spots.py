"""The blank-spot conditions (空白点), shared by the rules (what is open today, per scope) and the
history sync (when a spot was found and when and how it went away).

Each condition is a queryset over units annotated by ``derivation.with_coverage``; the rules
narrow it to the viewer's scope, the sync to an area subtree. Thresholds: COV-01 (3 full
members) from ``settings.DANGJIAN_RULES["COVERAGE_OWN_ORGANIZATION_FROM"]``.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import QuerySet

from dangjian.coverage.derivation import counted_units, with_coverage
from dangjian.coverage.models import CoverageStatus

OWN_ORGANIZATION = "COV-01"  # 3+ full members and no own organization: form one
JOINT_BRANCH = "COV-01J"  # 1–2 members, no organization, no joint branch: join or form one
INSTRUCTOR = "COV-02"  # staff, no members, not covered at all: assign an instructor
COMMUNITY = "ORG-08"  # a community without a party organization (the organizations app's rule)
UNIT_RULES = (OWN_ORGANIZATION, JOINT_BRANCH, INSTRUCTOR)

# How a spot went away, read from the unit's coverage when the sync no longer finds it.
RESOLVED_BY = {
    CoverageStatus.OWN: "已单独建立党组织",
    CoverageStatus.JOINT: "已纳入联合党支部",
    CoverageStatus.INSTRUCTOR: "已选派党建工作指导员",
}


def own_from() -> int:
    return int(settings.DANGJIAN_RULES.get("COVERAGE_OWN_ORGANIZATION_FROM", 3))


def needs_own_organization(units: QuerySet, on_date: datetime.date) -> QuerySet:
    return with_coverage(counted_units(units), on_date).filter(member_total__gte=own_from(), has_own=False)


def needs_joint_branch(units: QuerySet, on_date: datetime.date) -> QuerySet:
    return with_coverage(counted_units(units), on_date).filter(
        member_total__gte=1, member_total__lt=own_from(), has_own=False, has_joint=False)


def needs_instructor(units: QuerySet, on_date: datetime.date) -> QuerySet:
    return with_coverage(counted_units(units), on_date).filter(
        staff_count__gt=0, member_total=0, coverage=CoverageStatus.NONE)


CONDITIONS = {OWN_ORGANIZATION: needs_own_organization, JOINT_BRANCH: needs_joint_branch,
              INSTRUCTOR: needs_instructor}


def message(rule_code: str, unit) -> str:
    if rule_code == OWN_ORGANIZATION:
        return f"{unit.name}有正式党员{unit.member_total}名，尚未单独建立党组织。"
    if rule_code == JOINT_BRANCH:
        return f"{unit.name}有党员{unit.member_total}名，未建立党组织，也未纳入联合党支部。"
    return f"{unit.name}有从业人员{unit.staff_count}名，没有党员，也未选派党建工作指导员。"


def joint_candidates_by_unit(units: list, on_date: datetime.date | None = None) -> dict[int, list]:
    """For each unit needing a joint branch, its neighbours in the same community that could join
    with it: other counted units there with one or two members and no organization of their own
    (already in a joint branch or not: then it may join theirs). One query for all, not one per unit."""
    if not units:
        return {}
    from django.utils import timezone

    from dangjian.organizations.models import Unit

    on_date = on_date or timezone.localdate()
    area_ids = {unit.area_id for unit in units}
    neighbours = with_coverage(counted_units(Unit.objects.filter(area_id__in=area_ids)), on_date).filter(
        has_own=False, member_total__gte=1, member_total__lt=own_from()).only("pk", "name", "area_id").order_by("name_pinyin", "pk")
    by_area = defaultdict(list)
    for neighbour in neighbours:
        by_area[neighbour.area_id].append(neighbour)
    return {unit.pk: [n for n in by_area[unit.area_id] if n.pk != unit.pk] for unit in units}
