"""The API's changes to what a school has, beside the pages' edit forms: the school, venues
(停用), officers (任期结束), teachers (解聘), courses, plans and their planned classes, and a
class moved (改期), cancelled or recorded as held. Registered on the same router as api.py (one
path, several methods); same rules: a record outside scope 404, a read-only role 403, a service's
refusal 422 in Chinese.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.responses import Status

from dangjian.accounts import scoping
from dangjian.organizations.selectors import area_get_for
from dangjian.school import selectors, services, services_updates
from dangjian.school.api import (
    CourseIn,
    CourseOut,
    PlanOut,
    SchoolOut,
    SessionOut,
    TeacherIn,
    TeacherOut,
    VenueIn,
    VenueOut,
    _one,
    _writable_school,
    _writable_session,
    router,
)
from dangjian.school.models import OfficerPosition


class SchoolIn(Schema):
    name: str = Field(max_length=120)
    founded_on: datetime.date | None = None
    notes: str = ""


class SchoolCreateIn(SchoolIn):
    area: int = Field(description="举办党校的街道或社区")


class VenueEditIn(VenueIn):
    is_active: bool = Field(True, description="false：停用（有未举办的排课时拒绝）")


class TeacherEditIn(TeacherIn):
    is_active: bool = Field(True, description="false：解聘（有未举办的排课时拒绝）")


class OfficerIn(Schema):
    name: str = Field(max_length=40)
    position: OfficerPosition
    affiliation: str = Field("", max_length=120)
    term_start: datetime.date
    term_end: datetime.date | None = Field(None, description="填写即任期结束（离任）")


class OfficerOut(OfficerIn):
    id: int


class PlanEditIn(Schema):
    title: str = Field("", max_length=120)
    target_hours: Decimal
    notes: str = ""


class PlannedIn(Schema):
    month: int = Field(ge=1, le=12)
    course: int


class PlannedOut(Schema):
    id: int
    month: int
    course_id: int
    course: str

    @staticmethod
    def resolve_course(obj) -> str:
        return obj.course.title


class RescheduleIn(Schema):
    venue: int
    teacher: int | None = Field(None, description="整体替换：不填即不安排授课教员")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    hours: Decimal | None = Field(None, description="不填按课程学时；不超过课程时长")
    expected_attendees: int = Field(0, ge=0)
    notice: str = ""


class HeldIn(Schema):
    feedback_score: Decimal | None = Field(None, description="学员评价平均分（1–5）")


def _writable(actor, record, school):
    if not scoping.can_write(actor, school):
        raise PermissionDenied(services.CANNOT_WRITE)
    return record


# ---------------------------------------------------------------- the school and its resources


@router.post("", response={201: SchoolOut}, summary="设立党校（街道或社区）")
def school_add(request: HttpRequest, data: SchoolCreateIn):
    fields = data.dict()
    area = area_get_for(request.auth, fields.pop("area"))
    return Status(201, services_updates.school_create(actor=request.auth, area=area, request=request, **fields))


@router.put("/{int:school_id}", response=SchoolOut, summary="修改党校信息")
def school_edit(request: HttpRequest, school_id: int, data: SchoolIn):
    school = _writable_school(request.auth, school_id)
    return services_updates.school_update(actor=request.auth, school=school, request=request, **data.dict())


@router.get("/{int:school_id}/venues", response=list[VenueOut], summary="教学场所")
def venue_list(request: HttpRequest, school_id: int):
    return list(selectors.venue_list_for(request.auth, selectors.school_get_for(request.auth, school_id)))


@router.put("/venues/{int:venue_id}", response=VenueOut, summary="修改或停用教学场所")
def venue_edit(request: HttpRequest, venue_id: int, data: VenueEditIn):
    venue = selectors.venue_get_for(request.auth, venue_id)
    _writable(request.auth, venue, venue.school)
    return services.venue_save(actor=request.auth, school=venue.school, venue=venue, request=request, **data.dict())


@router.get("/{int:school_id}/officers", response=list[OfficerOut], summary="校务领导班子")
def officer_list(request: HttpRequest, school_id: int):
    return list(selectors.officer_list_for(request.auth, selectors.school_get_for(request.auth, school_id)))


@router.post("/{int:school_id}/officers", response={201: OfficerOut}, summary="添加校务领导")
def officer_add(request: HttpRequest, school_id: int, data: OfficerIn):
    school = _writable_school(request.auth, school_id)
    return Status(201, services.officer_save(actor=request.auth, school=school, request=request, **data.dict()))


@router.put("/officers/{int:officer_id}", response=OfficerOut, summary="修改校务领导（填写任期结束即离任）")
def officer_edit(request: HttpRequest, officer_id: int, data: OfficerIn):
    officer = selectors.officer_get_for(request.auth, officer_id)
    _writable(request.auth, officer, officer.school)
    return services.officer_save(actor=request.auth, school=officer.school, officer=officer, request=request,
                                 **data.dict())


@router.put("/teachers/{int:teacher_id}", response=TeacherOut, summary="修改或解聘兼职教员")
def teacher_edit(request: HttpRequest, teacher_id: int, data: TeacherEditIn):
    teacher = selectors.teacher_get_for(request.auth, teacher_id)
    _writable(request.auth, teacher, teacher.school)
    return services.teacher_save(actor=request.auth, school=teacher.school, teacher=teacher, request=request,
                                 **data.dict())


@router.get("/{int:school_id}/courses", response=list[CourseOut], summary="课程目录")
def course_list(request: HttpRequest, school_id: int):
    return list(selectors.course_list_for(request.auth, selectors.school_get_for(request.auth, school_id)))


@router.put("/courses/{int:course_id}", response=CourseOut, summary="修改课程")
def course_edit(request: HttpRequest, course_id: int, data: CourseIn):
    actor = request.auth
    course = selectors.course_get_for(actor, course_id)
    _writable(actor, course, course.school)
    fields = data.dict()
    teacher = _one(selectors.teacher_list_for(actor, course.school), fields.pop("teacher"), "teacher")
    return services.course_save(actor=actor, school=course.school, course=course, teacher=teacher, request=request,
                                **fields)


# ---------------------------------------------------------------- plans and planned classes


@router.put("/plans/{int:plan_id}", response=PlanOut, summary="修改教育计划（名称、目标学时、说明）")
def plan_edit(request: HttpRequest, plan_id: int, data: PlanEditIn):
    plan = selectors.plan_get_for(request.auth, plan_id)
    _writable(request.auth, plan, plan.school)
    return services_updates.plan_update(actor=request.auth, plan=plan, request=request, **data.dict())


@router.get("/plans/{int:plan_id}/classes", response=list[PlannedOut], summary="计划课程（按月）")
def planned_list(request: HttpRequest, plan_id: int):
    plan = selectors.plan_get_for(request.auth, plan_id)
    return list(plan.planned_classes.select_related("course"))


@router.post("/plans/{int:plan_id}/classes", response={201: PlannedOut}, summary="加入计划课程")
def planned_add(request: HttpRequest, plan_id: int, data: PlannedIn):
    actor = request.auth
    plan = selectors.plan_get_for(actor, plan_id)
    _writable(actor, plan, plan.school)
    course = _one(selectors.course_list_for(actor, plan.school), data.course, "course")
    return Status(201, services.plan_add_class(actor=actor, plan=plan, month=data.month, course=course,
                                               request=request))


@router.put("/planned/{int:planned_id}", response=PlannedOut, summary="调整计划课程")
def planned_edit(request: HttpRequest, planned_id: int, data: PlannedIn):
    actor = request.auth
    planned = selectors.planned_get_for(actor, planned_id)
    _writable(actor, planned, planned.plan.school)
    course = _one(selectors.course_list_for(actor, planned.plan.school), data.course, "course")
    return services_updates.planned_update(actor=actor, planned=planned, month=data.month, course=course,
                                           request=request)


@router.delete("/planned/{int:planned_id}", response={204: None}, summary="移出计划课程")
def planned_remove(request: HttpRequest, planned_id: int):
    planned = selectors.planned_get_for(request.auth, planned_id)
    _writable(request.auth, planned, planned.plan.school)
    services_updates.planned_remove(actor=request.auth, planned=planned, request=request)
    return Status(204, None)


# ---------------------------------------------------------------- classes


@router.put("/classes/{int:session_id}", response=SessionOut, summary="改期（检查场所、教员冲突和容量，并通知教育对象）")
def session_reschedule(request: HttpRequest, session_id: int, data: RescheduleIn):
    actor = request.auth
    session = _writable_session(actor, session_id)
    session = services_updates.session_reschedule(
        actor=actor, session=session, venue=_one(selectors.venue_list_for(actor, session.school), data.venue, "venue"),
        teacher=_one(selectors.teacher_list_for(actor, session.school), data.teacher, "teacher"),
        starts_at=data.starts_at, ends_at=data.ends_at, hours=data.hours, expected_attendees=data.expected_attendees,
        notice=data.notice, request=request)
    return selectors.session_get_for(actor, session.pk)


@router.post("/classes/{int:session_id}/cancel", response=SessionOut, summary="取消班次（并通知教育对象）")
def session_cancel(request: HttpRequest, session_id: int):
    actor = request.auth
    services.session_cancel(actor=actor, session=_writable_session(actor, session_id), request=request)
    return selectors.session_get_for(actor, session_id)


@router.post("/classes/{int:session_id}/held", response=SessionOut, summary="登记已举办及学员评价")
def session_held(request: HttpRequest, session_id: int, data: HeldIn):
    actor = request.auth
    services.session_record_held(actor=actor, session=_writable_session(actor, session_id),
                                 feedback_score=data.feedback_score, request=request)
    return selectors.session_get_for(actor, session_id)
