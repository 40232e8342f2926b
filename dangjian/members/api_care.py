"""API for the visiting cadence a community sets per care group (MEM-08): /care-cadences/{社区id}.

The pages' service (``services.care_cadence_set``) and reading (``care.cadence_table``); a
community outside the caller's scope is a 404, a read-only caller's change a 403, anything but a
community or a cadence outside 1–24 months a 422.
"""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from dangjian.members import care, services
from dangjian.members.models import CareGroup
from dangjian.organizations import selectors as organization_selectors

router = Router(tags=["走访慰问"])


class CadenceOut(Schema):
    group: str
    group_label: str
    every_months: int
    is_default: bool = Field(description="未单独设置，使用全市默认周期")


class CadenceIn(Schema):
    group: CareGroup = Field(description="关爱对象")
    every_months: int = Field(ge=1, le=24, description="走访周期（月）")


@router.get("/{int:area_id}", response=list[CadenceOut], summary="社区对各类关爱对象的走访周期")
def cadence_list(request: HttpRequest, area_id: int):
    return care.cadence_table(organization_selectors.area_get_for(request.auth, area_id))


@router.put("/{int:area_id}", response=list[CadenceOut], summary="设置社区对一类关爱对象的走访周期")
def cadence_set(request: HttpRequest, area_id: int, data: CadenceIn):
    community = organization_selectors.area_get_for(request.auth, area_id)
    services.care_cadence_set(actor=request.auth, area=community, group=data.group, every_months=data.every_months,
                              request=request)
    return care.cadence_table(community)
