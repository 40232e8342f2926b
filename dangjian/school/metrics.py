"""Indicators over the party schools: study hours per member, the share meeting the target
(overall and by care group), classes held against planned, attendance and teacher feedback.

Members' hours and targets come from the education plans of the period's (last) year in scope:
each plan's audience with its hours of that year (RULES.md EDU-01: 32 hours by default). Classes
count by their start within the period. The figures of one scope and period are computed once
(a constant number of queries however many plans: tallies.py) and shared by the metrics, as the dashboard asks them all.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.urls import reverse

from dangjian.core.registry import metrics
from dangjian.school import tallies
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


@dataclass
class _Figures:
    # {audience: (members meeting the target, members, their hours)}
    shares: dict = field(default_factory=dict)
    held: int = 0
    expected: int = 0
    present: int = 0
    feedback: Decimal | None = None


def _figures(scope, period) -> _Figures:
    memo = vars(scope).setdefault("_school_figures", {})
    key = (period.start, period.end)
    if key not in memo:
        memo[key] = _compute(scope, period)
    return memo[key]


def _compute(scope, period) -> _Figures:
    figures = _Figures()
    plans = list(scope.narrow(EducationPlan.objects.filter(year=period.end.year), "school__area__")
                 .select_related("school__area"))
    totals = tallies.plan_totals(plans, lambda plan: plan.target_hours)
    for plan in plans:
        audience = totals[plan.pk]
        meeting, members, hours = figures.shares.get(plan.audience, (0, 0, Decimal("0")))
        figures.shares[plan.audience] = (meeting + audience.reaching[plan.target_hours], members + audience.members,
                                         hours + audience.hours)
    held = scope.narrow(ClassSession.objects.filter(status=ClassStatus.HELD, starts_at__date__gte=period.start,
                                                    starts_at__date__lte=period.end), "school__area__").order_by()
    summary = held.aggregate(held=Count("pk"), expected=Sum("expected_attendees", filter=Q(expected_attendees__gt=0)),
                             feedback=Avg("feedback_score"))
    figures.held, figures.expected, figures.feedback = summary["held"], summary["expected"] or 0, summary["feedback"]
    if figures.expected:
        figures.present = (Attendance.objects.filter(session__in=held.filter(expected_attendees__gt=0).values("pk"))
                           .exclude(method=AttendanceMethod.MAKEUP).count())
    return figures


@metrics.register(key="school.hours_per_member", label="党员人均学时", unit="学时", records_url=_list_url,
                  description="年度教育计划（辖区全体党员）的教育对象当年人均学时，由出勤记录统计（RULES.md EDU-01）")
def hours_per_member(scope, period):
    _meeting, members, total = _figures(scope, period).shares.get(Audience.ALL, (0, 0, Decimal("0")))
    return round(float(total) / members, 1) if members else None


@metrics.register(key="school.target_share", label="学时达标率", unit="%", records_url=_list_url,
                  description="年度教育计划的教育对象中，学时达到计划目标的比例（RULES.md EDU-01）")
def target_share(scope, period):
    shares = _figures(scope, period).shares.values()
    meeting, members = sum(item[0] for item in shares), sum(item[1] for item in shares)
    return round(100 * meeting / members, 1) if members else None


@metrics.register(key="school.target_share_by_group", label="各类党员学时达标率", unit="%", breakdown=True, records_url=_list_url,
                  description="按教育对象（全体、离岗、流动、预备、困难党员）的学时达标比例")
def target_share_by_group(scope, period):
    shares = _figures(scope, period).shares
    return {str(label): round(100 * shares[value][0] / shares[value][1], 1)
            for value, label in Audience.choices if value in shares and shares[value][1]}


@metrics.register(key="school.classes", label="党校计划与举办班次", unit="次", breakdown=True, records_url=_list_url,
                  description="期内月份的计划课程数，与期内实际举办的班次数")
def classes_held_vs_planned(scope, period):
    planned = scope.narrow(PlannedClass.objects.filter(plan__year=period.end.year), "plan__school__area__")
    if period.start.year == period.end.year:
        planned = planned.filter(month__gte=period.start.month, month__lte=period.end.month)
    return {"计划": planned.order_by().count(), "举办": _figures(scope, period).held}


@metrics.register(key="school.attendance_rate", label="党校出勤率", unit="%", records_url=_list_url,
                  description="期内举办班次的现场出勤人次（名单登记和扫码签到，不含补学）÷ 预计人数之和")
def attendance_rate(scope, period):
    figures = _figures(scope, period)
    return round(100 * figures.present / figures.expected, 1) if figures.expected else None


@metrics.register(key="school.teacher_feedback", label="教员授课评价", unit="分", records_url=_list_url,
                  description="期内举办班次的学员评价平均分（5分制）")
def teacher_feedback(scope, period):
    score = _figures(scope, period).feedback
    return round(float(score), 1) if score is not None else None
