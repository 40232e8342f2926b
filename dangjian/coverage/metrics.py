"""Coverage and co-construction indicators (RULES.md COV-03, COV-04, SVC-01, SVC-02): coverage
rates of 两新组织, blank spots found and resolved in the period, instructor visits, pairings and
their activities, reported in-service members and their confirmed hours. Each is computed from
the records, per scope (the dashboard rolls them up and drills down by area)."""

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from dangjian.core.registry import metrics
from dangjian.coverage.derivation import ORGANIZED, WORKED, counted_units, with_coverage
from dangjian.coverage.models import (
    BlankSpotRecord,
    CommunityService,
    InstructorVisit,
    Pairing,
    PairingActivity,
    ServiceRecord,
)
from dangjian.organizations.models import Unit


def _board_url(scope):
    return reverse("coverage:board")


_COUNTS_ATTR = "_coverage_counts"


def _counts(scope) -> dict:
    """Units counted, organized and worked in the scope: one query for both rates and both
    periods of a dashboard (coverage is today's state, not a period's), kept on the scope."""
    counts = getattr(scope, _COUNTS_ATTR, None)
    if counts is None:
        units = with_coverage(counted_units(scope.narrow(Unit.objects.all(), "area__")), timezone.localdate())
        counts = units.aggregate(total=Count("pk"), organized=Count("pk", filter=Q(coverage__in=ORGANIZED)),
                                 worked=Count("pk", filter=Q(coverage__in=WORKED)))
        setattr(scope, _COUNTS_ATTR, counts)
    return counts


def _rate(scope, key: str) -> float | None:
    counts = _counts(scope)
    return round(100 * counts[key] / counts["total"], 1) if counts["total"] else None


@metrics.register(key="coverage.organization_rate", label="两新组织党的组织覆盖率", unit="%", records_url=_board_url,
                  description="单独建立党组织或纳入联合党支部的两新组织 ÷ 正常经营的两新组织（COV-03）")
def organization_rate(scope, period):
    return _rate(scope, "organized")


@metrics.register(key="coverage.work_rate", label="两新组织党的工作覆盖率", unit="%", records_url=_board_url,
                  description="组织覆盖或选派了党建工作指导员的两新组织 ÷ 正常经营的两新组织（COV-02、COV-03）")
def work_rate(scope, period):
    return _rate(scope, "worked")


def _blank_spots_url(scope):
    return reverse("coverage:blank_spots")


@metrics.register(key="coverage.blank_spots_found", label="新发现空白点", unit="个", records_url=_blank_spots_url,
                  description="期内新发现的空白点（单位或社区）")
def blank_spots_found(scope, period):
    return scope.narrow(BlankSpotRecord.objects.filter(found_on__range=(period.start, period.end)), "area__").count()


@metrics.register(key="coverage.blank_spots_resolved", label="消除空白点", unit="个", records_url=_blank_spots_url,
                  description="期内消除的空白点")
def blank_spots_resolved(scope, period):
    return scope.narrow(BlankSpotRecord.objects.filter(resolved_on__range=(period.start, period.end)),
                        "area__").count()


@metrics.register(key="coverage.instructor_visits", label="指导员走访次数", unit="次",
                  records_url=lambda scope: reverse("coverage:instructors"),
                  description="期内党建工作指导员到联系单位走访指导的次数（COV-04）")
def instructor_visits(scope, period):
    return scope.narrow(InstructorVisit.objects.filter(visited_on__range=(period.start, period.end)),
                        "unit__area__").count()


def _active_pairings(scope, period):
    return scope.narrow(Pairing.objects.filter(signed_on__lte=period.end, term_ends_on__gt=period.start).filter(
        Q(ended_on=None) | Q(ended_on__gte=period.start)), "community_organization__area__")


@metrics.register(key="coverage.pairings_active", label="结对共建对数", unit="对",
                  records_url=lambda scope: reverse("coverage:pairings"),
                  description="期内有效的社区党组织与驻区单位党组织结对")
def pairings_active(scope, period):
    return _active_pairings(scope, period).count()


@metrics.register(key="coverage.activities_per_pairing", label="每对结对共建活动数", unit="次",
                  records_url=lambda scope: reverse("coverage:pairings"),
                  description="期内共建活动次数 ÷ 期内有效的结对数（SVC-02）")
def activities_per_pairing(scope, period):
    pairings = _active_pairings(scope, period).count()
    if not pairings:
        return None
    activities = scope.narrow(PairingActivity.objects.filter(held_on__range=(period.start, period.end)),
                              "pairing__community_organization__area__").count()
    return round(activities / pairings, 1)


@metrics.register(key="coverage.reported_members", label="在职党员到社区报到人数", unit="人",
                  records_url=lambda scope: reverse("coverage:services"),
                  description="期末仍在报到期内的在职党员（按报到社区统计，SVC-01）")
def reported_members(scope, period):
    return scope.narrow(CommunityService.objects.filter(registered_on__lte=period.end).filter(
        Q(ended_on=None) | Q(ended_on__gte=period.end)), "community__").count()


@metrics.register(key="coverage.service_hours", label="报到党员服务时长", unit="小时",
                  records_url=lambda scope: reverse("coverage:services"),
                  description="期内经社区确认的在职党员服务时长合计（SVC-01）")
def service_hours(scope, period):
    total = scope.narrow(ServiceRecord.objects.filter(served_on__range=(period.start, period.end),
                                                      confirmed_on__isnull=False), "registration__community__") \
        .aggregate(total=Sum("hours"))["total"]
    return float(total or 0)
