"""Writes to the conference's meetings and the tasks their resolutions give member units.

Scheduling a plenary meeting puts every open task of the conference on its agenda (carried
forward), so every plenary hears what became of the last one's resolutions. A task is reported
on by its unit's liaison (or the conference's office); the first report moves it to 推进中, a
report marked done closes it. Same conventions as ``services``: keyword-only, atomic, Chinese
refusals, nothing half-written, one audit entry each.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import AuditAction, Role
from dangjian.conference.attachments import check_attachment
from dangjian.conference.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    ConferenceMeeting,
    ConferenceTask,
    Document,
    JointConference,
    MeetingKind,
    Resolution,
    Seat,
    TaskProgress,
    TaskStatus,
)
from dangjian.conference.services import clean_text, require_conference_write

NOT_YOUR_TASK = "您只能填报本单位承担的任务进展。"


def _audit(actor, obj, action=AuditAction.UPDATE, request=None, **detail):
    audit.record_change(actor=actor, action=action, obj=obj, request=request, **detail)


def _meeting(meeting: ConferenceMeeting) -> ConferenceMeeting:
    return ConferenceMeeting.objects.select_for_update(of=("self",)).select_related("conference__area").get(
        pk=meeting.pk)


# ---------------------------------------------------------------- meetings


@transaction.atomic
def meeting_schedule(*, actor, conference: JointConference, kind: str, title: str, held_on: datetime.date,
                     place: str, agenda: list[str] = (), work_report: Document | None = None,
                     request=None) -> ConferenceMeeting:
    """Put a plenary or research meeting on the calendar with its agenda. A plenary meeting also
    gets one agenda item per open task of the conference (carried forward)."""
    require_conference_write(actor, conference)
    errors = {}
    if kind not in MeetingKind.values:
        errors["kind"] = "请选择会议类型（全体成员大会或工作研讨交流）。"
    if not isinstance(held_on, datetime.date):
        errors["held_on"] = "请填写会议日期。"
    if work_report is not None and work_report.conference_id != conference.pk:
        errors["work_report"] = "工作报告须是本联席会文库中的文件。"
    items = [item.strip() for item in agenda if item and item.strip()]
    if any(len(item) > 300 for item in items):
        errors["agenda"] = "每项议题请控制在300字以内。"
    if errors:
        raise ValidationError(errors)
    title = clean_text(title, field="title", message="请填写会议名称。", max_length=120)
    place = clean_text(place, field="place", message="请填写会议地点。", max_length=120)
    meeting = ConferenceMeeting(conference=conference, kind=kind, title=title, held_on=held_on, place=place,
                                work_report=work_report)
    meeting.full_clean()
    meeting.save()
    position = 0
    for position, text in enumerate(items, start=1):  # noqa: B007 - the last position is used below
        AgendaItem.objects.create(meeting=meeting, position=position, text=text)
    if kind == MeetingKind.PLENARY:
        carried = (ConferenceTask.objects.open().filter(conference=conference, resolution__meeting__held_on__lt=held_on)
                   .select_related("unit").order_by("deadline", "pk"))
        AgendaItem.objects.bulk_create([
            AgendaItem(meeting=meeting, position=position + offset, carried_task=task,
                       text=f"听取{task.unit.name}关于“{task.title}”的落实情况（时限{task.deadline:%Y-%m-%d}）"[:300])
            for offset, task in enumerate(carried, start=1)])
    _audit(actor, meeting, AuditAction.CREATE, request, kind=kind)
    return meeting


@transaction.atomic
def meeting_record_attendance(*, actor, meeting: ConferenceMeeting, seat: Seat, status: str, reason: str = "",
                              delegate_name: str = "", attendee_name: str = "", request=None) -> Attendance:
    """Record (or correct) one seat's attendance: present, absent with a reason, or a delegate."""
    meeting = _meeting(meeting)
    require_conference_write(actor, meeting.conference)
    if not isinstance(seat, Seat) or seat.conference_id != meeting.conference_id:
        raise ValidationError({"seat": "该席位不属于本联席会。"})
    if seat.left_on is not None and seat.left_on < meeting.held_on:
        raise ValidationError({"seat": "该成员单位在会议前已退出联席会。"})
    if meeting.held_on > timezone.localdate():
        raise ValidationError("会议尚未召开，不能登记出席情况。")
    reason, delegate_name, attendee_name = ((value or "").strip() for value in (reason, delegate_name, attendee_name))
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": "请选择出席、请假或委托出席。"})
    if status == AttendanceStatus.ABSENT and not reason:
        raise ValidationError({"reason": "请假须写明事由。"})
    if status == AttendanceStatus.DELEGATE and not delegate_name:
        raise ValidationError({"delegate_name": "委托出席须写明受委托人姓名。"})
    if status != AttendanceStatus.ABSENT:
        reason = ""
    if status != AttendanceStatus.DELEGATE:
        delegate_name = ""
    attendance = Attendance.objects.filter(meeting=meeting, seat=seat).first() or Attendance(meeting=meeting, seat=seat)
    attendance.status, attendance.reason, attendance.delegate_name = status, reason, delegate_name
    attendance.attendee_name = attendee_name if status == AttendanceStatus.PRESENT else ""
    attendance.full_clean()
    attendance.save()
    _audit(actor, meeting, AuditAction.UPDATE, request, event="attendance", seat=seat.pk, status=status)
    return attendance


@transaction.atomic
def meeting_record_minutes(*, actor, meeting: ConferenceMeeting, minutes: str, request=None) -> ConferenceMeeting:
    meeting = _meeting(meeting)
    require_conference_write(actor, meeting.conference)
    meeting.minutes = clean_text(minutes, field="minutes", message="请填写会议纪要。", max_length=20000)
    meeting.save(update_fields=["minutes"])
    _audit(actor, meeting, AuditAction.UPDATE, request, event="minutes")
    return meeting


@transaction.atomic
def resolution_add(*, actor, meeting: ConferenceMeeting, text: str, request=None) -> Resolution:
    """A resolution of the meeting, numbered in order."""
    meeting = _meeting(meeting)
    require_conference_write(actor, meeting.conference)
    text = clean_text(text, field="text", message="请填写决议内容。", max_length=2000)
    number = (meeting.resolutions.aggregate(n=Max("number"))["n"] or 0) + 1
    resolution = Resolution(meeting=meeting, number=number, text=text)
    resolution.full_clean()
    resolution.save()
    _audit(actor, meeting, AuditAction.UPDATE, request, event="resolution", number=number)
    return resolution


# ---------------------------------------------------------------- tasks


@transaction.atomic
def task_assign(*, actor, resolution: Resolution, seat: Seat | None, title: str, deadline: datetime.date | None,
                request=None) -> ConferenceTask:
    """Give a resolution's task to one seat (its member unit) with a deadline after the meeting."""
    resolution = Resolution.objects.select_related("meeting__conference__area").get(pk=resolution.pk)
    meeting = resolution.meeting
    require_conference_write(actor, meeting.conference)
    if seat is None:
        raise ValidationError({"seat": "请选择负责落实的成员单位（席位）。"})
    if seat.conference_id != meeting.conference_id:
        raise ValidationError({"seat": "负责的席位须是本联席会的成员单位。"})
    if not seat.is_active:
        raise ValidationError({"seat": "该成员单位已退出联席会，不能承担新任务。"})
    title = clean_text(title, field="title", message="请填写任务内容。", max_length=200)
    if not isinstance(deadline, datetime.date):
        raise ValidationError({"deadline": "请填写完成时限。"})
    if deadline < meeting.held_on:
        raise ValidationError({"deadline": f"完成时限不能早于会议日期（{meeting.held_on:%Y-%m-%d}）。"})
    task = ConferenceTask(resolution=resolution, conference=meeting.conference, seat=seat, unit_id=seat.unit_id,
                          title=title, deadline=deadline)
    task.full_clean()
    task.save()
    _audit(actor, task, AuditAction.CREATE, request, unit=seat.unit_id, deadline=str(deadline))
    return task


def _may_report(actor, task: ConferenceTask) -> None:
    """The responsible unit's liaison, or the conference's office; a liaison of another unit is
    told so in words (its pages never show it the task at all)."""
    if scoping.can_write(actor, task.conference.area):
        return
    if scoping.can_write(actor, task):
        return
    if scoping.holds_role(actor, Role.LIAISON):
        raise PermissionDenied(NOT_YOUR_TASK)
    raise PermissionDenied("您没有权限填报该任务的进展。")


@transaction.atomic
def task_report_progress(*, actor, task: ConferenceTask, text: str, done: bool = False, attachment=None,
                         reported_on: datetime.date | None = None, request=None) -> TaskProgress:
    """A progress report; the first moves the task to 推进中, one marked ``done`` completes it."""
    task = ConferenceTask.objects.select_for_update(of=("self",)).select_related(
        "conference__area", "resolution__meeting").get(pk=task.pk)
    _may_report(actor, task)
    if task.status == TaskStatus.DONE:
        raise ValidationError("该任务已完成，无需再填报进展。")
    text = clean_text(text, field="text", message="请填写进展情况。", max_length=2000)
    today = timezone.localdate()
    reported_on = reported_on or today
    if reported_on > today:
        raise ValidationError({"reported_on": "填报日期不能晚于今天。"})
    if reported_on < task.resolution.meeting.held_on:
        raise ValidationError({"reported_on": "填报日期不能早于作出决议的会议日期。"})
    check_attachment(attachment)
    progress = TaskProgress(task=task, text=text, done=bool(done), reported_on=reported_on,
                            reported_by=actor if actor.is_authenticated else None, reporter_label=str(actor))
    if attachment:
        progress.attachment = attachment
    progress.full_clean()
    progress.save()
    task.status = TaskStatus.DONE if done else TaskStatus.IN_PROGRESS
    task.completed_on = reported_on if done else None
    task.save(update_fields=["status", "completed_on"])
    _audit(actor, task, AuditAction.UPDATE, request, event="progress", done=bool(done))
    return progress
