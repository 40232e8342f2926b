"""API for coverage and co-construction at /api/v1/coverage (the project's token or session auth).

Thin handlers over the selectors (outside scope: 404, also for an id in a body) and the services
(refusals: 422 in Chinese; a read-only leader: 403). The instructor reads their own units at
``/mine`` and records visits at ``/visits``; everything else is for the general roles.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.accounts import scoping
from dangjian.accounts.models import Role
from dangjian.core.pagination import LimitOffsetPagination
from dangjian.coverage import selectors, services, services_cobuild
from dangjian.coverage.models import CoverageStatus, PairingSide
from dangjian.organizations.selectors import area_get_for, organization_get_for

router = Router(tags=["覆盖与共建"])
MAX_PAGE = 200


def _general(actor) -> None:
    """The coverage records are the general roles' (a function role reads only /mine)."""
    if not scoping.has_any_role(actor):
        raise Http404


# ---------------------------------------------------------------- schemas


class Ref(Schema):
    id: int
    name: str


class Rates(Schema):
    units: int = Field(description="计入覆盖率的两新组织（正常经营）")
    own: int
    joint: int
    instructor: int
    uncovered: int
    organization_rate: float | None = Field(description="组织覆盖率（%）")
    work_rate: float | None = Field(description="工作覆盖率（%）")


class ChildRates(Rates):
    area: Ref


class BoardOut(Schema):
    area: Ref
    totals: Rates
    children: list[ChildRates]


class UnitOut(Schema):
    id: int
    name: str
    sector: str
    area: Ref
    staff_count: int
    full_members: int = Field(description="组织关系在本系统的正式党员")
    members_elsewhere: int = Field(description="组织关系在外的党员（人工核实）")
    coverage: CoverageStatus


class BlankSpotOut(Schema):
    id: int
    rule_code: str
    message: str
    area: Ref
    unit: Ref | None
    found_on: datetime.date
    resolved_on: datetime.date | None
    resolution: str


class InstructorOut(Schema):
    id: int
    name: str
    area: Ref
    appointed_by: str
    appointed_on: datetime.date
    term_ends_on: datetime.date
    ended_on: datetime.date | None


class AssignmentOut(Schema):
    id: int
    instructor: Ref
    unit: Ref
    started_on: datetime.date
    ended_on: datetime.date | None


class VisitOut(Schema):
    id: int
    instructor: Ref
    unit: Ref
    visited_on: datetime.date
    topic: str
    outcome: str


class PairingOut(Schema):
    id: int
    community_organization: Ref
    unit_organization: Ref
    signed_on: datetime.date
    term_ends_on: datetime.date
    ended_on: datetime.date | None
    commitments: str
    activity_count: int
    last_activity: datetime.date | None


class RegistrationOut(Schema):
    id: int
    member: Ref
    community: Ref
    post: Ref
    registered_on: datetime.date
    ended_on: datetime.date | None
    confirmed_hours: Decimal | None
    recorded_hours: Decimal | None


class AssignIn(Schema):
    instructor: int
    started_on: datetime.date | None = None


class JointIn(Schema):
    organization: int


class AppointIn(Schema):
    name: str
    area: int
    appointed_by: str
    appointed_on: datetime.date
    term_months: int = 24
    phone: str = ""


class VisitIn(Schema):
    unit: int
    visited_on: datetime.date
    topic: str
    outcome: str = ""


class PairingIn(Schema):
    community_organization: int
    unit_organization: int
    signed_on: datetime.date
    term_months: int = 24
    commitments: str


class ActivityIn(Schema):
    held_on: datetime.date
    content: str
    participants: int = 0
    resources: str = ""


class ReviewIn(Schema):
    year: int
    side: PairingSide
    rating: int
    comment: str = ""


class ServiceIn(Schema):
    served_on: datetime.date
    hours: Decimal
    content: str


class EndIn(Schema):
    ended_on: datetime.date = Field(description="结束（解聘、终止）日期，不晚于今天")


class UnitFilters(Schema):
    area: int | None = None
    uncovered: bool = False


# ---------------------------------------------------------------- coverage


@router.get("/board", response=BoardOut, summary="覆盖情况（区域及其下级）")
def board(request: HttpRequest, area: int | None = None):
    actor = request.auth
    _general(actor)
    focus = selectors.board_area_get_for(actor, area) if area is not None else selectors.top_area_for(actor)
    if focus is None:
        raise Http404
    return selectors.board(actor, focus)


@router.get("/units", response=list[UnitOut], summary="两新组织及其覆盖情况")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def unit_list(request: HttpRequest, filters: Query[UnitFilters]):
    actor = request.auth
    _general(actor)
    units = selectors.units_for(actor).order_by("name_pinyin", "pk")
    if filters.area is not None:
        units = units.filter(area__path__startswith=area_get_for(actor, filters.area).path)
    return units.filter(coverage=CoverageStatus.NONE) if filters.uncovered else units


@router.get("/units/{int:unit_id}", response=UnitOut, summary="单位覆盖情况")
def unit_detail(request: HttpRequest, unit_id: int):
    _general(request.auth)
    return selectors.unit_get_for(request.auth, unit_id)


@router.post("/units/{int:unit_id}/instructor", response={201: AssignmentOut}, summary="为单位指派指导员")
def unit_assign(request: HttpRequest, unit_id: int, data: AssignIn):
    actor = request.auth
    _general(actor)
    unit = selectors.unit_get_for(actor, unit_id)
    instructor = selectors.instructor_get_for(actor, data.instructor)
    return Status(201, services.instructor_assign(actor=actor, instructor=instructor, unit=unit,
                                                  started_on=data.started_on, request=request))


@router.post("/units/{int:unit_id}/joint-branch", response=UnitOut, summary="将单位纳入联合党支部")
def unit_joint(request: HttpRequest, unit_id: int, data: JointIn):
    actor = request.auth
    _general(actor)
    unit = selectors.unit_get_for(actor, unit_id)
    services.joint_branch_add_unit(actor=actor, organization=organization_get_for(
        actor, data.organization), unit=unit, request=request)
    return selectors.unit_get_for(actor, unit_id)


@router.get("/blank-spots", response=list[BlankSpotOut], summary="空白点（含已消除的历史）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def blank_spot_list(request: HttpRequest, open_only: bool = False):
    _general(request.auth)
    return selectors.blank_spot_records_for(request.auth, open_only=open_only).order_by("resolved_on", "-found_on",
                                                                                          "pk")


# ---------------------------------------------------------------- instructors


@router.get("/instructors", response=list[InstructorOut], summary="党建工作指导员")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def instructor_list(request: HttpRequest):
    _general(request.auth)
    return selectors.instructors_for(request.auth).order_by("name", "pk")


@router.post("/instructors", response={201: InstructorOut}, summary="聘任指导员")
def instructor_appoint(request: HttpRequest, data: AppointIn):
    actor = request.auth
    _general(actor)
    area = area_get_for(actor, data.area)
    return Status(201, services.instructor_appoint(actor=actor, area=area, request=request,
                                                   **data.dict(exclude={"area"})))


@router.get("/instructors/{int:instructor_id}", response=InstructorOut, summary="指导员")
def instructor_detail(request: HttpRequest, instructor_id: int):
    _general(request.auth)
    return selectors.instructor_get_for(request.auth, instructor_id)


@router.post("/instructors/{int:instructor_id}/end", response=InstructorOut, summary="解聘指导员（联系单位指派同时结束）")
def instructor_end(request: HttpRequest, instructor_id: int, data: EndIn):
    actor = request.auth
    _general(actor)
    services.instructor_end(actor=actor, instructor=selectors.instructor_get_for(actor, instructor_id),
                            ended_on=data.ended_on, request=request)
    return selectors.instructor_get_for(actor, instructor_id)


@router.post("/assignments/{int:assignment_id}/end", response=AssignmentOut, summary="结束指导员对单位的联系")
def assignment_end(request: HttpRequest, assignment_id: int, data: EndIn):
    actor = request.auth
    _general(actor)
    return services.assignment_end(actor=actor, assignment=selectors.assignment_get_for(actor, assignment_id),
                                   ended_on=data.ended_on, request=request)


@router.get("/mine", response=list[AssignmentOut], summary="我的联系单位（指导员本人）")
def my_units(request: HttpRequest):
    instructor = services.instructor_of(request.auth)
    if instructor is None or not scoping.holds_role(request.auth, Role.INSTRUCTOR):
        raise Http404
    return selectors.my_units(request.auth, instructor)


@router.post("/visits", response={201: VisitOut}, summary="登记走访（指导员本人）")
def visit_record(request: HttpRequest, data: VisitIn):
    actor = request.auth
    instructor = services.instructor_of(actor)
    if instructor is None:
        raise PermissionDenied("只有在聘的指导员本人可以登记走访。")
    unit = next((a.unit for a in selectors.my_units(actor, instructor) if a.unit_id == data.unit), None)
    if unit is None:
        raise Http404("单位不存在。")
    return Status(201, services.visit_record(actor=actor, unit=unit, visited_on=data.visited_on, topic=data.topic,
                                             outcome=data.outcome, request=request))


# ---------------------------------------------------------------- pairings


@router.get("/pairings", response=list[PairingOut], summary="结对共建")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def pairing_list(request: HttpRequest):
    _general(request.auth)
    return selectors.pairings_for(request.auth).order_by("-signed_on", "pk")


@router.post("/pairings", response={201: PairingOut}, summary="登记结对共建")
def pairing_create(request: HttpRequest, data: PairingIn):
    actor = request.auth
    _general(actor)
    pairing = services_cobuild.pairing_create(
        actor=actor, community_organization=organization_get_for(
            actor, data.community_organization),
        unit_organization=organization_get_for(actor, data.unit_organization),
        signed_on=data.signed_on, term_months=data.term_months, commitments=data.commitments, request=request)
    return Status(201, selectors.pairing_get_for(actor, pairing.pk))


@router.get("/pairings/{int:pairing_id}", response=PairingOut, summary="结对共建详情")
def pairing_detail(request: HttpRequest, pairing_id: int):
    _general(request.auth)
    return selectors.pairing_get_for(request.auth, pairing_id)


@router.post("/pairings/{int:pairing_id}/activities", response={201: PairingOut}, summary="登记共建活动")
def pairing_activity(request: HttpRequest, pairing_id: int, data: ActivityIn):
    actor = request.auth
    _general(actor)
    services_cobuild.pairing_activity_record(actor=actor, pairing=selectors.pairing_get_for(actor, pairing_id),
                                             request=request, **data.dict())
    return Status(201, selectors.pairing_get_for(actor, pairing_id))


@router.post("/pairings/{int:pairing_id}/reviews", response={201: PairingOut}, summary="年度评价（本方）")
def pairing_review(request: HttpRequest, pairing_id: int, data: ReviewIn):
    actor = request.auth
    _general(actor)
    services_cobuild.pairing_review(actor=actor, pairing=selectors.pairing_get_for(actor, pairing_id),
                                    request=request, **data.dict())
    return Status(201, selectors.pairing_get_for(actor, pairing_id))


@router.post("/pairings/{int:pairing_id}/end", response=PairingOut, summary="终止结对共建协议")
def pairing_end(request: HttpRequest, pairing_id: int, data: EndIn):
    actor = request.auth
    _general(actor)
    services_cobuild.pairing_end(actor=actor, pairing=selectors.pairing_get_for(actor, pairing_id),
                                 ended_on=data.ended_on, request=request)
    return selectors.pairing_get_for(actor, pairing_id)


# ---------------------------------------------------------------- in-service members


@router.get("/registrations", response=list[RegistrationOut], summary="在职党员到社区报到")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def registration_list(request: HttpRequest):
    _general(request.auth)
    return selectors.registrations_for(request.auth).order_by("-registered_on", "pk")


@router.post("/registrations/{int:registration_id}/records", response={201: RegistrationOut},
             summary="登记服务（待社区确认）")
def service_record(request: HttpRequest, registration_id: int, data: ServiceIn):
    actor = request.auth
    _general(actor)
    registration = selectors.registration_get_for(actor, registration_id)
    services_cobuild.service_record(actor=actor, registration=registration, request=request, **data.dict())
    return Status(201, selectors.registration_get_for(actor, registration_id))


@router.post("/registrations/{int:registration_id}/end", response=RegistrationOut, summary="结束报到")
def registration_end(request: HttpRequest, registration_id: int, data: EndIn):
    actor = request.auth
    _general(actor)
    services_cobuild.service_end(actor=actor, registration=selectors.registration_get_for(actor, registration_id),
                                 ended_on=data.ended_on, request=request)
    return selectors.registration_get_for(actor, registration_id)


@router.post("/records/{int:record_id}/confirm", response=RegistrationOut, summary="社区确认服务时长")
def service_confirm(request: HttpRequest, record_id: int):
    actor = request.auth
    _general(actor)
    record = services_cobuild.service_confirm(actor=actor, record=selectors.service_record_get_for(actor, record_id),
                                              request=request)
    return selectors.registration_get_for(actor, record.registration_id)
