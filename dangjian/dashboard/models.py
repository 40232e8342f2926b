"""What the weekly organization health check records (组织体检台账): one row per finding of a
registered rule, from the week it was first seen until the week it was no longer found, so trends
and "resolved since last week" can be shown and the dashboard can read counts without running
every rule's aggregate (ARCHITECTURE.md budgets; docs/apps/evaluation.md).

Each row keeps the subject's anchors (its area and organization, and a second of each for a
record seen from two sides) as the weekly job resolved them through the subject model's own
``scope_area_path`` / ``scope_organization_path``, so accounts.scoping narrows the recorded findings like the live ones.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.organizations.models import Area, PartyOrganization


class FindingsRun(models.Model):
    recorded_on = models.DateField(_("体检日期"), unique=True)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    open_findings = models.PositiveIntegerField(_("问题数"), default=0)
    new_findings = models.PositiveIntegerField(_("新发现"), default=0)
    resolved_findings = models.PositiveIntegerField(_("已整改"), default=0)

    class Meta:
        verbose_name = _("体检记录")
        verbose_name_plural = _("体检记录")
        ordering = ["-recorded_on"]

    def __str__(self):
        return f"{self.recorded_on:%Y-%m-%d}"


class FindingSnapshot(models.Model):
    rule_code = models.CharField(_("规则"), max_length=20)
    severity = models.CharField(_("严重程度"), max_length=10)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    area = models.ForeignKey(Area, verbose_name=_("区域"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    organization = models.ForeignKey(PartyOrganization, verbose_name=_("党组织"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # A record seen from two sides (a transfer letter: sending and receiving organization) keeps both.
    other_area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    other_organization = models.ForeignKey(PartyOrganization, null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+")
    anchor_label = models.CharField(_("所属"), max_length=120, blank=True)
    message = models.CharField(_("问题"), max_length=500)
    records_url = models.CharField(max_length=300, blank=True)
    first_seen = models.DateField(_("首次发现"))
    last_seen = models.DateField(_("最近发现"))
    resolved_on = models.DateField(_("整改日期"), null=True, blank=True)

    scope_area_path = ("area__", "other_area__")
    scope_organization_path = ("organization__", "other_organization__")

    class Meta:
        verbose_name = _("体检问题记录")
        verbose_name_plural = _("体检问题记录")
        ordering = ["rule_code", "first_seen", "id"]
        indexes = [models.Index(fields=["resolved_on", "rule_code"], name="finding_open_rule"),
                   models.Index(fields=["rule_code", "subject_type", "subject_id"], name="finding_subject")]

    def __str__(self):
        return f"[{self.rule_code}] {self.message[:60]}"


class DashboardRollup(models.Model):
    """The dashboard's figures for one area and period as the rollup job last computed them
    (ARCHITECTURE.md budgets: a city or district dashboard cannot aggregate 600,000 members and
    their records within 300 ms on every visit). One row per area, period kind and period start;
    ``values`` maps each metric key to its value (see dashboard/rollup.py for the encoding)."""

    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+")
    period_kind = models.CharField(_("统计周期"), max_length=10)
    period_start = models.DateField(_("周期开始"))
    values = models.JSONField(_("指标值"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    scope_area_path = "area__"

    class Meta:
        verbose_name = _("仪表盘统计汇总")
        verbose_name_plural = _("仪表盘统计汇总")
        constraints = [models.UniqueConstraint(fields=["area", "period_kind", "period_start"],
                                               name="dashboard_rollup_unique_period")]

    def __str__(self):
        return f"{self.area_id} {self.period_kind} {self.period_start:%Y-%m-%d}"


class RuleCountRollup(models.Model):
    """How many findings each registered rule had under one area on the day of the rollup job."""

    area = models.OneToOneField(Area, verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+")
    counted_on = models.DateField(_("统计日期"))
    counts = models.JSONField(_("问题数"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    scope_area_path = "area__"

    class Meta:
        verbose_name = _("体检问题数汇总")
        verbose_name_plural = _("体检问题数汇总")

    def __str__(self):
        return f"{self.area_id} {self.counted_on:%Y-%m-%d}"
