"""在职党员到社区报到 for the member themself, over the portal API at
/api/v1/portal/community-service (the portal's authentication: a member's bearer token or their
portal session; staff tokens and sessions get 401). The same selectors and services as the
/m/service/ pages: the member's own registration and records only; refusals answer 422 in Chinese."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from dangjian.coverage import selectors, services_cobuild
from dangjian.coverage.rules import hours_per_year
from dangjian.portal.access import member_of
from dangjian.portal.api import PortalBearerAuth, PortalSessionAuth

router = Router(tags=["党员门户"], auth=[PortalBearerAuth(), PortalSessionAuth()])


class Ref(Schema):
    id: int
    name: str


class PostOut(Schema):
    id: int
    name: str
    description: str
    capacity: int
    places_left: int = Field(description="剩余名额")


class RegistrationOut(Schema):
    id: int
    community: Ref
    post: Ref
    registered_on: datetime.date


class RecordOut(Schema):
    id: int
    served_on: datetime.date
    hours: Decimal
    content: str
    confirmed_on: datetime.date | None = Field(description="社区确认日期；为空表示待社区确认")


class OverviewOut(Schema):
    registration: RegistrationOut | None = Field(description="本人当前的报到；未报到时为空")
    posts: list[PostOut] = Field(description="未报到时：居住社区开放报名的服务岗位")
    records: list[RecordOut]
    confirmed_hours_this_year: Decimal = Field(description="今年社区已确认的服务时长（小时）")
    confirmed_hours_total: Decimal
    hours_per_year: int = Field(description="参考：每年服务时长（RULES.md SVC-01）")


class RegisterIn(Schema):
    post: int = Field(description="服务岗位编号（居住社区的岗位）")


class RecordIn(Schema):
    served_on: datetime.date
    hours: Decimal = Field(description="服务时长（小时），大于0、不超过24")
    content: str = Field(max_length=200)


def _overview(member) -> dict:
    registration = selectors.registration_of_member(member)
    posts = [] if registration is not None else [
        {"id": post.pk, "name": post.name, "description": post.description, "capacity": post.capacity,
         "places_left": max(post.capacity - post.taken, 0)} for post in selectors.posts_for_member(member)]
    return {"registration": registration, "posts": posts, "records": selectors.records_of_member(member),
            "confirmed_hours_this_year": (registration.confirmed_hours_year if registration else None) or Decimal(0),
            "confirmed_hours_total": (registration.confirmed_hours if registration else None) or Decimal(0),
            "hours_per_year": hours_per_year()}


@router.get("", response=OverviewOut, summary="我的报到、居住社区的服务岗位和服务记录")
def overview(request: HttpRequest):
    return _overview(member_of(request.auth))


@router.post("/register", response={201: OverviewOut}, summary="到居住社区报到（选择服务岗位）",
             description="只能选择居住社区开放报名的岗位；岗位已满、不是在职党员、已经报到时答复 422。")
def register(request: HttpRequest, data: RegisterIn):
    member = member_of(request.auth)
    services_cobuild.service_self_register(actor=request.auth, member=member,
                                           post=selectors.post_for_member(member, data.post), request=request)
    return Status(201, _overview(member))


@router.post("/records", response={201: OverviewOut}, summary="登记服务（待社区确认）",
             description="服务日期不能晚于今天、不能早于报到日期；时长大于0、不超过24小时。")
def record(request: HttpRequest, data: RecordIn):
    member = member_of(request.auth)
    services_cobuild.service_self_record(actor=request.auth, member=member, request=request, **data.dict())
    return Status(201, _overview(member))
