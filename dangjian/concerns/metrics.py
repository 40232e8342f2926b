"""Indicators over residents' concerns: how many came in, of which kinds, how they stand, how
fast they were resolved, and whether residents were satisfied.

"Received in the period" counts by intake time; resolution time counts concerns resolved in the
period (intake to the last resolution, reopenings included); satisfaction counts the ratings
given in the period (a concern rated 不满意 and later 满意 counts both ratings).
"""

import datetime
import statistics

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from dangjian.concerns.models import (
    SATISFIED_RATINGS,
    Concern,
    ConcernCategory,
    ConcernEvent,
    ConcernStatus,
    EventKind,
)
from dangjian.core.registry import metrics

CONCERN_AREA = "community__"


def _bounds(period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as an aware [start, end) datetime range (an index range, not a date cast)."""
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min))
    return start, end


def _received(scope, period):
    start, end = _bounds(period)
    return scope.narrow(Concern.objects.filter(received_at__gte=start, received_at__lt=end), CONCERN_AREA).order_by()


def _list_url(scope):
    return reverse("concerns:list")


def _overdue_url(scope):
    return f"{reverse('concerns:list')}?overdue=on"


@metrics.register(key="concerns.received", label="受理群众诉求", unit="件", records_url=_list_url,
                  description="期内受理的群众诉求（居民网上提交、电话、来访、走访发现）")
def concerns_received(scope, period):
    return _received(scope, period).count()


@metrics.register(key="concerns.overdue", label="超期未办结诉求", unit="件", records_url=_overdue_url,
                  description="期内受理、目前仍未办结且已过办理时限的诉求（CON-01）")
def concerns_overdue(scope, period):
    return _received(scope, period).overdue(timezone.localdate()).count()


@metrics.register(key="concerns.by_category", label="群众诉求类别", unit="件", breakdown=True, records_url=_list_url,
                  description="期内受理的群众诉求按类别")
def concerns_by_category(scope, period):
    counts = dict(_received(scope, period).values_list("category").annotate(n=Count("pk")))
    return {str(label): counts.get(value, 0) for value, label in ConcernCategory.choices}


@metrics.register(key="concerns.by_status", label="群众诉求办理状态", unit="件", breakdown=True,
                  records_url=_list_url, description="期内受理的群众诉求目前的办理状态")
def concerns_by_status(scope, period):
    counts = dict(_received(scope, period).values_list("status").annotate(n=Count("pk")))
    return {str(label): counts.get(value, 0) for value, label in ConcernStatus.choices}


def _resolution_days(scope, period) -> list[tuple[str, float]]:
    start, end = _bounds(period)
    resolved = scope.narrow(Concern.objects.filter(resolved_at__gte=start, resolved_at__lt=end), CONCERN_AREA)
    return [(category, (resolved_at - received_at).total_seconds() / 86400)
            for category, received_at, resolved_at in resolved.order_by().values_list(
                "category", "received_at", "resolved_at")]


@metrics.register(key="concerns.median_resolution_days", label="诉求办结用时（中位数）", unit="天",
                  records_url=_list_url, description="期内办结的诉求从受理到办结所用天数的中位数")
def concerns_median_resolution_days(scope, period):
    days = [value for _category, value in _resolution_days(scope, period)]
    return round(statistics.median(days), 1) if days else None


@metrics.register(key="concerns.resolution_days_by_category", label="各类诉求办结用时（中位数）", unit="天", records_url=_list_url,
                  breakdown=True, description="期内办结的诉求按类别，从受理到办结所用天数的中位数")
def concerns_resolution_days_by_category(scope, period):
    by_category: dict[str, list[float]] = {}
    for category, value in _resolution_days(scope, period):
        by_category.setdefault(category, []).append(value)
    return {str(label): round(statistics.median(by_category[value]), 1)
            for value, label in ConcernCategory.choices if value in by_category}


@metrics.register(key="concerns.satisfaction_rate", label="群众满意率", unit="%", records_url=_list_url,
                  description="期内居民评价中“满意”和“基本满意”所占比例")
def concerns_satisfaction_rate(scope, period):
    start, end = _bounds(period)
    ratings = scope.narrow(ConcernEvent.objects.filter(kind=EventKind.RATED, at__gte=start, at__lt=end),
                           "concern__community__").order_by()
    counts = dict(ratings.values_list("rating").annotate(n=Count("pk")))
    total = sum(counts.values())
    if not total:
        return None
    return round(100 * sum(counts.get(value, 0) for value in SATISFIED_RATINGS) / total, 1)
