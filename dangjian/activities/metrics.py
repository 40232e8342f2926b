"""Indicators over community activities: activities held and participation per community (the
seed's 党的组织、教育、活动进社区), and volunteer hours credited from check-ins."""

import datetime

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from dangjian.activities.models import Activity, ActivityKind, Registration
from dangjian.core.registry import metrics


def _bounds(period):
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min))
    return start, end


def _activities(scope, period):
    start, end = _bounds(period)
    return scope.narrow(Activity.objects.filter(starts_at__gte=start, starts_at__lt=end), "community__").order_by()


def _checkins(scope, period):
    start, end = _bounds(period)
    return scope.narrow(Registration.objects.filter(checked_in_at__gte=start, checked_in_at__lt=end),
                        "activity__community__").order_by()


def _list_url(scope):
    return reverse("activities:list")


@metrics.register(key="activities.held", label="社区活动", unit="场", records_url=_list_url,
                  description="期内开始的社区活动（党的组织、教育、活动进社区，志愿服务，主题党日）")
def activities_held(scope, period):
    return _activities(scope, period).count()


@metrics.register(key="activities.by_kind", label="社区活动类型", unit="场", breakdown=True, records_url=_list_url,
                  description="期内开始的社区活动按类型")
def activities_by_kind(scope, period):
    counts = dict(_activities(scope, period).values_list("kind").annotate(n=Count("pk")))
    return {str(label): counts.get(value, 0) for value, label in ActivityKind.choices}


@metrics.register(key="activities.participants", label="参加社区活动", unit="人次", records_url=_list_url,
                  description="期内扫码签到参加社区活动的党员人次")
def activities_participants(scope, period):
    return _checkins(scope, period).count()


@metrics.register(key="activities.by_community", label="各社区活动参与", unit="人次", breakdown=True, records_url=_list_url,
                  description="期内各社区活动的签到人次")
def activities_by_community(scope, period):
    rows = _checkins(scope, period).values_list("activity__community__name").annotate(n=Count("pk"))
    return {name: count for name, count in sorted(rows, key=lambda row: -row[1])}


@metrics.register(key="activities.volunteer_hours", label="志愿服务时长", unit="小时", records_url=_list_url,
                  description="期内志愿服务活动签到后按活动时长记入的志愿服务时长合计（不手工填报）")
def activities_volunteer_hours(scope, period):
    total = _checkins(scope, period).aggregate(total=Sum("volunteer_hours"))["total"]
    return float(total or 0)
