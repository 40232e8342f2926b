"""DUES-10 (→ MEM-02): members who have paid no dues for six consecutive months without a
recorded reason. A finding for the branch to consider (党章 Art. 9: the branch must consider
self-withdrawal), never a change of anyone's status; recording the reason (an exemption) or the
payment clears it. The months are ``DANGJIAN_RULES["DUES_ARREARS_FINDING_MONTHS"]``.

"Six consecutive months" are the six months before the check's month (the current month can
still be paid), all due (a declaration in force), none paid, none exempted. One query for the
count, one lazy query for the findings.
"""

import datetime

from django.conf import settings
from django.urls import reverse

from dangjian.core.registry import Finding, Severity, rules
from dangjian.dues.selectors import consecutive_unpaid
from dangjian.members.models import Member

MEMBER_AREA = "organization__area__"
CITATION = ("《关于中国共产党党费收缴、使用和管理的规定》（中组发〔2008〕3号）第13条；党章第九条"
            "（RULES.md DUES-10、MEM-02：连续六个月不交纳党费且无正当理由，视为自行脱党，由支部研究处理）")


def finding_months() -> int:
    return int(settings.DANGJIAN_RULES["DUES_ARREARS_FINDING_MONTHS"])


def _in_arrears(scope, on_date: datetime.date):
    members = scope.narrow(Member.objects.all(), MEMBER_AREA)
    return consecutive_unpaid(members, months=finding_months(), on_date=on_date)


@rules.register(
    code="DUES-10",
    title="党员连续六个月未交纳党费",
    citation=CITATION,
    severity=Severity.SERIOUS,
    action="党支部了解原因：有正当理由的登记减免或缓交；无正当理由的，由支部研究按党章规定处理。系统不改变党员状态。",
)
def dues_six_months_unpaid(scope, on_date: datetime.date):
    months = finding_months()
    members = _in_arrears(scope, on_date).select_related("organization").order_by("organization__path", "name_pinyin", "pk")
    for member in members.iterator(chunk_size=500):
        yield Finding(
            rule_code="DUES-10",
            message=f"{member.organization.name}的党员{member.name}已连续{months}个月以上未交纳党费，且未登记正当理由。",
            subject=member,
            anchor_label=member.organization.name,
            records_url=reverse("dues:arrears", args=[member.organization_id]),
            detail={"months": months},
        )


@rules.counts("DUES-10")
def count_dues_six_months_unpaid(scope, on_date: datetime.date) -> int:
    return _in_arrears(scope, on_date).order_by().count()
