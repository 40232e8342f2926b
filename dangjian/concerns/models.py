"""Residents' concerns (群众诉求): intake, assignment, deadline, closure and satisfaction.

The seed asks that "the hard and hot problems" — employment, medical care, migrants, services
for the elderly, public security — "are solved in the community". A concern is filed by a
resident on the public phone page or taken in by staff, lives in a community, is handed to
exactly one party organization, unit or member, and is closed with a reply the resident reads
through the tracking code. An unsatisfied rating reopens it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dangjian.concerns.tracking import format_tracking_code
from dangjian.core.masking import mask_name, mask_phone


class ConcernCategory(models.TextChoices):
    EMPLOYMENT = "employment", _("就业和再就业")
    MEDICAL = "medical", _("医疗")
    MIGRANTS = "migrants", _("外来人口")
    ELDERLY = "elderly", _("养老服务")
    SECURITY = "security", _("社会治安")
    ENVIRONMENT = "environment", _("环境")
    OTHER = "other", _("其他")


class ConcernChannel(models.TextChoices):
    ONLINE = "online", _("居民网上提交")
    PHONE = "phone", _("电话")
    VISIT = "visit", _("来访")
    STAFF = "staff", _("走访发现")


class ConcernStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ASSIGNED = "assigned", _("已交办")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已办结")
    EVALUATED = "evaluated", _("已评价")


OPEN_STATUSES = (ConcernStatus.RECEIVED, ConcernStatus.ASSIGNED, ConcernStatus.IN_PROGRESS)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    FAIRLY_SATISFIED = "fairly_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


SATISFIED_RATINGS = (Rating.SATISFIED, Rating.FAIRLY_SATISFIED)


class ConcernQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, on_date):
        """Open and past the deadline on ``on_date``."""
        return self.open().filter(deadline__lt=on_date)


class Concern(models.Model):
    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True, editable=False)
    category = models.CharField(_("类别"), max_length=20, choices=ConcernCategory.choices)
    description = models.TextField(_("诉求内容"), max_length=2000)
    community = models.ForeignKey(
        "organizations.Area", verbose_name=_("所在社区"), on_delete=models.PROTECT, related_name="concerns")
    grid = models.CharField(_("网格"), max_length=60, blank=True)
    location = models.CharField(_("具体位置"), max_length=120, blank=True)
    resident_name = models.CharField(_("居民姓名"), max_length=40, blank=True)
    resident_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    channel = models.CharField(_("来源"), max_length=10, choices=ConcernChannel.choices)
    status = models.CharField(_("状态"), max_length=12, choices=ConcernStatus.choices,
                              default=ConcernStatus.RECEIVED)
    # The assignee: exactly one of the three once assigned (a check constraint below).
    assigned_organization = models.ForeignKey(
        "organizations.PartyOrganization", verbose_name=_("承办党组织"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="concerns")
    assigned_unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("承办单位"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="concerns")
    assigned_member = models.ForeignKey(
        "members.Member", verbose_name=_("承办党员"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="concerns")
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    deadline = models.DateField(_("办理时限"))
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    reply = models.TextField(_("答复"), max_length=2000, blank=True)
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+")

    objects = ConcernQuerySet.as_manager()
    history = HistoricalRecords()

    # Scoping anchors (accounts/scoping.py): the community's administrators up the area tree, and
    # the organization handling it — or the organization of the member handling it — up the
    # organization tree.
    scope_area_path = "community__"
    scope_organization_path = ("assigned_organization__", "assigned_member__organization__")

    class Meta:
        verbose_name = _("群众诉求")
        verbose_name_plural = _("群众诉求")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status"], name="concern_community_status"),
            models.Index(fields=["status", "deadline"], name="concern_status_deadline"),
            models.Index(fields=["-received_at", "-id"], name="concern_received"),
        ]
        constraints = [
            models.CheckConstraint(
                name="concern_one_assignee",
                condition=(
                    Q(status=ConcernStatus.RECEIVED, assigned_organization__isnull=True,
                      assigned_unit__isnull=True, assigned_member__isnull=True)
                    | (~Q(status=ConcernStatus.RECEIVED) & (
                        Q(assigned_organization__isnull=False, assigned_unit__isnull=True,
                          assigned_member__isnull=True)
                        | Q(assigned_organization__isnull=True, assigned_unit__isnull=False,
                            assigned_member__isnull=True)
                        | Q(assigned_organization__isnull=True, assigned_unit__isnull=True,
                            assigned_member__isnull=False)))
                ),
                violation_error_message=_("诉求须交办给且只能交办给一个党组织、单位或党员。"),
            ),
        ]

    def __str__(self):
        # Not the tracking code: it is the resident's key to the concern and ends up in the
        # audit log and in page titles.
        return f"群众诉求第{self.pk}号（{self.get_category_display()}）"

    @property
    def display_code(self) -> str:
        return format_tracking_code(self.tracking_code)

    @property
    def assignee(self):
        return self.assigned_organization or self.assigned_unit or self.assigned_member

    @property
    def assignee_label(self) -> str:
        """Who handles it, as staff see it."""
        assignee = self.assignee
        if assignee is None:
            return ""
        return f"党员{assignee.name}" if self.assigned_member_id else assignee.name

    @property
    def public_assignee_label(self) -> str:
        """Who handles it, as the resident sees it: a member's name is masked."""
        if self.assigned_member_id:
            return f"党员{mask_name(self.assigned_member.name)}"
        return self.assignee_label

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.resident_phone)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, on_date=None) -> bool:
        return self.is_open and self.deadline < (on_date or timezone.localdate())


class EventKind(models.TextChoices):
    RECEIVED = "received", _("受理")
    ASSIGNED = "assigned", _("交办")
    NOTE = "note", _("办理记录")
    REPLY = "reply", _("答复")
    RESOLVED = "resolved", _("办结")
    RATED = "rated", _("评价")
    REOPENED = "reopened", _("重新办理")


class ConcernEvent(models.Model):
    """One entry of a concern's timeline; ``public`` entries are what the resident sees."""

    concern = models.ForeignKey(Concern, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=10, choices=EventKind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    text = models.TextField(_("内容"), max_length=2000, blank=True)
    public = models.BooleanField(_("居民可见"), default=False)
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), on_delete=models.SET_NULL,
                              null=True, blank=True, related_name="+")
    actor_label = models.CharField(_("办理人"), max_length=150, blank=True)

    scope_area_path = "concern__community__"
    scope_organization_path = ("concern__assigned_organization__", "concern__assigned_member__organization__")

    class Meta:
        verbose_name = _("诉求办理记录")
        verbose_name_plural = _("诉求办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["kind", "at"], name="concern_event_kind_at")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
