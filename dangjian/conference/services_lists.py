"""Writes to the three lists (三张清单): a community's needs, a member unit's resources, and the
projects that meet a need with resources. Same conventions as ``services``."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts import audit
from dangjian.accounts.models import AuditAction
from dangjian.conference.models import (
    Demand,
    DemandStatus,
    JointConference,
    Project,
    ProjectStatus,
    Resource,
    ResourceKind,
)
from dangjian.conference.services import clean_text, require_conference_write
from dangjian.organizations.models import Area, AreaLevel, Unit


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
    resource = Resource.objects.select_related("conference__area").get(pk=resource.pk)
    require_conference_write(actor, resource.conference)
    resource.is_available = bool(available)
    resource.save(update_fields=["is_available"])
    _audit(actor, resource, AuditAction.UPDATE, request, available=resource.is_available)
    return resource


@transaction.atomic
def project_create(*, actor, demand: Demand, title: str, owner_unit: Unit, resources: list[Resource] = (),
                   milestones: str = "", starts_on: datetime.date | None = None, request=None) -> Project:
    """Meet an open need with member units' resources: a project led by one member unit."""
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
                      milestones=(milestones or "").strip()[:2000], starts_on=starts_on or timezone.localdate())
    project.full_clean()
    project.save()
    project.resources.set(resources)
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
