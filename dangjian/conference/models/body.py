"""The body itself (一个班子, 一项章程, 一套制度): the conference of a district or street, its
seats and who has held them, and its library of charter and rules documents."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ConferenceLevel(models.TextChoices):
    DISTRICT = "district", _("区")
    STREET = "street", _("街道")


class JointConference(models.Model):
    """社区党建联席会 of one district or street Area (one per area)."""

    area = models.OneToOneField("organizations.Area", verbose_name=_("所在区域"), on_delete=models.PROTECT,
                                related_name="joint_conference")
    name = models.CharField(_("名称"), max_length=80)
    level = models.CharField(_("层级"), max_length=10, choices=ConferenceLevel.choices, editable=False)
    established_on = models.DateField(_("成立日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    # The area's administrators; a member unit's liaison reads it through the seats (a to-many
    # reach: read only, see accounts/scoping.py).
    scope_area_path = "area__"
    scope_unit_path = "seats__unit__"

    class Meta:
        verbose_name = _("社区党建联席会")
        verbose_name_plural = _("社区党建联席会")
        ordering = ["area__path", "id"]

    def __str__(self):
        return self.name


class SeatPost(models.TextChoices):
    CHAIR = "chair", _("会长")
    VICE_CHAIR = "vice_chair", _("副会长")
    SECRETARY_GENERAL = "secretary_general", _("秘书长")
    MEMBER = "member", _("成员")


POST_ORDER = {SeatPost.CHAIR: 0, SeatPost.VICE_CHAIR: 1, SeatPost.SECRETARY_GENERAL: 2, SeatPost.MEMBER: 3}


class Seat(models.Model):
    """A member unit's place on the conference with its post; the people holding it change
    (SeatTerm) while the seat, its attendance and its tasks stay."""

    conference = models.ForeignKey(JointConference, verbose_name=_("联席会"), on_delete=models.CASCADE,
                                   related_name="seats")
    unit = models.ForeignKey("organizations.Unit", verbose_name=_("成员单位"), on_delete=models.PROTECT,
                             related_name="conference_seats")
    post = models.CharField(_("职务"), max_length=20, choices=SeatPost.choices)
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)

    history = HistoricalRecords()

    scope_area_path = "conference__area__"
    scope_unit_path = "unit__"

    class Meta:
        verbose_name = _("联席会席位")
        verbose_name_plural = _("联席会席位")
        ordering = ["conference", "post", "id"]
        constraints = [
            # A unit sits once on a conference; a second active chair is refused by the service
            # with a message, and by this index as the last word.
            models.UniqueConstraint(fields=["conference", "unit"], condition=Q(left_on__isnull=True),
                                    name="seat_one_per_unit"),
            models.UniqueConstraint(fields=["conference"], condition=Q(left_on__isnull=True, post="chair"),
                                    name="seat_one_chair"),
        ]

    def __str__(self):
        return f"{self.unit.name}（{self.get_post_display()}）"

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class SeatTerm(models.Model):
    """One person's time in a seat; a handover ends one term and starts the next."""

    seat = models.ForeignKey(Seat, verbose_name=_("席位"), on_delete=models.CASCADE, related_name="terms")
    holder_name = models.CharField(_("姓名"), max_length=40)
    holder_title = models.CharField(_("单位职务"), max_length=60, blank=True)
    starts_on = models.DateField(_("任期开始"))
    ends_on = models.DateField(_("任期结束"), null=True, blank=True)
    term_ends_on = models.DateField(_("届满日期"), null=True, blank=True,
                                    help_text=_("任期届满的日期；到期未换届的席位会被提示。"))

    scope_area_path = "seat__conference__area__"
    scope_unit_path = "seat__unit__"

    class Meta:
        verbose_name = _("席位任职")
        verbose_name_plural = _("席位任职")
        ordering = ["seat", "-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["seat"], condition=Q(ends_on__isnull=True), name="seat_one_current_term"),
        ]

    def __str__(self):
        return f"{self.holder_name}（{self.starts_on:%Y-%m-%d}起）"


class DocumentKind(models.TextChoices):
    CHARTER = "charter", _("章程")
    OPINION = "opinion", _("意见")
    RULE = "rule", _("制度办法")
    PLAN = "plan", _("工作计划")


class DocumentStatus(models.TextChoices):
    IN_FORCE = "in_force", _("现行有效")
    SUPERSEDED = "superseded", _("已被替代")
    REPEALED = "repealed", _("已废止")


def _attachment_path(instance, filename):
    return f"conference/{timezone.now():%Y/%m}/{filename}"


class Document(models.Model):
    """A charter, opinion, rule or plan of the conference; its text and attachment are those of
    the latest version, the earlier versions are kept in DocumentVersion."""

    conference = models.ForeignKey(JointConference, verbose_name=_("联席会"), on_delete=models.CASCADE,
                                   related_name="documents")
    kind = models.CharField(_("类别"), max_length=10, choices=DocumentKind.choices)
    title = models.CharField(_("标题"), max_length=120)
    issuer = models.CharField(_("发文单位"), max_length=80)
    number = models.CharField(_("文号"), max_length=40, blank=True)
    effective_on = models.DateField(_("施行日期"))
    status = models.CharField(_("状态"), max_length=12, choices=DocumentStatus.choices,
                              default=DocumentStatus.IN_FORCE)
    text = models.TextField(_("正文"), max_length=50000)
    version = models.PositiveSmallIntegerField(_("版本"), default=1, editable=False)
    attachment = models.FileField(_("附件"), upload_to=_attachment_path, blank=True)
    # SVC-03: a charter sets how often the conference meets (seed §2; RULES.md, local practice).
    plenary_per_year = models.PositiveSmallIntegerField(_("每年全体成员大会次数"), null=True, blank=True)
    research_per_year = models.PositiveSmallIntegerField(_("每年工作研讨交流次数"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords()

    scope_area_path = "conference__area__"
    scope_unit_path = "conference__seats__unit__"

    class Meta:
        verbose_name = _("章程制度")
        verbose_name_plural = _("章程制度")
        ordering = ["conference", "kind", "-effective_on", "id"]
        indexes = [models.Index(fields=["conference", "status", "kind"], name="conf_document_status")]

    def __str__(self):
        return self.title


class DocumentVersion(models.Model):
    """A version of a document as it was: revising keeps every earlier one."""

    document = models.ForeignKey(Document, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveSmallIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=120)
    text = models.TextField(_("正文"), max_length=50000)
    effective_on = models.DateField(_("施行日期"))
    attachment = models.FileField(_("附件"), upload_to=_attachment_path, blank=True)
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    scope_area_path = "document__conference__area__"
    scope_unit_path = "document__conference__seats__unit__"

    class Meta:
        verbose_name = _("文件版本")
        verbose_name_plural = _("文件版本")
        ordering = ["document", "-version"]
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="conf_document_version")]

    def __str__(self):
        return f"{self.title}（第{self.version}版）"
