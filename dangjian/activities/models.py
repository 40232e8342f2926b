"""Community activities (党的组织、教育、活动进社区; volunteer service; theme party days).

An activity takes place in a community and is organised by a party organization or by a unit
(a member unit of the joint conference). Members sign up on their phones; when the places are
taken they join the waiting list (if the activity keeps one) and move up, in order, when a
place frees up. They check in by scanning the activity's QR code (core/checkin.py); the
volunteer hours of a volunteer-service activity are credited from that check-in, never typed.
A short report and photos may be added afterwards; neither is ever required as proof.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ActivityKind(models.TextChoices):
    ORGANIZATION = "organization", _("党的组织进社区")
    EDUCATION = "education", _("党的教育进社区")
    ACTIVITY = "activity", _("党的活动进社区")
    VOLUNTEER = "volunteer", _("志愿服务")
    THEME_DAY = "theme_day", _("主题党日")


class Activity(models.Model):
    title = models.CharField(_("活动名称"), max_length=120)
    kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices)
    community = models.ForeignKey("organizations.Area", verbose_name=_("所在社区"), on_delete=models.PROTECT,
                                  related_name="activities")
    organizer_organization = models.ForeignKey(
        "organizations.PartyOrganization", verbose_name=_("主办党组织"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="activities")
    organizer_unit = models.ForeignKey("organizations.Unit", verbose_name=_("主办单位"), on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="activities")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=120)
    capacity = models.PositiveIntegerField(_("名额"))
    keeps_waitlist = models.BooleanField(_("名额满后可候补"), default=True)
    description = models.TextField(_("活动内容"), max_length=4000, blank=True)
    report = models.TextField(_("活动小结"), max_length=4000, blank=True)
    reported_at = models.DateTimeField(_("小结时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    scope_area_path = "community__"
    scope_organization_path = "organizer_organization__"
    scope_unit_path = "organizer_unit__"

    class Meta:
        verbose_name = _("社区活动")
        verbose_name_plural = _("社区活动")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["community", "starts_at"], name="activity_community_start"),
                   models.Index(fields=["starts_at"], name="activity_start")]
        constraints = [
            models.CheckConstraint(
                name="activity_one_organizer",
                condition=(Q(organizer_organization__isnull=False, organizer_unit__isnull=True)
                           | Q(organizer_organization__isnull=True, organizer_unit__isnull=False)),
                violation_error_message=_("活动须由一个党组织或一个单位主办。")),
            models.CheckConstraint(name="activity_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at")),
                                   violation_error_message=_("结束时间须晚于开始时间。")),
            models.CheckConstraint(name="activity_capacity_positive", condition=Q(capacity__gte=1),
                                   violation_error_message=_("名额至少为1人。")),
        ]

    def __str__(self):
        return self.title

    @property
    def organizer(self):
        return self.organizer_organization or self.organizer_unit

    @property
    def hours(self):
        """The activity's length in hours (to the half hour): what a check-in credits."""
        from decimal import Decimal

        seconds = (self.ends_at - self.starts_at).total_seconds()
        return Decimal(round(seconds / 1800) / 2).quantize(Decimal("0.1"))


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("已报名")
    WAITLISTED = "waitlisted", _("候补")
    CANCELLED = "cancelled", _("已取消")


class Registration(models.Model):
    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE,
                                 related_name="registrations")
    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.PROTECT,
                               related_name="activity_registrations")
    status = models.CharField(_("状态"), max_length=12, choices=RegistrationStatus.choices)
    registered_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    # Credited at check-in from the activity's length (volunteer service only); never typed.
    volunteer_hours = models.DecimalField(_("志愿服务时长（小时）"), max_digits=5, decimal_places=1, null=True,
                                          blank=True)

    scope_area_path = "activity__community__"
    scope_organization_path = "activity__organizer_organization__"
    scope_unit_path = "activity__organizer_unit__"

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["registered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="activity_registration_once")]
        indexes = [models.Index(fields=["activity", "status"], name="registration_activity_status")]

    def __str__(self):
        return f"{self.member_id} {self.get_status_display()}"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to="activities/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    scope_area_path = "activity__community__"
    scope_organization_path = "activity__organizer_organization__"
    scope_unit_path = "activity__organizer_unit__"

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name
