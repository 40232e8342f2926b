"""Dues indicators: the amount collected, the collection rate, and members behind.

* 收缴金额: the sum of payments made (``paid_on``) in the period, whatever months they cover.
* 收缴率: member-months paid ÷ member-months due, over the period's months up to the current one
  (a member is due from their first declaration; exempted months are not due). Each part is one
  aggregate query over the scope.
* 欠缴党员: on-roll members with ``DUES_ARREARS_WARN_MONTHS`` (3) or more consecutive unpaid months
  before the period's end — the MEM-02 warning, ahead of the DUES-10 finding at six.
"""

import datetime

from django.conf import settings
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from dangjian.core.registry import metrics
from dangjian.dues import selectors
from dangjian.dues.amounts import month_start, months_from
from dangjian.dues.models import DuesExemption, DuesPayment
from dangjian.members.models import Member, Standing

MEMBER_AREA = "organization__area__"
RECORD_AREA = "member__organization__area__"


def _index_url(scope):
    return reverse("dues:index")


def _months(period) -> list:
    end = min(month_start(period.end), month_start(timezone.localdate()))
    return months_from(period.start, end)


@metrics.register(key="dues.collected", label="收缴党费", unit="元", records_url=_index_url,
                  description="期内交纳的党费金额（含预交、补交）")
def dues_collected(scope, period):
    payments = scope.narrow(DuesPayment.objects.filter(paid_on__gte=period.start, paid_on__lte=period.end),
                            RECORD_AREA)
    return payments.order_by().aggregate(total=Sum("amount"))["total"] or 0


@metrics.register(key="dues.collection_rate", label="党费收缴率", unit="%", records_url=_index_url,
                  description="期内各月已交纳的党员人月数占应交人月数的比例（已批准减免的月份不计）")
def dues_collection_rate(scope, period):
    months = _months(period)
    if not months:
        return None
    due = selectors.due_member_months(scope.narrow(Member.objects.all(), MEMBER_AREA), months)
    due -= selectors.exempt_member_months(scope.narrow(DuesExemption.objects.all(), RECORD_AREA), months)
    if due <= 0:
        return None
    paid = scope.narrow(DuesPayment.objects.filter(month__gte=months[0], month__lte=months[-1],
                                                   member__standing=Standing.ACTIVE), RECORD_AREA).order_by().count()
    return round(min(100.0, 100 * paid / due), 1)


@metrics.register(key="dues.arrears_members", label="欠缴党费3个月以上党员", unit="人", records_url=_index_url,
                  description="截至期末连续3个月以上未交纳党费且未登记理由的在册党员（RULES.md MEM-02 预警）")
def dues_arrears_members(scope, period):
    on_date = min(period.end + datetime.timedelta(days=1), timezone.localdate())
    members = scope.narrow(Member.objects.all(), MEMBER_AREA)
    warn = int(settings.DANGJIAN_RULES["DUES_ARREARS_WARN_MONTHS"])
    return selectors.consecutive_unpaid(members, months=warn, on_date=on_date).order_by().count()
