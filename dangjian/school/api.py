"""API for the community party schools at /api/v1/schools.

Thin handlers over the selectors (a school, plan or class outside the caller's scope: 404, also
for ids in a body) and the services (their refusals: 422 in Chinese; a read-only role: 403).
Study hours are read, never written: they come from the attendance the services record.
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
from dangjian.school import selectors, services
from dangjian.school.models import Audience, ClassStatus

router = Router(tags=["社区党校"])
MAX_PAGE = 200


# ---------------------------------------------------------------- schemas


class SchoolOut(Schema):
    id: int
    name: str
    area: str
    founded_on: datetime.date | None

    @staticmethod
    def resolve_area(obj) -> str:
        return obj.area.name


class PlanIn(Schema):
    year: int = Field(ge=2000, le=2100)
    title: str = Field("", max_length=120)
    audience: Audience = Audience.ALL
    target_hours: Decimal | None = Field(None, description="不填按每年32学时（RULES.md EDU-01）")
    notes: str = ""


class PlanOut(Schema):
    id: int
    year: int
    title: str
    audience: Audience
    target_hours: Decimal


class ProgressOut(PlanOut):
    planned_count: int
    held_count: int
    members: int = Field(description="教育对象人数")
    meeting_target: int = Field(description="已达到目标学时的人数")
    behind_pro_rata: int = Field(description="按全年进度落后的人数")
    due_by_now: Decimal = Field(description="按全年进度此时应达到的学时")
    average_hours: Decimal


class SessionIn(Schema):
    course: int
    venue: int
    teacher: int | None = None
    plan: int | None = None
    planned: int | None = Field(None, description="对应的计划课程（须属于所选教育计划）")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    hours: Decimal | None = Field(None, description="不填按课程学时；不超过课程时长")
    audience: Audience | None = None
    expected_attendees: int = Field(0, ge=0)
    notice: str = ""


class SessionOut(Schema):
    id: int
    course: str
    teacher: str | None
    venue: str
    capacity: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    hours: Decimal
    audience: Audience
    status: ClassStatus
    attended: int = 0

    @staticmethod
    def resolve_course(obj) -> str:
        return obj.course.title

    @staticmethod
    def resolve_teacher(obj) -> str | None:
        return obj.teacher.name if obj.teacher else None

    @staticmethod
    def resolve_venue(obj) -> str:
        return obj.venue.name

    @staticmethod
    def resolve_capacity(obj) -> int:
        return obj.venue.capacity


class AttendanceOut(Schema):
    member_id: int
    name: str
    method: str
    hours: Decimal
    credited_on: datetime.date

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.member.name


class SessionDetailOut(SessionOut):
    attendance: list[AttendanceOut]


class MarkIn(Schema):
    member_ids: list[int] = Field(min_length=1, max_length=1000)
    hours: Decimal | None = None


class MakeupIn(Schema):
    member_id: int
    hours: Decimal
    studied_on: datetime.date
    note: str = Field(max_length=200)


class MemberHoursOut(Schema):
    id: int
    name: str
    organization: str
    care_groups: list[str]
    study_hours: Decimal

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_care_groups(obj) -> list[str]:
        return selectors.care_labels(obj)

    @staticmethod
    def resolve_study_hours(obj) -> Decimal:
        return selectors.as_hours(obj.study_hours)


class HoursFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    group: Audience = Audience.ALL
    below: Decimal | None = Field(None, description="只列学时低于该值的党员")


class TeacherIn(Schema):
    name: str = Field(max_length=40)
    affiliation: str = Field("", max_length=120)
    title: str = Field("", max_length=60)
    expertise: str = Field("", max_length=200)
    phone: str = Field("", max_length=20)


class TeacherOut(Schema):
    id: int
    name: str
    affiliation: str
    title: str
    expertise: list[str]
    is_active: bool

    @staticmethod
    def resolve_expertise(obj) -> list[str]:
        return obj.expertise_tags


class VenueIn(Schema):
    name: str = Field(max_length=80)
    address: str = Field("", max_length=160)
    capacity: int = Field(ge=1)


class VenueOut(Schema):
    id: int
    name: str
    address: str
    capacity: int


class CourseIn(Schema):
    title: str = Field(max_length=120)
    topic: str = Field("", max_length=60)
    hours: Decimal
    teacher: int | None = None
    materials: str = ""


class CourseOut(Schema):
    id: int
    title: str
    topic: str
    hours: Decimal
    teacher_id: int | None


# ---------------------------------------------------------------- helpers


def _writable_school(actor, school_id: int):
    school = selectors.school_get_for(actor, school_id)
    if not scoping.can_write(actor, school):
        raise PermissionDenied(services.CANNOT_WRITE)
    return school


def _one(queryset, pk, field: str):
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: "所选对象不存在或不属于本党校。"})
    return found


def _progress(plan) -> dict:
    progress = selectors.plan_progress(plan, on_date=timezone.localdate())
    return {"id": plan.pk, "year": plan.year, "title": plan.title, "audience": plan.audience,
            "target_hours": plan.target_hours, **{k: v for k, v in progress.items() if k != "planned"}}


def _session_detail(actor, session_id: int):
    session = selectors.session_get_for(actor, session_id)
    session.attendance = list(selectors.attendance_list(session))
    return session


# ---------------------------------------------------------------- schools


@router.get("", response=list[SchoolOut], summary="社区党校列表")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def school_list(request: HttpRequest):
    return selectors.school_list_for(request.auth)


@router.get("/{int:school_id}", response=SchoolOut, summary="党校详情")
def school_detail(request: HttpRequest, school_id: int):
    return selectors.school_get_for(request.auth, school_id)


@router.get("/{int:school_id}/members", response=list[MemberHoursOut], summary="教育对象及其年度学时（脱敏）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def school_members(request: HttpRequest, school_id: int, filters: Query[HoursFilters]):
    school = selectors.school_get_for(request.auth, school_id)
    rows = selectors.audience_with_hours(school, filters.group, filters.year or timezone.localdate().year)
    return rows.filter(study_hours__lt=filters.below) if filters.below is not None else rows


@router.get("/{int:school_id}/teachers", response=list[TeacherOut], summary="兼职教员")
def teacher_list(request: HttpRequest, school_id: int):
    return list(selectors.teacher_list_for(request.auth, selectors.school_get_for(request.auth, school_id)))


@router.post("/{int:school_id}/teachers", response={201: TeacherOut}, summary="添加兼职教员")
def teacher_add(request: HttpRequest, school_id: int, data: TeacherIn):
    school = _writable_school(request.auth, school_id)
    return Status(201, services.teacher_save(actor=request.auth, school=school, request=request, **data.dict()))


@router.post("/{int:school_id}/venues", response={201: VenueOut}, summary="添加教学场所")
def venue_add(request: HttpRequest, school_id: int, data: VenueIn):
    school = _writable_school(request.auth, school_id)
    return Status(201, services.venue_save(actor=request.auth, school=school, request=request, **data.dict()))


@router.post("/{int:school_id}/courses", response={201: CourseOut}, summary="添加课程")
def course_add(request: HttpRequest, school_id: int, data: CourseIn):
    actor = request.auth
    school = _writable_school(actor, school_id)
    fields = data.dict()
    teacher = _one(selectors.teacher_list_for(actor, school), fields.pop("teacher"), "teacher")
    return Status(201, services.course_save(actor=actor, school=school, teacher=teacher, request=request, **fields))


# ---------------------------------------------------------------- plans


@router.get("/{int:school_id}/plans", response=list[ProgressOut], summary="教育计划及进度")
def plan_list(request: HttpRequest, school_id: int):
    school = selectors.school_get_for(request.auth, school_id)
    return [_progress(plan) for plan in selectors.plan_list_for(request.auth, school)[:20]]


@router.post("/{int:school_id}/plans", response={201: PlanOut}, summary="制定教育计划")
def plan_add(request: HttpRequest, school_id: int, data: PlanIn):
    school = _writable_school(request.auth, school_id)
    return Status(201, services.plan_create(actor=request.auth, school=school, request=request, **data.dict()))


@router.get("/plans/{int:plan_id}", response=ProgressOut, summary="教育计划进度")
def plan_detail(request: HttpRequest, plan_id: int):
    return _progress(selectors.plan_get_for(request.auth, plan_id))


# ---------------------------------------------------------------- classes


@router.get("/{int:school_id}/classes", response=list[SessionOut], summary="班次列表")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def session_list(request: HttpRequest, school_id: int):
    return selectors.session_list_for(request.auth, selectors.school_get_for(request.auth, school_id))


@router.post("/{int:school_id}/classes", response={201: SessionOut}, summary="排课（检查场所、教员冲突和容量）")
def session_add(request: HttpRequest, school_id: int, data: SessionIn):
    actor = request.auth
    school = _writable_school(actor, school_id)
    session = services.session_schedule(
        actor=actor, school=school, course=_one(selectors.course_list_for(actor, school), data.course, "course"),
        venue=_one(selectors.venue_list_for(actor, school), data.venue, "venue"),
        teacher=_one(selectors.teacher_list_for(actor, school), data.teacher, "teacher"),
        plan=_one(selectors.plan_list_for(actor, school), data.plan, "plan"),
        planned=_one(selectors.planned_list_for(actor, school), data.planned, "planned"), starts_at=data.starts_at,
        ends_at=data.ends_at, hours=data.hours, audience=data.audience, expected_attendees=data.expected_attendees,
        notice=data.notice, request=request)
    return Status(201, session)


@router.get("/classes/{int:session_id}", response=SessionDetailOut, summary="班次详情与出勤")
def session_detail(request: HttpRequest, session_id: int):
    return _session_detail(request.auth, session_id)


def _writable_session(actor, session_id: int):
    session = selectors.session_get_for(actor, session_id)
    if not scoping.can_write(actor, session.school):
        raise PermissionDenied(services.CANNOT_WRITE)
    return session


def _audience(session, ids: list[int]) -> list:
    """The members named in a body, among the class's audience; anyone else is refused alike."""
    found = {m.pk: m for m in selectors.audience_members(session.school, session.audience).filter(pk__in=ids)}
    if len(found) != len(set(ids)):
        raise ValidationError({"member_ids": "所选党员不在本班次的教育对象范围内。"})
    return [found[pk] for pk in dict.fromkeys(ids)]


@router.post("/classes/{int:session_id}/attendance", response=SessionDetailOut, summary="名单登记出勤")
def session_mark(request: HttpRequest, session_id: int, data: MarkIn):
    session = _writable_session(request.auth, session_id)
    services.attendance_mark(actor=request.auth, session=session, members=_audience(session, data.member_ids),
                             hours=data.hours, request=request)
    return _session_detail(request.auth, session_id)


@router.post("/classes/{int:session_id}/makeup", response={201: AttendanceOut}, summary="登记补学")
def session_makeup(request: HttpRequest, session_id: int, data: MakeupIn):
    session = _writable_session(request.auth, session_id)
    member = _audience(session, [data.member_id])[0]
    return Status(201, services.makeup_record(actor=request.auth, session=session, member=member, hours=data.hours,
                                       studied_on=data.studied_on, note=data.note, request=request))


# The changes (PUT/DELETE, cancel, held, officers, planned classes) share this router's paths.
from dangjian.school import api_edit  # noqa: E402,F401
