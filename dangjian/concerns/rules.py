"""Checks over residents' concerns (CON-01 overdue, CON-02 not assigned in time).

RULES.md has no national figure for how fast a community must handle a resident's concern: the
deadlines by category and the days allowed before assignment are local practice, read from
``settings.DANGJIAN_RULES`` (CONCERN_DEADLINE_DAYS, CONCERN_ASSIGN_WITHIN_DAYS) and configurable
by each deployment. What the rules serve is the seed's charge to solve "the hard and hot
problems" in the community. A rule flags; it never changes a concern. Each check is one query
over the scope, read lazily (the dashboard takes the first few findings of each rule).
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from dangjian.concerns.models import Concern, ConcernStatus
from dangjian.core.registry import Finding, Severity, rules

CONCERN_AREA = "community__"
SEED = ("种子材料《大力推进社区党的建设，努力拓展城市党建工作新领域》：“把党建工作的难点热点问题解决到社区”"
        "（下岗、就业、医疗、外来人口管理、老年人服务、社会治安）")
_PK = 987654321


def _detail_urls():
    template = reverse("concerns:detail", args=[_PK])
    return lambda pk: template.replace(str(_PK), str(pk))


def _scoped(scope, queryset):
    return scope.narrow(queryset, CONCERN_AREA).select_related("community").order_by()


@rules.register(
    code="CON-01",
    title="群众诉求超过办理时限未办结",
    citation=f"{SEED}；办理时限按类别确定，为本地做法（RULES.md 无全国统一规定，"
             "在 DANGJIAN_RULES.CONCERN_DEADLINE_DAYS 中配置）",
    severity=Severity.WARNING,
    action="督促承办的党组织、单位或党员尽快办理并答复居民；确需延长的，向居民说明情况。",
)
def concerns_overdue(scope, on_date: datetime.date):
    url = _detail_urls()
    overdue = _scoped(scope, _overdue(on_date)).order_by("deadline", "pk")
    for concern in overdue.iterator(chunk_size=500):
        days = (on_date - concern.deadline).days
        handler = f"，承办：{concern.assignee_label}" if concern.assignee is not None else "，尚未交办"
        yield Finding(
            rule_code="CON-01",
            message=(f"{concern.community.name}的{concern.get_category_display()}诉求（第{concern.pk}号）"
                     f"已超过办理时限{days}天（时限{concern.deadline:%Y-%m-%d}）{handler}。"),
            subject=concern,
            anchor_label=concern.community.name,
            records_url=url(concern.pk),
            detail={"days_overdue": days, "status": concern.status, "reopened": concern.reopen_count},
        )


def _overdue(on_date: datetime.date):
    return Concern.objects.overdue(on_date)


@rules.counts("CON-01")
def count_concerns_overdue(scope, on_date: datetime.date) -> int:
    return scope.narrow(_overdue(on_date), CONCERN_AREA).order_by().count()


@rules.register(
    code="CON-02",
    title="群众诉求受理后未及时交办",
    citation=f"{SEED}；受理后交办期限为本地做法（RULES.md 无全国统一规定，"
             "在 DANGJIAN_RULES.CONCERN_ASSIGN_WITHIN_DAYS 中配置）",
    severity=Severity.WARNING,
    action="社区及时研判，交办给相关党组织、驻区单位或党员办理。",
)
def concerns_unassigned(scope, on_date: datetime.date):
    within = _assign_within_days()
    url = _detail_urls()
    waiting = _scoped(scope, _unassigned(on_date))
    for concern in waiting.order_by("received_at", "pk").iterator(chunk_size=500):
        days = (on_date - timezone.localdate(concern.received_at)).days
        yield Finding(
            rule_code="CON-02",
            message=(f"{concern.community.name}的{concern.get_category_display()}诉求（第{concern.pk}号）"
                     f"受理已{days}天仍未交办（应在{within}天内交办）。"),
            subject=concern,
            anchor_label=concern.community.name,
            records_url=url(concern.pk),
            detail={"days_waiting": days, "within": within},
        )


def _assign_within_days() -> int:
    return int(settings.DANGJIAN_RULES.get("CONCERN_ASSIGN_WITHIN_DAYS", 2))


def _unassigned(on_date: datetime.date):
    cutoff = timezone.make_aware(datetime.datetime.combine(on_date - datetime.timedelta(days=_assign_within_days()),
                                                           datetime.time.min))
    return Concern.objects.filter(status=ConcernStatus.RECEIVED, received_at__lt=cutoff)


@rules.counts("CON-02")
def count_concerns_unassigned(scope, on_date: datetime.date) -> int:
    return scope.narrow(_unassigned(on_date), CONCERN_AREA).order_by().count()
