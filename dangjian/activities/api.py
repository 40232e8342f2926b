"""API for community activities at /api/v1/activities (staff): the scoped list, an activity with
its registrations, announcing one, the places, and the report afterwards. Members sign up and
check in on their phone pages (/activities/m/). Thin handlers over selectors and services."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.accounts import scoping
from dangjian.activities import selectors, services
from dangjian.activities.models import Activity, ActivityKind, RegistrationStatus
from dangjian.core.pagination import LimitOffsetPagination
from dangjian.organizations import selectors as organization_selectors

router = Router(tags=["社区活动"])
MAX_PAGE = 200


class Ref(Schema):
    id: int
    name: str


class RegistrationOut(Schema):
    member: Ref
    status: RegistrationStatus
    registered_at: datetime.datetime
    checked_in_at: datetime.datetime | None
    volunteer_hours: float | None


class ActivityOut(Schema):
    id: int
    title: str
    kind: ActivityKind
    community: Ref
    organizer: Ref
    organizer_kind: str = Field(description="organization 党组织 / unit 单位")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    capacity: int
    keeps_waitlist: bool
    taken: int
    waiting: int
    checked_in: int

    @staticmethod
    def resolve_organizer_kind(obj) -> str:
        return "organization" if obj.organizer_organization_id else "unit"


class ActivityDetailOut(ActivityOut):
    description: str
    report: str
    registrations: list[RegistrationOut]

    @staticmethod
    def resolve_registrations(obj) -> list:
        return list(selectors.activity_registrations(obj))


class ActivityIn(Schema):
    title: str = Field(max_length=120)
    kind: ActivityKind
    community: int = Field(description="社区 id")
    organizer_organization: int | None = Field(None, description="主办党组织 id（与主办单位二选一）")
    organizer_unit: int | None = Field(None, description="主办单位 id")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str = Field(max_length=120)
    capacity: int = Field(ge=1, le=10000)
    keeps_waitlist: bool = True
    description: str = Field("", max_length=4000)


class ReportIn(Schema):
    report: str = Field(max_length=4000)


class CapacityIn(Schema):
    capacity: int = Field(ge=1, le=10000)


def _writable(actor, activity_id: int) -> Activity:
    activity = selectors.activity_get_for(actor, activity_id)
    if not scoping.can_write(actor, activity):
        raise PermissionDenied(services.CANNOT_WRITE)
    return activity


@router.get("", response=list[ActivityOut], summary="社区活动列表")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def activity_list(request: HttpRequest):
    return selectors.activity_list_for(request.auth)


@router.get("/{int:activity_id}", response=ActivityDetailOut, summary="活动详情与报名名单")
def activity_detail(request: HttpRequest, activity_id: int):
    return selectors.activity_get_for(request.auth, activity_id)


@router.post("", response={201: ActivityDetailOut}, summary="发布活动")
def activity_create(request: HttpRequest, data: ActivityIn):
    actor = request.auth
    activity = services.activity_create(
        actor=actor, title=data.title, kind=data.kind,
        community=organization_selectors.area_get_for(actor, data.community),
        organizer_organization=organization_selectors.organization_get_for(actor, data.organizer_organization)
        if data.organizer_organization is not None else None,
        organizer_unit=organization_selectors.unit_get_for(actor, data.organizer_unit)
        if data.organizer_unit is not None else None,
        starts_at=data.starts_at, ends_at=data.ends_at, place=data.place, capacity=data.capacity,
        keeps_waitlist=data.keeps_waitlist, description=data.description, request=request)
    return Status(201, selectors.activity_get_for(actor, activity.pk))


@router.post("/{int:activity_id}/capacity", response=ActivityDetailOut, summary="修改名额（候补依次递补）")
def activity_capacity(request: HttpRequest, activity_id: int, data: CapacityIn):
    actor = request.auth
    services.activity_set_capacity(actor=actor, activity=_writable(actor, activity_id), capacity=data.capacity,
                                   request=request)
    return selectors.activity_get_for(actor, activity_id)


@router.post("/{int:activity_id}/report", response=ActivityDetailOut, summary="填写活动小结")
def activity_report(request: HttpRequest, activity_id: int, data: ReportIn):
    actor = request.auth
    services.activity_report(actor=actor, activity=_writable(actor, activity_id), report=data.report, request=request)
    return selectors.activity_get_for(actor, activity_id)
