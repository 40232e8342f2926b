"""Every write to a party school: its venues, leadership, teachers, courses, plans, classes and
attendance (on a list, by QR check-in, as make-up study).

Keyword-only and atomic; the actor comes first and must be able to write to the school
(PermissionDenied otherwise; pages and the API looked the school up through a selector, so a
school out of scope was already a 404). Every refusal is a Chinese ValidationError raised before
anything is written, and each write leaves an audit entry. Study hours are never typed: they are
the attendance rows these services write, each checked against the class's length.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import AuditAction
from dangjian.core import checkin
from dangjian.school import notifications, selectors
from dangjian.school.models import (
    Attendance,
    AttendanceMethod,
    Audience,
    ClassSession,
    ClassStatus,
    Course,
    EducationPlan,
    PartySchool,
    PlannedClass,
    SchoolOfficer,
    Teacher,
    Venue,
)

CHECKIN_KIND = "school.class"
CANNOT_WRITE = "您没有权限管理该党校。"


def default_target_hours() -> Decimal:
    """RULES.md EDU-01: at least 32 study hours a year (DANGJIAN_RULES.SCHOOL_MEMBER_TARGET_HOURS)."""
    return Decimal(str(settings.DANGJIAN_RULES.get("SCHOOL_MEMBER_TARGET_HOURS", 32)))


def _require_write(actor, school: PartySchool) -> None:
    if not scoping.can_write(actor, school):
        raise PermissionDenied(CANNOT_WRITE)


def _hours(value, *, field: str = "hours") -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: "学时须为数字。"}) from None
    if hours <= 0:
        raise ValidationError({field: "学时须大于0。"})
    return hours


def _save(actor, obj, *, created: bool, request=None, **detail):
    obj.full_clean()
    obj.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=obj,
                        request=request, **detail)
    return obj


def _same_school(school: PartySchool, **records) -> None:
    for field, record in records.items():
        if record is not None and record.school_id != school.pk:
            raise ValidationError({field: "所选对象不属于本党校。"})


# ---------------------------------------------------------------- the school's resources


@transaction.atomic
def venue_save(*, actor, school: PartySchool, name: str, capacity: int, address: str = "",
               is_active: bool = True, venue: Venue | None = None, request=None) -> Venue:
    _require_write(actor, school)
    if capacity is None or int(capacity) < 1:
        raise ValidationError({"capacity": "容纳人数须至少为1人。"})
    target = venue or Venue(school=school)
    _same_school(school, venue=venue)
    if venue is not None:
        _venue_keeps_its_classes(venue, capacity=int(capacity), is_active=is_active)
    target.name, target.capacity, target.address, target.is_active = (name or "").strip(), int(capacity), \
        (address or "").strip(), is_active
    return _save(actor, target, created=venue is None, request=request)


def _ahead(sessions):
    """Classes still to be held (scheduled, not yet over)."""
    return sessions.filter(status=ClassStatus.SCHEDULED, ends_at__gt=timezone.now())


def _venue_keeps_its_classes(venue: Venue, *, capacity: int, is_active: bool) -> None:
    """A venue with classes ahead is not closed, nor shrunk below the attendance they expect."""
    ahead = _ahead(venue.sessions)
    if not is_active and ahead.exists():
        raise ValidationError({"is_active": "该场所还有未举办的排课，请先改期或取消后再停用。"})
    crowded = ahead.filter(expected_attendees__gt=capacity).order_by("starts_at").first()
    if crowded is not None:
        raise ValidationError({"capacity": f"{_span(crowded)}的“{crowded.course}”预计{crowded.expected_attendees}人，"
                                           f"容纳人数不能少于此数。"})


@transaction.atomic
def officer_save(*, actor, school: PartySchool, name: str, position: str, term_start: datetime.date,
                 term_end: datetime.date | None = None, affiliation: str = "", officer: SchoolOfficer | None = None,
                 request=None) -> SchoolOfficer:
    _require_write(actor, school)
    _same_school(school, officer=officer)
    if term_end is not None and term_end < term_start:
        raise ValidationError({"term_end": "任期结束日期不能早于开始日期。"})
    target = officer or SchoolOfficer(school=school)
    target.name, target.position, target.term_start, target.term_end, target.affiliation = (
        (name or "").strip(), position, term_start, term_end, (affiliation or "").strip())
    return _save(actor, target, created=officer is None, request=request)


@transaction.atomic
def teacher_save(*, actor, school: PartySchool, name: str, affiliation: str = "", title: str = "",
                 expertise: str = "", phone: str = "", is_active: bool = True, teacher: Teacher | None = None,
                 request=None) -> Teacher:
    _require_write(actor, school)
    _same_school(school, teacher=teacher)
    if teacher is not None and not is_active and _ahead(teacher.sessions).exists():
        raise ValidationError({"is_active": f"{teacher.name}还有未举办的排课，请先改期或取消后再解聘。"})
    target = teacher or Teacher(school=school)
    target.name, target.affiliation, target.title = (name or "").strip(), (affiliation or "").strip(), \
        (title or "").strip()
    target.expertise, target.phone, target.is_active = (expertise or "").strip(), (phone or "").strip(), is_active
    return _save(actor, target, created=teacher is None, request=request)


@transaction.atomic
def course_save(*, actor, school: PartySchool, title: str, hours, topic: str = "", teacher: Teacher | None = None,
                materials: str = "", course: Course | None = None, request=None) -> Course:
    _require_write(actor, school)
    _same_school(school, teacher=teacher, course=course)
    target = course or Course(school=school)
    target.title, target.topic, target.hours = (title or "").strip(), (topic or "").strip(), _hours(hours)
    target.teacher, target.materials = teacher, (materials or "").strip()
    return _save(actor, target, created=course is None, request=request)


# ---------------------------------------------------------------- plans


@transaction.atomic
def plan_create(*, actor, school: PartySchool, year: int, title: str, audience: str = Audience.ALL,
                target_hours=None, notes: str = "", request=None) -> EducationPlan:
    """An education plan; the target defaults to EDU-01's 32 hours a year."""
    _require_write(actor, school)
    if audience not in Audience.values:
        raise ValidationError({"audience": "请选择教育对象。"})
    if EducationPlan.objects.filter(school=school, year=year, audience=audience).exists():
        raise ValidationError({"year": f"{year}年针对该教育对象的计划已经存在。"})
    target = _hours(default_target_hours() if target_hours in (None, "") else target_hours, field="target_hours")
    plan = EducationPlan(school=school, year=year, title=(title or "").strip() or f"{year}年党员教育计划",
                         audience=audience, target_hours=target, notes=(notes or "").strip())
    return _save(actor, plan, created=True, request=request)


@transaction.atomic
def plan_add_class(*, actor, plan: EducationPlan, month: int, course: Course, request=None) -> PlannedClass:
    _require_write(actor, plan.school)
    _same_school(plan.school, course=course)
    planned = PlannedClass(plan=plan, month=month, course=course)
    planned.full_clean()
    planned.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=planned, request=request, plan=plan.pk)
    return planned


# ---------------------------------------------------------------- classes


def check_booking(*, venue: Venue, teacher: Teacher | None, starts_at, ends_at, expected_attendees,
                  exclude: ClassSession | None = None) -> int:
    """Refuse a double-booked venue or teacher (not counting ``exclude``, the class being moved)
    and a venue too small; returns the expected attendance."""
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise ValidationError({"ends_at": "结束时间须晚于开始时间。"})
    if not venue.is_active:
        raise ValidationError({"venue": "该教学场所已停用。"})
    # Lock the venue's row: two administrators booking the same room at once are serialised.
    Venue.objects.select_for_update().filter(pk=venue.pk).first()
    clash = selectors.venue_bookings(venue, starts_at, ends_at, exclude=exclude).select_related("course").first()
    if clash is not None:
        raise ValidationError({"venue": f"该场所在此时段已安排“{clash.course}”（{_span(clash)}），请换时间或场所。"})
    if teacher is not None:
        busy = selectors.teacher_bookings(teacher, starts_at, ends_at, exclude=exclude).select_related(
            "course").first()
        if busy is not None:
            raise ValidationError({"teacher": f"{teacher.name}在此时段已有课程“{busy.course}”（{_span(busy)}）。"})
    expected = int(expected_attendees or 0)
    if expected > venue.capacity:
        raise ValidationError({"expected_attendees": f"预计{expected}人，超过{venue.name}的容纳人数"
                                                     f"（{venue.capacity}人）。"})
    return expected


def check_length(session: ClassSession) -> None:
    if session.hours > session.length_hours:
        raise ValidationError({"hours": f"计入学时（{session.hours}）不能超过课程时长（{session.length_hours}小时）。"})


@transaction.atomic
def session_schedule(*, actor, school: PartySchool, course: Course, venue: Venue, starts_at: datetime.datetime,
                     ends_at: datetime.datetime, teacher: Teacher | None = None, hours=None,
                     audience: str | None = None, plan: EducationPlan | None = None,
                     planned: PlannedClass | None = None, expected_attendees: int = 0, notice: str = "",
                     request=None) -> ClassSession:
    """Schedule a class, refusing a double-booked venue or teacher and a venue too small; a class
    still ahead is announced to its audience (notifications.notify_class)."""
    _require_write(actor, school)
    teacher = teacher or course.teacher
    _same_school(school, course=course, venue=venue, teacher=teacher, plan=plan)
    if planned is not None and (plan is None or planned.plan_id != plan.pk):
        raise ValidationError({"planned": "所选计划课程不属于该教育计划。"})
    expected = check_booking(venue=venue, teacher=teacher, starts_at=starts_at, ends_at=ends_at,
                             expected_attendees=expected_attendees)
    session = ClassSession(school=school, course=course, venue=venue, teacher=teacher, starts_at=starts_at,
                           ends_at=ends_at, plan=plan, planned=planned, expected_attendees=expected,
                           audience=audience or (plan.audience if plan else Audience.ALL),
                           notice=(notice or "").strip(),
                           hours=_hours(course.hours if hours in (None, "") else hours))
    check_length(session)
    _save(actor, session, created=True, request=request)
    notifications.notify_class(actor=actor, session=session, kind=notifications.SCHEDULED, request=request)
    return session


def _span(session: ClassSession) -> str:
    return f"{timezone.localtime(session.starts_at):%m月%d日 %H:%M}—{timezone.localtime(session.ends_at):%H:%M}"


@transaction.atomic
def session_record_held(*, actor, session: ClassSession, feedback_score=None, request=None) -> ClassSession:
    """The class took place; ``feedback_score`` is the members' average rating (1–5), if collected."""
    _require_write(actor, session.school)
    if session.status == ClassStatus.CANCELLED:
        raise ValidationError("该班次已取消。")
    if session.starts_at > timezone.now():
        raise ValidationError("班次尚未开始，不能登记为已举办。")
    if feedback_score not in (None, ""):
        try:
            score = Decimal(str(feedback_score)).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            raise ValidationError({"feedback_score": "评价分数须为1到5之间的数字。"}) from None
        if not Decimal("1") <= score <= Decimal("5"):
            raise ValidationError({"feedback_score": "评价分数须为1到5之间的数字。"})
        session.feedback_score = score
    session.status = ClassStatus.HELD
    return _save(actor, session, created=False, request=request, status="held")


@transaction.atomic
def session_cancel(*, actor, session: ClassSession, request=None) -> ClassSession:
    """Call off a class nobody attended yet; its audience is told (if it was still ahead)."""
    _require_write(actor, session.school)
    if session.status != ClassStatus.SCHEDULED:
        raise ValidationError(f"该班次{session.get_status_display()}，不能取消。")
    if session.attendances.exists():
        raise ValidationError("该班次已有出勤记录，不能取消。")
    session.status = ClassStatus.CANCELLED
    _save(actor, session, created=False, request=request, status="cancelled")
    notifications.notify_class(actor=actor, session=session, kind=notifications.CANCELLED, request=request)
    return session


# ---------------------------------------------------------------- attendance


def _locked_session(session: ClassSession) -> ClassSession:
    return ClassSession.objects.select_for_update(of=("self",)).select_related("school__area", "venue", "course").get(
        pk=session.pk)


def _check_capacity(session: ClassSession, adding: int) -> None:
    present = session.attendances.exclude(method=AttendanceMethod.MAKEUP).count()
    if present + adding > session.venue.capacity:
        raise ValidationError(f"出勤人数将达到{present + adding}人，超过{session.venue.name}的容纳人数"
                              f"（{session.venue.capacity}人）。")


def _credit(session: ClassSession, hours) -> Decimal:
    credited = session.hours if hours in (None, "") else _hours(hours)
    if credited > session.hours:
        raise ValidationError({"hours": f"学时不能超过本班次的学时（{session.hours}）。"})
    return credited


@transaction.atomic
def attendance_mark(*, actor, session: ClassSession, members: list, hours=None, request=None) -> list[Attendance]:
    """Bulk marking from the class list: every chosen member of the class's audience attended.
    Members already recorded are left as they are; anyone outside the audience refuses the lot."""
    _require_write(actor, session.school)
    session = _locked_session(session)
    if session.status == ClassStatus.CANCELLED:
        raise ValidationError("该班次已取消。")
    if session.starts_at > timezone.now():
        raise ValidationError("班次尚未开始，不能登记出勤。")
    if not members:
        raise ValidationError({"members": "请至少选择一名党员。"})
    credited = _credit(session, hours)
    ids = {member.pk for member in members}
    allowed = set(selectors.audience_members(session.school, session.audience).filter(pk__in=ids)
                  .values_list("pk", flat=True))
    outside = [member.name for member in members if member.pk not in allowed]
    if outside:
        raise ValidationError({"members": f"{'、'.join(outside)}不在本班次的教育对象范围内。"})
    already = set(session.attendances.filter(member_id__in=ids).values_list("member_id", flat=True))
    new = [member for member in members if member.pk not in already]
    _check_capacity(session, len(new))
    day = timezone.localdate(session.starts_at)
    rows = [Attendance(session=session, member=member, method=AttendanceMethod.ROSTER, hours=credited,
                       credited_on=day, recorded_by=actor) for member in new]
    for row in rows:
        row.full_clean(exclude=["session", "member"])
    Attendance.objects.bulk_create(rows)
    if session.status == ClassStatus.SCHEDULED:
        session.status = ClassStatus.HELD  # attendance taken: the class took place
        session.save(update_fields=["status"])
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=session, request=request,
                        attendance_marked=len(rows), hours=str(credited))
    return rows


@transaction.atomic
def attendance_remove(*, actor, attendance: Attendance, request=None) -> None:
    """Undo a mistaken mark (the hours go with it)."""
    _require_write(actor, attendance.session.school)
    audit.record_change(actor=actor, action=AuditAction.DELETE, obj=attendance, request=request,
                        member=attendance.member_id, hours=str(attendance.hours))
    attendance.delete()


@transaction.atomic
def makeup_record(*, actor, session: ClassSession, member, hours, studied_on: datetime.date, note: str = "",
                  request=None) -> Attendance:
    """Make-up study (补学) for a member of the audience who missed a class that took place."""
    _require_write(actor, session.school)
    session = _locked_session(session)
    if session.status != ClassStatus.HELD:
        raise ValidationError("只能为已举办的班次登记补学。")
    if not selectors.is_in_audience(session.school, session.audience, member):
        raise ValidationError({"member": f"{member.name}不在本班次的教育对象范围内。"})
    if session.attendances.filter(member=member).exists():
        raise ValidationError({"member": f"{member.name}已有本班次的出勤或补学记录。"})
    if studied_on is None or studied_on < timezone.localdate(session.starts_at) or studied_on > timezone.localdate():
        raise ValidationError({"studied_on": "补学日期须在开课之后、不晚于今天。"})
    if not (note or "").strip():
        raise ValidationError({"note": "请写明补学方式（如观看录像、自学教材并交流）。"})
    row = Attendance(session=session, member=member, method=AttendanceMethod.MAKEUP, hours=_credit(session, hours),
                     credited_on=studied_on, note=note.strip(), recorded_by=actor)
    return _save(actor, row, created=True, request=request, member=member.pk)


# ---------------------------------------------------------------- QR check-in (the member's phone)


def checkin_token_for(session: ClassSession) -> str:
    return checkin.checkin_token(kind=CHECKIN_KIND, pk=session.pk)


def session_for_token(token: str) -> ClassSession:
    """The class a scanned code names; a forged or damaged code is refused in Chinese."""
    pk = checkin.read_checkin_token(token, kind=CHECKIN_KIND)
    session = ClassSession.objects.select_related("school__area", "course", "venue").filter(pk=pk).first()
    if session is None or session.status == ClassStatus.CANCELLED:
        raise ValidationError("签到码无效，请扫描现场出示的二维码。")
    return session


@transaction.atomic
def checkin_by_member(*, member, token: str, now: datetime.datetime | None = None, request=None) -> Attendance:
    """A member checks in by scanning the class's code: only in the window, only for a class
    open to them, once."""
    session = _locked_session(session_for_token(token))
    if session.status == ClassStatus.CANCELLED:
        raise ValidationError("该班次已取消。")
    checkin.require_open(checkin.checkin_window(starts_at=session.starts_at, ends_at=session.ends_at),
                         now or timezone.now())
    if not selectors.is_in_audience(session.school, session.audience, member):
        raise ValidationError("本班次不面向您开放，请联系党校工作人员。")
    if session.attendances.filter(member=member).exists():
        raise ValidationError("您已签到，无需重复签到。")
    _check_capacity(session, 1)
    user = getattr(getattr(member, "portal_account", None), "user", None)
    row = Attendance(session=session, member=member, method=AttendanceMethod.QR, hours=session.hours,
                     credited_on=timezone.localdate(session.starts_at), recorded_by=user)
    row.full_clean()
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # a double tap that raced past the check above
        raise ValidationError("您已签到，无需重复签到。") from None
    audit.record_change(actor=user, action=AuditAction.CREATE, obj=row, request=request, method="qr")
    return row
