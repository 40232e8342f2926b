"""API for the two trees and the unit list: /areas, /organizations, /units.

Thin handlers: parse → look up through the scoped ``*_get_for`` selectors (an object outside
the caller's scope is a 404, including ids inside request bodies) → call the service (which
checks write rights and validates) → serialize. Errors become JSON in ``dangjian/api.py``.
"""

import datetime
from collections.abc import Callable

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.core.pagination import LimitOffsetPagination
from dangjian.organizations import selectors, services
from dangjian.organizations.models import AreaLevel, OrganizationKind, Sector, SocialOrgType

router = Router()

MAX_PAGE = 200  # rows per page at most, whatever ``limit`` asks for

AREAS, ORGANIZATIONS, UNITS = ["区域"], ["党组织"], ["驻区单位"]


# ---------------------------------------------------------------- tree parents
# A treebeard node has no parent column: its parent is the node whose path is one step
# shorter. The id is given only when the parent is itself visible to the caller.


def _with_parent_id(actor, nodes: QuerySet, visible: Callable[..., QuerySet]) -> QuerySet:
    """Annotate ``parent_id`` on a list in the same query (no query per row)."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - nodes.model.steplen)
    parents = visible(actor).filter(path=parent_path).order_by().values("pk")[:1]
    return nodes.annotate(parent_id=Subquery(parents))


def _set_parent_id(actor, node, visible: Callable[..., QuerySet]):
    parent_path = node.path[: -node.steplen]
    node.parent_id = (
        visible(actor).filter(path=parent_path).values_list("pk", flat=True).first() if parent_path else None
    )
    return node


# ---------------------------------------------------------------- schemas


class Ref(Schema):
    id: int
    name: str


class AreaOut(Schema):
    id: int
    name: str
    code: str = Field(description="区划代码：市、区为 GB/T 2260 六位代码，街道、社区为12位统计用区划代码")
    level: str
    level_display: str
    parent_id: int | None = Field(None, description="上级区域；上级不在您的管辖范围内时为空")
    depth: int = Field(description="层级深度，市为1")
    numchild: int = Field(description="直接下级区域数")

    @staticmethod
    def resolve_level_display(obj) -> str:
        return obj.get_level_display()


class AreaFilters(Schema):
    level: AreaLevel | None = Field(None, description="只列出该层级的区域")
    under: int | None = Field(None, description="只列出该区域（含）之下的区域")


class AreaCreateIn(Schema):
    parent: int | None = Field(None, description="上级区域；为空时新建顶级区域（仅系统管理员）")
    name: str = Field(max_length=80)
    code: str = Field(max_length=20)


class AreaUpdateIn(Schema):
    """部分修改：只修改请求中给出的字段。"""

    name: str = Field(None, max_length=80)
    code: str = Field(None, max_length=20)


class AreaMoveIn(Schema):
    parent: int = Field(description="新的上级区域")
    code: str | None = Field(None, max_length=20, description="新的区划代码（代码内含上级代码时须一并修改）")


class OrganizationOut(Schema):
    id: int
    name: str
    kind: str
    kind_display: str
    parent_id: int | None = Field(None, description="上级党组织；上级不在您的管辖范围内时为空")
    depth: int
    numchild: int
    area: Ref
    unit: Ref | None
    secretary_name: str
    founded_on: datetime.date | None
    term_started_on: datetime.date | None
    term_years: int | None
    term_ends_on: datetime.date | None = Field(description="本届任期届满日期（按任期或组织类别的默认任期推算）")
    is_active: bool

    @staticmethod
    def resolve_kind_display(obj) -> str:
        return obj.get_kind_display()


class OrganizationFilters(Schema):
    kind: OrganizationKind | None = Field(None, description="组织类别")
    area: int | None = Field(None, description="只列出位于该区域（含下级区域）的党组织")


class OrganizationCreateIn(Schema):
    parent: int | None = Field(None, description="上级党组织；为空时新建顶级党组织（仅系统管理员）")
    name: str = Field(max_length=120)
    kind: OrganizationKind
    area: int = Field(description="所在区域")
    unit: int | None = Field(None, description="所在单位（单位建立的党组织）")
    secretary_name: str = Field("", max_length=40)
    founded_on: datetime.date | None = None
    term_started_on: datetime.date | None = None
    term_years: int | None = Field(None, ge=1, le=10)


class OrganizationUpdateIn(Schema):
    """部分修改：只修改请求中给出的字段；调整上级组织请用 /move。"""

    name: str = Field(None, max_length=120)
    kind: OrganizationKind = None
    area: int = Field(None, description="所在区域")
    unit: int | None = Field(None, description="所在单位；传 null 清除")
    secretary_name: str = Field(None, max_length=40)
    founded_on: datetime.date | None = None
    term_started_on: datetime.date | None = None
    term_years: int | None = Field(None, ge=1, le=10)
    is_active: bool = None


class OrganizationMoveIn(Schema):
    parent: int = Field(description="新的上级党组织")


class UnitOut(Schema):
    id: int
    name: str
    sector: str
    sector_display: str
    social_org_type: str
    social_org_type_display: str
    credit_code: str | None
    address: str
    area: Ref
    staff_count: int
    is_operating: bool

    @staticmethod
    def resolve_sector_display(obj) -> str:
        return obj.get_sector_display()

    @staticmethod
    def resolve_social_org_type_display(obj) -> str:
        return obj.get_social_org_type_display()


class UnitFilters(Schema):
    sector: Sector | None = Field(None, description="单位类别")
    area: int | None = Field(None, description="只列出位于该区域（含下级区域）的单位")
    q: str | None = Field(None, max_length=60, description="按名称或名称拼音查找")


class UnitCreateIn(Schema):
    name: str = Field(max_length=120)
    sector: Sector
    social_org_type: SocialOrgType | None = Field(None, description="社会组织须填写")
    credit_code: str | None = Field(None, max_length=30, description="统一社会信用代码（18位）")
    address: str = Field("", max_length=200)
    area: int = Field(description="所在区域")
    staff_count: int = Field(0, ge=0)
    is_operating: bool = True


class UnitUpdateIn(Schema):
    """部分修改：只修改请求中给出的字段。"""

    name: str = Field(None, max_length=120)
    sector: Sector = None
    social_org_type: SocialOrgType | None = None
    credit_code: str | None = Field(None, max_length=30)
    address: str = Field(None, max_length=200)
    area: int = Field(None, description="所在区域")
    staff_count: int = Field(None, ge=0)
    is_operating: bool = None


# ---------------------------------------------------------------- areas


@router.get("/areas", response=list[AreaOut], tags=AREAS, summary="区域列表")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def area_list(request: HttpRequest, filters: Query[AreaFilters]):
    actor = request.auth
    under = selectors.area_get_for(actor, filters.under) if filters.under is not None else None
    areas = selectors.area_list_for(actor, level=filters.level, under=under)
    return _with_parent_id(actor, areas, selectors.area_list_for)


@router.get("/areas/{int:area_id}", response=AreaOut, tags=AREAS, summary="区域详情")
def area_detail(request: HttpRequest, area_id: int):
    area = selectors.area_get_for(request.auth, area_id)
    return _set_parent_id(request.auth, area, selectors.area_list_for)


@router.post("/areas", response={201: AreaOut}, tags=AREAS, summary="新增区域")
def area_create(request: HttpRequest, data: AreaCreateIn):
    actor = request.auth
    parent = selectors.area_get_for(actor, data.parent) if data.parent is not None else None
    area = services.area_create(actor=actor, parent=parent, name=data.name, code=data.code, request=request)
    return Status(201, _set_parent_id(actor, area, selectors.area_list_for))


@router.patch("/areas/{int:area_id}", response=AreaOut, tags=AREAS, summary="修改区域名称或代码")
def area_update(request: HttpRequest, area_id: int, data: AreaUpdateIn):
    actor = request.auth
    area = selectors.area_get_for(actor, area_id)
    changed = data.model_dump(exclude_unset=True)
    area = services.area_update(actor=actor, area=area, name=changed.get("name", area.name),
                                code=changed.get("code", area.code), request=request)
    return _set_parent_id(actor, area, selectors.area_list_for)


@router.post("/areas/{int:area_id}/move", response=AreaOut, tags=AREAS, summary="调整区域的上级（连同下级区域）")
def area_move(request: HttpRequest, area_id: int, data: AreaMoveIn):
    actor = request.auth
    area = selectors.area_get_for(actor, area_id)
    new_parent = selectors.area_get_for(actor, data.parent)
    area = services.area_move(actor=actor, area=area, new_parent=new_parent, code=data.code, request=request)
    return _set_parent_id(actor, area, selectors.area_list_for)


# ---------------------------------------------------------------- party organizations


def _organization_fields(actor, data: dict) -> dict:
    """Replace the ids in a request body by the objects, each looked up within scope."""
    fields = dict(data)
    if "area" in fields:
        fields["area"] = selectors.area_get_for(actor, fields["area"])
    if fields.get("unit") is not None:
        fields["unit"] = selectors.unit_get_for(actor, fields["unit"])
    return fields


@router.get("/organizations", response=list[OrganizationOut], tags=ORGANIZATIONS, summary="党组织列表")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def organization_list(request: HttpRequest, filters: Query[OrganizationFilters]):
    actor = request.auth
    area = selectors.area_get_for(actor, filters.area) if filters.area is not None else None
    organizations = selectors.organization_list_for(actor, kind=filters.kind, area=area)
    return _with_parent_id(actor, organizations, selectors.organization_list_for)


@router.get("/organizations/{int:organization_id}", response=OrganizationOut, tags=ORGANIZATIONS,
            summary="党组织详情")
def organization_detail(request: HttpRequest, organization_id: int):
    organization = selectors.organization_get_for(request.auth, organization_id)
    return _set_parent_id(request.auth, organization, selectors.organization_list_for)


@router.post("/organizations", response={201: OrganizationOut}, tags=ORGANIZATIONS, summary="新增党组织")
def organization_create(request: HttpRequest, data: OrganizationCreateIn):
    actor = request.auth
    fields = _organization_fields(actor, data.model_dump())
    parent_id = fields.pop("parent")
    parent = selectors.organization_get_for(actor, parent_id) if parent_id is not None else None
    organization = services.organization_create(actor=actor, parent=parent, request=request, **fields)
    return Status(201, _set_parent_id(actor, organization, selectors.organization_list_for))


@router.patch("/organizations/{int:organization_id}", response=OrganizationOut, tags=ORGANIZATIONS,
              summary="修改党组织")
def organization_update(request: HttpRequest, organization_id: int, data: OrganizationUpdateIn):
    actor = request.auth
    organization = selectors.organization_get_for(actor, organization_id)
    fields = _organization_fields(actor, data.model_dump(exclude_unset=True))
    organization = services.organization_update(actor=actor, organization=organization, request=request,
                                                **fields)
    return _set_parent_id(actor, organization, selectors.organization_list_for)


@router.post("/organizations/{int:organization_id}/move", response=OrganizationOut, tags=ORGANIZATIONS,
             summary="调整党组织的隶属关系（连同下级组织）")
def organization_move(request: HttpRequest, organization_id: int, data: OrganizationMoveIn):
    actor = request.auth
    organization = selectors.organization_get_for(actor, organization_id)
    new_parent = selectors.organization_get_for(actor, data.parent)
    organization = services.organization_move(actor=actor, organization=organization, new_parent=new_parent,
                                              request=request)
    return _set_parent_id(actor, organization, selectors.organization_list_for)


# ---------------------------------------------------------------- units


def _unit_fields(actor, data: dict) -> dict:
    fields = dict(data)
    if "area" in fields:
        fields["area"] = selectors.area_get_for(actor, fields["area"])
    if "social_org_type" in fields:
        fields["social_org_type"] = fields["social_org_type"] or ""
    return fields


@router.get("/units", response=list[UnitOut], tags=UNITS, summary="驻区单位列表")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def unit_list(request: HttpRequest, filters: Query[UnitFilters]):
    actor = request.auth
    area = selectors.area_get_for(actor, filters.area) if filters.area is not None else None
    return selectors.unit_list_for(actor, sector=filters.sector, area=area, search=filters.q)


@router.get("/units/{int:unit_id}", response=UnitOut, tags=UNITS, summary="驻区单位详情")
def unit_detail(request: HttpRequest, unit_id: int):
    return selectors.unit_get_for(request.auth, unit_id)


@router.post("/units", response={201: UnitOut}, tags=UNITS, summary="新增驻区单位")
def unit_create(request: HttpRequest, data: UnitCreateIn):
    actor = request.auth
    unit = services.unit_create(actor=actor, request=request, **_unit_fields(actor, data.model_dump()))
    return Status(201, unit)


@router.patch("/units/{int:unit_id}", response=UnitOut, tags=UNITS, summary="修改驻区单位")
def unit_update(request: HttpRequest, unit_id: int, data: UnitUpdateIn):
    actor = request.auth
    unit = selectors.unit_get_for(actor, unit_id)
    fields = _unit_fields(actor, data.model_dump(exclude_unset=True))
    return services.unit_update(actor=actor, unit=unit, request=request, **fields)
