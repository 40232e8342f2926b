"""Checks over the party schools (RULES.md EDU-01, and two of the school's own work; EDU-02 and
EDU-03, on secretaries' and new members' training, are in rules_training.py).

EDU-01: members study at least 32 hours a year (全国党员教育培训工作规划). During the year a
member of a plan's audience below the pro-rata share of the plan's target is a warning; after the
year, below the whole target is a finding. SCH-01 (planned classes not held) and SCH-02 (a teacher
with no class for a year) are local practice serving EDU-01 and the seed's "一个阵地". A rule
flags; it never changes anyone's record. Plans, classes and teachers are scoped by the school's area.
EDU-01 reads the plans' audiences in a constant number of queries (tallies.py), never one per plan;
SCH-01's grace days and SCH-02's idle days are settings (DANGJIAN_RULES), defaults as before.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from dangjian.core.registry import Finding, Severity, rules
from dangjian.organizations.models import Area
from dangjian.school import rules_training, selectors, tallies
from dangjian.school.models import ClassSession, ClassStatus, EducationPlan, PlannedClass, Teacher

SCHOOL_AREA = "school__area__"
__all__ = ["rules_training"]  # EDU-02 and EDU-03 register there
EDU01 = ("2019—2023年全国党员教育培训工作规划：党员每年集中学习培训时间一般不少于32学时"
         "（RULES.md EDU-01；默认目标见 DANGJIAN_RULES.SCHOOL_MEMBER_TARGET_HOURS）")
SEED = "种子材料：社区党校“一个阵地”——有党员教育场所、校务领导班子、兼职教员队伍和党员教育计划"


def _plans(scope, on_date: datetime.date) -> list:
    """This year's plans (pro-rata warnings) and last year's (year-end findings)."""
    plans = EducationPlan.objects.filter(year__in=(on_date.year, on_date.year - 1)).select_related("school__area")
    return list(scope.narrow(plans, SCHOOL_AREA).order_by("school__area__path", "year", "pk"))


def _due(plan, on_date: datetime.date):
    """Last year's plans: the whole target (a finding); this year's: the share due by now (a warning)."""
    if plan.year < on_date.year:
        return plan.target_hours
    return selectors.expected_hours_by(plan.target_hours, on_date, plan.year)


def _severity(plan, on_date: datetime.date) -> str:
    return Severity.SERIOUS if plan.year < on_date.year else Severity.WARNING


@rules.register(
    code="EDU-01",
    title="党员年度学时未达目标",
    citation=EDU01,
    severity=Severity.WARNING,
    action="党校联系学时落后的党员（特别是离岗、流动党员），安排补学或送学上门；年度结束仍未达标的，"
           "由所在党组织了解原因、纳入下一年度计划。",
)
def members_below_target(scope, on_date: datetime.date):
    """One query per (year, care group) among the plans, not per plan: the members below the
    highest due of the group, under any of its schools, each matched to the plans above them."""
    for (year, audience), plans in tallies.groups(_plans(scope, on_date)).items():
        by_path = defaultdict(list)
        for plan in plans:
            by_path[plan.school.area.path].append(plan)
        highest = max(_due(plan, on_date) for plan in plans)
        rows = (selectors.audience_under(tallies.under_any(by_path), audience)
                .annotate(study_hours=selectors.hours_in_year(year)).filter(study_hours__lt=highest)
                .select_related("organization__area").order_by("organization__area__path", "name_pinyin", "pk"))
        for member in rows.iterator(chunk_size=500):
            path = member.organization.area.path
            for end in range(Area.steplen, len(path) + 1, Area.steplen):
                for plan in by_path.get(path[:end], ()):
                    if member.study_hours < _due(plan, on_date):
                        yield _finding(plan, member, on_date)


def _finding(plan, member, on_date: datetime.date) -> Finding:
    severity, due = _severity(plan, on_date), _due(plan, on_date)
    url = f"{reverse('school:members', args=[plan.school_id])}?year={plan.year}&group={plan.audience}&below=1"
    when = f"{plan.year}年全年" if severity == Severity.SERIOUS else f"截至{on_date:%m月%d日}按进度"
    return Finding(
        rule_code="EDU-01",
        message=(f"{member.name}（{member.organization.name}）{plan.year}年已学习"
                 f"{selectors.as_hours(member.study_hours)}学时，{when}应达{due}学时"
                 f"（{plan.school.name}{plan.title}）。"),
        subject=member, anchor_label=plan.school.name, records_url=url,
        detail={"severity": severity, "plan": plan.pk, "hours": str(member.study_hours), "due": str(due)})


@rules.counts("EDU-01")
def count_members_below_target(scope, on_date: datetime.date) -> int:
    """Members below the due hours, summed over the plans: a constant number of queries (tallies.py)."""
    plans = _plans(scope, on_date)
    totals = tallies.plan_totals(plans, lambda plan: _due(plan, on_date))
    return sum(totals[plan.pk].members - totals[plan.pk].reaching[_due(plan, on_date)] for plan in plans)


def _month_end(year: int, month: int) -> datetime.date:
    return (datetime.date(year, month, 28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def _setting(key: str, default):
    return settings.DANGJIAN_RULES.get(key, default)


def _planned_not_held(scope, on_date: datetime.date):
    """Planned classes whose month ended more than SCHOOL_PLANNED_CLASS_GRACE_DAYS before
    ``on_date`` with no class held for them (plans of this and last year)."""
    cutoff = on_date - datetime.timedelta(days=_setting("SCHOOL_PLANNED_CLASS_GRACE_DAYS", 0))
    ended = Q(plan__year__lt=cutoff.year) | Q(plan__year=cutoff.year, month__lt=cutoff.month)
    held = ClassSession.objects.filter(planned=OuterRef("pk"), status=ClassStatus.HELD)
    missing = PlannedClass.objects.filter(ended, plan__year__gte=on_date.year - 1).filter(~Exists(held))
    return scope.narrow(missing, "plan__school__area__")


@rules.register(
    code="SCH-01",
    title="计划课程逾期未举办",
    citation=f"{EDU01}；{SEED}。按月安排的计划课程到期未举办为本地做法的提示（不在RULES.md中；"
             "宽限天数见 DANGJIAN_RULES.SCHOOL_PLANNED_CLASS_GRACE_DAYS）",
    severity=Severity.WARNING,
    action="党校补排该课程，或调整教育计划并说明原因。",
)
def planned_classes_not_held(scope, on_date: datetime.date):
    rows = _planned_not_held(scope, on_date).select_related("plan__school", "course").order_by("plan__year", "month",
                                                                                               "pk")
    for planned in rows.iterator(chunk_size=500):
        yield Finding(
            rule_code="SCH-01",
            message=(f"{planned.plan.school.name}{planned.plan.year}年{planned.month}月计划的“{planned.course.title}”"
                     f"到{_month_end(planned.plan.year, planned.month):%Y年%m月%d日}仍未举办。"),
            subject=planned, anchor_label=planned.plan.school.name,
            records_url=reverse("school:plan", args=[planned.plan_id]), detail={"month": planned.month})


@rules.counts("SCH-01")
def count_planned_classes_not_held(scope, on_date: datetime.date) -> int:
    return _planned_not_held(scope, on_date).order_by().count()


def _idle_teachers(scope, on_date: datetime.date):
    """Active teachers on the books for over SCHOOL_TEACHER_IDLE_DAYS with no class held in
    that many days to ``on_date``."""
    year_ago = on_date - datetime.timedelta(days=_setting("SCHOOL_TEACHER_IDLE_DAYS", 365))
    registered_before = timezone.make_aware(datetime.datetime.combine(year_ago, datetime.time.min))
    window_end = timezone.make_aware(datetime.datetime.combine(on_date + datetime.timedelta(days=1),
                                                               datetime.time.min))
    taught = ClassSession.objects.filter(teacher=OuterRef("pk"), status=ClassStatus.HELD,
                                         starts_at__gte=registered_before, starts_at__lt=window_end)
    idle = Teacher.objects.filter(is_active=True, created_at__lt=registered_before).filter(~Exists(taught))
    return scope.narrow(idle, SCHOOL_AREA)


@rules.register(
    code="SCH-02",
    title="兼职教员一年未授课",
    citation=f"{SEED}；教员一年未授课的提示为本地做法（不在RULES.md中；天数见 "
             "DANGJIAN_RULES.SCHOOL_TEACHER_IDLE_DAYS）",
    severity=Severity.INFO,
    action="党校了解教员情况，安排授课或调整兼职教员队伍。",
)
def teachers_without_class(scope, on_date: datetime.date):
    for teacher in _idle_teachers(scope, on_date).select_related("school").order_by("school", "name", "pk"):
        yield Finding(
            rule_code="SCH-02", message=f"{teacher.school.name}兼职教员{teacher.name}近一年没有授课。",
            subject=teacher, anchor_label=teacher.school.name,
            records_url=reverse("school:teacher", args=[teacher.pk]), detail={})


@rules.counts("SCH-02")
def count_teachers_without_class(scope, on_date: datetime.date) -> int:
    return _idle_teachers(scope, on_date).order_by().count()
