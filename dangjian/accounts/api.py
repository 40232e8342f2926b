"""API tokens (/tokens): list, issue (the secret is shown once), revoke.

A caller sees and revokes their own tokens; a city administrator sees, issues and revokes
every user's. Anything outside that answers 404. The services check the same rights again.
"""

import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.accounts import selectors, services
from dangjian.core.pagination import LimitOffsetPagination

router = Router(tags=["接口令牌"])

MAX_PAGE = 200


# ---------------------------------------------------------------- schemas


class UserRef(Schema):
    id: int
    username: str
    display_name: str


class TokenOut(Schema):
    id: int
    name: str = Field(description="用途")
    prefix: str = Field(description="令牌开头几位，用于辨认；完整令牌只在签发时显示一次")
    user: UserRef
    created_at: datetime.datetime
    created_by: UserRef | None
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    is_usable: bool = Field(description="未吊销且未过期")


class TokenIssuedOut(TokenOut):
    secret: str = Field(description="完整令牌：只显示这一次，请立即妥善保存")


class TokenIssueIn(Schema):
    user: int | None = Field(None, description="令牌归属的用户；为空时为调用者本人")
    name: str = Field(max_length=80, description="用途，例如“区级数据对接”")
    valid_days: int | None = Field(365, description="有效天数（1–3650）；为空表示长期有效")


# ---------------------------------------------------------------- handlers


@router.get("", response=list[TokenOut], summary="接口令牌列表")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def token_list(request: HttpRequest):
    return selectors.token_list_for(request.auth)


@router.post("", response={201: TokenIssuedOut}, summary="签发接口令牌")
def token_issue(request: HttpRequest, data: TokenIssueIn):
    actor = request.auth
    user = selectors.active_user_get_for(actor, data.user) if data.user is not None else actor
    token, secret = services.token_issue(actor=actor, user=user, name=data.name, valid_days=data.valid_days,
                                         request=request)
    token.secret = secret
    return Status(201, token)


@router.post("/{int:token_id}/revoke", response=TokenOut, summary="吊销接口令牌")
def token_revoke(request: HttpRequest, token_id: int):
    actor = request.auth
    token = selectors.token_get_for(actor, token_id)
    return services.token_revoke(actor=actor, token=token, request=request)
