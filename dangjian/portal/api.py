"""The member portal as an API (/api/v1/portal/) for a WeChat mini-program.

Sign-in returns a bearer token: an ``accounts.ApiToken`` the member issues to themself (the
same table, hashing, expiry and revocation as integration tokens, audited the same way). Only
member accounts pass this router's authentication, and the back-office routes refuse member
accounts, so a member's token opens nothing but their own records here.
"""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.responses import Status
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from dangjian.accounts.models import ApiToken
from dangjian.accounts.services import token_authenticate
from dangjian.notices import selectors as notice_selectors
from dangjian.notices import services as notice_services
from dangjian.portal import cards, selectors, services
from dangjian.portal.access import member_account_of, member_of
from dangjian.portal.profile import profile_of

NOT_A_MEMBER = "请使用党员账号登录（激活后获得的令牌），后台账号不能使用党员门户接口。"
CSRF_FAILED = "CSRF 校验失败：请刷新页面后重试（请求头须携带 X-CSRFToken）。"


class NotAMemberAccount(AuthenticationError):
    chinese_message = NOT_A_MEMBER


class PortalBearerAuth(HttpBearer):
    """``Authorization: Bearer dj_…`` from ``POST /portal/login``, belonging to a member account."""

    def authenticate(self, request: HttpRequest, token: str):
        user = token_authenticate(token)
        if user is None or member_account_of(user) is None:
            raise NotAMemberAccount()
        request.user = user
        request.portal_token = token
        return user


class PortalSessionAuth(SessionAuth):
    """A member signed in on the portal's pages (same cookie); unsafe methods carry the CSRF token."""

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or member_account_of(user) is None:
            return None
        if self.csrf and check_csrf(request):
            raise HttpError(403, CSRF_FAILED)
        return user


router = Router(tags=["党员门户"], auth=[PortalBearerAuth(), PortalSessionAuth()])


# ---------------------------------------------------------------- schemas


class ActivateIn(Schema):
    phone: str = Field(max_length=20, description="登记在党员名册中的手机号码")
    code: str = Field(max_length=20, description="社区（支部）发放的8位激活码")
    password: str = Field(max_length=128, description="新密码：至少10位，不能全是数字")


class LoginIn(Schema):
    phone: str = Field(max_length=20)
    password: str = Field(max_length=128)


class TokenOut(Schema):
    token: str = Field(description="令牌：放在 Authorization: Bearer <令牌> 请求头中")
    expires_at: datetime.datetime | None


class ProfileOut(Schema):
    name: str
    id_number: str = Field(description="身份证号码（脱敏）")
    phone: str = Field(description="联系电话（脱敏）")
    organization: str = Field(description="所在党组织")
    status: str = Field(description="党员类别")
    standing_years: int | None = Field(description="党龄（年，自转正起算）；预备党员为空")
    joined_on: datetime.date
    residence: str = Field(description="居住社区")
    lost_contact: bool


class NoticeOut(Schema):
    id: int
    title: str
    posted_at: datetime.datetime
    is_read: bool


class NoticeListOut(Schema):
    unread: int = Field(description="未读通知数")
    items: list[NoticeOut]


class NoticeDetailOut(NoticeOut):
    body: str
    sent_to: str = Field(description="发送范围")


class CorrectionIn(Schema):
    phone: str = Field("", max_length=20)
    id_number: str = Field("", max_length=20)
    education: str = Field("", max_length=10, description="学历代码（GB/T 4658）")
    residence_area: int | None = Field(None, description="居住社区的区域编号（本区内的社区）")
    workplace_text: str = Field("", max_length=120)
    note: str = Field("", max_length=200)


class CorrectionOut(Schema):
    id: int
    state: str = Field(description="pending 待审核 / approved 已同意 / rejected 已驳回")
    state_label: str
    created_at: datetime.datetime
    changes: list[dict] = Field(description="[{field, label, old, new}]")
    decision_reason: str


class FloatingReportIn(Schema):
    place: str = Field(max_length=120, description="现在所在的城市")
    contact: str = Field(max_length=60, description="联系方式")


class PasswordIn(Schema):
    old_password: str = Field(max_length=128)
    new_password: str = Field(max_length=128)


class CardOut(Schema):
    key: str
    title: str
    lines: list[str]
    link: str


def _token_out(user, request) -> dict:
    token, secret = services.api_token_issue(user=user, request=request)
    return {"token": secret, "expires_at": token.expires_at}


def _correction_out(correction) -> dict:
    return {"id": correction.pk, "state": correction.state, "state_label": correction.get_state_display(),
            "created_at": correction.created_at, "changes": services.correction_rows(correction),
            "decision_reason": correction.decision_reason}


# ---------------------------------------------------------------- signing in


@router.post("/activate", auth=None, response={201: TokenOut}, summary="用激活码激活账号",
             description="手机号码 + 激活码 + 新密码。激活码错误、已使用或已过期时统一答复 422；尝试过多时同样拒绝。")
def activate(request: HttpRequest, data: ActivateIn):
    account = services.account_activate(phone=data.phone, code=data.code, password=data.password, request=request)
    return Status(201, _token_out(account.user, request))


@router.post("/login", auth=None, response=TokenOut, summary="登录，取得令牌")
def login(request: HttpRequest, data: LoginIn):
    user = services.authenticate_member(phone=data.phone, password=data.password, request=request)
    return _token_out(user, request)


@router.post("/logout", response={204: None}, summary="退出（吊销当前令牌）")
def logout(request: HttpRequest):
    secret = getattr(request, "portal_token", None)
    if secret:
        token = ApiToken.objects.filter(key_hash=ApiToken.hash_secret(secret), revoked_at__isnull=True).first()
        if token is not None:
            services.api_token_revoke(user=request.auth, token=token, request=request)
    return Status(204, None)


@router.post("/password", response={204: None}, summary="修改密码")
def password(request: HttpRequest, data: PasswordIn):
    member_of(request.auth)
    services.password_change(user=request.auth, old_password=data.old_password, new_password=data.new_password,
                             request=request)
    return Status(204, None)


# ---------------------------------------------------------------- reading


@router.get("/me", response=ProfileOut, summary="我的信息")
def me(request: HttpRequest):
    return profile_of(member_of(request.auth), today=timezone.localdate())


@router.get("/notices", response=NoticeListOut, summary="我的通知（含未读数）")
def notices(request: HttpRequest, limit: int = 30, offset: int = 0):
    member = member_of(request.auth)
    limit = max(1, min(limit, 100))
    offset = max(0, offset)
    items = list(notice_selectors.notices_for_member(member)[offset:offset + limit])
    return {"unread": notice_selectors.unread_count_for_member(member), "items": items}


@router.get("/notices/{int:notice_id}", response=NoticeDetailOut, summary="阅读通知（记为已读）")
def notice(request: HttpRequest, notice_id: int):
    member = member_of(request.auth)
    found = notice_selectors.notice_get_for_member(member, notice_id)
    notice_services.notice_mark_read(member=member, notice=found)
    return {"id": found.pk, "title": found.title, "posted_at": found.posted_at, "is_read": True,
            "body": found.body, "sent_to": str(found.target)}


@router.get("/cards", response=list[CardOut], summary="首页卡片（转接、流动党员及其他模块）")
def card_list(request: HttpRequest):
    member = member_of(request.auth)
    return [{"key": card.key, "title": card.title, "lines": card.lines, "link": card.link}
            for card in cards.cards_for(member, today=timezone.localdate())]


# ---------------------------------------------------------------- writing


@router.get("/corrections", response=list[CorrectionOut], summary="我的信息更正申请")
def corrections(request: HttpRequest):
    member = member_of(request.auth)
    return [_correction_out(item) for item in selectors.my_corrections(member)[:50]]


@router.post("/corrections", response={201: CorrectionOut}, summary="申请更正我的信息",
             description="只填写需要更正的项目；由所在支部的管理员审核。身份证号码按国家标准校验。")
def correction_submit(request: HttpRequest, data: CorrectionIn):
    member = member_of(request.auth)
    changes = {name: value for name, value in data.dict(exclude={"note"}).items() if value not in (None, "")}
    correction = services.correction_request_submit(actor=request.auth, member=member, changes=changes,
                                                    note=data.note, request=request)
    return Status(201, _correction_out(correction))


@router.post("/floating/report", response=ProfileOut, summary="流动党员报平安",
             description="我一切都好、我在哪里、怎样联系我：更新流动登记的最近联系日期；失联党员报平安即恢复联系。")
def floating_report(request: HttpRequest, data: FloatingReportIn):
    member = member_of(request.auth)
    member = services.floating_report(actor=request.auth, member=member, place=data.place, contact=data.contact,
                                      request=request)
    return profile_of(member, today=timezone.localdate())
