"""Indicators of the joint conferences: meetings held, attendance, resolution tasks completed
(and on time), needs met, projects completed. The dashboard rolls them up the Area tree through
its focus; the conference's home page shows them for that conference alone (the focus on its
area: one conference per area).

Attendance counts the recorded attendance of the period's meetings (委托出席 counts as
present). Tasks count by the date of the meeting that resolved them, so a year's figure is
what became of that year's resolutions.
"""

import datetime

from django.conf import settings
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from dangjian.conference.models import (
    Attendance,
    AttendanceStatus,
    ConferenceMeeting,
    ConferenceTask,
    DemandStatus,
    Project,
    ProjectStatus,
    TaskStatus,
)
from dangjian.core.registry import metrics


def _list_url(scope):
    return reverse("conference:list")


def _rate(part: int, whole: int):
    return round(100 * part / whole, 1) if whole else None


def _meetings(scope, period):
    return scope.narrow(ConferenceMeeting.objects.filter(held_on__gte=period.start, held_on__lte=period.end),
                        "conference__area__").order_by()


def _tasks(scope, period):
    return scope.narrow(ConferenceTask.objects.filter(resolution__meeting__held_on__gte=period.start,
                                                      resolution__meeting__held_on__lte=period.end),
                        "conference__area__").order_by()


@metrics.register(key="conference.meetings_held", label="联席会召开会议", unit="次", records_url=_list_url,
                  description="期内召开的联席会全体成员大会和工作研讨交流")
def meetings_held(scope, period):
    return _meetings(scope, period).filter(held_on__lte=timezone.localdate()).count()


@metrics.register(key="conference.attendance_rate", label="联席会成员单位出席率", unit="%", records_url=_list_url,
                  description="期内会议已登记的出席情况中出席和委托出席所占比例")
def attendance_rate(scope, period):
    rows = scope.narrow(Attendance.objects.filter(meeting__held_on__gte=period.start,
                                                  meeting__held_on__lte=period.end), "meeting__conference__area__")
    counts = rows.order_by().aggregate(
        total=Count("pk"), present=Count("pk", filter=Q(status__in=(AttendanceStatus.PRESENT,
                                                                     AttendanceStatus.DELEGATE))))
    return _rate(counts["present"], counts["total"])


def _task_counts(scope, period) -> dict:
    """The period's tasks counted once for the three task figures (memoised on the scope: the
    dashboard computes every metric for the same scope and period)."""
    memo = vars(scope).setdefault("_conference_task_counts", {})
    if (period.start, period.end) not in memo:
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=settings.DANGJIAN_RULES["CONFERENCE_TASK_DUE_SOON_DAYS"])
        memo[(period.start, period.end)] = _tasks(scope, period).aggregate(
            total=Count("pk"), done=Count("pk", filter=Q(status=TaskStatus.DONE)),
            on_time=Count("pk", filter=Q(status=TaskStatus.DONE, completed_on__lte=F("deadline"))),
            overdue=Count("pk", filter=~Q(status=TaskStatus.DONE) & Q(deadline__lt=today)),
            due_soon=Count("pk", filter=~Q(status=TaskStatus.DONE) & Q(deadline__gte=today, deadline__lte=soon)))
    return memo[(period.start, period.end)]


def _project_counts(scope, period) -> dict:
    """Projects completed in the period and the needs they met (one query, memoised)."""
    memo = vars(scope).setdefault("_conference_project_counts", {})
    if (period.start, period.end) not in memo:
        completed = Project.objects.filter(status=ProjectStatus.COMPLETED, completed_on__gte=period.start,
                                           completed_on__lte=period.end)
        memo[(period.start, period.end)] = scope.narrow(completed, "conference__area__").order_by().aggregate(
            projects=Count("pk"), needs=Count("demand", distinct=True, filter=Q(demand__status=DemandStatus.MET)))
    return memo[(period.start, period.end)]


@metrics.register(key="conference.task_completion_rate", label="联席会决议任务完成率", unit="%",
                  records_url=_list_url, description="期内会议决议交办的任务中已完成的比例")
def task_completion_rate(scope, period):
    counts = _task_counts(scope, period)
    return _rate(counts["done"], counts["total"])


@metrics.register(key="conference.task_on_time_rate", label="联席会决议任务按时完成率", unit="%",
                  records_url=_list_url, description="期内会议决议交办、已完成的任务中在时限内完成的比例")
def task_on_time_rate(scope, period):
    counts = _task_counts(scope, period)
    return _rate(counts["on_time"], counts["done"])


@metrics.register(key="conference.tasks_overdue", label="联席会超期未完成任务", unit="项", records_url=_list_url,
                  description="期内会议决议交办、目前仍未完成且已过时限的任务（CONF-02）")
def tasks_overdue(scope, period):
    return _task_counts(scope, period)["overdue"]


@metrics.register(key="conference.tasks_due_soon", label="联席会即将到期任务", unit="项", records_url=_list_url,
                  description="期内会议决议交办、尚未完成且在 CONFERENCE_TASK_DUE_SOON_DAYS（默认14天）内到期的任务")
def tasks_due_soon(scope, period):
    return _task_counts(scope, period)["due_soon"]


@metrics.register(key="conference.needs_met", label="联席会需求清单已满足", unit="项", records_url=_list_url,
                  description="期内完成的项目所满足的社区需求")
def needs_met(scope, period):
    return _project_counts(scope, period)["needs"]


@metrics.register(key="conference.projects_completed", label="联席会项目完成", unit="个", records_url=_list_url,
                  description="期内完成的联席会项目清单项目")
def projects_completed(scope, period):
    return _project_counts(scope, period)["projects"]
