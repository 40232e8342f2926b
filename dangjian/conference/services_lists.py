"""Writes to the three lists (三张清单): a community's needs, a member unit's resources, and the
projects that meet a need with resources, with their milestones. Same conventions as
``services``. A project's milestones are planned and changed by the conference's office; the
lead unit's liaison (like a task's) may mark them done."""

import datetime
from collections.abc import Sequence
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import AuditAction, Role
from dangjian.conference.models import (
    Demand,
    DemandStatus,
    JointConference,
    Project,
    ProjectMilestone,
    ProjectStatus,
    Resource,
    ResourceKind,
)
from dangjian.conference.services import clean_text, require_conference_write
from dangjian.organizations.models import Area, AreaLevel, Unit

NOT_YOUR_PROJECT = "您只能填报本单位牵头项目的进度。"
PROJECT_CLOSED = "项目已完成或已终止，进度节点不能再修改。"


class MilestonePlan(NamedTuple):
    """A milestone as planned when the project is set up: its title and (optionally) due date."""

    title: str
    due_on: datetime.date | None = None


def _audit(actor, obj, action=AuditAction.UPDATE, request=None, **detail):
    audit.record_change(actor=actor, action=action, obj=obj, request=request, **detail)


def _kind(kind: str, field: str = "kind") -> str:
    if kind not in ResourceKind.values:
        raise ValidationError({field: "请选择类别（场地、资金、志愿者、专业技能或设备物资）。"})
    return kind


@transaction.atomic
def demand_create(*, actor, conference: JointConference, community: Area, kind: str, title: str, description: str,
                  expected_help: str = "", listed_on: datetime.date | None = None, request=None) -> Demand:
    """A community in the conference's area lists a need."""
    require_conference_write(actor, conference)
    if (not isinstance(community, Area) or community.level != AreaLevel.COMMUNITY
            or not community.path.startswith(conference.area.path)):
        raise ValidationError({"community": f"请选择{conference.area.name}范围内的社区。"})
    demand = Demand(conference=conference, community=community, kind=_kind(kind),
                    title=clean_text(title, field="title", message="请填写需求名称。", max_length=120),
                    description=clean_text(description, field="description", message="请填写需求说明。",
                                           max_length=2000),
                    expected_help=(expected_help or "").strip()[:300], listed_on=listed_on or timezone.localdate())
    demand.full_clean()
    demand.save()
    _audit(actor, demand, AuditAction.CREATE, request)
    return demand


@transaction.atomic
def resource_create(*, actor, conference: JointConference, unit: Unit, kind: str, title: str, quantity: str = "",
                    availability: str = "", listed_on: datetime.date | None = None, request=None) -> Resource:
    """A member unit (holding a seat on the conference) lists what it can offer."""
    require_conference_write(actor, conference)
    if not isinstance(unit, Unit) or not conference.seats.filter(unit=unit, left_on__isnull=True).exists():
        raise ValidationError({"unit": "只有本联席会的成员单位才能登记资源。"})
    resource = Resource(conference=conference, unit=unit, kind=_kind(kind),
                        title=clean_text(title, field="title", message="请填写资源名称。", max_length=120),
                        quantity=(quantity or "").strip()[:60], availability=(availability or "").strip()[:120],
                        listed_on=listed_on or timezone.localdate())
    resource.full_clean()
    resource.save()
    _audit(actor, resource, AuditAction.CREATE, request)
    return resource


@transaction.atomic
def resource_set_available(*, actor, resource: Resource, available: bool, request=None) -> Resource:
    """Take a resource off the list of what can be offered (it is kept, and stays on the projects
    that use it), or put it back."""
    resource = Resource.objects.select_for_update(of=("self",)).select_related("conference__area").get(pk=resource.pk)
    require_conference_write(actor, resource.conference)
    if resource.is_available == bool(available):
        raise ValidationError({"available": "该资源已是“可提供”状态。" if available else "该资源已标记为暂不可提供。"})
    resource.is_available = bool(available)
    resource.save(update_fields=["is_available"])
    _audit(actor, resource, AuditAction.UPDATE, request, available=resource.is_available)
    return resource


@transaction.atomic
def project_create(*, actor, demand: Demand, title: str, owner_unit: Unit, resources: list[Resource] = (),
                   milestones: Sequence[MilestonePlan] = (), starts_on: datetime.date | None = None,
                   request=None) -> Project:
    """Meet an open need with member units' resources: a project led by one member unit, with
    its milestones in order."""
    demand = Demand.objects.select_for_update(of=("self",)).select_related("conference__area").get(pk=demand.pk)
    conference = demand.conference
    require_conference_write(actor, conference)
    if demand.status != DemandStatus.OPEN:
        raise ValidationError({"demand": "该需求已立项或已满足。"})
    if not isinstance(owner_unit, Unit) or not conference.seats.filter(unit=owner_unit, left_on__isnull=True).exists():
        raise ValidationError({"owner_unit": "牵头单位须是本联席会的成员单位。"})
    resources = list(resources)
    if any(resource.conference_id != conference.pk for resource in resources):
        raise ValidationError({"resources": "只能使用本联席会资源清单中的资源。"})
    if any(not resource.is_available for resource in resources):
        raise ValidationError({"resources": "所选资源中有已不可提供的资源。"})
    project = Project(conference=conference, demand=demand, owner_unit=owner_unit,
                      title=clean_text(title, field="title", message="请填写项目名称。", max_length=120),
                      starts_on=starts_on or timezone.localdate())
    project.full_clean()
    plans = [MilestonePlan(*plan) for plan in milestones]
    if len(plans) > 50:
        raise ValidationError({"milestones": "进度节点请控制在50个以内。"})
    steps = [_milestone_fields(project, title=plan.title, due_on=plan.due_on, field="milestones") for plan in plans]
    project.save()
    project.resources.set(resources)
    ProjectMilestone.objects.bulk_create([ProjectMilestone(project=project, position=position, **fields)
                                          for position, fields in enumerate(steps, start=1)])
    demand.status = DemandStatus.MATCHED
    demand.save(update_fields=["status"])
    _audit(actor, project, AuditAction.CREATE, request, demand=demand.pk)
    return project


NEXT_STATUSES = {
    ProjectStatus.PLANNED: (ProjectStatus.ACTIVE, ProjectStatus.COMPLETED, ProjectStatus.CANCELLED),
    ProjectStatus.ACTIVE: (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED),
}


@transaction.atomic
def project_set_status(*, actor, project: Project, status: str, outcome: str = "",
                       on_date: datetime.date | None = None, request=None) -> Project:
    """Move a project on; completing it needs its outcome and marks the need met, cancelling it
    puts the need back on the open list."""
    project = Project.objects.select_for_update(of=("self",)).select_related("conference__area", "demand").get(
        pk=project.pk)
    require_conference_write(actor, project.conference)
    if status not in NEXT_STATUSES.get(project.status, ()):
        raise ValidationError({"status": f"项目当前为“{project.get_status_display()}”，不能改为该状态。"})
    on_date = on_date or timezone.localdate()
    if status == ProjectStatus.COMPLETED:
        project.outcome = clean_text(outcome, field="outcome", message="完成项目须填写成效。", max_length=2000)
        if on_date < project.starts_on:
            raise ValidationError({"on_date": "完成日期不能早于开始日期。"})
        project.completed_on = on_date
        project.demand.status = DemandStatus.MET
    elif status == ProjectStatus.CANCELLED:
        project.outcome = (outcome or "").strip()[:2000]
        project.demand.status = DemandStatus.OPEN
    project.status = status
    project.full_clean()
    project.save()
    project.demand.save(update_fields=["status"])
    _audit(actor, project, AuditAction.UPDATE, request, status=status)
    return project


# ---------------------------------------------------------------- milestones


def _milestone_fields(project: Project, *, title, due_on, field: str = "title") -> dict:
    title = clean_text(title, field=field, message="请填写进度节点的名称。", max_length=120)
    if due_on is not None and not isinstance(due_on, datetime.date):
        raise ValidationError({"due_on": "计划完成日期格式不正确。"})
    if due_on is not None and due_on < project.starts_on:
        raise ValidationError({"due_on" if field == "title" else field:
                               f"“{title}”的计划完成日期不能早于项目开始日期（{project.starts_on:%Y-%m-%d}）。"})
    return {"title": title, "due_on": due_on}


def _open_project(actor, project: Project) -> Project:
    project = Project.objects.select_for_update(of=("self",)).select_related("conference__area").get(pk=project.pk)
    require_conference_write(actor, project.conference)
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED):
        raise ValidationError(PROJECT_CLOSED)
    return project


@transaction.atomic
def milestone_add(*, actor, project: Project, title: str, due_on: datetime.date | None = None,
                  request=None) -> ProjectMilestone:
    """Add a step at the end of a project's milestones."""
    project = _open_project(actor, project)
    fields = _milestone_fields(project, title=title, due_on=due_on)
    position = (project.milestones.aggregate(n=Max("position"))["n"] or 0) + 1
    milestone = ProjectMilestone(project=project, position=position, **fields)
    milestone.full_clean()
    milestone.save()
    _audit(actor, milestone, AuditAction.CREATE, request, project=project.pk)
    return milestone


@transaction.atomic
def milestone_update(*, actor, milestone: ProjectMilestone, title: str, due_on: datetime.date | None,
                     position: int | None = None, request=None) -> ProjectMilestone:
    """Rename a step, change its due date, or move it to ``position`` (the others close up)."""
    project = _open_project(actor, milestone.project)
    milestone = project.milestones.get(pk=milestone.pk)
    fields = _milestone_fields(project, title=title, due_on=due_on)
    steps = list(project.milestones.exclude(pk=milestone.pk).order_by("position", "pk"))
    if position is not None:
        if not 1 <= position <= len(steps) + 1:
            raise ValidationError({"position": f"序号须在1到{len(steps) + 1}之间。"})
        steps.insert(position - 1, milestone)
        for number, step in enumerate(steps, start=1):
            if step.pk != milestone.pk and step.position != number:
                step.position = number
                step.save(update_fields=["position"])
        milestone.position = position
    milestone.title, milestone.due_on = fields["title"], fields["due_on"]
    milestone.full_clean()
    milestone.save()
    _audit(actor, milestone, AuditAction.UPDATE, request, due_on=str(milestone.due_on or ""),
           position=milestone.position)
    return milestone


def _may_mark(actor, milestone: ProjectMilestone) -> None:
    """The conference's office, or the liaison of the project's lead unit (told in words when it
    is another unit's project: its pages never show it)."""
    if scoping.can_write(actor, milestone.project.conference.area) or scoping.can_write(actor, milestone):
        return
    if scoping.holds_role(actor, Role.LIAISON):
        raise PermissionDenied(NOT_YOUR_PROJECT)
    raise PermissionDenied("您没有权限填报该项目的进度。")


@transaction.atomic
def milestone_set_done(*, actor, milestone: ProjectMilestone, done_on: datetime.date | None,
                       request=None) -> ProjectMilestone:
    """Mark a step done on ``done_on`` (not in the future, not before the project began), or
    open it again with ``None``."""
    milestone = ProjectMilestone.objects.select_for_update(of=("self",)).select_related(
        "project__conference__area").get(pk=milestone.pk)
    _may_mark(actor, milestone)
    project = milestone.project
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED):
        raise ValidationError(PROJECT_CLOSED)
    if done_on is None:
        if milestone.done_on is None:
            raise ValidationError({"done_on": "该进度节点尚未完成。"})
    else:
        if milestone.done_on is not None:
            raise ValidationError({"done_on": f"该进度节点已于{milestone.done_on:%Y-%m-%d}完成。"})
        if done_on > timezone.localdate():
            raise ValidationError({"done_on": "完成日期不能晚于今天。"})
        if done_on < project.starts_on:
            raise ValidationError({"done_on": f"完成日期不能早于项目开始日期（{project.starts_on:%Y-%m-%d}）。"})
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    _audit(actor, milestone, AuditAction.UPDATE, request, done_on=str(done_on or ""))
    return milestone
