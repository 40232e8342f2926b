"""Notices administrators post to members, and the receipts members leave by reading them.

A notice's audience is an organization subtree or an area subtree, optionally narrowed to one
care group. It is resolved when read (notices/selectors.py), never copied into one row per
member: a city-wide notice would otherwise write 600,000 rows, and a member who joins or
moves after posting would not see it. A receipt is written only when a member opens a notice.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.members.models import Member
from dangjian.organizations.models import Area, PartyOrganization


class Audience(models.TextChoices):
    """Who within the scope receives a notice (the seed's care groups, plus probationary members)."""

    EVERYONE = "", _("全体党员")
    OFF_POST = "off_post", _("离岗党员（离退休、下岗失业）")
    FLOATING = "floating", _("流动党员")
    LOST_CONTACT = "lost_contact", _("失联党员")
    PROBATIONARY = "probationary", _("预备党员")
    DIFFICULTY = "difficulty", _("困难党员")


class Notice(models.Model):
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    organization = models.ForeignKey(PartyOrganization, verbose_name=_("发给党组织"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="notices",
                                     help_text=_("该党组织及其下级党组织的党员。"))
    area = models.ForeignKey(Area, verbose_name=_("发给区域"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="notices", help_text=_("组织关系在该区域内党组织的党员。"))
    audience = models.CharField(_("对象"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE,
                                blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT,
                               related_name="+")
    posted_at = models.DateTimeField(_("发布时间"), default=timezone.now, db_index=True)

    # Administrators of the scope it went to see it, and those of the place a target organization sits in.
    scope_organization_path = "organization__"
    scope_area_path = ("area__", "organization__area__")

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(area__isnull=False, organization__isnull=True)
                           | models.Q(area__isnull=True, organization__isnull=False)),
                name="notice_exactly_one_target",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def target(self):
        return self.organization or self.area

    @property
    def audience_label(self) -> str:
        return f"{self.target} · {self.get_audience_display()}"


class NoticeRead(models.Model):
    """A member opened a notice (the first time is what counts)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="notice_reads")
    read_at = models.DateTimeField(_("阅读时间"), default=timezone.now)

    scope_organization_path = "member__organization__"
    scope_area_path = "member__organization__area__"

    class Meta:
        verbose_name = _("阅读记录")
        verbose_name_plural = _("阅读记录")
        ordering = ["-read_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["notice", "member"], name="notice_read_once")]

    def __str__(self):
        return f"{self.member} · {self.notice}"
