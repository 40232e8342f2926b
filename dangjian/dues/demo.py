"""A year of party dues in the demo city, through the services, with the gaps a real year has.

Every on-roll member of every branch declares a base fitting their employment (in service,
retired, the flat 0.2 yuan, a few rural members), some with a raise mid-year; each month the
treasurer ticks who paid (``dues_record_branch_month``); some pay a quarter ahead, some pay a
month late (back-payment), a few have a hardship exemption. The gaps: about one in thirty never
declared (未申报), about one in twenty stopped paying seven to nine months ago (DUES-10 fires),
about one in fifteen three to five months ago (the MEM-02 warning), and this month is only
partly collected.

``--size district|city``: only the branches of the first street (logged), to stay fast.
Idempotent: a branch whose members already have declarations is skipped. Each branch draws from
its own seeded stream, so the demo is the same on every machine.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from dangjian.core.demo import DemoContext, demo_builder
from dangjian.dues import services
from dangjian.dues.amounts import month_start, months_from, shift_month
from dangjian.dues.models import DuesCategory, DuesDeclaration
from dangjian.members.models import Employment, Member, Standing
from dangjian.organizations.models import BRANCH_KINDS, Area, AreaLevel, PartyOrganization

DECLARED_MONTHS_AGO = 18  # declarations start before the year, so the six-month rule can fire


def _branches(ctx: DemoContext) -> list[PartyOrganization]:
    rows = PartyOrganization.objects.filter(kind__in=BRANCH_KINDS, is_active=True).select_related("area")
    if ctx.size.bulk:
        street = Area.objects.filter(level=AreaLevel.STREET).order_by("code").first()
        if street is None:
            return []
        rows = rows.filter(area__path__startswith=street.path)
        ctx.log(f"  党费：{ctx.size.name} 规模只为第一个街道（{street.name}）的党支部生成一年的党费记录")
    return sorted(rows, key=lambda organization: (organization.area.code, organization.name))


def _declaration(rng, member) -> dict:
    if member.employment == Employment.EMPLOYED:
        return {"category": DuesCategory.IN_SERVICE, "income_base": Decimal(rng.randrange(250, 1500) * 10)}
    if member.employment == Employment.RETIRED:
        return {"category": DuesCategory.RETIRED, "income_base": Decimal(rng.randrange(200, 800) * 10)}
    if member.employment == Employment.OTHER and rng.random() < 0.3:
        return {"category": DuesCategory.RURAL, "agreed_amount": Decimal("0.5")}
    return {"category": DuesCategory.FLAT}


@demo_builder(order=60)
def build_dues(ctx: DemoContext) -> None:
    today = timezone.localdate()
    this = month_start(today)
    year = months_from(shift_month(this, -11), this)
    done = set(DuesDeclaration.objects.values_list("member__organization_id", flat=True).distinct())
    made = 0
    for organization in _branches(ctx):
        if organization.pk in done:
            continue
        made += _branch_year(ctx, organization, year, today)
    ctx.log(f"  新增党费交纳记录 {made} 条")


def _branch_year(ctx, organization, year: list[datetime.date], today: datetime.date) -> int:
    rng = random.Random(f"dangjian-dues:{organization.area.code}:{organization.name}")  # noqa: S311 - demo data
    members = list(Member.objects.filter(organization=organization, standing=Standing.ACTIVE)
                   .select_related("organization").order_by("pk"))
    this = year[-1]
    plans = {}
    for index, member in enumerate(members):
        if rng.random() < 0.03 and index != 1:
            continue  # never declared: the arrears list and the rule leave them out; the page says 未申报
        start = max(shift_month(this, -DECLARED_MONTHS_AGO), month_start(member.joined_on))
        fields = _declaration(rng, member)
        services.dues_declare(actor=ctx.actor, member=member, effective_from=start, **fields)
        if fields.get("income_base") and fields["category"] == DuesCategory.IN_SERVICE and rng.random() < 0.08:
            services.dues_declare(actor=ctx.actor, member=member, effective_from=max(start, shift_month(this, -4)),
                                  category=fields["category"], income_base=fields["income_base"] + 500, note="调资")
        roll = rng.random()
        stops = (shift_month(this, -rng.randint(7, 9)) if roll < 0.05
                 else shift_month(this, -rng.randint(3, 5)) if roll < 0.12 else None)
        habit = "quarterly" if roll > 0.95 else "late" if roll > 0.9 else "monthly"
        plans[member.pk] = (member, start, stops, habit)
        # every branch of ten or more has one hardship case, so each shows what an exemption does
        if 0.12 <= roll < 0.14 or (index == 1 and len(members) >= 10):
            services.dues_exempt(actor=ctx.actor, member=member, from_month=shift_month(this, -8),
                                 to_month=shift_month(this, -3), reason="重病住院，家庭困难",
                                 approval="支部大会研究决定，报街道党工委批准")
            plans[member.pk] = (member, start, shift_month(this, -8), habit)
    made = 0
    for month in year:
        payers, paid_on = [], min(today, month + datetime.timedelta(days=rng.randint(4, 20)))
        for member, start, stops, habit in plans.values():
            if month < start or (stops is not None and month >= stops):
                continue
            if month == this and rng.random() < 0.4:
                continue  # this month is not over: not everyone has paid yet
            if habit == "quarterly" and (month.month - 1) % 3 == 0:
                quarter = [m for m in months_from(month, shift_month(month, 2)) if stops is None or m < stops]
                made += len(services.dues_pay(actor=ctx.actor, member=member, months=quarter, paid_on=paid_on))
            elif habit == "late" and month.month % 2 == 0 and month < this:
                # pays two months at a time, in the month after: back-payment within the limit
                late = [m for m in (shift_month(month, -1), month) if m >= start]
                late_paid_on = min(today, shift_month(month, 1) + datetime.timedelta(days=rng.randint(0, 20)))
                made += len(services.dues_pay(actor=ctx.actor, member=member, months=late, paid_on=late_paid_on))
            elif habit == "monthly":
                payers.append(member)
        if payers:
            made += len(services.dues_record_branch_month(actor=ctx.actor, organization=organization, month=month,
                                                          members=payers, paid_on=paid_on))
    return made
