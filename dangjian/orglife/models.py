"""Branch organizational life (三会一课 and the other regular meetings, RULES.md LIFE-01…07).

A meeting belongs to one branch (党支部, joint or temporary branch), has a kind from the
glossary, a date, a topic, a host and minutes, and is either planned or held. Attendance is
one row per member: present, absent with a reason, on leave, or — for a floating member —
attended the organizational life of the place they live or work now (MEM-04). What was due
and what was held is computed from these rows (``compliance.py``), never typed in.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class MeetingKind(models.TextChoices):
    MEMBERS_MEETING = "members_meeting", _("支部党员大会")
    COMMITTEE_MEETING = "committee_meeting", _("支委会")
    GROUP_MEETING = "group_meeting", _("党小组会")
    PARTY_LECTURE = "party_lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    LIFE_MEETING = "life_meeting", _("组织生活会")
    DEMOCRATIC_REVIEW = "democratic_review", _("民主评议党员")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("计划召开")
    HELD = "held", _("已召开")


class OrgLifeMeeting(models.Model):
    organization = models.ForeignKey("organizations.PartyOrganization", verbose_name=_("党支部"),
                                     on_delete=models.PROTECT, related_name="orglife_meetings")
    kind = models.CharField(_("会议类型"), max_length=20, choices=MeetingKind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.HELD)
    held_on = models.DateField(_("会议日期"))
    topic = models.CharField(_("主题"), max_length=200)
    host = models.CharField(_("主持人"), max_length=40)
    location = models.CharField(_("地点"), max_length=120, blank=True)
    minutes = models.TextField(_("会议记录"), max_length=20000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    scope_organization_path = "organization__"
    scope_area_path = "organization__area__"

    class Meta:
        verbose_name = _("组织生活会议")
        verbose_name_plural = _("组织生活会议")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "held_on"], name="orglife_org_held_on"),
            models.Index(fields=["status", "held_on"], name="orglife_status_held_on"),
        ]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    ABSENT = "absent", _("缺席")
    LEAVE = "leave", _("请假")
    ELSEWHERE = "elsewhere", _("在流入地参加")


class Attendance(models.Model):
    meeting = models.ForeignKey(OrgLifeMeeting, verbose_name=_("会议"), on_delete=models.CASCADE,
                                related_name="attendance")
    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.PROTECT,
                               related_name="orglife_attendance")
    status = models.CharField(_("出勤"), max_length=10, choices=AttendanceStatus.choices)
    reason = models.CharField(_("缺席或请假原因"), max_length=200, blank=True)
    # For a floating member: where they took part in organizational life instead (MEM-04).
    elsewhere = models.CharField(_("参加组织生活的党组织"), max_length=120, blank=True)

    scope_organization_path = "meeting__organization__"
    scope_area_path = "meeting__organization__area__"

    class Meta:
        verbose_name = _("出勤记录")
        verbose_name_plural = _("出勤记录")
        ordering = ["meeting", "member__name_pinyin", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="orglife_attendance_once")]

    def __str__(self):
        return f"{self.member_id} {self.get_status_display()}"


class MeetingAttachment(models.Model):
    meeting = models.ForeignKey(OrgLifeMeeting, verbose_name=_("会议"), on_delete=models.CASCADE,
                                related_name="attachments")
    file = models.FileField(_("文件"), upload_to="orglife/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    scope_organization_path = "meeting__organization__"
    scope_area_path = "meeting__organization__area__"

    class Meta:
        verbose_name = _("会议附件")
        verbose_name_plural = _("会议附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name
