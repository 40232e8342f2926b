"""API for the member registry: /members (roster, add, edit, reveal, every lifecycle step, care
visits, visits due), /transfers (introduction letters in and out) and /floating (流动党员).

Thin handlers: parse → look up through the scoped selectors (a member, letter, record or
organization outside the caller's scope is a 404, also when its id sits in a request body) →
call the service (which checks write rights — a read-only leader gets 403 — and validates in
Chinese, 422) → serialize. Errors become JSON in ``dangjian/api.py``.

The full ID number never appears in a response except from ``POST /members/{id}/reveal-id``,
which is a permission and writes an audit entry.
"""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.accounts import scoping
from dangjian.core.pagination import LimitOffsetPagination
from dangjian.members import care, selectors, services
from dangjian.members.models import (
    CareGroup,
    Employment,
    FloatingDirection,
    FloatingRecord,
    HelpKind,
    Member,
    MemberStatus,
    Transfer,
    TransferStatus,
)
from dangjian.organizations import selectors as organization_selectors
from dangjian.organizations.models import PartyOrganization

router = Router(tags=["党员"])
transfers_router = Router(tags=["组织关系转接"])
floating_router = Router(tags=["流动党员"])

MAX_PAGE = 200  # rows per page at most, whatever ``limit`` asks for

LIFECYCLE, CARE = ["党员业务办理"], ["走访慰问"]

# "18-35", "60-" (60 and over), "-35" (35 and under), "50" (50 and over)
RANGE_PATTERN = r"^(\d{1,3}(-\d{0,3})?|-\d{1,3})$"

CANNOT_WRITE = "您没有权限在该党组织办理党员业务。"


# ---------------------------------------------------------------- lookups
# Every id from a path or a body is resolved within the caller's scope (Http404 otherwise).


def _member_get_for(actor, pk: int) -> Member:
    return selectors.member_get_for(actor, pk)


def _transfer_get_for(actor, pk: int) -> Transfer:
    try:
        return selectors.transfer_list_for(actor).get(pk=pk)
    except Transfer.DoesNotExist:
        raise Http404("组织关系介绍信不存在。") from None


def _floating_get_for(actor, pk: int) -> FloatingRecord:
    try:
        return selectors.floating_list_for(actor).get(pk=pk)
    except FloatingRecord.DoesNotExist:
        raise Http404("流动党员登记不存在。") from None


# A letter or a floating member crosses scopes: the other side is named by what the papers say
# (an organization's exact full name; a member's full ID number with their name): the lookups
# are members/selectors.py's, shared with the pages; here they only name the API's fields.


def _organization_by_full_name(name: str) -> PartyOrganization:
    found = selectors.transfer_target_by_full_name(name)
    if found is None:
        raise ValidationError({"to_organization_name": "未找到名称完全一致的党组织，请核对全称。"})
    return found


def _member_by_id_number_and_name(id_number: str, name: str) -> Member:
    if not id_number.strip() or not name.strip():
        raise ValidationError({"member_id_number": "请填写完整的身份证号码和姓名。"})
    try:
        found = selectors.member_by_id_number_and_name(id_number, name)
    except ValidationError as error:
        raise ValidationError({"member_id_number": error.messages}) from None
    if found is None:
        raise ValidationError({"member_id_number": "系统内未找到身份证号码与姓名一致的在册党员；"
                                                   "如为系统外党员，请填写 outside_name。"})
    return found


def _member_fields(actor, data: dict) -> dict:
    """Replace the ids in a member body by the objects, each looked up within scope."""
    fields = dict(data)
    if "organization" in fields:
        fields["organization"] = organization_selectors.organization_get_for(actor, fields["organization"])
    if fields.get("workplace_unit") is not None:
        fields["workplace_unit"] = organization_selectors.unit_get_for(actor, fields["workplace_unit"])
    if fields.get("residence_area") is not None:
        fields["residence_area"] = organization_selectors.area_get_for(actor, fields["residence_area"])
    for text_field in ("workplace_text", "difficulty_reason", "notes", "phone"):
        if text_field in fields and fields[text_field] is None:
            fields[text_field] = ""
    return fields


# ---------------------------------------------------------------- schemas: shared


class Ref(Schema):
    id: int
    name: str


class CodeOut(Schema):
    code: str = Field(description="国家标准代码")
    name: str


class MemberRef(Schema):
    id: int
    name: str = Field(description="姓名")


# ---------------------------------------------------------------- schemas: members


class MemberOut(Schema):
    id: int
    name: str = Field(description="姓名")
    sex: CodeOut = Field(description="性别（由身份证号码推算）")
    ethnicity: CodeOut = Field(description="民族")
    education: CodeOut | None = Field(description="学历")
    id_number_masked: str = Field(description="身份证号码（脱敏）；完整号码须通过 /reveal-id 查看并留痕")
    birth_date: datetime.date = Field(description="出生日期（由身份证号码推算）")
    age: int = Field(description="今天的周岁年龄")
    phone: str = Field(description="联系电话")
    joined_on: datetime.date = Field(description="入党时间")
    full_member_on: datetime.date | None = Field(description="转正时间")
    standing_years: int | None = Field(description="党龄（自转正之日起计算的整年数）")
    probation_ends_on: datetime.date | None = Field(description="预备期满日期（预备党员）")
    status: str = Field(description="党员类别：probationary 预备党员，full 正式党员")
    status_display: str
    employment: str = Field(description="就业状况")
    employment_display: str
    workplace_unit: Ref | None = Field(description="工作单位（驻区单位）")
    workplace_text: str = Field(description="工作单位（系统外）")
    organization: Ref = Field(description="所在党组织")
    residence_area: Ref | None = Field(description="居住社区")
    lost_contact_since: datetime.date | None = Field(description="失联日期；为空表示未失联")
    has_difficulty: bool = Field(description="困难党员")
    difficulty_reason: str = Field(description="困难情况")
    notes: str = Field(description="备注")
    standing: str = Field(description="党籍状态：active 在册；其余为已离开（去世、除名、开除党籍、退党、转出本系统）")
    standing_display: str
    left_on: datetime.date | None = Field(description="离开日期")

    @staticmethod
    def resolve_age(obj) -> int:
        return obj.age_on(timezone.localdate())

    @staticmethod
    def resolve_standing_years(obj) -> int | None:
        return obj.standing_years_on(timezone.localdate())

    @staticmethod
    def resolve_status_display(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_employment_display(obj) -> str:
        return obj.get_employment_display()

    @staticmethod
    def resolve_standing_display(obj) -> str:
        return obj.get_standing_display()


class MemberDetailOut(MemberOut):
    may_reveal_id_number: bool = Field(False, description="调用者可否查看完整身份证号码")
    version: int = Field(description="版本号：修改时原样传回（version 字段或 If-Match 头），他人已修改则返回 409")


class ConflictOut(Schema):
    detail: str = Field(description="谁在何时修改了哪些信息")
    version: int = Field(description="党员当前的版本号")


class MemberFilters(Schema):
    organization: int | None = Field(None, description="只列出该党组织（含下级组织）的党员")
    status: MemberStatus | None = Field(None, description="党员类别")
    employment: Employment | None = Field(None, description="就业状况")
    care_group: Literal["off_post", "floating", "lost_contact", "difficulty"] | None = Field(
        None, description="关爱对象：off_post 离岗（离退休、下岗失业），floating 流出在外，lost_contact 失联，"
                          "difficulty 困难党员")
    age_band: str | None = Field(None, pattern=RANGE_PATTERN,
                                 description="年龄段（周岁），如 18-35、60-（60岁及以上）、-35（35岁及以下）")
    standing_years: str | None = Field(None, pattern=RANGE_PATTERN,
                                       description="党龄段（年），如 50-（党龄满50年）、10-20")
    education: str | None = Field(None, max_length=12, description="学历代码")
    q: str | None = Field(None, max_length=60,
                          description="按姓名、全拼、拼音首字母、手机号开头或完整身份证号码查找")
    include_left: bool = Field(False, description="包括已不在册的党员（去世、除名、转出等）")
    sort: Literal["name", "-name", "joined_on", "-joined_on", "birth_date", "-birth_date",
                  "full_member_on", "-full_member_on"] | None = Field(
        None, description="排序：name 姓名拼音，joined_on 入党时间，birth_date 出生日期，full_member_on 转正时间；"
                          "前加“-”为倒序")


SORT_FIELDS = {"name": "name_pinyin", "joined_on": "joined_on", "birth_date": "birth_date",
               "full_member_on": "full_member_on"}


class MemberCreateIn(Schema):
    name: str = Field(max_length=40, description="姓名")
    id_number: str = Field(max_length=40, description="身份证号码（18位，末位可为X）；出生日期和性别由此推算")
    ethnicity: str = Field(max_length=20, description="民族：代码（如 01）或名称（如 汉族）")
    education: str | None = Field(None, max_length=20, description="学历：代码或名称")
    phone: str = Field("", max_length=20, description="联系电话")
    joined_on: datetime.date = Field(description="入党时间")
    full_member_on: datetime.date | None = Field(None, description="转正时间（正式党员必填）")
    status: MemberStatus | None = Field(None, description="党员类别；不填时按有无转正时间确定")
    employment: Employment = Field(Employment.EMPLOYED, description="就业状况")
    workplace_unit: int | None = Field(None, description="工作单位（驻区单位）")
    workplace_text: str = Field("", max_length=120, description="工作单位（系统外）")
    organization: int = Field(description="所在党组织（党支部、党总支或党委）")
    residence_area: int | None = Field(None, description="居住社区")
    has_difficulty: bool = Field(False, description="困难党员")
    difficulty_reason: str = Field("", max_length=200, description="困难情况")
    notes: str = Field("", description="备注")


class MemberUpdateIn(Schema):
    """部分修改：只修改请求中给出的字段。变更所在党组织请办理组织关系转接。"""

    name: str = Field(None, max_length=40)
    id_number: str = Field(None, max_length=40, description="身份证号码；修改后出生日期和性别随之更新")
    ethnicity: str = Field(None, max_length=20)
    education: str | None = Field(None, max_length=20, description="传 null 清除")
    phone: str | None = Field(None, max_length=20)
    joined_on: datetime.date = None
    full_member_on: datetime.date | None = None
    status: MemberStatus = None
    employment: Employment = None
    workplace_unit: int | None = Field(None, description="工作单位；传 null 清除")
    workplace_text: str | None = Field(None, max_length=120)
    organization: int = Field(None, description="所在党组织（不能在此变更，请办理组织关系转接）")
    residence_area: int | None = Field(None, description="居住社区；传 null 清除")
    has_difficulty: bool = None
    difficulty_reason: str | None = Field(None, max_length=200)
    notes: str | None = None
    version: int | None = Field(None, ge=1, description="读取时的版本号（也可用 If-Match 头传）；"
                                                       "党员此后被修改过则不保存，返回 409")


class RevealIn(Schema):
    purpose: str = Field("", max_length=200, description="查看事由，记入操作日志")


class IdNumberOut(Schema):
    member_id: int
    id_number: str = Field(description="完整身份证号码（本次查看已记入操作日志）")


class MakeFullIn(Schema):
    full_member_on: datetime.date = Field(description="转正时间（支部大会通过、上级党组织批准的日期）")


class LostContactIn(Schema):
    since: datetime.date = Field(description="失联日期")


class RestoreContactIn(Schema):
    restored_on: datetime.date = Field(description="恢复联系日期")


class CloseIn(Schema):
    standing: Literal["deceased", "removed", "expelled", "withdrawn"] = Field(
        description="deceased 去世，removed 除名，expelled 开除党籍，withdrawn 退党")
    left_on: datetime.date = Field(description="日期")
    reason: str = Field("", max_length=200, description="原因或依据（记入备注）")


# ---------------------------------------------------------------- schemas: transfers


class TransferOut(Schema):
    id: int
    member: MemberRef
    from_organization: Ref | None = Field(description="转出党组织")
    from_outside: str = Field(description="转出单位（系统外）")
    to_organization: Ref | None = Field(description="转入党组织")
    to_outside: str = Field(description="转入单位（系统外）")
    letter_number: str = Field(description="介绍信编号")
    issued_on: datetime.date = Field(description="开具日期")
    valid_days: int = Field(description="有效期（天）")
    expires_on: datetime.date = Field(description="有效期截止日期")
    is_overdue: bool = Field(description="在途且已超过有效期（当日任务会将其标为已过期，RULES.md MEM-06）")
    status: str = Field(description="状态：issued 在途，received 已接收，returned 已退回，expired 已过期")
    status_display: str
    closed_on: datetime.date | None = Field(description="办结日期")
    reason: str = Field(description="转接原因")
    note: str = Field(description="备注")
    incoming: bool | None = Field(None, description="转入调用者管辖范围的介绍信（列表中给出）")

    @staticmethod
    def resolve_status_display(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_is_overdue(obj) -> bool:
        return obj.status == TransferStatus.ISSUED and obj.expires_on < timezone.localdate()


class TransferFilters(Schema):
    direction: Literal["in", "out"] | None = Field(
        None, description="in 转入我管辖范围内党组织的，out 从我管辖范围内党组织转出的；不填为全部")
    status: TransferStatus | None = Field(None, description="状态；issued 与 direction=in 合用即“转入我处的在途介绍信”")


class TransferIssueIn(Schema):
    """转入方三选一：管辖范围内的党组织（to_organization）、管辖范围以外的本系统党组织（to_organization_name，
    填写接收方提供的全称）、系统外单位（to_outside）。"""

    to_organization: int | None = Field(None, description="转入党组织（您管辖范围内）")
    to_organization_name: str = Field("", max_length=120,
                                      description="转往管辖范围以外的本系统党组织时，填写其全称（须完全一致）")
    to_outside: str = Field("", max_length=120, description="转入单位（系统外），如“中共上海市某某区委组织部”")
    letter_number: str = Field(max_length=40, description="介绍信编号")
    issued_on: datetime.date = Field(description="开具日期")
    valid_days: int | None = Field(None, description="有效期（天，1–365）；不填为默认90天（RULES.md MEM-06）")
    reason: str = Field("", max_length=200, description="转接原因")


class TransferInFromOutsideIn(MemberCreateIn):
    """系统外转入：党员信息（同新增党员）加上介绍信。曾从本系统转出的党员按身份证号码和姓名找回原记录。"""

    from_outside: str = Field(max_length=120, description="转出单位（介绍信的开具党组织，系统外）")
    letter_number: str = Field(max_length=40, description="介绍信编号")
    issued_on: datetime.date = Field(description="开具日期")
    valid_days: int | None = Field(None, description="有效期（天），不填按90天")
    received_on: datetime.date = Field(description="接收日期")
    reason: str = Field("", max_length=200, description="转接原因")


class TransferReceiveIn(Schema):
    received_on: datetime.date = Field(description="接收日期")


class TransferReturnIn(Schema):
    returned_on: datetime.date = Field(description="退回日期")
    note: str = Field("", max_length=200, description="退回原因")


# ---------------------------------------------------------------- schemas: floating members


class FloatingOut(Schema):
    id: int
    member: MemberRef | None = Field(description="系统内党员；系统外流入党员为空")
    direction: str = Field(description="流向：outflow 流出，inflow 流入")
    direction_display: str
    outside_name: str = Field(description="姓名（系统外流入党员）")
    outside_organization: str = Field(description="原党组织（系统外）")
    host_organization: Ref | None = Field(description="流入地党组织（流入登记）")
    place: str = Field(description="流出时为流入地，流入时为流出地")
    reason: str = Field(description="流动原因")
    card_number: str = Field(description="流动党员活动证号")
    contact: str = Field(description="联系方式")
    started_on: datetime.date = Field(description="开始日期")
    ended_on: datetime.date | None = Field(description="结束日期；为空表示仍在流动")
    last_contact_on: datetime.date | None = Field(description="最近联系日期")
    is_open: bool = Field(description="仍在流动")

    @staticmethod
    def resolve_direction_display(obj) -> str:
        return obj.get_direction_display()


class FloatingFilters(Schema):
    direction: FloatingDirection | None = Field(None, description="outflow 流出，inflow 流入")
    open: bool | None = Field(None, description="true 只列仍在流动的，false 只列已结束的")
    no_contact_since: datetime.date | None = Field(None, description="只列最近联系早于该日期（或从未联系）的")


class FloatOutIn(Schema):
    place: str = Field(max_length=120, description="流入地")
    started_on: datetime.date = Field(description="外出日期")
    reason: str = Field("", max_length=120, description="流动原因")
    card_number: str = Field("", max_length=40, description="流动党员活动证号")
    contact: str = Field("", max_length=60, description="联系方式")


class FloatInIn(Schema):
    host_organization: int = Field(description="流入地党组织（负责管理的党组织）")
    origin: str = Field(max_length=120, description="流出地")
    started_on: datetime.date = Field(description="流入日期")
    member: int | None = Field(None, description="系统内党员（您管辖范围内）")
    member_id_number: str = Field("", max_length=40, description="管辖范围以外的系统内党员：完整身份证号码，"
                                                                 "与 member_name 一致才能关联")
    member_name: str = Field("", max_length=40, description="管辖范围以外的系统内党员：姓名")
    outside_name: str = Field("", max_length=40, description="系统外流入党员的姓名")
    outside_organization: str = Field("", max_length=120, description="系统外流入党员的原党组织")
    reason: str = Field("", max_length=120, description="流动原因")
    card_number: str = Field("", max_length=40, description="流动党员活动证号")
    contact: str = Field("", max_length=60, description="联系方式")


class FloatingEndIn(Schema):
    ended_on: datetime.date = Field(description="结束日期（返回、转接组织关系等）")


class FloatingContactIn(Schema):
    contacted_on: datetime.date = Field(description="联系日期")
    contact: str = Field("", max_length=60, description="新的联系方式（不填则不变）")
    place: str = Field("", max_length=120, description="新的所在地（不填则不变）")


# ---------------------------------------------------------------- schemas: care


class CareVisitOut(Schema):
    id: int
    member: MemberRef
    visited_on: datetime.date = Field(description="走访日期")
    visitor: str = Field(description="走访人")
    findings: str = Field(description="了解情况")
    help_kinds: list[str] = Field(description="帮扶方式：money 慰问金，goods 慰问品，job_referral 就业推荐，"
                                              "medical_referral 就医帮扶，other 其他帮扶")
    help_kinds_display: list[str]
    amount: Decimal | None = Field(description="慰问金额（元）")
    help_detail: str = Field(description="帮扶内容")
    recorded_by: str | None = Field(description="录入人")

    @staticmethod
    def resolve_help_kinds_display(obj) -> list[str]:
        return [str(HelpKind(kind).label) for kind in obj.help_kinds if kind in HelpKind.values]

    @staticmethod
    def resolve_recorded_by(obj) -> str | None:
        return str(obj.recorded_by) if obj.recorded_by_id else None


class CareVisitIn(Schema):
    visited_on: datetime.date = Field(description="走访日期")
    visitor: str = Field(max_length=60, description="走访人")
    findings: str = Field("", description="了解情况")
    help_kinds: list[HelpKind] = Field([], description="帮扶方式（可多选）")
    amount: Decimal | None = Field(None, max_digits=10, decimal_places=2, description="慰问金额（元），发放慰问金时必填")
    help_detail: str = Field("", max_length=200, description="帮扶内容")


class VisitDueMember(Schema):
    id: int
    name: str
    organization: Ref
    employment: str
    phone: str
    has_difficulty: bool


class VisitDueOut(Schema):
    member: VisitDueMember
    groups: list[str] = Field(description="所属关爱对象：retired 离退休，laid_off 下岗失业，floating 流动，difficulty 困难")
    group_labels: str
    every_months: int = Field(description="适用的走访周期（月），取所属各类中最短的")
    last_visit_on: datetime.date | None = Field(description="最近走访日期；为空表示从未走访")
    due_on: datetime.date = Field(description="应走访日期")
    days_overdue: int = Field(description="超期天数")


class VisitsDueFilters(Schema):
    organization: int | None = Field(None, description="只看该党组织（含下级组织）的党员")
    care_group: CareGroup | None = Field(None, description="只看某类关爱对象")
    on_date: datetime.date | None = Field(None, description="截至日期；不填为今天")


# ---------------------------------------------------------------- members: roster, add, edit


def _require_write(actor, obj) -> None:
    """A read-only role sees the organization but may not register members in it: 403."""
    if not scoping.can_write(actor, obj):
        raise PermissionDenied(CANNOT_WRITE)


def _detail(actor, member: Member) -> Member:
    member.may_reveal_id_number = services.may_reveal_id_number(actor, member)
    return member


@router.get("", response=list[MemberOut], summary="党员花名册")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def member_list(request: HttpRequest, filters: Query[MemberFilters]):
    actor = request.auth
    organization = (organization_selectors.organization_get_for(actor, filters.organization)
                    if filters.organization is not None else None)
    members = selectors.member_list_for(actor, include_left=filters.include_left).select_related(
        "workplace_unit", "residence_area")
    members = selectors.member_filter(
        members, organization=organization, status=filters.status, employment=filters.employment,
        care_group=filters.care_group, age_band=filters.age_band, standing_years=filters.standing_years,
        education=filters.education)
    members = selectors.member_search(members, filters.q)
    if filters.sort:
        field = SORT_FIELDS[filters.sort.lstrip("-")]
        prefix = "-" if filters.sort.startswith("-") else ""
        members = members.order_by(f"{prefix}{field}", "id")
    return members


@router.get("/{int:member_id}", response=MemberDetailOut, summary="党员详情（身份证号码脱敏）")
def member_detail(request: HttpRequest, member_id: int):
    return _detail(request.auth, _member_get_for(request.auth, member_id))


@router.post("", response={201: MemberDetailOut}, summary="新增党员")
def member_create(request: HttpRequest, data: MemberCreateIn):
    actor = request.auth
    fields = _member_fields(actor, data.model_dump())
    _require_write(actor, fields["organization"])
    member = services.member_create(actor=actor, request=request, **fields)
    return Status(201, _detail(actor, _member_get_for(actor, member.pk)))


def _if_match_version(request: HttpRequest) -> int | None:
    """The version in an ``If-Match`` header (``"3"``, ``W/"3"`` or ``3``); None without one."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    value = header.removeprefix("W/").strip('"')
    if not value.isdigit() or int(value) < 1:
        raise ValidationError("If-Match 须为读取党员时得到的版本号。")
    return int(value)


@router.patch("/{int:member_id}", response={200: MemberDetailOut, 409: ConflictOut}, summary="修改党员信息")
def member_update(request: HttpRequest, member_id: int, data: MemberUpdateIn):
    actor = request.auth
    member = _member_get_for(actor, member_id)
    body = data.model_dump(exclude_unset=True)
    expected_version = body.pop("version", None) or _if_match_version(request)
    fields = _member_fields(actor, body)
    try:
        services.member_update(actor=actor, member=member, request=request, expected_version=expected_version,
                               **fields)
    except services.MemberEditConflict as conflict:
        return Status(409, {"detail": conflict.messages[0], "version": conflict.current_version})
    return _detail(actor, _member_get_for(actor, member.pk))


@router.post("/{int:member_id}/reveal-id", response=IdNumberOut, summary="查看完整身份证号码（留痕）")
def member_reveal_id(request: HttpRequest, member_id: int, data: RevealIn | None = None):
    actor = request.auth
    member = _member_get_for(actor, member_id)
    purpose = data.purpose if data is not None else ""
    number = services.member_reveal_id_number(actor=actor, member=member, purpose=purpose, request=request)
    return {"member_id": member.pk, "id_number": number}


# ---------------------------------------------------------------- members: lifecycle


def _refreshed(actor, member: Member) -> Member:
    return _detail(actor, _member_get_for(actor, member.pk))


@router.post("/{int:member_id}/make-full", response=MemberDetailOut, tags=LIFECYCLE,
             summary="预备党员转为正式党员")
def member_make_full(request: HttpRequest, member_id: int, data: MakeFullIn):
    actor = request.auth
    member = _member_get_for(actor, member_id)
    member = services.member_make_full(actor=actor, member=member, full_member_on=data.full_member_on,
                                       request=request)
    return _refreshed(actor, member)


@router.post("/{int:member_id}/lost-contact", response=MemberDetailOut, tags=LIFECYCLE, summary="登记失联")
def member_mark_lost_contact(request: HttpRequest, member_id: int, data: LostContactIn):
    actor = request.auth
    member = _member_get_for(actor, member_id)
    member = services.member_mark_lost_contact(actor=actor, member=member, since=data.since, request=request)
    return _refreshed(actor, member)


@router.post("/{int:member_id}/restore-contact", response=MemberDetailOut, tags=LIFECYCLE, summary="恢复联系")
def member_restore_contact(request: HttpRequest, member_id: int, data: RestoreContactIn):
    actor = request.auth
    member = _member_get_for(actor, member_id)
    member = services.member_restore_contact(actor=actor, member=member, restored_on=data.restored_on,
                                             request=request)
    return _refreshed(actor, member)


@router.post("/{int:member_id}/close", response=MemberDetailOut, tags=LIFECYCLE,
             summary="党员离开（去世、除名、开除党籍、退党），保留历史")
def member_close(request: HttpRequest, member_id: int, data: CloseIn):
    actor = request.auth
    member = _member_get_for(actor, member_id)
    member = services.member_close(actor=actor, member=member, standing=data.standing, left_on=data.left_on,
                                   reason=data.reason, request=request)
    return _refreshed(actor, member)


@router.post("/{int:member_id}/transfers", response={201: TransferOut}, tags=LIFECYCLE,
             summary="开具组织关系介绍信（转出）")
def member_transfer_issue(request: HttpRequest, member_id: int, data: TransferIssueIn):
    actor = request.auth
    member = _member_get_for(actor, member_id)
    if not scoping.can_write(actor, member):
        raise PermissionDenied("您没有权限办理该党员的业务。")
    if data.to_organization is not None and data.to_organization_name.strip():
        raise ValidationError({"to_organization": "转入党组织请选择或填写全称，不能同时给出。"})
    if data.to_organization is not None:
        to_organization = organization_selectors.organization_get_for(actor, data.to_organization)
    elif data.to_organization_name.strip():
        to_organization = _organization_by_full_name(data.to_organization_name)
    else:
        to_organization = None
    transfer = services.member_transfer_issue(
        actor=actor, member=member, to_organization=to_organization, to_outside=data.to_outside,
        letter_number=data.letter_number, issued_on=data.issued_on, valid_days=data.valid_days,
        reason=data.reason, request=request)
    return Status(201, _transfer_get_for(actor, transfer.pk))


@router.get("/{int:member_id}/transfers", response=list[TransferOut], tags=LIFECYCLE,
            summary="党员的组织关系转接记录")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def member_transfer_list(request: HttpRequest, member_id: int):
    actor = request.auth
    member = _member_get_for(actor, member_id)
    return selectors.transfer_list_for(actor).filter(member=member)


class HistoryChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class HistoryEntryOut(Schema):
    at: datetime.datetime
    by: str = Field(description="操作人")
    type: str = Field(description="+ 新增，~ 修改，- 删除")
    type_label: str
    changes: list[HistoryChangeOut] = Field(description="修改了哪些字段（修改前、修改后）")


@router.get("/{int:member_id}/history", response=list[HistoryEntryOut], summary="党员信息的修改记录（最近200条）")
def member_history(request: HttpRequest, member_id: int):
    return selectors.member_history(_member_get_for(request.auth, member_id))


@router.post("/{int:member_id}/float-out", response={201: FloatingOut}, tags=LIFECYCLE, summary="登记流出")
def member_float_out(request: HttpRequest, member_id: int, data: FloatOutIn):
    actor = request.auth
    member = _member_get_for(actor, member_id)
    record = services.member_float_out(actor=actor, member=member, request=request, **data.model_dump())
    return Status(201, _floating_get_for(actor, record.pk))


@router.get("/{int:member_id}/floating", response=list[FloatingOut], tags=LIFECYCLE,
            summary="党员的流动登记")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def member_floating_list(request: HttpRequest, member_id: int):
    actor = request.auth
    member = _member_get_for(actor, member_id)
    return selectors.floating_list_for(actor).filter(member=member)


# ---------------------------------------------------------------- members: care ledger


@router.post("/{int:member_id}/care-visits", response={201: CareVisitOut}, tags=CARE, summary="登记走访慰问")
def care_visit_record(request: HttpRequest, member_id: int, data: CareVisitIn):
    actor = request.auth
    member = _member_get_for(actor, member_id)
    fields = data.model_dump()
    fields["help_kinds"] = [str(kind) for kind in fields["help_kinds"]]
    visit = services.care_visit_record(actor=actor, member=member, request=request, **fields)
    return Status(201, selectors.care_visit_list_for(actor).select_related("recorded_by").get(pk=visit.pk))


@router.get("/{int:member_id}/care-visits", response=list[CareVisitOut], tags=CARE, summary="党员的走访慰问记录")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def care_visit_list(request: HttpRequest, member_id: int):
    actor = request.auth
    member = _member_get_for(actor, member_id)
    return selectors.care_visit_list_for(actor).filter(member=member).select_related("recorded_by")


@router.get("/visits-due", response=list[VisitDueOut], tags=CARE,
            summary="到期应走访的关爱对象（离退休、下岗失业、流动、困难党员）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def visits_due(request: HttpRequest, filters: Query[VisitsDueFilters]):
    actor = request.auth
    on_date = filters.on_date or timezone.localdate()
    organization = (organization_selectors.organization_get_for(actor, filters.organization)
                    if filters.organization is not None else None)
    roster = selectors.member_filter(selectors.member_list_for(actor), organization=organization)
    due = care.visits_due(roster, on_date=on_date)
    if filters.care_group:
        due = [item for item in due if filters.care_group in item.groups]
    return [{"member": item.member, "groups": [str(group) for group in item.groups],
             "group_labels": item.group_labels, "every_months": item.every_months,
             "last_visit_on": item.last_visit_on, "due_on": item.due_on,
             "days_overdue": (on_date - item.due_on).days} for item in due]


# ---------------------------------------------------------------- transfers


def _organizations_of(actor) -> QuerySet:
    """The caller's organizations as a subquery: a letter is "in" when it goes to one of them."""
    return organization_selectors.organization_list_for(actor).order_by().values("pk")


@transfers_router.get("", response=list[TransferOut], summary="组织关系介绍信（转入与转出）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def transfer_list(request: HttpRequest, filters: Query[TransferFilters]):
    actor = request.auth
    transfers = selectors.transfer_list_for(actor)
    mine = _organizations_of(actor)
    if filters.direction == "in":
        transfers = transfers.filter(to_organization__in=mine)
    elif filters.direction == "out":
        transfers = transfers.filter(from_organization__in=mine)
    if filters.status:
        transfers = transfers.filter(status=filters.status)
    return transfers.annotate(incoming=ExpressionWrapper(Q(to_organization__in=mine), output_field=BooleanField()))


@transfers_router.post("/from-outside", response={201: TransferOut}, summary="接收系统外转入的党员")
def transfer_in_from_outside(request: HttpRequest, data: TransferInFromOutsideIn):
    actor = request.auth
    letter_fields = ("from_outside", "letter_number", "issued_on", "valid_days", "received_on", "reason")
    body = data.model_dump()
    letter = {name: body.pop(name) for name in letter_fields}
    fields = _member_fields(actor, body)
    _require_write(actor, fields["organization"])
    transfer = services.member_transfer_in_from_outside(actor=actor, request=request, **letter, **fields)
    return Status(201, _transfer_get_for(actor, transfer.pk))


@transfers_router.get("/{int:transfer_id}", response=TransferOut, summary="介绍信详情")
def transfer_detail(request: HttpRequest, transfer_id: int):
    return _transfer_get_for(request.auth, transfer_id)


@transfers_router.post("/{int:transfer_id}/receive", response=TransferOut, summary="接收（转入党组织确认）")
def transfer_receive(request: HttpRequest, transfer_id: int, data: TransferReceiveIn):
    actor = request.auth
    transfer = _transfer_get_for(actor, transfer_id)
    transfer = services.member_transfer_receive(actor=actor, transfer=transfer, received_on=data.received_on,
                                                request=request)
    return _transfer_get_for(actor, transfer.pk)


@transfers_router.post("/{int:transfer_id}/return", response=TransferOut, summary="退回介绍信（党员留在原党组织）")
def transfer_return(request: HttpRequest, transfer_id: int, data: TransferReturnIn):
    actor = request.auth
    transfer = _transfer_get_for(actor, transfer_id)
    transfer = services.member_transfer_return(actor=actor, transfer=transfer, returned_on=data.returned_on,
                                               note=data.note, request=request)
    return _transfer_get_for(actor, transfer.pk)


# ---------------------------------------------------------------- floating members


@floating_router.get("", response=list[FloatingOut], summary="流动党员登记（流出与流入）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def floating_list(request: HttpRequest, filters: Query[FloatingFilters]):
    records = selectors.floating_list_for(request.auth)
    if filters.direction:
        records = records.filter(direction=filters.direction)
    if filters.open is not None:
        records = records.filter(ended_on__isnull=filters.open)
    if filters.no_contact_since is not None:
        records = records.filter(Q(last_contact_on__lt=filters.no_contact_since) | Q(last_contact_on__isnull=True))
    return records


@floating_router.post("", response={201: FloatingOut}, summary="登记流入党员")
def floating_in(request: HttpRequest, data: FloatInIn):
    actor = request.auth
    host_organization = organization_selectors.organization_get_for(actor, data.host_organization)
    if not scoping.can_write(actor, host_organization):
        raise PermissionDenied("您没有权限在该党组织登记流入党员。")
    if data.member is not None:
        member = _member_get_for(actor, data.member)
    elif data.member_id_number.strip() or data.member_name.strip():
        member = _member_by_id_number_and_name(data.member_id_number, data.member_name)
    else:
        member = None
    fields = data.model_dump(exclude={"host_organization", "member", "member_id_number", "member_name"})
    if member is not None:
        fields.update(outside_name="", outside_organization="")
    record = services.member_float_in(actor=actor, host_organization=host_organization, member=member,
                                      request=request, **fields)
    return Status(201, _floating_get_for(actor, record.pk))


@floating_router.get("/{int:record_id}", response=FloatingOut, summary="流动登记详情")
def floating_detail(request: HttpRequest, record_id: int):
    return _floating_get_for(request.auth, record_id)


@floating_router.post("/{int:record_id}/end", response=FloatingOut, summary="结束流动")
def floating_end(request: HttpRequest, record_id: int, data: FloatingEndIn):
    actor = request.auth
    record = _floating_get_for(actor, record_id)
    record = services.floating_end(actor=actor, record=record, ended_on=data.ended_on, request=request)
    return _floating_get_for(actor, record.pk)


@floating_router.post("/{int:record_id}/contact", response=FloatingOut, summary="登记与流动党员的联系")
def floating_record_contact(request: HttpRequest, record_id: int, data: FloatingContactIn):
    actor = request.auth
    record = _floating_get_for(actor, record_id)
    record = services.floating_record_contact(actor=actor, record=record, request=request, **data.model_dump())
    return _floating_get_for(actor, record.pk)
