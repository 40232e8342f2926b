"""/api/v1/conferences: the three lists (needs, resources, projects) and project milestones.
The office lists needs and resources, takes a resource off the list, sets up projects and
moves them on, plans milestones; the lead unit's liaison marks its project's milestones done.
A liaison reads the needs of its conferences and only its own unit's resources and projects.
Same conventions as ``api``."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.conference import selectors, services_lists
from dangjian.conference.api_schemas import (
    AvailabilityIn,
    DemandIn,
    DemandOut,
    MilestoneDoneIn,
    MilestoneIn,
    MilestoneOut,
    MilestoneUpdateIn,
    ProjectDetailOut,
    ProjectIn,
    ProjectOut,
    ProjectStatusIn,
    ResourceIn,
    ResourceOut,
)
from dangjian.core.pagination import LimitOffsetPagination
from dangjian.organizations.models import Area, AreaLevel

router = Router(tags=["社区党建联席会"])
MAX_PAGE = 200


def _seated_unit(conference, unit_id):
    """A unit holding a seat on the conference (None otherwise: the service says why)."""
    seat = next((seat for seat in selectors.seats_of(conference) if seat.unit_id == unit_id), None)
    return seat.unit if seat else None


# ---------------------------------------------------------------- needs


@router.get("/{int:conference_id}/demands", response=list[DemandOut], summary="需求清单")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def demand_list(request: HttpRequest, conference_id: int, status: str = ""):
    conference = selectors.conference_get_for(request.auth, conference_id)
    demands = selectors.demand_list_for(request.auth).filter(conference=conference)
    return demands.filter(status=status) if status else demands


@router.post("/{int:conference_id}/demands", response={201: DemandOut}, summary="登记社区需求")
def demand_create(request: HttpRequest, conference_id: int, data: DemandIn):
    actor = request.auth
    conference = selectors.conference_get_for(actor, conference_id)
    community = Area.objects.filter(pk=data.community, level=AreaLevel.COMMUNITY,
                                    path__startswith=conference.area.path).first()
    demand = services_lists.demand_create(actor=actor, conference=conference, community=community, kind=data.kind,
                                          title=data.title, description=data.description,
                                          expected_help=data.expected_help, request=request)
    return Status(201, selectors.demand_get_for(actor, demand.pk))


# ---------------------------------------------------------------- resources


@router.get("/{int:conference_id}/resources", response=list[ResourceOut], summary="资源清单（联络员只见本单位的）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def resource_list(request: HttpRequest, conference_id: int, available: bool | None = None):
    conference = selectors.conference_get_for(request.auth, conference_id)
    resources = selectors.resource_list_for(request.auth).filter(conference=conference)
    return resources if available is None else resources.filter(is_available=available)


@router.post("/{int:conference_id}/resources", response={201: ResourceOut}, summary="登记成员单位的资源")
def resource_create(request: HttpRequest, conference_id: int, data: ResourceIn):
    actor = request.auth
    conference = selectors.conference_get_for(actor, conference_id)
    resource = services_lists.resource_create(
        actor=actor, conference=conference, unit=_seated_unit(conference, data.unit), kind=data.kind,
        title=data.title, quantity=data.quantity, availability=data.availability, request=request)
    return Status(201, selectors.resource_get_for(actor, resource.pk))


@router.post("/resources/{int:resource_id}/availability", response=ResourceOut,
             summary="资源标记为暂不可提供，或恢复可提供")
def resource_availability(request: HttpRequest, resource_id: int, data: AvailabilityIn):
    actor = request.auth
    resource = selectors.resource_get_for(actor, resource_id)
    services_lists.resource_set_available(actor=actor, resource=resource, available=data.available, request=request)
    return selectors.resource_get_for(actor, resource_id)


# ---------------------------------------------------------------- projects and milestones


@router.get("/{int:conference_id}/projects", response=list[ProjectOut], summary="项目清单（联络员只见本单位牵头的）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def project_list(request: HttpRequest, conference_id: int):
    conference = selectors.conference_get_for(request.auth, conference_id)
    return selectors.project_list_for(request.auth).filter(conference=conference)


@router.post("/{int:conference_id}/projects", response={201: ProjectDetailOut},
             summary="对接立项：以成员单位的资源满足一项需求，带进度节点")
def project_create(request: HttpRequest, conference_id: int, data: ProjectIn):
    actor = request.auth
    conference = selectors.conference_get_for(actor, conference_id)
    demand = selectors.demand_list_for(actor).filter(conference=conference, pk=data.demand).first()
    if demand is None:
        raise ValidationError({"demand": "该需求不存在或不属于本联席会。"})
    resources = list(selectors.resource_list_for(actor).filter(pk__in=data.resources))
    if len(resources) != len(set(data.resources)):
        raise ValidationError({"resources": "所选资源中有不存在或不在您管辖范围内的资源。"})
    project = services_lists.project_create(
        actor=actor, demand=demand, title=data.title, owner_unit=_seated_unit(conference, data.owner_unit),
        resources=resources, starts_on=data.starts_on, request=request,
        milestones=[services_lists.MilestonePlan(m.title, m.due_on) for m in data.milestones])
    return Status(201, selectors.project_get_for(actor, project.pk))


@router.get("/projects/{int:project_id}", response=ProjectDetailOut, summary="项目详情与进度节点")
def project_detail(request: HttpRequest, project_id: int):
    return selectors.project_get_for(request.auth, project_id)


@router.post("/projects/{int:project_id}/status", response=ProjectDetailOut,
             summary="项目状态：实施中、已完成（须填成效，需求改为已满足）、已终止（需求重回待对接）")
def project_status(request: HttpRequest, project_id: int, data: ProjectStatusIn):
    actor = request.auth
    project = selectors.project_get_for(actor, project_id)
    services_lists.project_set_status(actor=actor, project=project, status=data.status, outcome=data.outcome,
                                      on_date=data.on_date, request=request)
    return selectors.project_get_for(actor, project_id)


@router.post("/projects/{int:project_id}/milestones", response={201: ProjectDetailOut}, summary="增加进度节点")
def milestone_create(request: HttpRequest, project_id: int, data: MilestoneIn):
    actor = request.auth
    project = selectors.project_get_for(actor, project_id)
    services_lists.milestone_add(actor=actor, project=project, title=data.title, due_on=data.due_on, request=request)
    return Status(201, selectors.project_get_for(actor, project_id))


@router.post("/milestones/{int:milestone_id}", response=MilestoneOut, summary="修改进度节点（名称、计划日期、顺序）")
def milestone_update(request: HttpRequest, milestone_id: int, data: MilestoneUpdateIn):
    actor = request.auth
    milestone = selectors.milestone_get_for(actor, milestone_id)
    services_lists.milestone_update(actor=actor, milestone=milestone, title=data.title, due_on=data.due_on,
                                    position=data.position, request=request)
    return selectors.milestone_get_for(actor, milestone_id)


@router.post("/milestones/{int:milestone_id}/done", response=MilestoneOut,
             summary="进度节点标记完成或重新打开（联席会办公室或牵头单位联络员）")
def milestone_done(request: HttpRequest, milestone_id: int, data: MilestoneDoneIn):
    actor = request.auth
    milestone = selectors.milestone_get_for(actor, milestone_id)
    services_lists.milestone_set_done(actor=actor, milestone=milestone, done_on=data.done_on, request=request)
    return selectors.milestone_get_for(actor, milestone_id)
