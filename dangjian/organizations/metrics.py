"""Indicators over the two trees (ARCHITECTURE.md: metric registry).

State metrics are counted "as of" the period's end: an organization counts from its
founding date, so comparing a period with the previous one shows what changed.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from dangjian.core.registry import metrics
from dangjian.organizations.models import (
    BASIC_ORGANIZATION_KINDS,
    AreaLevel,
    OrganizationKind,
    PartyOrganization,
)


def _existing_organizations(scope, period):
    return scope.organizations().filter(is_active=True).filter(
        Q(founded_on__isnull=True) | Q(founded_on__lte=period.end)
    )


def _organizations_url(scope):
    url = reverse("admin:organizations_partyorganization_changelist")
    return f"{url}?area__path__startswith={scope.focus_area.path}" if scope.focus_area else url


@metrics.register(key="organizations.total", label="党组织总数", unit="个", records_url=_organizations_url)
def organization_total(scope, period):
    return _existing_organizations(scope, period).count()


@metrics.register(key="organizations.by_kind", label="党组织数（按类别）", unit="个", breakdown=True,
                  records_url=_organizations_url)
def organizations_by_kind(scope, period):
    counts = dict(
        _existing_organizations(scope, period).order_by().values_list("kind").annotate(n=Count("pk"))
    )
    return {str(label): counts.get(kind, 0) for kind, label in OrganizationKind.choices}


def covered_communities(scope, period):
    """Communities in scope, each annotated with whether a basic organization is located there."""
    located_here = PartyOrganization.objects.filter(
        area__path__startswith=OuterRef("path"), is_active=True, kind__in=BASIC_ORGANIZATION_KINDS,
    ).filter(Q(founded_on__isnull=True) | Q(founded_on__lte=period.end))
    return scope.areas().filter(level=AreaLevel.COMMUNITY).annotate(covered=Exists(located_here))


@metrics.register(
    key="organizations.community_coverage_rate", label="社区党组织覆盖率", unit="%",
    description="建有党组织的社区 ÷ 社区总数（把党的工作覆盖到社区）",
    records_url=lambda scope: reverse("admin:organizations_area_changelist") + "?level=community",
)
def community_coverage_rate(scope, period):
    communities = covered_communities(scope, period)
    # Two plain counts: an aggregate filtered on the EXISTS annotation miscounts on SQLite.
    total = communities.count()
    if not total:
        return None
    return round(100 * communities.filter(covered=True).count() / total, 1)


@metrics.register(key="areas.communities", label="社区数", unit="个",
                  records_url=lambda scope: reverse("admin:organizations_area_changelist") + "?level=community")
def community_count(scope, period):
    return scope.areas().filter(level=AreaLevel.COMMUNITY).count()


@metrics.register(key="units.total", label="驻区单位数", unit="个",
                  records_url=lambda scope: reverse("admin:organizations_unit_changelist"))
def unit_total(scope, period):
    return scope.units().filter(is_operating=True).count()
