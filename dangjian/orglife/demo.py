"""A year of organizational life in the demo city's branches, through the services.

Each branch gets a habit drawn from its own seeded stream: most keep their meetings, some let a
month or a quarter slip, a few are lax — so every LIFE rule fires somewhere, and the calendar
shows both held and missed periods. The annual meetings (LIFE-06/07) belong to last December;
a few branches skip the democratic review or both. Members' meetings and organizational life
meetings carry attendance: most present, some on leave or absent with a reason, and floating
members recorded as taking part where they are. A planned theme day next month feeds the
member's portal card.

Idempotent: a branch that already has meetings is skipped. ``--size district|city``: only the
first 40 branches (by path) get a year, the rest are left empty (logged) to keep the run short.
"""

import datetime
import random

from django.utils import timezone

from dangjian.core.demo import DemoContext, demo_builder
from dangjian.core.periods import Period, add_months
from dangjian.organizations.models import BRANCH_KINDS, PartyOrganization
from dangjian.orglife import services
from dangjian.orglife.compliance import branch_facts, frequency
from dangjian.orglife.models import MeetingKind, MeetingStatus, OrgLifeMeeting
from dangjian.orglife.selectors import meeting_roster

LARGE_SIZE_BRANCHES = 40
# habit → share of periods missed
HABITS = (("diligent", 0.0, 0.55), ("gappy", 0.12, 0.3), ("lax", 0.4, 0.15))
TOPICS = {
    MeetingKind.MEMBERS_MEETING: ("讨论接收预备党员", "学习贯彻党的二十届四中全会精神", "通报支部半年工作",
                                  "研究党员发展计划"),
    MeetingKind.COMMITTEE_MEETING: ("研究本月支部工作安排", "讨论党员教育管理", "研究社区服务项目"),
    MeetingKind.GROUP_MEETING: ("小组学习交流", "讨论联系服务群众"),
    MeetingKind.PARTY_LECTURE: ("书记讲党课：践行全心全意为人民服务宗旨", "党课：社区治理中的党员先锋作用",
                                "党课：学习党章 做合格党员"),
    MeetingKind.THEME_DAY: ("走访慰问困难党员", "环境整治志愿服务", "重温入党誓词", "参观红色教育基地",
                            "垃圾分类宣传"),
    MeetingKind.LIFE_MEETING: ("年度组织生活会：对照检查、批评与自我批评",),
    MeetingKind.DEMOCRATIC_REVIEW: ("年度民主评议党员",),
}
REASONS = ("外出务工", "身体不适", "家中有事", "单位加班", "出差")


@demo_builder(order=55)
def build_orglife(ctx: DemoContext) -> None:
    branches = PartyOrganization.objects.filter(kind__in=BRANCH_KINDS, is_active=True).order_by("path")
    done = set(OrgLifeMeeting.objects.values_list("organization_id", flat=True).distinct())
    facts = [fact for fact in branch_facts(branches) if fact.pk not in done]
    if ctx.size.bulk and len(facts) > LARGE_SIZE_BRANCHES:
        ctx.log(f"  组织生活：规模较大，仅为前{LARGE_SIZE_BRANCHES}个党支部生成一年的会议（其余{len(facts) - LARGE_SIZE_BRANCHES}个留空）")
        facts = facts[:LARGE_SIZE_BRANCHES]
    today = timezone.localdate()
    by_pk = PartyOrganization.objects.in_bulk([fact.pk for fact in facts])
    made = 0
    for fact in facts:
        rng = random.Random(f"dangjian-orglife:{fact.path}")  # noqa: S311 - demo data, not secrets
        made += _year(ctx, rng, by_pk[fact.pk], fact, today)
    ctx.log(f"  新增组织生活会议 {made} 次")


def _habit(rng) -> float:
    roll = rng.random()
    for _name, missed, share in HABITS:
        if roll < share:
            return missed
        roll -= share
    return HABITS[-1][1]


def _periods(kind: str, today: datetime.date) -> list[Period]:
    """The whole periods of the last 12 months, and for annual kinds last year."""
    kind_of_period = frequency(kind)
    current = Period.containing(today, kind_of_period)
    periods, period = [], current.previous()
    earliest = add_months(current.start, -12)
    while period.start >= earliest:
        periods.append(period)
        period = period.previous()
    return periods


def _year(ctx, rng, branch, fact, today) -> int:
    missed = _habit(rng)
    made = 0
    roster = None
    for kind in fact.kinds_due():
        skip_annual = kind == MeetingKind.DEMOCRATIC_REVIEW and rng.random() < 0.2
        for period in _periods(kind, today):
            if not fact.is_due(period) or skip_annual or (missed and rng.random() < missed):
                continue
            span = (period.end - period.start).days
            held_on = min(period.start + datetime.timedelta(days=rng.randint(0, span)), today)
            meeting = services.meeting_record(
                actor=ctx.actor, organization=branch, kind=kind, held_on=held_on, topic=rng.choice(TOPICS[kind]),
                host=branch.secretary_name or "支部书记", location="党群服务中心",
                minutes="会议由书记主持，传达学习有关精神，参会党员交流发言，会议形成有关意见。")
            made += 1
            if kind in (MeetingKind.MEMBERS_MEETING, MeetingKind.LIFE_MEETING):
                if roster is None:
                    roster = list(meeting_roster(meeting).prefetch_related("floating_records")[:30])
                _attendance(ctx, rng, meeting, roster)
    next_month = add_months(today.replace(day=1), 1)
    services.meeting_record(actor=ctx.actor, organization=branch, kind=MeetingKind.THEME_DAY,
                            status=MeetingStatus.PLANNED, held_on=next_month.replace(day=8),
                            topic="主题党日：走访慰问困难群众", host=branch.secretary_name or "支部书记",
                            location="党群服务中心")
    return made + 1


def _attendance(ctx, rng, meeting, roster) -> None:
    entries = []
    for member in roster:
        away = any(record.direction == "outflow" and record.started_on <= meeting.held_on
                   and (record.ended_on is None or record.ended_on >= meeting.held_on)
                   for record in member.floating_records.all())
        roll = rng.random()
        if away:
            entries.append({"member": member, "status": "elsewhere", "elsewhere": "流入地党组织"})
        elif roll < 0.82:
            entries.append({"member": member, "status": "present"})
        elif roll < 0.94:
            entries.append({"member": member, "status": "leave", "reason": rng.choice(REASONS)})
        else:
            entries.append({"member": member, "status": "absent", "reason": "未请假，会后已谈心提醒"})
    services.meeting_record_attendance(actor=ctx.actor, meeting=meeting, entries=entries)
