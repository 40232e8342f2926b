"""The in-service member's card on the portal home page: where they reported and the hours the
community has confirmed this year (SVC-01). Reads only the member's own open report."""

import datetime
from decimal import Decimal

from django.db.models import Q, Sum

from dangjian.coverage.models import CommunityService
from dangjian.coverage.rules import hours_per_year
from dangjian.portal.cards import Card, register


@register(key="coverage.service", title="到社区报到服务", order=60)
def community_service(member, *, today: datetime.date):
    registration = (CommunityService.objects.filter(member=member, ended_on=None).select_related("community", "post")
                    .annotate(hours=Sum("records__hours", filter=Q(records__confirmed_on__isnull=False,
                                                                    records__served_on__year=today.year)))
                    .first())
    if registration is None:
        return None
    hours = registration.hours or Decimal(0)
    return Card(lines=[f"报到社区：{registration.community.name}（{registration.post.name}）",
                       f"今年社区已确认服务 {hours:.1f} 小时（参考：每年 {hours_per_year()} 小时）"])
