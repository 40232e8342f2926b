"""Every read of areas, organizations and units that reaches a user, narrowed to the actor."""

from django.db.models import QuerySet
from django.http import Http404

from dangjian.accounts import scoping
from dangjian.organizations.models import Area, PartyOrganization, Unit


def area_list_for(actor, *, level: str | None = None, under: Area | None = None) -> QuerySet:
    areas = scoping.narrow(actor, Area.objects.all()).order_by("path")
    if level:
        areas = areas.filter(level=level)
    if under is not None:
        areas = areas.filter(path__startswith=under.path)
    return areas


def area_get_for(actor, pk) -> Area:
    """The area, or Http404 — also when it exists outside the actor's scope."""
    try:
        return area_list_for(actor).get(pk=pk)
    except (Area.DoesNotExist, ValueError, TypeError):
        raise Http404("区域不存在。") from None


def organization_list_for(actor, *, kind: str | None = None, area: Area | None = None) -> QuerySet:
    organizations = (scoping.narrow(actor, PartyOrganization.objects.all())
                     .select_related("area", "unit").order_by("path"))
    if kind:
        organizations = organizations.filter(kind=kind)
    if area is not None:
        organizations = organizations.filter(area__path__startswith=area.path)
    return organizations


def organization_get_for(actor, pk) -> PartyOrganization:
    try:
        return organization_list_for(actor).get(pk=pk)
    except (PartyOrganization.DoesNotExist, ValueError, TypeError):
        raise Http404("党组织不存在。") from None


def unit_list_for(actor, *, sector: str | None = None, area: Area | None = None,
                  search: str | None = None) -> QuerySet:
    units = scoping.narrow(actor, Unit.objects.all()).select_related("area")
    if sector:
        units = units.filter(sector=sector)
    if area is not None:
        units = units.filter(area__path__startswith=area.path)
    if search:
        search = search.strip()
        units = units.filter(name__icontains=search) | units.filter(name_pinyin__startswith=search.lower())
    return units.order_by("name_pinyin", "id")


def unit_get_for(actor, pk) -> Unit:
    try:
        return unit_list_for(actor).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("单位不存在。") from None
