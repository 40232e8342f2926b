"""Reads of residents' concerns that reach a user.

Staff read through ``concern_list_for``/``concern_get_for``, narrowed by accounts.scoping (the
community's area administrators, and the organization handling it): outside scope is a 404.
A resident reads one concern by its tracking code and sees only the public timeline; a code
that is malformed and a code that does not exist get the same answer.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.concerns.models import OPEN_STATUSES, Concern, ConcernEvent, ConcernStatus
from dangjian.concerns.tracking import normalize_tracking_code
from dangjian.organizations.models import Area, AreaLevel

# A select longer than this is no help to anyone: the nearest ones are listed first.
ASSIGNEE_CHOICES_MAX = 300


def concern_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, Concern.objects.all()).select_related(
        "community", "assigned_organization", "assigned_organization__area", "assigned_unit",
        "assigned_member", "assigned_member__organization", "assigned_member__organization__area")


def concern_get_for(actor, pk) -> Concern:
    try:
        return concern_list_for(actor).select_related("created_by").get(pk=pk)
    except (Concern.DoesNotExist, ValueError, TypeError):
        raise Http404("诉求不存在。") from None


def concern_filter(queryset: QuerySet, *, status: str = "", category: str = "", overdue: bool = False,
                   unassigned: bool = False, area: Area | None = None, code: str = "", on_date=None) -> QuerySet:
    """The staff list's filters; every argument is optional."""
    on_date = on_date or timezone.localdate()
    if status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category=category)
    if overdue:
        queryset = queryset.filter(status__in=OPEN_STATUSES, deadline__lt=on_date)
    if unassigned:
        queryset = queryset.filter(status=ConcernStatus.RECEIVED)
    if area is not None:
        queryset = queryset.filter(community__path__startswith=area.path)
    if code:
        normalized = normalize_tracking_code(code)
        queryset = queryset.filter(tracking_code=normalized) if normalized else queryset.none()
    return queryset


def concern_timeline(concern: Concern, *, public_only: bool) -> QuerySet:
    events = ConcernEvent.objects.filter(concern=concern).select_related("actor")
    return events.filter(public=True) if public_only else events


def concern_by_tracking_code(raw: str) -> Concern | None:
    """The concern a resident's code names, or None — for a malformed code too (no hint)."""
    code = normalize_tracking_code(raw)
    if not code:
        return None
    return Concern.objects.select_related("community", "assigned_organization", "assigned_unit",
                                          "assigned_member").filter(tracking_code=code).first()


def communities_by_street(*, writable_by=None) -> list[tuple[str, list[tuple[int, str]]]]:
    """Communities grouped under "district street", for a select (two queries): every community
    for the public page, or those ``writable_by`` may take concerns in for the staff form."""
    names = dict(Area.objects.filter(level__in=(AreaLevel.DISTRICT, AreaLevel.STREET)).values_list("path", "name"))
    groups: dict[str, list[tuple[int, str]]] = {}
    communities = Area.objects.filter(level=AreaLevel.COMMUNITY)
    if writable_by is not None:
        communities = scoping.narrow(writable_by, communities, write=True)
    communities = communities.order_by("path").values_list("pk", "name", "path")
    step = Area.steplen
    for pk, name, path in communities:
        street_path = path[:-step]
        label = f"{names.get(street_path[:-step], '')} {names.get(street_path, '')}".strip()
        groups.setdefault(label, []).append((pk, name))
    return list(groups.items())


def community_for_public(pk) -> Area | None:
    try:
        return Area.objects.filter(level=AreaLevel.COMMUNITY, pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def areas_for_filter(actor) -> QuerySet:
    """Streets and communities in the actor's scope, for the list's area filter."""
    return (scoping.narrow(actor, Area.objects.all())
            .filter(Q(level=AreaLevel.STREET) | Q(level=AreaLevel.COMMUNITY)).order_by("path"))


def assignee_choices(actor, concern: Concern) -> dict:
    """Who the actor may hand ``concern`` to, for the assign form (three queries): the party
    organizations and units in the actor's scope in the concern's street, and the on-roll
    members of the organizations in its community."""
    from dangjian.members.models import Member, Standing
    from dangjian.organizations.models import PartyOrganization, Unit

    street_path = concern.community.path[: -Area.steplen]
    organizations = (scoping.narrow(actor, PartyOrganization.objects.filter(is_active=True))
                     .filter(area__path__startswith=street_path).only("pk", "name").order_by("path"))
    units = (scoping.narrow(actor, Unit.objects.filter(is_operating=True))
             .filter(area__path__startswith=street_path).only("pk", "name").order_by("name_pinyin", "pk"))
    members = (scoping.narrow(actor, Member.objects.filter(standing=Standing.ACTIVE))
               .filter(organization__area=concern.community).select_related("organization")
               .only("pk", "name", "organization__name").order_by("name_pinyin", "pk"))
    return {"organizations": list(organizations[:ASSIGNEE_CHOICES_MAX]), "units": list(units[:ASSIGNEE_CHOICES_MAX]),
            "members": list(members[:ASSIGNEE_CHOICES_MAX])}
