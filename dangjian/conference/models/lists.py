"""三张清单: what communities need, what member units can offer, and the projects that match them."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dangjian.conference.models.body import JointConference


class ResourceKind(models.TextChoices):
    VENUE = "venue", _("场地")
    FUNDS = "funds", _("资金")
    VOLUNTEERS = "volunteers", _("志愿者")
    EXPERTISE = "expertise", _("专业技能")
    EQUIPMENT = "equipment", _("设备物资")


class DemandStatus(models.TextChoices):
    OPEN = "open", _("待对接")
    MATCHED = "matched", _("已立项")
    MET = "met", _("已满足")


class Demand(models.Model):
    """A community's need on the conference's list; ``kind`` is the kind of help it expects."""

    conference = models.ForeignKey(JointConference, verbose_name=_("联席会"), on_delete=models.CASCADE,
                                   related_name="demands")
    community = models.ForeignKey("organizations.Area", verbose_name=_("提出社区"), on_delete=models.PROTECT,
                                  related_name="conference_demands")
    kind = models.CharField(_("需要的帮助"), max_length=12, choices=ResourceKind.choices)
    title = models.CharField(_("需求"), max_length=120)
    description = models.TextField(_("需求说明"), max_length=2000)
    expected_help = models.CharField(_("期望的帮助"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=DemandStatus.choices, default=DemandStatus.OPEN)
    listed_on = models.DateField(_("登记日期"))

    history = HistoricalRecords()

    # The community's and the conference's administrators; the member units' liaisons read the
    # conference's needs list (that is what it is for: a unit offers help against it).
    scope_area_path = ("community__", "conference__area__")
    scope_unit_path = "conference__seats__unit__"

    class Meta:
        verbose_name = _("需求清单")
        verbose_name_plural = _("需求清单")
        ordering = ["-listed_on", "-id"]

    def __str__(self):
        return self.title


class Resource(models.Model):
    """What a member unit can offer, with quantity and when it is available."""

    conference = models.ForeignKey(JointConference, verbose_name=_("联席会"), on_delete=models.CASCADE,
                                   related_name="resources")
    unit = models.ForeignKey("organizations.Unit", verbose_name=_("提供单位"), on_delete=models.PROTECT,
                             related_name="conference_resources")
    kind = models.CharField(_("资源类别"), max_length=12, choices=ResourceKind.choices)
    title = models.CharField(_("资源"), max_length=120)
    quantity = models.CharField(_("数量"), max_length=60, blank=True)
    availability = models.CharField(_("可提供时间"), max_length=120, blank=True)
    is_available = models.BooleanField(_("可提供"), default=True)
    listed_on = models.DateField(_("登记日期"))

    history = HistoricalRecords()

    scope_area_path = "conference__area__"
    scope_unit_path = "unit__"

    class Meta:
        verbose_name = _("资源清单")
        verbose_name_plural = _("资源清单")
        ordering = ["kind", "id"]

    def __str__(self):
        return f"{self.unit.name}：{self.title}"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("已立项")
    ACTIVE = "active", _("实施中")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已终止")


class Project(models.Model):
    """A project meeting a need with member units' resources: owner, milestones
    (ProjectMilestone), status, outcome."""

    conference = models.ForeignKey(JointConference, verbose_name=_("联席会"), on_delete=models.CASCADE,
                                   related_name="projects")
    demand = models.ForeignKey(Demand, verbose_name=_("对应需求"), on_delete=models.PROTECT, related_name="projects")
    resources = models.ManyToManyField(Resource, verbose_name=_("使用资源"), related_name="projects", blank=True)
    owner_unit = models.ForeignKey("organizations.Unit", verbose_name=_("牵头单位"), on_delete=models.PROTECT,
                                   related_name="conference_projects")
    title = models.CharField(_("项目名称"), max_length=120)
    status = models.CharField(_("状态"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    starts_on = models.DateField(_("开始日期"))
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    outcome = models.TextField(_("成效"), max_length=2000, blank=True)

    history = HistoricalRecords()

    scope_area_path = "conference__area__"
    scope_unit_path = "owner_unit__"

    class Meta:
        verbose_name = _("项目清单")
        verbose_name_plural = _("项目清单")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title


class ProjectMilestone(models.Model):
    """One step of a project with the date it is due and the date it was done (open while
    ``done_on`` is empty; overdue is derived: open and past ``due_on``)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("进度节点"), max_length=120)
    due_on = models.DateField(_("计划完成日期"), null=True, blank=True)
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)

    history = HistoricalRecords()

    # The conference's area administrators; the lead unit's liaison (a forward reach: it may
    # mark its project's steps done).
    scope_area_path = "project__conference__area__"
    scope_unit_path = "project__owner_unit__"

    class Meta:
        verbose_name = _("项目进度节点")
        verbose_name_plural = _("项目进度节点")
        ordering = ["project", "position", "id"]
        indexes = [models.Index(fields=["due_on", "done_on"], name="conf_milestone_due")]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def is_overdue(self, on_date: datetime.date | None = None) -> bool:
        return self.done_on is None and self.due_on is not None and self.due_on < (on_date or timezone.localdate())

    @property
    def display_status(self) -> str:
        if self.done_on is not None:
            return str(_("已完成"))
        return str(_("已超期")) if self.is_overdue() else str(_("未完成"))
