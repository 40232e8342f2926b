"""Indicators over the party schools: study hours per member, the share meeting the target
(overall and by care group), classes held against planned, attendance and teacher feedback.

Hours count by the day they are credited (the class's day, or the make-up day) within the period;
targets come from the plans of the period's last year (RULES.md EDU-01: 32 hours by default).
"""

from decimal import Decimal

from django.db.models import Avg, Sum
from django.urls import reverse

from dangjian.core.registry import metrics
from dangjian.members.models import Member, Standing
from dangjian.school import selectors
from dangjian.school.models import (
    Attendance,
    AttendanceMethod,
    Audience,
    ClassSession,
    ClassStatus,
    EducationPlan,
    PlannedClass,
)


def _list_url(scope):
    return reverse("school:list")


def _held(scope, period):
    sessions = ClassSession.objects.filter(status=ClassStatus.HELD, starts_at__date__gte=period.start,
                                           starts_at__date__lte=period.end)
    return scope.narrow(sessions, "school__area__").order_by()


@metrics.register(key="school.hours_per_member", label="党员人均学时", unit="学时", records_url=_list_url,
                  description="期内计入的党校学时（出勤与补学）除以范围内在册党员人数（RULES.md EDU-01）")
def hours_per_member(scope, period):
    attendance = scope.narrow(Attendance.objects.filter(credited_on__gte=period.start, credited_on__lte=period.end),
                              "session__school__area__")
    total = attendance.order_by().aggregate(total=Sum("hours"))["total"] or Decimal("0")
    members = scope.narrow(Member.objects.filter(standing=Standing.ACTIVE), "organization__area__").count()
    return round(float(total) / members, 1) if members else None


def _plan_shares(scope, period) -> dict[str, tuple[int, int]]:
    """{audience: (meeting target, members)} over the plans of the period's year in scope."""
    plans = scope.narrow(EducationPlan.objects.filter(year=period.end.year), "school__area__").select_related(
        "school__area")
    shares: dict[str, tuple[int, int]] = {}
    for plan in plans:
        hours = list(selectors.audience_with_hours(plan.school, plan.audience, plan.year)
                     .values_list("study_hours", flat=True))
        meeting, members = shares.get(plan.audience, (0, 0))
        shares[plan.audience] = (meeting + sum(1 for h in hours if h >= plan.target_hours), members + len(hours))
    return shares


@metrics.register(key="school.target_share", label="学时达标率", unit="%", records_url=_list_url,
                  description="年度教育计划的教育对象中，学时达到计划目标的比例（RULES.md EDU-01）")
def target_share(scope, period):
    shares = _plan_shares(scope, period).values()
    meeting, members = sum(m for m, _n in shares), sum(n for _m, n in shares)
    return round(100 * meeting / members, 1) if members else None


@metrics.register(key="school.target_share_by_group", label="各类党员学时达标率", unit="%", breakdown=True,
                  description="按教育对象（全体、离岗、流动、预备、困难党员）的学时达标比例")
def target_share_by_group(scope, period):
    shares = _plan_shares(scope, period)
    return {str(label): round(100 * shares[value][0] / shares[value][1], 1)
            for value, label in Audience.choices if value in shares and shares[value][1]}


@metrics.register(key="school.classes", label="党校计划与举办班次", unit="次", breakdown=True, records_url=_list_url,
                  description="期内月份的计划课程数，与期内实际举办的班次数")
def classes_held_vs_planned(scope, period):
    planned = scope.narrow(PlannedClass.objects.filter(plan__year=period.end.year), "plan__school__area__")
    if period.start.year == period.end.year:
        planned = planned.filter(month__gte=period.start.month, month__lte=period.end.month)
    return {"计划": planned.order_by().count(), "举办": _held(scope, period).count()}


@metrics.register(key="school.attendance_rate", label="党校出勤率", unit="%", records_url=_list_url,
                  description="期内举办班次的现场出勤人次（名单登记和扫码签到，不含补学）÷ 预计人数之和")
def attendance_rate(scope, period):
    held = _held(scope, period).filter(expected_attendees__gt=0)
    expected = held.aggregate(expected=Sum("expected_attendees"))["expected"] or 0
    present = (Attendance.objects.filter(session__in=held.values("pk"))
               .exclude(method=AttendanceMethod.MAKEUP).count())
    return round(100 * present / expected, 1) if expected else None


@metrics.register(key="school.teacher_feedback", label="教员授课评价", unit="分",
                  description="期内举办班次的学员评价平均分（5分制）")
def teacher_feedback(scope, period):
    score = _held(scope, period).aggregate(score=Avg("feedback_score"))["score"]
    return round(float(score), 1) if score is not None else None
