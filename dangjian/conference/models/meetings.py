"""Meetings of the conference, what they resolved, and the tasks the resolutions give the
member units (with the progress their liaisons report)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dangjian.conference.models.body import Document, JointConference, Seat, _attachment_path


class MeetingKind(models.TextChoices):
    PLENARY = "plenary", _("全体成员大会")
    RESEARCH = "research", _("工作研讨交流")


class ConferenceMeeting(models.Model):
    conference = models.ForeignKey(JointConference, verbose_name=_("联席会"), on_delete=models.CASCADE,
                                   related_name="meetings")
    kind = models.CharField(_("会议类型"), max_length=10, choices=MeetingKind.choices)
    title = models.CharField(_("会议名称"), max_length=120)
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=120)
    work_report = models.ForeignKey(Document, verbose_name=_("工作报告"), on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    minutes = models.TextField(_("会议纪要"), max_length=20000, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords()

    scope_area_path = "conference__area__"
    scope_unit_path = "conference__seats__unit__"

    class Meta:
        verbose_name = _("联席会会议")
        verbose_name_plural = _("联席会会议")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["conference", "kind", "held_on"], name="conf_meeting_kind_date")]

    def __str__(self):
        return f"{self.title}（{self.held_on:%Y-%m-%d}）"


class AgendaItem(models.Model):
    """One item on a meeting's agenda; ``carried_task`` marks an open task brought forward from
    an earlier meeting (every plenary hears what became of the last one's resolutions)."""

    meeting = models.ForeignKey(ConferenceMeeting, verbose_name=_("会议"), on_delete=models.CASCADE,
                                related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("议题"), max_length=300)
    carried_task = models.ForeignKey("ConferenceTask", verbose_name=_("延续的任务"), on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")

    scope_area_path = "meeting__conference__area__"
    scope_unit_path = "meeting__conference__seats__unit__"

    class Meta:
        verbose_name = _("会议议程")
        verbose_name_plural = _("会议议程")
        ordering = ["meeting", "position", "id"]

    def __str__(self):
        return self.text


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    ABSENT = "absent", _("请假")
    DELEGATE = "delegate", _("委托出席")


class Attendance(models.Model):
    meeting = models.ForeignKey(ConferenceMeeting, verbose_name=_("会议"), on_delete=models.CASCADE,
                                related_name="attendance")
    seat = models.ForeignKey(Seat, verbose_name=_("席位"), on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(_("出席情况"), max_length=10, choices=AttendanceStatus.choices)
    reason = models.CharField(_("请假事由"), max_length=200, blank=True)
    delegate_name = models.CharField(_("受委托人"), max_length=40, blank=True)
    attendee_name = models.CharField(_("出席人"), max_length=40, blank=True)

    scope_area_path = "meeting__conference__area__"
    scope_unit_path = "meeting__conference__seats__unit__"

    class Meta:
        verbose_name = _("会议出席")
        verbose_name_plural = _("会议出席")
        ordering = ["meeting", "seat__post", "seat_id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "seat"], name="conf_attendance_once")]

    def __str__(self):
        return f"{self.seat.unit.name}：{self.get_status_display()}"

    @property
    def counts_as_present(self) -> bool:
        return self.status in (AttendanceStatus.PRESENT, AttendanceStatus.DELEGATE)


class Resolution(models.Model):
    meeting = models.ForeignKey(ConferenceMeeting, verbose_name=_("会议"), on_delete=models.CASCADE,
                                related_name="resolutions")
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("决议内容"), max_length=2000)

    scope_area_path = "meeting__conference__area__"
    scope_unit_path = "meeting__conference__seats__unit__"

    class Meta:
        verbose_name = _("会议决议")
        verbose_name_plural = _("会议决议")
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="conf_resolution_number")]

    def __str__(self):
        return f"决议{self.number}：{self.text[:30]}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("未开始")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")


OVERDUE_LABEL = _("已超期")


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=TaskStatus.DONE)

    def overdue(self, on_date: datetime.date):
        return self.open().filter(deadline__lt=on_date)


class ConferenceTask(models.Model):
    """A task a resolution gives one seat (its member unit), with a deadline. ``conference`` and
    ``unit`` repeat what the resolution and the seat say: the scoping anchors and the task
    board read them without joins through the meeting."""

    resolution = models.ForeignKey(Resolution, verbose_name=_("决议"), on_delete=models.CASCADE, related_name="tasks")
    conference = models.ForeignKey(JointConference, verbose_name=_("联席会"), on_delete=models.CASCADE,
                                   related_name="tasks", editable=False)
    seat = models.ForeignKey(Seat, verbose_name=_("责任席位"), on_delete=models.PROTECT, related_name="tasks")
    unit = models.ForeignKey("organizations.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT,
                             related_name="conference_tasks", editable=False)
    title = models.CharField(_("任务"), max_length=200)
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(_("状态"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("交办时间"), auto_now_add=True)

    objects = TaskQuerySet.as_manager()
    history = HistoricalRecords()

    # The conference's area administrators; the responsible unit's liaison (a forward reach: it
    # may write, which is how it reports progress).
    scope_area_path = "conference__area__"
    scope_unit_path = "unit__"

    class Meta:
        verbose_name = _("决议任务")
        verbose_name_plural = _("决议任务")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["conference", "status", "deadline"], name="conf_task_status_deadline"),
                   models.Index(fields=["unit", "status"], name="conf_task_unit_status")]

    def __str__(self):
        return self.title

    def is_overdue(self, on_date=None) -> bool:
        return self.status != TaskStatus.DONE and self.deadline < (on_date or timezone.localdate())

    @property
    def display_status(self) -> str:
        return str(OVERDUE_LABEL) if self.is_overdue() else self.get_status_display()

    @property
    def on_time(self) -> bool | None:
        if self.completed_on is None:
            return None
        return self.completed_on <= self.deadline


class TaskProgress(models.Model):
    """A progress report on a task (from the unit's liaison or the conference's office)."""

    task = models.ForeignKey(ConferenceTask, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="progress")
    reported_on = models.DateField(_("填报日期"), default=timezone.localdate)
    text = models.TextField(_("进展情况"), max_length=2000)
    done = models.BooleanField(_("已完成"), default=False)
    attachment = models.FileField(_("附件"), upload_to=_attachment_path, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    reporter_label = models.CharField(_("填报人"), max_length=150, blank=True)

    scope_area_path = "task__conference__area__"
    scope_unit_path = "task__unit__"

    class Meta:
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        ordering = ["task", "-reported_on", "-id"]

    def __str__(self):
        return f"{self.reported_on:%Y-%m-%d} {self.text[:30]}"


