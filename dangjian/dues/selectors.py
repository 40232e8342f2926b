"""Reads of party dues that reach a user, narrowed by accounts.scoping like the members they
belong to (``member__organization__``; ``member__organization__area__``).

Month states (``month_states``) are computed for a bounded set of members — one branch, one
member — in a fixed number of queries (members, declarations, payments, exemptions, the rate
table), never one query per member. City-wide figures are SQL aggregates (``rules.py``,
``metrics.py``).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from dangjian.accounts import scoping
from dangjian.dues.amounts import AmountError, RateBook, month_start, months_from, shift_month
from dangjian.dues.models import DuesDeclaration, DuesExemption, DuesPayment, DuesRate
from dangjian.dues.services import declaration_in_force
from dangjian.members.models import Member, Standing
from dangjian.organizations.models import OrganizationKind, PartyOrganization


class MonthStatus:
    PAID = "paid"          # 已交
    DUE = "due"            # 当月应交（尚未逾期）
    UNPAID = "unpaid"      # 欠交
    EXEMPT = "exempt"      # 减免/缓交
    UNDECLARED = "undeclared"  # 未申报基数，无法计算
    NOT_DUE = "not_due"    # 入党前
    UPCOMING = "upcoming"  # 以后的月份

    LABELS = {PAID: "已交", DUE: "应交", UNPAID: "欠交", EXEMPT: "免交", UNDECLARED: "未申报",
              NOT_DUE: "—", UPCOMING: ""}


@dataclass
class MonthState:
    month: datetime.date
    status: str
    due: Decimal | None = None
    paid: Decimal | None = None

    @property
    def label(self) -> str:
        return MonthStatus.LABELS[self.status]


# ---------------------------------------------------------------- scoped lists


def payment_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, DuesPayment.objects.all()).select_related("member", "member__organization")


def declaration_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, DuesDeclaration.objects.all()).select_related("member", "declared_by")


def exemption_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, DuesExemption.objects.all()).select_related("member", "recorded_by")


def rate_list() -> QuerySet:
    """The rate table is public data of the whole deployment (every role reads it)."""
    return DuesRate.objects.all()


def branch_list_for(actor, *, month: datetime.date) -> QuerySet:
    """Organizations in scope that hold members, with this month's on-roll and paid counts
    (two correlated counts per row of the page, not per member)."""
    members = Member.objects.filter(organization=OuterRef("pk"), standing=Standing.ACTIVE)
    paid = DuesPayment.objects.filter(member__organization=OuterRef("pk"), member__standing=Standing.ACTIVE,
                                      month=month_start(month))
    return (scoping.narrow(actor, PartyOrganization.objects.filter(is_active=True))
            .exclude(kind=OrganizationKind.PARTY_GROUP)
            .filter(Exists(members))
            .annotate(member_count=Subquery(members.order_by().values("organization").annotate(n=Count("pk"))
                                            .values("n")[:1]),
                      paid_count=Subquery(paid.order_by().values("member__organization")
                                          .annotate(n=Count("pk")).values("n")[:1]))
            .select_related("area").order_by("path"))


def branch_get_for(actor, pk) -> PartyOrganization:
    try:
        return scoping.narrow(actor, PartyOrganization.objects.all()).select_related("area").get(pk=pk)
    except (PartyOrganization.DoesNotExist, ValueError, TypeError):
        raise Http404("党组织不存在。") from None


def member_get_for(actor, pk) -> Member:
    try:
        return (scoping.narrow(actor, Member.objects.all()).select_related("organization", "organization__area")
                .get(pk=pk))
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404("党员不存在。") from None


def members_get_for(actor, pks: list[int]) -> list[Member]:
    """The members, in one query; 404 when any is outside the actor's scope (or does not exist)."""
    found = {member.pk: member for member in scoping.narrow(actor, Member.objects.filter(pk__in=pks))
             .select_related("organization")}
    if len(found) != len(set(pks)):
        raise Http404("党员不存在。")
    return [found[pk] for pk in pks]


def branch_members(organization: PartyOrganization) -> list[Member]:
    return list(Member.objects.filter(organization=organization, standing=Standing.ACTIVE)
                .only("pk", "name", "name_pinyin", "joined_on", "organization_id").order_by("name_pinyin", "pk"))


# ---------------------------------------------------------------- month states


def month_states(members: list[Member], months: list[datetime.date], *, today: datetime.date,
                 book: RateBook | None = None) -> dict[int, list[MonthState]]:
    """{member pk: [MonthState for each of ``months``]} in four queries whatever the number of members."""
    if not members or not months:
        return {member.pk: [] for member in members}
    book = book or RateBook.load()
    ids = [member.pk for member in members]
    first, last = min(months), max(months)
    declarations: dict[int, list] = {}
    for declaration in (DuesDeclaration.objects.filter(member_id__in=ids, effective_from__lte=last)
                        .order_by("member_id", "-effective_from", "-id")):
        declarations.setdefault(declaration.member_id, []).append(declaration)
    payments = {(p.member_id, p.month): p for p in DuesPayment.objects.filter(
        member_id__in=ids, month__gte=first, month__lte=last).only("member_id", "month", "amount")}
    exemptions: dict[int, list] = {}
    for exemption in DuesExemption.objects.filter(member_id__in=ids, from_month__lte=last, to_month__gte=first):
        exemptions.setdefault(exemption.member_id, []).append(exemption)
    current = month_start(today)
    states = {}
    for member in members:
        joined = month_start(member.joined_on)
        row = []
        for month in months:
            payment = payments.get((member.pk, month))
            declaration = declaration_in_force(declarations.get(member.pk, ()), month)
            due = None
            if declaration is not None:
                try:
                    due = book.amount(declaration, month)
                except AmountError:
                    due = None
            if payment is not None:
                row.append(MonthState(month, MonthStatus.PAID, due, payment.amount))
            elif month < joined:
                row.append(MonthState(month, MonthStatus.NOT_DUE))
            elif any(exemption.covers(month) for exemption in exemptions.get(member.pk, ())):
                row.append(MonthState(month, MonthStatus.EXEMPT, Decimal(0)))
            elif month > current:
                row.append(MonthState(month, MonthStatus.UPCOMING, due))
            elif declaration is None:
                row.append(MonthState(month, MonthStatus.UNDECLARED))
            elif month == current:
                row.append(MonthState(month, MonthStatus.DUE, due))
            else:
                row.append(MonthState(month, MonthStatus.UNPAID, due))
        states[member.pk] = row
    return states


def year_months(year: int) -> list[datetime.date]:
    return months_from(datetime.date(year, 1, 1), datetime.date(year, 12, 1))


def member_year(member: Member, *, year: int, today: datetime.date) -> list[MonthState]:
    return month_states([member], year_months(year), today=today)[member.pk]


@dataclass
class BranchRow:
    member: Member
    state: MonthState


def branch_month(organization: PartyOrganization, *, month: datetime.date, today: datetime.date) -> list[BranchRow]:
    """The treasurer's screen: every on-roll member of the branch with the month's amount and state."""
    members = branch_members(organization)
    states = month_states(members, [month_start(month)], today=today)
    return [BranchRow(member, states[member.pk][0]) for member in members]


@dataclass
class ArrearsRow:
    member: Member
    months: list[MonthState]
    consecutive: int  # unpaid months in a row ending last month (DUES-10 / MEM-02)

    @property
    def amount(self) -> Decimal:
        return sum((state.due or Decimal(0) for state in self.months), Decimal(0))


def branch_arrears(organization: PartyOrganization, *, today: datetime.date) -> list[ArrearsRow]:
    """Members of the branch with unpaid months up to last month, since dues were first declared
    (the current month is not yet arrears), most months behind first."""
    members = branch_members(organization)
    first = (DuesDeclaration.objects.filter(member__in=[m.pk for m in members]).order_by("effective_from")
             .values_list("effective_from", flat=True).first())
    last_month = shift_month(month_start(today), -1)
    if first is None or first > last_month:
        return []
    months = months_from(first, last_month)
    states = month_states(members, months, today=today)
    rows = []
    for member in members:
        unpaid = [state for state in states[member.pk] if state.status == MonthStatus.UNPAID]
        if not unpaid:
            continue
        consecutive = 0
        for state in reversed(states[member.pk]):
            if state.status != MonthStatus.UNPAID:
                break
            consecutive += 1
        rows.append(ArrearsRow(member, unpaid, consecutive))
    rows.sort(key=lambda row: (-row.consecutive, -len(row.months), row.member.name_pinyin))
    return rows


def branch_ledger(organization: PartyOrganization, *, year: int, today: datetime.date):
    """(members, {member pk: twelve MonthStates}) for the year's ledger."""
    members = branch_members(organization)
    return members, month_states(members, year_months(year), today=today)


# ---------------------------------------------------------------- aggregates (rules, metrics)


def consecutive_unpaid(members: QuerySet, *, months: int, on_date: datetime.date) -> QuerySet:
    """On-roll members of ``members`` with no payment and no exemption in each of the ``months``
    months before ``on_date``'s month, while a declaration was in force for all of them: one
    query with two NOT EXISTS, whatever the scope's size."""
    last = shift_month(month_start(on_date), -1)
    first = shift_month(last, -(months - 1))
    declared = DuesDeclaration.objects.filter(member=OuterRef("pk"), effective_from__lte=first)
    paid = DuesPayment.objects.filter(member=OuterRef("pk"), month__gte=first, month__lte=last)
    exempt = DuesExemption.objects.filter(member=OuterRef("pk"), from_month__lte=last, to_month__gte=first)
    return (members.filter(standing=Standing.ACTIVE)
            .filter(Exists(declared)).exclude(Exists(paid)).exclude(Exists(exempt)))


def first_declared_month() -> Subquery:
    return Subquery(DuesDeclaration.objects.filter(member=OuterRef("pk")).order_by("effective_from")
                    .values("effective_from")[:1])


def due_member_months(members: QuerySet, months: list[datetime.date]) -> int:
    """Member-months due in ``months``: a member is due from their first declaration on. One
    query: the active members grouped by the month of their first declaration (a few hundred
    groups at most), each group then due for the listed months from that one on. (Counting each
    month with a FILTER re-ran the first-declaration lookup twelve times per member: 37 s over
    the 600,000-member city.)"""
    if not months:
        return 0
    groups = (members.filter(standing=Standing.ACTIVE).annotate(first_due=first_declared_month())
              .filter(first_due__isnull=False).order_by().values("first_due").annotate(members=Count("pk")))
    return sum(group["members"] * sum(1 for month in months if group["first_due"] <= month) for group in groups)


def exempt_member_months(exemptions: QuerySet, months: list[datetime.date]) -> int:
    if not months:
        return 0
    counts = exemptions.filter(member__standing=Standing.ACTIVE).aggregate(
        **{f"m{i}": Count("pk", filter=Q(from_month__lte=month, to_month__gte=month)) for i, month in enumerate(months)})
    return sum(value or 0 for value in counts.values())
