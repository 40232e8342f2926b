"""Indicators over the two trees (ARCHITECTURE.md: metric registry).

State metrics are counted "as of" the period's end: an organization counts from its
founding date, so comparing a period with the previous one shows what changed.

The figures the dashboard compares across the children of an area also have a ``by_area``
form: one GROUP BY over the path prefix of the children instead of one query per child.
"""

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import Substr
from django.urls import reverse

from dangjian.core.registry import metrics
from dangjian.organizations.models import (
    BASIC_ORGANIZATION_KINDS,
    Area,
    AreaLevel,
    OrganizationKind,
    PartyOrganization,
)

# CHILD_LEVEL fixes the levels: city → district → street → community, so every community sits
# at depth 4 and its path is the first 4 steps of the path of anything located inside it.
COMMUNITY_PATH_LENGTH = 4 * Area.steplen


def _existing_organizations(scope, period):
    return scope.organizations().filter(is_active=True).filter(
        Q(founded_on__isnull=True) | Q(founded_on__lte=period.end)
    )


def _organizations_url(scope):
    url = reverse("admin:organizations_partyorganization_changelist")
    return f"{url}?area__path__startswith={scope.focus_area.path}" if scope.focus_area else url


def _by_area(queryset, areas, path_field: str, **aggregates) -> dict:
    """{area.pk: {name: value}} for sibling ``areas``: ``queryset`` grouped by the prefix of
    ``path_field`` as long as the areas' paths (an indexed prefix range each, in one query)."""
    areas = list(areas)
    if not areas:
        return {}
    length = len(areas[0].path)
    under = Q()
    for area in areas:
        under |= Q(**{f"{path_field}__startswith": area.path})
    rows = (queryset.filter(under).order_by().annotate(prefix=Substr(path_field, 1, length))
            .values("prefix").annotate(**aggregates))
    by_prefix = {row.pop("prefix"): row for row in rows}
    empty = dict.fromkeys(aggregates, 0)
    return {area.pk: by_prefix.get(area.path, empty) for area in areas}


def _organization_total_by_area(scope, period, areas):
    rows = _by_area(_existing_organizations(scope, period), areas, "area__path", n=Count("pk"))
    return {pk: row["n"] for pk, row in rows.items()}


@metrics.register(key="organizations.total", label="党组织总数", unit="个", records_url=_organizations_url,
                  by_area=_organization_total_by_area)
def organization_total(scope, period):
    return _existing_organizations(scope, period).count()


@metrics.register(key="organizations.by_kind", label="党组织数（按类别）", unit="个", breakdown=True,
                  records_url=_organizations_url)
def organizations_by_kind(scope, period):
    counts = dict(
        _existing_organizations(scope, period).order_by().values_list("kind").annotate(n=Count("pk"))
    )
    return {str(label): counts.get(kind, 0) for kind, label in OrganizationKind.choices}


def _covered(scope, period) -> Q:
    """A community is covered when a basic organization existing at the period's end is located
    in it (or in one of its grids): its path is the community prefix of such an organization's
    area path. One hashed IN over the organizations under the focus, not an EXISTS per community."""
    located = PartyOrganization.objects.filter(is_active=True, kind__in=BASIC_ORGANIZATION_KINDS,
                                               area__depth__gte=4).filter(
        Q(founded_on__isnull=True) | Q(founded_on__lte=period.end))
    if scope.focus_area is not None:
        located = located.filter(area__path__startswith=scope.focus_area.path)
    return Q(path__in=located.order_by().values(prefix=Substr("area__path", 1, COMMUNITY_PATH_LENGTH)))


def covered_communities(scope, period):
    """Communities in scope, each annotated with whether a basic organization is located there."""
    return scope.areas().filter(level=AreaLevel.COMMUNITY).annotate(
        covered=ExpressionWrapper(_covered(scope, period), output_field=BooleanField()))


def _coverage(total: int, covered: int):
    return round(100 * covered / total, 1) if total else None


def _coverage_by_area(scope, period, areas):
    rows = _by_area(scope.areas().filter(level=AreaLevel.COMMUNITY), areas, "path",
                    total=Count("pk"), covered=Count("pk", filter=_covered(scope, period)))
    return {pk: _coverage(row["total"], row["covered"]) for pk, row in rows.items()}


@metrics.register(
    key="organizations.community_coverage_rate", label="社区党组织覆盖率", unit="%",
    description="建有党组织的社区 ÷ 社区总数（把党的工作覆盖到社区）",
    records_url=lambda scope: reverse("admin:organizations_area_changelist") + "?level=community",
    by_area=_coverage_by_area,
)
def community_coverage_rate(scope, period):
    counts = scope.areas().filter(level=AreaLevel.COMMUNITY).aggregate(
        total=Count("pk"), covered=Count("pk", filter=_covered(scope, period)))
    return _coverage(counts["total"], counts["covered"])


def _community_count_by_area(scope, period, areas):
    rows = _by_area(scope.areas().filter(level=AreaLevel.COMMUNITY), areas, "path", n=Count("pk"))
    return {pk: row["n"] for pk, row in rows.items()}


@metrics.register(key="areas.communities", label="社区数", unit="个",
                  records_url=lambda scope: reverse("admin:organizations_area_changelist") + "?level=community",
                  by_area=_community_count_by_area)
def community_count(scope, period):
    return scope.areas().filter(level=AreaLevel.COMMUNITY).count()


def _unit_total_by_area(scope, period, areas):
    rows = _by_area(scope.units().filter(is_operating=True), areas, "area__path", n=Count("pk"))
    return {pk: row["n"] for pk, row in rows.items()}


@metrics.register(key="units.total", label="驻区单位数", unit="个",
                  records_url=lambda scope: reverse("admin:organizations_unit_changelist"),
                  by_area=_unit_total_by_area)
def unit_total(scope, period):
    return scope.units().filter(is_operating=True).count()
