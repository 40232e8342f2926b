"""API for party dues at /api/v1/dues (session or token auth, like every back-office router).

Thin handlers: members and organizations are looked up through the dues selectors (outside
scope: 404, also for an id in a path), writes call the services (refusals: 422 with the Chinese
message; a read-only role: 403). Months travel as "YYYY-MM".
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.accounts import scoping
from dangjian.core.pagination import LimitOffsetPagination
from dangjian.dues import selectors, services
from dangjian.dues.forms import parse_month
from dangjian.dues.models import DuesCategory

router = Router(tags=["党费"])

MONTH = r"^\d{4}-\d{2}$"
MAX_PAGE = 200


def _month(value: str, field: str) -> datetime.date:
    month = parse_month(value)
    if month is None:
        raise ValidationError({field: "请按“年-月”填写月份，如 2026-03。"})
    return month


class RateOut(Schema):
    category: str
    category_label: str
    effective_from: datetime.date
    income_up_to: Decimal | None
    percent: Decimal | None
    fixed_amount: Decimal | None
    fixed_amount_max: Decimal | None
    citation: str

    @staticmethod
    def resolve_category_label(obj) -> str:
        return obj.get_category_display()


class MonthOut(Schema):
    month: str
    status: str = Field(description="paid 已交 / due 当月应交 / unpaid 欠交 / exempt 免交 / undeclared 未申报 / "
                                    "not_due 入党前 / upcoming 以后月份")
    status_label: str
    due: Decimal | None
    paid: Decimal | None

    @staticmethod
    def resolve_month(obj) -> str:
        return f"{obj.month:%Y-%m}"

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.label


class DeclarationOut(Schema):
    id: int
    category: str
    income_base: Decimal | None
    agreed_amount: Decimal | None
    effective_from: datetime.date
    note: str
    declared_by: str
    declared_at: datetime.datetime

    @staticmethod
    def resolve_declared_by(obj) -> str:
        return str(obj.declared_by) if obj.declared_by_id else ""


class MemberDuesOut(Schema):
    member_id: int
    name: str
    year: int
    months: list[MonthOut]
    declarations: list[DeclarationOut]


class PaymentOut(Schema):
    id: int
    member_id: int
    member_name: str
    month: str
    amount: Decimal
    due_amount: Decimal
    paid_on: datetime.date
    to_centre: bool = Field(description="单笔1000元以上自愿交纳，全额上缴中央（DUES-08）")

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.name

    @staticmethod
    def resolve_month(obj) -> str:
        return f"{obj.month:%Y-%m}"


class DeclareIn(Schema):
    category: DuesCategory
    effective_from: str = Field(pattern=MONTH, description="起算月份 YYYY-MM")
    income_base: Decimal | None = Field(None, description="月收入基数（元，税后）")
    agreed_amount: Decimal | None = Field(None, description="农村党员约定的月交纳额")
    note: str = Field("", max_length=200)


class PayIn(Schema):
    from_month: str = Field(pattern=MONTH)
    to_month: str | None = Field(None, pattern=MONTH, description="不填只交一个月")
    paid_on: datetime.date
    amount: Decimal | None = Field(None, description="每月金额；不填按应交金额")


class ExemptIn(Schema):
    from_month: str = Field(pattern=MONTH)
    to_month: str = Field(pattern=MONTH)
    reason: str = Field(max_length=200)
    approval: str = Field("", max_length=200)


class BranchMonthIn(Schema):
    members: list[int] = Field(description="本月已交的党员 id")
    paid_on: datetime.date


class ArrearsOut(Schema):
    member_id: int
    name: str
    consecutive: int = Field(description="截至上月连续欠交月数")
    months: list[str]
    amount: Decimal


class PaymentFilters(Schema):
    organization: int | None = Field(None, description="党组织 id（只含该组织本身的党员）")
    month: str | None = Field(None, pattern=MONTH)


def _writable_member(actor, member_id: int):
    member = selectors.member_get_for(actor, member_id)
    if not scoping.can_write(actor, member):
        raise PermissionDenied(services.CANNOT_WRITE)
    return member


def _member_dues(actor, member_id: int, year: int | None = None) -> dict:
    member = selectors.member_get_for(actor, member_id)
    today = timezone.localdate()
    year = year or today.year
    return {"member_id": member.pk, "name": member.name, "year": year,
            "months": selectors.member_year(member, year=year, today=today),
            "declarations": list(selectors.declaration_list_for(actor).filter(member=member))}


@router.get("/rates", response=list[RateOut], summary="党费交纳标准（含历次调整）")
def rate_list(request: HttpRequest):
    return list(selectors.rate_list())


@router.get("/payments", response=list[PaymentOut], summary="党费交纳记录")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def payment_list(request: HttpRequest, filters: Query[PaymentFilters]):
    payments = selectors.payment_list_for(request.auth)
    if filters.organization is not None:
        payments = payments.filter(member__organization=selectors.branch_get_for(request.auth, filters.organization))
    if filters.month:
        payments = payments.filter(month=_month(filters.month, "month"))
    return payments


@router.get("/members/{int:member_id}", response=MemberDuesOut, summary="党员的党费：全年各月与申报记录")
def member_dues(request: HttpRequest, member_id: int, year: int | None = Query(None, ge=1921, le=2100, description="年份（默认今年）")):
    return _member_dues(request.auth, member_id, year)


@router.post("/members/{int:member_id}/declarations", response={201: MemberDuesOut}, summary="申报党费基数")
def member_declare(request: HttpRequest, member_id: int, data: DeclareIn):
    actor = request.auth
    services.dues_declare(actor=actor, member=_writable_member(actor, member_id), category=data.category,
                          effective_from=_month(data.effective_from, "effective_from"), income_base=data.income_base,
                          agreed_amount=data.agreed_amount, note=data.note, request=request)
    return Status(201, _member_dues(actor, member_id))


@router.post("/members/{int:member_id}/payments", response={201: list[PaymentOut]},
             summary="登记交纳（可一次交多个月：预交、补交）")
def member_pay(request: HttpRequest, member_id: int, data: PayIn):
    actor = request.auth
    start = _month(data.from_month, "from_month")
    end = _month(data.to_month, "to_month") if data.to_month else start
    rows = services.dues_pay_range(actor=actor, member=_writable_member(actor, member_id), from_month=start,
                                   to_month=end, paid_on=data.paid_on, amount=data.amount, request=request)
    return Status(201, rows)


@router.post("/members/{int:member_id}/exemptions", response={201: MemberDuesOut}, summary="登记减免或缓交")
def member_exempt(request: HttpRequest, member_id: int, data: ExemptIn):
    actor = request.auth
    services.dues_exempt(actor=actor, member=_writable_member(actor, member_id),
                         from_month=_month(data.from_month, "from_month"), to_month=_month(data.to_month, "to_month"),
                         reason=data.reason, approval=data.approval, request=request)
    return Status(201, _member_dues(actor, member_id))


@router.get("/organizations/{int:organization_id}/arrears", response=list[ArrearsOut], summary="党组织的党费欠交名单")
def branch_arrears(request: HttpRequest, organization_id: int):
    organization = selectors.branch_get_for(request.auth, organization_id)
    return [{"member_id": row.member.pk, "name": row.member.name, "consecutive": row.consecutive,
             "months": [f"{state.month:%Y-%m}" for state in row.months], "amount": row.amount}
            for row in selectors.branch_arrears(organization, today=timezone.localdate())]


@router.post("/organizations/{int:organization_id}/months/{month}/payments", response={201: list[PaymentOut]},
             summary="按支部登记某月党费（勾选已交党员）")
def branch_month(request: HttpRequest, organization_id: int, month: str, data: BranchMonthIn):
    actor = request.auth
    organization = selectors.branch_get_for(actor, organization_id)
    if not scoping.can_write(actor, organization):
        raise PermissionDenied("您没有权限登记该党组织的党费。")
    members = selectors.members_get_for(actor, list(dict.fromkeys(data.members)))
    rows = services.dues_record_branch_month(actor=actor, organization=organization, month=_month(month, "month"),
                                             members=members, paid_on=data.paid_on, request=request)
    return Status(201, rows)
