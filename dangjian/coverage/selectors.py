"""Reads of coverage and co-construction that reach a user, each narrowed by accounts.scoping:
outside scope is a 404 that says nothing; lists hold only what the actor may see.

The board counts every unit under an area in one query (statuses of the units, bucketed by the
child area their path falls under), whatever the depth of the drill-down.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.coverage.derivation import counted_units, instructor_active_q, rates, with_coverage
from dangjian.coverage.models import (
    BlankSpotRecord,
    CommunityService,
    CoverageStatus,
    Instructor,
    InstructorAssignment,
    InstructorVisit,
    Pairing,
    ServicePost,
    ServiceRecord,
)
from dangjian.coverage.services import path_prefixes, street_of
from dangjian.organizations.metrics import COMMUNITY_PATH_LENGTH
from dangjian.organizations.models import Area, AreaLevel, OrganizationKind, PartyOrganization, Unit


def _get(queryset: QuerySet, pk, message: str):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message) from None


# ---------------------------------------------------------------- units and the board


def units_for(actor, on_date: datetime.date | None = None) -> QuerySet:
    """Counted units (两新组织, operating) in scope, with their derived coverage."""
    return with_coverage(counted_units(scoping.narrow(actor, Unit.objects.all())),
                         on_date or timezone.localdate()).select_related("area")


def unit_get_for(actor, pk) -> Unit:
    """Any unit in scope (also one not counted: its page says so), with its derived coverage."""
    return _get(with_coverage(scoping.narrow(actor, Unit.objects.all()), timezone.localdate())
                .select_related("area", "coverage_profile"), pk, "单位不存在。")


def top_area_for(actor) -> Area | None:
    """Where the board starts: the city for a city administrator, else the actor's highest area."""
    areas = scoping.narrow(actor, Area.objects.all()).order_by("depth", "path")
    return areas.first()


def board_area_get_for(actor, pk) -> Area:
    """An area whose board the actor may open: one in scope, or one above an area they administer
    (a street administrator starts from their district; the figures there are still only what
    they see, so the district's other streets stay hidden)."""
    area = _get(Area.objects.all(), pk, "区域不存在。")
    if scoping.can_see(actor, area) or any(
            grant.is_general and grant.area_path and grant.area_path.startswith(area.path)
            for grant in scoping.grants_for(actor)):
        return area
    raise Http404("区域不存在。")


def board(actor, area: Area, on_date: datetime.date | None = None) -> dict:
    """Coverage of ``area`` and of each child area, and (at community level) of each unit.
    ``area`` must be one the actor sees (``organizations.selectors.area_get_for``)."""
    on_date = on_date or timezone.localdate()
    units = units_for(actor, on_date).filter(area__path__startswith=area.path)
    rows = list(units.values_list("pk", "area__path", "coverage"))
    children = list(scoping.narrow(actor, Area.objects.filter(path__startswith=area.path, depth=area.depth + 1))
                    .order_by("path"))
    by_child = defaultdict(list)
    for _pk, path, status in rows:
        by_child[path[:len(area.path) + Area.steplen]].append(status)
    return {
        "area": area,
        "totals": rates([status for _pk, _path, status in rows]),
        "children": [{"area": child, **rates(by_child.get(child.path, []))} for child in children],
        "units": list(units.order_by("name_pinyin", "pk")) if area.level in (AreaLevel.COMMUNITY,
                                                                             AreaLevel.GRID) else [],
    }


def uncovered_units_for(actor, area: Area | None = None) -> QuerySet:
    units = units_for(actor).filter(coverage=CoverageStatus.NONE)
    if area is not None:
        units = units.filter(area__path__startswith=area.path)
    return units.order_by("area__path", "name_pinyin", "pk")


def joint_branches_for(actor, unit: Unit) -> QuerySet:
    """Joint branches in the unit's street the actor may change (the choices to bring it into)."""
    street = street_of(unit.area)
    return scoping.narrow(actor, PartyOrganization.objects.filter(
        kind=OrganizationKind.JOINT_BRANCH, is_active=True, area__path__startswith=street.path), write=True) \
        .order_by("name_pinyin")


def covering_organizations(unit: Unit) -> QuerySet:
    return PartyOrganization.objects.filter(Q(unit=unit) | Q(covered_units=unit), is_active=True).distinct() \
        .select_related("area")


# ---------------------------------------------------------------- blank spots


def blank_spot_records_for(actor, *, open_only: bool = False) -> QuerySet:
    records = scoping.narrow(actor, BlankSpotRecord.objects.all()).select_related("area", "unit")
    return records.filter(resolved_on=None) if open_only else records


# ---------------------------------------------------------------- instructors


def instructors_for(actor) -> QuerySet:
    return scoping.narrow(actor, Instructor.objects.all()).select_related("area", "user").annotate(
        open_assignments=Count("assignments", filter=Q(assignments__ended_on=None)))


def instructor_get_for(actor, pk) -> Instructor:
    return _get(instructors_for(actor), pk, "指导员不存在。")


def assignable_instructors_for(actor, unit: Unit) -> QuerySet:
    """Current instructors the actor sees whose appointing area contains the unit."""
    return instructors_for(actor).filter(instructor_active_q(timezone.localdate()),
                                         area__path__in=path_prefixes(unit.area))


def assignments_for(actor) -> QuerySet:
    return scoping.narrow(actor, InstructorAssignment.objects.all()).select_related(
        "instructor", "unit", "unit__area")


def assignment_get_for(actor, pk) -> InstructorAssignment:
    return _get(assignments_for(actor), pk, "指派不存在。")


def my_units(actor, instructor: Instructor) -> list[InstructorAssignment]:
    """The signed-in instructor's open assignments with the date of their last visit to each."""
    last = dict(InstructorVisit.objects.filter(instructor=instructor).values("unit").annotate(at=Max("visited_on"))
                .values_list("unit", "at"))
    assignments = list(InstructorAssignment.objects.filter(instructor=instructor, ended_on=None)
                       .select_related("unit", "unit__area").order_by("unit__name_pinyin"))
    for assignment in assignments:
        assignment.last_visit = last.get(assignment.unit_id)
    return assignments


def visits_for(actor) -> QuerySet:
    return scoping.narrow(actor, InstructorVisit.objects.all()).select_related("instructor", "unit", "unit__area")


# ---------------------------------------------------------------- pairings and service


def pairings_for(actor) -> QuerySet:
    return scoping.narrow(actor, Pairing.objects.all()).select_related(
        "community_organization", "unit_organization", "community_organization__area").annotate(
        activity_count=Count("activities"), last_activity=Max("activities__held_on"))


def pairing_get_for(actor, pk) -> Pairing:
    return _get(pairings_for(actor), pk, "结对不存在。")


def service_posts_for(actor) -> QuerySet:
    return scoping.narrow(actor, ServicePost.objects.all()).select_related("community").annotate(
        taken=Count("registrations", filter=Q(registrations__ended_on=None)))


def registrations_for(actor) -> QuerySet:
    return scoping.narrow(actor, CommunityService.objects.all()).select_related(
        "member", "member__organization", "community", "post").annotate(
        confirmed_hours=Sum("records__hours", filter=Q(records__confirmed_on__isnull=False)),
        recorded_hours=Sum("records__hours"))


def registration_get_for(actor, pk) -> CommunityService:
    return _get(registrations_for(actor), pk, "报到记录不存在。")


def service_records_for(actor) -> QuerySet:
    return scoping.narrow(actor, ServiceRecord.objects.all()).select_related(
        "registration", "registration__member", "registration__community")


def service_record_get_for(actor, pk) -> ServiceRecord:
    return _get(service_records_for(actor), pk, "服务记录不存在。")


# ---------------------------------------------------------------- the member's own (portal)


def member_home_community_path(member) -> str | None:
    """The path of the community the member lives in (a grid's community), or None."""
    residence = member.residence_area
    if residence is None or residence.level not in (AreaLevel.COMMUNITY, AreaLevel.GRID):
        return None
    return residence.path[:COMMUNITY_PATH_LENGTH]


def posts_for_member(member) -> QuerySet:
    """The open posts of the community where the member lives, with the places taken; nothing
    for a member without a residence community on file."""
    home = member_home_community_path(member)
    if home is None:
        return ServicePost.objects.none()
    return ServicePost.objects.filter(is_open=True, community__path=home).select_related("community").annotate(
        taken=Count("registrations", filter=Q(registrations__ended_on=None))).order_by("name", "pk")


def post_for_member(member, pk) -> ServicePost:
    """One post the member may pick (their community's, open); any other id: 404."""
    return _get(posts_for_member(member), pk, "服务岗位不存在。")


def registration_of_member(member) -> CommunityService | None:
    """The member's open registration with its confirmed hours (this year and in all)."""
    year = timezone.localdate().year
    confirmed = Q(records__confirmed_on__isnull=False)
    return (CommunityService.objects.filter(member=member, ended_on=None).select_related("community", "post")
            .annotate(confirmed_hours=Sum("records__hours", filter=confirmed),
                      confirmed_hours_year=Sum("records__hours", filter=confirmed & Q(records__served_on__year=year)))
            .first())


def records_of_member(member, limit: int = 50) -> list[ServiceRecord]:
    """The member's own service records, newest first (confirmed or waiting for the community)."""
    return list(ServiceRecord.objects.filter(registration__member=member).order_by("-served_on", "-pk")[:limit])
