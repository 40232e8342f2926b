"""Every write to party dues: a member's declaration, payments (one month, several months ahead
or back, or a branch's month ticked off by the treasurer), exemptions, and a new rate table.

Keyword-only, ``actor`` first, atomic: every check runs before anything is written, so a refused
request (a month already paid, a zero or negative amount, beyond the prepayment or back-payment
cap of DUES-07, a month before joining, no declaration) writes nothing. Chinese messages; one
audit entry per call.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import AuditAction
from dangjian.dues.amounts import AmountError, RateBook, month_start, months_from, shift_month
from dangjian.dues.models import (
    PERCENT_CATEGORIES,
    DuesCategory,
    DuesDeclaration,
    DuesExemption,
    DuesPayment,
    DuesRate,
)
from dangjian.members.models import Member, Standing
from dangjian.organizations.models import PartyOrganization

CANNOT_WRITE = "您没有权限办理该党员的党费业务。"


def _limit(key: str) -> int:
    return int(settings.DANGJIAN_RULES[key])


def _decimal(value, field: str, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({field: f"{label}须为数字。"}) from None
    if not number.is_finite():
        raise ValidationError({field: f"{label}须为数字。"})
    return number


def _writable_member(actor, member: Member) -> Member:
    member = (Member.objects.select_for_update(of=("self",)).select_related("organization")
              .get(pk=member.pk))
    if not scoping.can_write(actor, member):
        raise PermissionDenied(CANNOT_WRITE)
    if member.standing != Standing.ACTIVE:
        raise ValidationError("该党员已不在册，不能办理党费业务。")
    return member


def _today() -> datetime.date:
    return timezone.localdate()


# ---------------------------------------------------------------- declarations


@transaction.atomic
def dues_declare(*, actor, member: Member, category: str, effective_from: datetime.date,
                 income_base=None, agreed_amount=None, note: str = "", request=None) -> DuesDeclaration:
    """Record the member's category and monthly income base from ``effective_from``'s month
    (DUES-01; DUES-06: a pay change applies from the month it is received)."""
    member = _writable_member(actor, member)
    if category not in DuesCategory.values:
        raise ValidationError({"category": "请选择党员类别（在职、离退休、学生下岗低保、农村）。"})
    if not isinstance(effective_from, datetime.date):
        raise ValidationError({"effective_from": "请填写起算月份。"})
    month = month_start(effective_from)
    if month > shift_month(month_start(_today()), 1):
        raise ValidationError({"effective_from": "起算月份不能晚于下个月。"})
    if month < month_start(member.joined_on):
        raise ValidationError({"effective_from": "起算月份不能早于入党（支部大会通过）的月份。"})
    base = _decimal(income_base, "income_base", "月收入基数")
    agreed = _decimal(agreed_amount, "agreed_amount", "约定月交纳额")
    if category in PERCENT_CATEGORIES:
        if base is None:
            raise ValidationError({"income_base": "在职和离退休党员须填写月收入基数（税后工资或离退休费）。"})
        if base < 0:
            raise ValidationError({"income_base": "月收入基数不能为负数。"})
        agreed = None
    else:
        base = None
        if category != DuesCategory.RURAL:
            agreed = None
    declaration = DuesDeclaration(member=member, category=category, income_base=base, agreed_amount=agreed,
                                  effective_from=month, note=(note or "").strip()[:200],
                                  declared_by=actor if getattr(actor, "is_authenticated", False) else None)
    try:
        RateBook.load().amount(declaration, month)
    except AmountError as error:
        raise ValidationError({"agreed_amount" if agreed is not None else "income_base": str(error)}) from None
    declaration.clean_fields(exclude=["member", "declared_by"])  # the locked member, the actor
    declaration.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=member, request=request,
                        event="dues_declared", category=category, effective_from=month.isoformat(),
                        income_base=str(base) if base is not None else "")
    return declaration


def declaration_in_force(declarations, month: datetime.date):
    """The latest declaration effective on or before ``month`` (declarations newest first)."""
    for declaration in declarations:
        if declaration.effective_from <= month:
            return declaration
    return None


# ---------------------------------------------------------------- payments


def _label(month: datetime.date) -> str:
    return f"{month.year}年{month.month}月"


def _check_months(member: Member, months: list[datetime.date], paid_on: datetime.date) -> None:
    current = month_start(paid_on)
    back, ahead = _limit("DUES_BACK_PAY_MAX_MONTHS"), _limit("DUES_PREPAY_MAX_MONTHS")
    for month in months:
        if month < month_start(member.joined_on):
            raise ValidationError({"months": f"{member.name}：{_label(month)}早于入党月份，无需交纳党费。"})
        if month > shift_month(current, ahead):
            raise ValidationError({"months": f"{member.name}：预交党费最多{ahead}个月（至{_label(shift_month(current, ahead))}）。"})
        if month < shift_month(current, -back):
            raise ValidationError({"months": f"{member.name}：补交党费一般不超过{back}个月"
                                             f"（最早补交{_label(shift_month(current, -back))}）。"})


@dataclass
class _Recorded:
    """What is already recorded for some members around some months (three queries)."""

    paid: set
    exemptions: dict
    declarations: dict

    @classmethod
    def load(cls, member_ids: list[int], months: list[datetime.date]) -> "_Recorded":
        first, last = min(months), max(months)
        paid = set(DuesPayment.objects.filter(member_id__in=member_ids, month__gte=first, month__lte=last)
                   .values_list("member_id", "month"))
        exemptions: dict[int, list] = {}
        for exemption in DuesExemption.objects.filter(member_id__in=member_ids, from_month__lte=last,
                                                      to_month__gte=first):
            exemptions.setdefault(exemption.member_id, []).append(exemption)
        declarations: dict[int, list] = {}
        for declaration in (DuesDeclaration.objects.filter(member_id__in=member_ids, effective_from__lte=last)
                            .order_by("member_id", "-effective_from", "-id")):
            declarations.setdefault(declaration.member_id, []).append(declaration)
        return cls(paid=paid, exemptions=exemptions, declarations=declarations)


def _payments_for(actor, member: Member, months: list[datetime.date], *, paid_on: datetime.date,
                  amount, book: RateBook, recorded: _Recorded) -> list[DuesPayment]:
    """The rows to write for one member, every check done (raises before anything is written)."""
    _check_months(member, months, paid_on)
    paid = sorted(month for month in months if (member.pk, month) in recorded.paid)
    if paid:
        raise ValidationError({"months": f"{member.name}：{'、'.join(_label(m) for m in paid)}"
                                         "的党费已交纳，不能重复登记。"})
    exemptions = recorded.exemptions.get(member.pk, ())
    declarations = recorded.declarations.get(member.pk, ())
    given = _decimal(amount, "amount", "交纳金额")
    if given is not None and given <= 0:
        raise ValidationError({"amount": "交纳金额必须大于零。"})
    centre_from = Decimal(str(settings.DANGJIAN_RULES["DUES_TO_CENTRE_FROM"]))
    rows = []
    for month in months:
        if any(exemption.covers(month) for exemption in exemptions):
            raise ValidationError({"months": f"{member.name}：{_label(month)}已批准免交党费，无需登记交纳。"})
        declaration = declaration_in_force(declarations, month)
        if declaration is None:
            raise ValidationError({"months": f"{member.name}：{_label(month)}之前尚未申报党费基数，无法计算应交金额，"
                                             "请先申报。"})
        try:
            due = book.amount(declaration, month)
        except AmountError as error:
            raise ValidationError({"months": f"{member.name}：{error}"}) from None
        value = due if given is None else given
        if value <= 0:
            raise ValidationError({"amount": f"{member.name}：交纳金额必须大于零。"})
        if value < due:
            raise ValidationError({"amount": f"{member.name}：{_label(month)}应交{due}元，交纳金额不能少于应交金额"
                                             "（困难党员少交或免交须经支部决定并报上级党委批准，请登记减免）。"})
        rows.append(DuesPayment(member=member, month=month, amount=value, due_amount=due, paid_on=paid_on,
                                to_centre=value >= centre_from,
                                recorded_by=actor if getattr(actor, "is_authenticated", False) else None))
    for row in rows:
        # The member is the locked row and the recorder the actor: validating the two foreign keys
        # would ask the database twice per month for what is already in hand (a branch's year in
        # the demo: 40,000 queries). The unique month was checked above; the constraint holds too.
        row.clean_fields(exclude=["member", "recorded_by"])
    return rows


def _paid_on(paid_on) -> datetime.date:
    if not isinstance(paid_on, datetime.date):
        raise ValidationError({"paid_on": "请填写交纳日期。"})
    if paid_on > _today():
        raise ValidationError({"paid_on": "交纳日期不能晚于今天。"})
    return paid_on


@transaction.atomic
def dues_pay(*, actor, member: Member, months: list[datetime.date], paid_on: datetime.date, amount=None,
             request=None) -> list[DuesPayment]:
    """Record ``member``'s dues for ``months`` paid on ``paid_on``: the computed amount of each
    month, or ``amount`` a month when the member pays more. Months may run ahead (within the
    prepayment cap) or back (within the back-payment limit), DUES-07."""
    member = _writable_member(actor, member)
    paid_on = _paid_on(paid_on)
    if not months:
        raise ValidationError({"months": "请选择所交党费的月份。"})
    months = sorted({month_start(month) for month in months})
    rows = _payments_for(actor, member, months, paid_on=paid_on, amount=amount, book=RateBook.load(),
                         recorded=_Recorded.load([member.pk], months))
    DuesPayment.objects.bulk_create(rows)
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=member, request=request, event="dues_paid",
                        months=[m.isoformat() for m in months], total=str(sum(r.amount for r in rows)),
                        paid_on=paid_on.isoformat())
    return rows


def dues_pay_range(*, actor, member: Member, from_month: datetime.date, to_month: datetime.date,
                   paid_on: datetime.date, amount=None, request=None) -> list[DuesPayment]:
    """``dues_pay`` for every month from ``from_month`` to ``to_month``."""
    if to_month < from_month:
        raise ValidationError({"months": "截止月份不能早于起始月份。"})
    return dues_pay(actor=actor, member=member, months=months_from(from_month, to_month), paid_on=paid_on,
                    amount=amount, request=request)


@transaction.atomic
def dues_record_branch_month(*, actor, organization: PartyOrganization, month: datetime.date,
                             members: list[Member], paid_on: datetime.date, request=None) -> list[DuesPayment]:
    """The treasurer ticks who paid ``month`` in their branch: each ticked member's computed
    amount. All or nothing: one refusal (a month already paid, no declaration) writes none."""
    if not scoping.can_write(actor, organization):
        raise PermissionDenied("您没有权限登记该党组织的党费。")
    paid_on = _paid_on(paid_on)
    month = month_start(month)
    if not members:
        raise ValidationError({"members": "请勾选本月已交党费的党员。"})
    ids = list(dict.fromkeys(member.pk for member in members))
    locked = {member.pk: member for member in Member.objects.select_for_update(of=("self",))
              .select_related("organization", "organization__area").filter(pk__in=ids)}
    book, recorded = RateBook.load(), _Recorded.load(ids, [month])
    rows = []
    for pk in ids:
        member = locked[pk]
        if member.organization_id != organization.pk or member.standing != Standing.ACTIVE:
            raise ValidationError({"members": f"{member.name}不是{organization.name}的在册党员。"})
        if not scoping.can_write(actor, member):
            raise PermissionDenied(CANNOT_WRITE)
        rows.extend(_payments_for(actor, member, [month], paid_on=paid_on, amount=None, book=book,
                                  recorded=recorded))
    DuesPayment.objects.bulk_create(rows)
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=organization, request=request,
                        event="dues_branch_month", month=month.isoformat(), members=[r.member_id for r in rows],
                        total=str(sum(r.amount for r in rows)))
    return rows


# ---------------------------------------------------------------- exemptions


@transaction.atomic
def dues_exempt(*, actor, member: Member, from_month: datetime.date, to_month: datetime.date, reason: str,
                approval: str = "", request=None) -> DuesExemption:
    """Months the member owes nothing or is not behind, for a recorded reason (DUES-05 hardship
    with the branch's decision and the next-higher committee's approval; or another good reason
    that keeps the months out of DUES-10). Months already paid stay paid."""
    member = _writable_member(actor, member)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写减免或缓交的原因。"})
    if not isinstance(from_month, datetime.date) or not isinstance(to_month, datetime.date):
        raise ValidationError({"from_month": "请填写起止月份。"})
    start, end = month_start(from_month), month_start(to_month)
    if end < start:
        raise ValidationError({"to_month": "截止月份不能早于起始月份。"})
    if end > shift_month(month_start(_today()), 12):
        raise ValidationError({"to_month": "减免最多登记到一年以后，到期后请重新研究。"})
    if DuesExemption.objects.filter(member=member, from_month__lte=end, to_month__gte=start).exists():
        raise ValidationError({"from_month": "所选月份与已登记的减免时段重叠。"})
    exemption = DuesExemption(member=member, from_month=start, to_month=end, reason=reason[:200],
                              approval=(approval or "").strip()[:200],
                              recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
    exemption.full_clean()
    exemption.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=member, request=request, event="dues_exempted",
                        from_month=start.isoformat(), to_month=end.isoformat(), reason=exemption.reason)
    return exemption


# ---------------------------------------------------------------- the rate table


@transaction.atomic
def dues_rate_table_set(*, actor, category: str, effective_from: datetime.date, brackets: list[dict],
                        citation: str, request=None) -> list[DuesRate]:
    """A new table for ``category`` from ``effective_from`` (city administrators only); the old
    one stays for the months before. ``brackets``: dicts of income_up_to, percent or
    fixed_amount (and fixed_amount_max), the last without an upper bound."""
    if not scoping.is_city_admin(actor):
        raise PermissionDenied("只有市级管理员可以调整党费交纳标准。")
    if category not in DuesCategory.values:
        raise ValidationError({"category": "请选择党员类别。"})
    if not (citation or "").strip():
        raise ValidationError({"citation": "请注明调整的依据（文件名称和文号）。"})
    month = month_start(effective_from)
    if DuesRate.objects.filter(category=category, effective_from=month).exists():
        raise ValidationError({"effective_from": "该类别在这个执行日期已有交纳标准。"})
    if DuesPayment.objects.filter(month__gte=month).exists() and month <= month_start(_today()):
        raise ValidationError({"effective_from": "已有党员交纳了该日期以后的党费，新标准只能从以后的月份起执行。"})
    rows = [DuesRate(category=category, effective_from=month, citation=citation.strip()[:200],
                     income_up_to=_decimal(b.get("income_up_to"), "brackets", "收入上限"),
                     percent=_decimal(b.get("percent"), "brackets", "比例"),
                     fixed_amount=_decimal(b.get("fixed_amount"), "brackets", "定额"),
                     fixed_amount_max=_decimal(b.get("fixed_amount_max"), "brackets", "定额上限")) for b in brackets]
    if not rows or rows[-1].income_up_to is not None or any(r.income_up_to is None for r in rows[:-1]):
        raise ValidationError({"brackets": "各档按收入上限从低到高排列，最后一档不设上限。"})
    bounds = [r.income_up_to for r in rows[:-1]]
    if bounds != sorted(set(bounds)):
        raise ValidationError({"brackets": "各档收入上限须从低到高且不重复。"})
    for row in rows:
        if (row.percent is None) == (row.fixed_amount is None):
            raise ValidationError({"brackets": "每档须填写交纳比例或定额，且只能填写其一。"})
        if (row.percent is not None and row.percent <= 0) or (row.fixed_amount is not None and row.fixed_amount <= 0):
            raise ValidationError({"brackets": "交纳比例和定额必须大于零。"})
        row.full_clean()
    DuesRate.objects.bulk_create(rows)
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=rows[0], request=request, event="dues_rates_set",
                        category=category, effective_from=month.isoformat(), brackets=len(rows))
    return rows
