"""Founding a school, and changing what a school already has: the school itself, a plan, a planned class, and moving a
class (改期) with the same checks as scheduling it. The venue, officer, teacher and course edits
are the ``*_save`` services in services.py called with the record to change.

Same contract as services.py: keyword-only, atomic, the actor first and able to write to the
school, a Chinese ValidationError before anything is written, one audit entry per change.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import AuditAction
from dangjian.organizations.models import AreaLevel
from dangjian.school import notifications
from dangjian.school.models import (
    ClassSession,
    ClassStatus,
    Course,
    EducationPlan,
    PartySchool,
    PlannedClass,
    Teacher,
    Venue,
)
from dangjian.school.services import (
    _hours,
    _require_write,
    _same_school,
    _save,
    check_booking,
    check_length,
)


@transaction.atomic
def school_create(*, actor, area, name: str, founded_on: datetime.date | None = None, notes: str = "",
                  request=None) -> PartySchool:
    """A street or community founds its party school: whoever writes to that area (a school's own
    administrator holds no area and founds none)."""
    if not scoping.can_write(actor, area):
        raise PermissionDenied("您不能在该区域设立党校：只能在您管辖的街道或社区设立。")
    if area.level not in (AreaLevel.STREET, AreaLevel.COMMUNITY):
        raise ValidationError({"area": "党校须由街道或社区举办。"})
    school = PartySchool(area=area, name=(name or "").strip(), founded_on=founded_on, notes=(notes or "").strip())
    if not school.name:
        raise ValidationError({"name": "请填写党校名称。"})
    if PartySchool.objects.filter(area=area, name=school.name).exists():
        raise ValidationError({"name": "本区域已有同名党校。"})
    return _save(actor, school, created=True, request=request)


@transaction.atomic
def school_update(*, actor, school: PartySchool, name: str, founded_on: datetime.date | None = None,
                  notes: str = "", request=None) -> PartySchool:
    """Rename the school or correct its founding date and notes; its area (what its scope hangs
    on) is not changed here."""
    _require_write(actor, school)
    school.name, school.founded_on, school.notes = (name or "").strip(), founded_on, (notes or "").strip()
    if not school.name:
        raise ValidationError({"name": "请填写党校名称。"})
    if PartySchool.objects.filter(area=school.area_id, name=school.name).exclude(pk=school.pk).exists():
        raise ValidationError({"name": "本区域已有同名党校。"})
    return _save(actor, school, created=False, request=request)


@transaction.atomic
def plan_update(*, actor, plan: EducationPlan, title: str, target_hours, notes: str = "",
                request=None) -> EducationPlan:
    """Retitle a plan or change its target; year and audience are what the plan is (a new year or
    group is a new plan)."""
    _require_write(actor, plan.school)
    plan.title = (title or "").strip() or f"{plan.year}年党员教育计划"
    plan.target_hours = _hours(target_hours, field="target_hours")
    plan.notes = (notes or "").strip()
    return _save(actor, plan, created=False, request=request)


def _live_sessions(planned: PlannedClass):
    return planned.sessions.exclude(status=ClassStatus.CANCELLED)


@transaction.atomic
def planned_update(*, actor, planned: PlannedClass, month: int, course: Course, request=None) -> PlannedClass:
    """Move a planned class to another month or another course (not once a class was scheduled
    for it with the old course)."""
    school = planned.plan.school
    _require_write(actor, school)
    _same_school(school, course=course)
    if course.pk != planned.course_id and _live_sessions(planned).exists():
        raise ValidationError({"course": "该计划课程已排课，不能更换课程；请先取消所排班次。"})
    planned.month, planned.course = month, course
    return _save(actor, planned, created=False, request=request, plan=planned.plan_id)


@transaction.atomic
def planned_remove(*, actor, planned: PlannedClass, request=None) -> None:
    """Take a class out of the plan, unless a class was scheduled or held for it."""
    _require_write(actor, planned.plan.school)
    if _live_sessions(planned).exists():
        raise ValidationError("该计划课程已排课或已举办，不能移出计划。")
    audit.record_change(actor=actor, action=AuditAction.DELETE, obj=planned, request=request, plan=planned.plan_id,
                        month=planned.month, course=planned.course_id)
    planned.delete()


@transaction.atomic
def session_reschedule(*, actor, session: ClassSession, venue: Venue, starts_at: datetime.datetime,
                       ends_at: datetime.datetime, teacher: Teacher | None = None, hours=None,
                       expected_attendees: int = 0, notice: str = "", request=None) -> ClassSession:
    """Move a class nobody attended yet (time, venue, teacher, hours, expected attendance, notice)
    with the checks of scheduling — the class itself does not clash with its old slot — and tell
    its audience when the time or the venue changed."""
    _require_write(actor, session.school)
    session = ClassSession.objects.select_for_update(of=("self",)).select_related(
        "school__area", "course", "venue", "teacher").get(pk=session.pk)
    if session.status != ClassStatus.SCHEDULED:
        raise ValidationError(f"该班次{session.get_status_display()}，不能改期。")
    if session.attendances.exists():
        raise ValidationError("该班次已有出勤记录，不能改期。")
    _same_school(session.school, venue=venue, teacher=teacher)
    previous = (session.starts_at, session.ends_at)
    moved = previous != (starts_at, ends_at) or venue.pk != session.venue_id
    expected = check_booking(venue=venue, teacher=teacher, starts_at=starts_at, ends_at=ends_at,
                             expected_attendees=expected_attendees, exclude=session)
    session.venue, session.teacher, session.starts_at, session.ends_at = venue, teacher, starts_at, ends_at
    session.expected_attendees, session.notice = expected, (notice or "").strip()
    session.hours = _hours(session.course.hours if hours in (None, "") else hours)
    check_length(session)
    _save(actor, session, created=False, request=request, rescheduled=moved)
    if moved:
        notifications.notify_class(actor=actor, session=session, kind=notifications.RESCHEDULED, previous=previous,
                                   request=request)
    return session
