"""API for residents' concerns.

``/concerns`` (staff, the project's session or token auth): the scoped list with the page's
filters, a concern with its full timeline, intake, assign, note, resolve. Thin handlers over
the selectors (outside scope: 404, also for an assignee id in a body) and the services (their
refusals: 422 in Chinese; a read-only leader: 403).

``/public/concerns`` (no authentication, like the /c/ pages): file, track by code, rate. Codes
travel in the body, never the URL. The same per-address limits as the pages apply (429), and a
malformed or unknown code gets the same 404 — nothing tells whether a code exists.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.accounts import scoping
from dangjian.concerns import rate_limits, selectors, services
from dangjian.concerns.models import Concern, ConcernCategory, ConcernChannel, ConcernStatus, Rating
from dangjian.core.pagination import LimitOffsetPagination
from dangjian.members import selectors as member_selectors
from dangjian.organizations import selectors as organization_selectors

router = Router(tags=["群众诉求"])
public_router = Router(tags=["群众诉求（居民，无需登录）"], auth=None)

MAX_PAGE = 200
STATUS_FILTERS = ["open", *ConcernStatus.values]


# ---------------------------------------------------------------- schemas


class Ref(Schema):
    id: int
    name: str


class AssigneeOut(Schema):
    kind: str = Field(description="organization 党组织 / unit 驻区单位 / member 党员")
    id: int
    name: str


class EventOut(Schema):
    at: datetime.datetime
    kind: str
    kind_label: str
    text: str
    public: bool = Field(description="居民是否可见")
    actor: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_label


class ConcernOut(Schema):
    id: int
    tracking_code: str = Field(description="查询码（居民凭此查询和评价）")
    category: ConcernCategory
    category_label: str
    description: str
    community: Ref
    grid: str
    location: str
    resident_name: str
    resident_phone: str = Field(description="联系电话（脱敏）")
    channel: ConcernChannel
    status: ConcernStatus
    status_label: str
    assignee: AssigneeOut | None
    received_at: datetime.datetime
    deadline: datetime.date
    overdue: bool
    resolved_at: datetime.datetime | None
    reply: str
    rating: str = Field(description="satisfied 满意 / fairly_satisfied 基本满意 / unsatisfied 不满意；未评价为空")
    rating_comment: str
    reopen_count: int

    @staticmethod
    def resolve_tracking_code(obj) -> str:
        return obj.display_code

    @staticmethod
    def resolve_category_label(obj) -> str:
        return obj.get_category_display()

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_resident_phone(obj) -> str:
        return obj.masked_phone

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_assignee(obj) -> dict | None:
        for kind, value in (("organization", obj.assigned_organization), ("unit", obj.assigned_unit),
                            ("member", obj.assigned_member)):
            if value is not None:
                return {"kind": kind, "id": value.pk, "name": value.name}
        return None


class ConcernDetailOut(ConcernOut):
    events: list[EventOut] = Field(description="办理过程（含仅内部可见的记录）")

    @staticmethod
    def resolve_events(obj) -> list:
        return obj.timeline_events


class ConcernFilters(Schema):
    status: str | None = Field(None, description="open（未办结）或状态值", pattern=f"^({'|'.join(STATUS_FILTERS)})$")
    category: ConcernCategory | None = None
    overdue: bool = Field(False, description="只列已超期（未办结且过了办理时限）")
    unassigned: bool = Field(False, description="只列尚未交办")
    area: int | None = Field(None, description="区域 id：该街道或社区及其下级")
    code: str | None = Field(None, description="查询码")


class ResidentFields(Schema):
    category: ConcernCategory
    description: str = Field(max_length=2000)
    community: int = Field(description="社区 id")
    grid: str = Field("", max_length=60)
    location: str = Field("", max_length=120)
    resident_name: str = Field("", max_length=40, description="可不填")
    resident_phone: str = Field("", max_length=20, description="可不填")


class IntakeIn(ResidentFields):
    channel: ConcernChannel = Field(description="phone 电话 / visit 来访 / staff 走访发现")


class AssignIn(Schema):
    organization: int | None = Field(None, description="党组织 id")
    unit: int | None = Field(None, description="驻区单位 id")
    member: int | None = Field(None, description="党员 id")
    note: str = Field("", max_length=2000, description="交办意见（仅内部可见）")


class NoteIn(Schema):
    text: str = Field(max_length=2000)
    public: bool = Field(False, description="作为答复让居民看到")


class ResolveIn(Schema):
    reply: str = Field(max_length=2000, description="给居民的答复（办理结果）")


# ---------------------------------------------------------------- staff


def _detail(actor, concern_id: int) -> Concern:
    concern = selectors.concern_get_for(actor, concern_id)
    concern.timeline_events = list(selectors.concern_timeline(concern, public_only=False))
    return concern


def _writable(actor, concern_id: int) -> Concern:
    concern = selectors.concern_get_for(actor, concern_id)
    if not scoping.can_write(actor, concern):
        raise PermissionDenied(services.CANNOT_WRITE)
    return concern


@router.get("", response=list[ConcernOut], summary="群众诉求列表")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def concern_list(request: HttpRequest, filters: Query[ConcernFilters]):
    actor = request.auth
    area = organization_selectors.area_get_for(actor, filters.area) if filters.area is not None else None
    return selectors.concern_filter(
        selectors.concern_list_for(actor), status=filters.status or "", category=filters.category or "",
        overdue=filters.overdue, unassigned=filters.unassigned, area=area, code=filters.code or "")


@router.get("/{int:concern_id}", response=ConcernDetailOut, summary="诉求详情与办理过程")
def concern_detail(request: HttpRequest, concern_id: int):
    return _detail(request.auth, concern_id)


@router.post("", response={201: ConcernDetailOut}, summary="登记诉求（电话、来访、走访发现）")
def concern_intake(request: HttpRequest, data: IntakeIn):
    actor = request.auth
    community = organization_selectors.area_get_for(actor, data.community)
    concern = services.concern_intake(
        actor=actor, category=data.category, description=data.description, community=community,
        channel=data.channel, grid=data.grid, location=data.location, resident_name=data.resident_name,
        resident_phone=data.resident_phone, request=request)
    return Status(201, _detail(actor, concern.pk))


@router.post("/{int:concern_id}/assign", response=ConcernDetailOut, summary="交办（或转办）")
def concern_assign(request: HttpRequest, concern_id: int, data: AssignIn):
    actor = request.auth
    concern = _writable(actor, concern_id)
    services.concern_assign(
        actor=actor, concern=concern,
        organization=organization_selectors.organization_get_for(actor, data.organization)
        if data.organization is not None else None,
        unit=organization_selectors.unit_get_for(actor, data.unit) if data.unit is not None else None,
        member=member_selectors.member_get_for(actor, data.member) if data.member is not None else None,
        note=data.note, request=request)
    return _detail(actor, concern_id)


@router.post("/{int:concern_id}/notes", response={201: ConcernDetailOut}, summary="记录办理情况或答复居民")
def concern_note(request: HttpRequest, concern_id: int, data: NoteIn):
    actor = request.auth
    services.concern_add_note(actor=actor, concern=_writable(actor, concern_id), text=data.text,
                              public=data.public, request=request)
    return Status(201, _detail(actor, concern_id))


@router.post("/{int:concern_id}/resolve", response=ConcernDetailOut, summary="办结并答复居民")
def concern_resolve(request: HttpRequest, concern_id: int, data: ResolveIn):
    actor = request.auth
    services.concern_resolve(actor=actor, concern=_writable(actor, concern_id), reply=data.reply, request=request)
    return _detail(actor, concern_id)


# ---------------------------------------------------------------- public


class FiledOut(Schema):
    tracking_code: str = Field(description="查询码：请居民妥善保存，凭此查询进度和评价")
    status_label: str
    deadline: datetime.date


class CodeIn(Schema):
    code: str = Field(max_length=40, description="查询码（大小写、空格和连字符均可）")


class PublicEventOut(Schema):
    at: datetime.datetime
    kind_label: str
    text: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class PublicConcernOut(Schema):
    tracking_code: str
    category_label: str
    community: str
    description: str
    status: ConcernStatus
    status_label: str
    received_at: datetime.datetime
    deadline: datetime.date
    reply: str
    may_rate: bool = Field(description="已办结、可以评价")
    events: list[PublicEventOut] = Field(description="居民可见的办理过程")


class RateIn(CodeIn):
    rating: Rating
    comment: str = Field("", max_length=500, description="不满意时必填：说明原因")


def _take(request, action: str) -> None:
    if not rate_limits.take(request, action):
        raise HttpError(429, rate_limits.message(action))


def _public(concern: Concern) -> dict:
    return {"tracking_code": concern.display_code, "category_label": concern.get_category_display(),
            "community": concern.community.name, "description": concern.description, "status": concern.status,
            "status_label": concern.get_status_display(), "received_at": concern.received_at,
            "deadline": concern.deadline,
            "reply": concern.reply if concern.status in (ConcernStatus.RESOLVED, ConcernStatus.EVALUATED) else "",
            "may_rate": concern.status == ConcernStatus.RESOLVED,
            "events": list(selectors.concern_timeline(concern, public_only=True))}


def _by_code(code: str) -> Concern:
    concern = selectors.concern_by_tracking_code(code)
    if concern is None:
        raise Http404(services.NOT_FOUND)
    return concern


@public_router.post("", response={201: FiledOut}, summary="居民反映问题（无需登录）")
def public_file(request: HttpRequest, data: ResidentFields):
    if rate_limits.exceeded(request, rate_limits.FILE):
        raise HttpError(429, rate_limits.message(rate_limits.FILE))
    concern = services.concern_file_public(
        category=data.category, description=data.description, community=selectors.community_for_public(data.community),
        grid=data.grid, location=data.location, resident_name=data.resident_name,
        resident_phone=data.resident_phone, request=request)
    rate_limits.count_attempt(request, rate_limits.FILE)
    return Status(201, {"tracking_code": concern.display_code, "status_label": concern.get_status_display(),
                        "deadline": concern.deadline})


@public_router.post("/track", response=PublicConcernOut, summary="凭查询码查询进度")
def public_track(request: HttpRequest, data: CodeIn):
    _take(request, rate_limits.LOOKUP)
    return _public(_by_code(data.code))


@public_router.post("/rate", response=PublicConcernOut, summary="凭查询码评价办理结果")
def public_rate(request: HttpRequest, data: RateIn):
    _take(request, rate_limits.LOOKUP)
    concern = _by_code(data.code)
    services.concern_rate(tracking_code=concern.tracking_code, rating=data.rating, comment=data.comment,
                          request=request)
    return _public(_by_code(concern.tracking_code))
