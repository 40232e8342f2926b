"""The in-service member's card on the portal home page: where they reported and the hours the
community has confirmed this year (SVC-01), or, for an in-service member not yet registered, the
invitation to register with the community where they live. Reads only the member's own open
report (one query; the member's residence is already loaded with the account)."""

import datetime
from decimal import Decimal

from django.db.models import Q, Sum
from django.urls import reverse

from dangjian.coverage.models import CommunityService
from dangjian.coverage.rules import hours_per_year
from dangjian.members.models import Employment
from dangjian.portal.cards import Card, register


@register(key="coverage.service", title="到社区报到服务", order=60)
def community_service(member, *, today: datetime.date):
    registration = (CommunityService.objects.filter(member=member, ended_on=None).select_related("community", "post")
                    .annotate(hours=Sum("records__hours", filter=Q(records__confirmed_on__isnull=False,
                                                                    records__served_on__year=today.year)))
                    .first())
    link = reverse("coverage_portal:service")
    if registration is None:
        if member.employment != Employment.EMPLOYED or member.residence_area_id is None:
            return None
        return Card(lines=["您是在职党员，可以到居住的社区报到，选择一个服务岗位。"], link=link)
    hours = registration.hours or Decimal(0)
    return Card(lines=[f"报到社区：{registration.community.name}（{registration.post.name}）",
                       f"今年社区已确认服务 {hours:.1f} 小时（参考：每年 {hours_per_year()} 小时）"], link=link)
