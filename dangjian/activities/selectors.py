"""Reads of community activities: staff through accounts.scoping (outside scope: 404); a member
sees the activities around them (the street of their organization and of where they live) and
their own registrations only."""

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.activities.models import Activity, Registration, RegistrationStatus
from dangjian.organizations.models import Area, AreaLevel

STREET_DEPTH = 3  # city → district → street


def _with_counts(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        taken=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)),
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
        checked_in=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)))


def activity_list_for(actor) -> QuerySet:
    return _with_counts(scoping.narrow(actor, Activity.objects.all())
                        .select_related("community", "organizer_organization", "organizer_unit")
                        ).order_by("-starts_at", "-id")


def activity_get_for(actor, pk) -> Activity:
    try:
        return activity_list_for(actor).get(pk=pk)
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise Http404("活动不存在。") from None


def activity_registrations(activity: Activity) -> QuerySet:
    return (activity.registrations.select_related("member", "member__organization")
            .order_by("status", "registered_at", "pk"))


def communities_for(actor) -> QuerySet:
    return scoping.narrow(actor, Area.objects.filter(level=AreaLevel.COMMUNITY), write=True).order_by("path")


# ---------------------------------------------------------------- the member's view


def _neighbourhood(member) -> list[str]:
    """Area paths whose activities the member is shown: the street of their organization and of
    where they live (a district-level organization: its whole area)."""
    paths = []
    for area in (member.organization.area, member.residence_area):
        if area is None:
            continue
        depth = min(area.depth, STREET_DEPTH)
        paths.append(area.path[: depth * Area.steplen])
    return paths


def activities_for_member(member, *, upcoming_only: bool = True) -> QuerySet:
    condition = Q(pk__in=[])
    for path in _neighbourhood(member):
        condition |= Q(community__path__startswith=path)
    queryset = _with_counts(Activity.objects.filter(condition).select_related(
        "community", "organizer_organization", "organizer_unit"))
    if upcoming_only:
        queryset = queryset.filter(starts_at__gt=timezone.now())
    return queryset.order_by("starts_at", "pk")


def activity_for_member(member, pk) -> Activity:
    """An activity the member may see: around them, or one they signed up for."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("活动不存在。") from None
    found = activities_for_member(member, upcoming_only=False).filter(pk=pk).first()
    if found is None:
        found = _with_counts(Activity.objects.filter(pk=pk, registrations__member=member)).first()
    if found is None:
        raise Http404("活动不存在。")
    return found


def registrations_of(member) -> QuerySet:
    return (Registration.objects.filter(member=member).exclude(status=RegistrationStatus.CANCELLED)
            .select_related("activity", "activity__community").order_by("-activity__starts_at", "-pk"))


def registration_of(member, activity):
    return Registration.objects.filter(member=member, activity=activity).first()


def volunteer_hours_of(member, year: int):
    return (Registration.objects.filter(member=member, checked_in_at__year=year)
            .aggregate(total=Sum("volunteer_hours"))["total"] or 0)
