"""Reads of the party schools that reach a user.

Staff read through the ``*_for(actor, …)`` selectors, narrowed by accounts.scoping: a school's
administrator reaches its school (``scope_school_path``), area administrators and leaders above
it reach it through the school's area (``scope_area_path``); outside scope is a 404.

A school's *audience* is the on-roll members whose organization sits under the school's area,
optionally one care group. The school administrator sees them (masked, never ID numbers) through
:func:`audience_members`, anchored on a school the actor may see — member scoping is not widened:
the school is the permission, and the list carries only what a school needs (name, organization,
care groups, hours).
"""

import datetime
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from dangjian.accounts import scoping
from dangjian.members.models import FloatingDirection, FloatingRecord, Member, MemberStatus, Standing
from dangjian.members.selectors import member_filter
from dangjian.organizations.models import Area, AreaLevel
from dangjian.school.models import (
    Attendance,
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

ZERO = Decimal("0")
TENTH = Decimal("0.1")


def as_hours(value) -> Decimal:
    """Hours to one decimal place, whatever the database's SUM returned (2 on SQLite, 2.0 elsewhere)."""
    return Decimal(value or 0).quantize(TENTH)


def _get(queryset: QuerySet, pk, message: str):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message) from None


# ---------------------------------------------------------------- the school's own records


def school_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, PartySchool.objects.all()).select_related("area")


def school_get_for(actor, pk) -> PartySchool:
    return _get(school_list_for(actor), pk, "党校不存在。")


def school_areas_for(actor) -> list[Area]:
    """The streets and communities the actor writes to: where they may found a school."""
    areas = Area.objects.filter(level__in=(AreaLevel.STREET, AreaLevel.COMMUNITY)).order_by("path")
    return list(scoping.narrow(actor, areas, write=True))


def venue_list_for(actor, school: PartySchool) -> QuerySet:
    return scoping.narrow(actor, Venue.objects.filter(school=school))


def venue_get_for(actor, pk) -> Venue:
    return _get(scoping.narrow(actor, Venue.objects.select_related("school__area")), pk, "教学场所不存在。")


def officer_list_for(actor, school: PartySchool) -> QuerySet:
    return scoping.narrow(actor, SchoolOfficer.objects.filter(school=school))


def officer_get_for(actor, pk) -> SchoolOfficer:
    return _get(scoping.narrow(actor, SchoolOfficer.objects.select_related("school__area")), pk, "校务领导不存在。")


def teacher_list_for(actor, school: PartySchool | None = None) -> QuerySet:
    teachers = scoping.narrow(actor, Teacher.objects.all()).select_related("school")
    return teachers.filter(school=school) if school is not None else teachers


def teacher_get_for(actor, pk) -> Teacher:
    return _get(teacher_list_for(actor), pk, "教员不存在。")


def course_list_for(actor, school: PartySchool | None = None) -> QuerySet:
    courses = scoping.narrow(actor, Course.objects.all()).select_related("teacher", "school")
    return courses.filter(school=school) if school is not None else courses


def course_get_for(actor, pk) -> Course:
    return _get(course_list_for(actor).select_related("school__area"), pk, "课程不存在。")


def planned_list_for(actor, school: PartySchool) -> QuerySet:
    return scoping.narrow(actor, PlannedClass.objects.filter(plan__school=school)).select_related("plan", "course")


def planned_get_for(actor, pk) -> PlannedClass:
    return _get(scoping.narrow(actor, PlannedClass.objects.select_related("plan__school__area", "course")), pk,
                "计划课程不存在。")


def plan_list_for(actor, school: PartySchool | None = None) -> QuerySet:
    plans = scoping.narrow(actor, EducationPlan.objects.all()).select_related("school", "school__area")
    return plans.filter(school=school) if school is not None else plans


def plan_get_for(actor, pk) -> EducationPlan:
    return _get(plan_list_for(actor), pk, "教育计划不存在。")


def session_list_for(actor, school: PartySchool | None = None) -> QuerySet:
    sessions = scoping.narrow(actor, ClassSession.objects.all()).select_related(
        "school", "school__area", "course", "teacher", "venue", "plan").annotate(attended=Count("attendances"))
    return sessions.filter(school=school) if school is not None else sessions


def session_get_for(actor, pk) -> ClassSession:
    return _get(session_list_for(actor), pk, "班次不存在。")


def attendance_list(session: ClassSession) -> QuerySet:
    """The attendance of a class the caller already holds (through session_get_for)."""
    return (Attendance.objects.filter(session=session)
            .select_related("member", "member__organization").order_by("member__name_pinyin", "pk"))


def teaching_history(teacher: Teacher) -> dict:
    """The classes a teacher gave (held ones) and the average feedback score of them."""
    held = ClassSession.objects.filter(teacher=teacher, status=ClassStatus.HELD).select_related("course", "venue")
    summary = held.aggregate(n=Count("pk"), score=Avg("feedback_score"))
    return {"sessions": list(held.order_by("-starts_at")[:50]), "count": summary["n"],
            "average_score": round(summary["score"], 1) if summary["score"] is not None else None}


# ---------------------------------------------------------------- audience and study hours


def audience_members(school: PartySchool, audience: str = Audience.ALL) -> QuerySet:
    """On-roll members under the school's area, narrowed to one care group (the members app's
    definitions). Unscoped: call it only with a school the actor was given by school_get_for."""
    return audience_under(Q(organization__area__path__startswith=school.area.path), audience)


def audience_under(where: Q, audience: str = Audience.ALL) -> QuerySet:
    """On-roll members matching ``where`` (a place), narrowed to one care group: the one definition
    of a school's audience, also used for many schools at once (tallies.py). Unscoped."""
    members = Member.objects.filter(where, standing=Standing.ACTIVE)
    if audience == Audience.PROBATIONARY:
        return member_filter(members, status=MemberStatus.PROBATIONARY)
    if audience in (Audience.OFF_POST, Audience.FLOATING, Audience.DIFFICULTY):
        return member_filter(members, care_group=audience)
    return members


def is_in_audience(school: PartySchool, audience: str, member: Member) -> bool:
    return audience_members(school, audience).filter(pk=member.pk).exists()


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def hours_in_year(year: int, *, until: datetime.date | None = None):
    """A subquery: the member's (OuterRef "pk") study hours credited in ``year`` (up to ``until``)."""
    start, end = year_bounds(year)
    credited = Attendance.objects.filter(member=OuterRef("pk"), credited_on__gte=start,
                                         credited_on__lte=min(end, until) if until else end)
    total = credited.order_by().values("member").annotate(total=Sum("hours")).values("total")
    return Coalesce(Subquery(total, output_field=DecimalField(max_digits=7, decimal_places=1)),
                    Value(ZERO), output_field=DecimalField(max_digits=7, decimal_places=1))


def _open_outflow():
    return Exists(FloatingRecord.objects.filter(member=OuterRef("pk"), direction=FloatingDirection.OUTFLOW,
                                                ended_on__isnull=True))


def audience_with_hours(school: PartySchool, audience: str, year: int) -> QuerySet:
    """The audience with each member's study hours of ``year`` (``study_hours``) and whether
    they are away (``is_floating``), for the school's member list. Only masked fields are read."""
    return (audience_members(school, audience)
            .annotate(study_hours=hours_in_year(year), is_floating=_open_outflow())
            .select_related("organization")
            .only("pk", "name", "name_pinyin", "status", "employment", "has_difficulty", "phone",
                  "organization__name")
            .order_by("study_hours", "name_pinyin", "pk"))


def care_labels(member) -> list[str]:
    """What a member's row says about them (the care groups a school reaches out to)."""
    labels = []
    if member.status == MemberStatus.PROBATIONARY:
        labels.append("预备党员")
    if member.is_off_post:
        labels.append(member.get_employment_display())
    if getattr(member, "is_floating", False):
        labels.append("流动党员")
    if member.has_difficulty:
        labels.append("困难党员")
    return labels


def expected_hours_by(target: Decimal, on_date: datetime.date, year: int) -> Decimal:
    """The pro-rata share of ``target`` due by ``on_date`` (the whole target after the year)."""
    start, end = year_bounds(year)
    if on_date >= end:
        return target
    if on_date < start:
        return ZERO
    share = Decimal((on_date - start).days + 1) / Decimal((end - start).days + 1)
    return (target * share).quantize(Decimal("0.1"))


def below_target(plan: EducationPlan, *, on_date: datetime.date | None = None) -> QuerySet:
    """The plan's audience below its target — pro rata by ``on_date`` within the year, the whole
    target otherwise (RULES.md EDU-01)."""
    threshold = plan.target_hours if on_date is None else expected_hours_by(plan.target_hours, on_date, plan.year)
    return audience_with_hours(plan.school, plan.audience, plan.year).filter(study_hours__lt=threshold)


def member_hours(member: Member, year: int) -> Decimal:
    start, end = year_bounds(year)
    total = Attendance.objects.filter(member=member, credited_on__gte=start, credited_on__lte=end).aggregate(
        total=Sum("hours"))["total"]
    return as_hours(total)


def member_attendance(member: Member, year: int) -> QuerySet:
    """The member's own attendance of ``year`` (their phone page)."""
    start, end = year_bounds(year)
    return (Attendance.objects.filter(member=member, credited_on__gte=start, credited_on__lte=end)
            .select_related("session", "session__course", "session__school").order_by("-credited_on", "-pk"))


def _areas_holding(member: Member) -> list[str]:
    """The paths of the member's organization's area and every area above it: the schools that
    can reach the member sit at one of them (an indexed IN, not a scan of every school)."""
    path, step = member.organization.area.path, Area.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def member_target_hours(member: Member, year: int) -> Decimal | None:
    """The highest target among the plans of ``year`` whose audience holds the member (one
    query per plan of the member's street and community: a handful)."""
    plans = EducationPlan.objects.filter(year=year, school__area__path__in=_areas_holding(member)).select_related(
        "school__area")
    targets = [plan.target_hours for plan in plans if is_in_audience(plan.school, plan.audience, member)]
    return max(targets) if targets else None


# ---------------------------------------------------------------- plan progress


def plan_progress(plan: EducationPlan, *, on_date: datetime.date) -> dict:
    """Planned classes by month against those held, and the audience against the target."""
    planned = list(PlannedClass.objects.filter(plan=plan).select_related("course")
                   .annotate(held=Count("sessions", filter=Q(sessions__status=ClassStatus.HELD))))
    audience = audience_with_hours(plan.school, plan.audience, plan.year)
    hours = list(audience.values_list("study_hours", flat=True))
    meeting = sum(1 for value in hours if value >= plan.target_hours)
    due = expected_hours_by(plan.target_hours, on_date, plan.year)
    return {
        "planned": planned,
        "planned_count": len(planned),
        "held_count": sum(1 for item in planned if item.held),
        "members": len(hours),
        "meeting_target": meeting,
        "behind_pro_rata": sum(1 for value in hours if value < due),
        "due_by_now": due,
        "average_hours": (sum(hours, ZERO) / len(hours)).quantize(Decimal("0.1")) if hours else ZERO,
    }


def venue_bookings(venue: Venue, starts_at, ends_at, *, exclude=None) -> QuerySet:
    """Classes (not cancelled) at ``venue`` overlapping ``starts_at``–``ends_at``."""
    clash = ClassSession.objects.filter(venue=venue, starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(
        status=ClassStatus.CANCELLED)
    return clash.exclude(pk=exclude.pk) if exclude is not None else clash


def teacher_bookings(teacher: Teacher, starts_at, ends_at, *, exclude=None) -> QuerySet:
    clash = ClassSession.objects.filter(teacher=teacher, starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(
        status=ClassStatus.CANCELLED)
    return clash.exclude(pk=exclude.pk) if exclude is not None else clash


def upcoming_for_member(member: Member, *, now: datetime.datetime, days: int = 30) -> list[ClassSession]:
    """Classes of the next ``days`` open to the member (their notices, on the phone): those of the
    schools whose area holds the member's organization, whose audience holds the member (one
    query per school and audience: a handful)."""
    nearby = list(ClassSession.objects.filter(status=ClassStatus.SCHEDULED, ends_at__gte=now,
                                              starts_at__lte=now + datetime.timedelta(days=days),
                                              school__area__path__in=_areas_holding(member))
                  .select_related("school__area", "course", "venue").order_by("starts_at", "pk")[:20])
    open_to: dict[tuple[int, str], bool] = {}
    for session in nearby:
        key = (session.school_id, session.audience)
        if key not in open_to:
            open_to[key] = is_in_audience(session.school, session.audience, member)
    return [session for session in nearby if open_to[(session.school_id, session.audience)]]
