"""The HTTP API at /api/v1/: authentication, the error format, and every app's router.

Handlers live in each app's ``api.py`` and are thin (parse → selector/service → serialize).
This module decides once, for every route, who the caller is and how an error reads:

* a caller is a signed-in browser session (unsafe methods must carry the CSRF token) or an
  integration presenting ``Authorization: Bearer <令牌>`` issued through ``/tokens``;
* every error is JSON ``{"detail": "<中文说明>"}``; a rejected write adds ``errors`` per field.

The interactive docs load Swagger UI from ninja's bundled static files: the product runs on an
intranet without internet access, so the page must reference no outside host.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from dangjian.accounts.api import router as accounts_router
from dangjian.accounts.services import token_authenticate
from dangjian.accounts.two_factor import requires_second_factor
from dangjian.activities.api import router as activities_router
from dangjian.annual_report.api import router as annual_report_router
from dangjian.api_contract import document_errors
from dangjian.concerns.api import public_router as concerns_public_router
from dangjian.concerns.api import router as concerns_router
from dangjian.conference.api import router as conference_router
from dangjian.coverage.api import router as coverage_router
from dangjian.coverage.api_portal import router as coverage_portal_router
from dangjian.dashboard.api import router as dashboard_router
from dangjian.datasafety.api import router as datasafety_router
from dangjian.dues.api import router as dues_router
from dangjian.evaluation.api import router as evaluation_router
from dangjian.members.api import floating_router, transfers_router
from dangjian.members.api import router as members_router
from dangjian.members.api_care import router as care_cadences_router
from dangjian.members.api_import import export_router as member_export_router
from dangjian.members.api_import import imports_router as member_imports_router
from dangjian.organizations.api import router as organizations_router
from dangjian.orglife.api import router as orglife_router
from dangjian.portal.access import is_member_account
from dangjian.portal.api import router as portal_router
from dangjian.school.api import router as school_router

NOT_AUTHENTICATED = "未登录或登录已过期：请先登录，或在请求头中提供有效的接口令牌（Authorization: Bearer …）。"
TOKEN_REJECTED = "接口令牌无效、已过期或已被吊销，请联系市级管理员重新签发。"
CSRF_FAILED = "CSRF 校验失败：请刷新页面后重试（请求头须携带 X-CSRFToken）。"
PERMISSION_DENIED = "您没有权限执行此操作。"
NOT_FOUND = "请求的对象不存在。"
INVALID_DATA = "提交的数据有误，请检查后重试。"
INVALID_REQUEST = "请求参数格式不正确，请对照接口文档检查后重试。"
OUT_OF_RANGE = "请求中的数字或文字超出系统能保存的范围，请检查后重试。"
SERVER_ERROR = "服务器内部错误，请稍后重试；问题持续时请联系系统管理员。"
API_PATH = "/api/"

DESCRIPTION = """\
社区党建工作平台的数据接口：区域（市、区、街道、社区、网格）、党组织、驻区单位、党员名册及其导入导出、组织关系转接、流动党员、走访慰问、群众诉求，以及接口令牌。

**居民接口**：`/public/concerns` 下的反映问题、查询进度和评价无需登录，按来源地址限制频率（超出时答复 429）；\
查询码有误或不存在时一律答复 404，不提示查询码是否存在。

**党员门户**（`/portal/…`）：党员用手机号码和激活码激活账号、用手机号码和密码登录，取得令牌后放在 \
`Authorization: Bearer <令牌>` 请求头中调用；党员令牌只能访问本人的信息，不能访问其他接口。

**身份认证**：已登录后台的浏览器会话可直接调用（修改类请求须在 `X-CSRFToken` 请求头中携带 CSRF 令牌）；\
系统对接请使用市级管理员签发的接口令牌，放在 `Authorization: Bearer <令牌>` 请求头中。

**数据范围**：每个接口只返回调用者管辖范围内的数据；范围之外的对象一律答复 404。\
只读角色（领导）的修改请求答复 403。

**错误格式**：`{"detail": "中文说明"}`；数据校验不通过时答复 422，并在 `errors` 中按字段列出原因。
"""


class TokenRejected(AuthenticationError):
    """A bearer token was presented but is unknown, revoked or expired."""


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer dj_…`` — a token from ``/tokens``, checked by the accounts service."""

    def authenticate(self, request: HttpRequest, token: str):
        user = token_authenticate(token)
        if user is None or is_member_account(user):
            # A member's portal token opens /portal/ only, never the back office.
            # Explicit credentials that fail are refused outright, not retried as a session.
            raise TokenRejected()
        # Services record the actor; django-simple-history reads the user from the request.
        request.user = user
        return user


class SessionCsrfAuth(SessionAuth):
    """A signed-in browser session (the back office, the docs page).

    Anonymous callers fall through to 401 (not a CSRF 403); a signed-in caller must pass
    Django's CSRF check on unsafe methods, because the browser sends the cookie by itself.
    """

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or is_member_account(user):
            return None
        if requires_second_factor(user) and not user.is_verified():
            return None  # a session still owing its second factor is not signed in yet
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, CSRF_FAILED)
        return user


class ReadableJSONRenderer(JSONRenderer):
    """JSON with Chinese text as UTF-8, not ``\\uXXXX`` escapes."""

    json_dumps_params = {"ensure_ascii": False}


class DangjianAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """ninja's document, with the error answers documented (dangjian/api_contract.py)."""
        return document_errors(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = DangjianAPI(
    title="社区党建 API",
    version="1",
    description=DESCRIPTION,
    # Bearer first: a token client sends no cookies, so it must never meet the CSRF check.
    auth=[BearerTokenAuth(), SessionCsrfAuth()],
    renderer=ReadableJSONRenderer(),
    # Swagger UI's default validator badge fetches https://validator.swagger.io: switch it off.
    docs=Swagger(settings={"validatorUrl": None}),
)


# ---------------------------------------------------------------- errors


@api.exception_handler(AuthenticationError)
def on_not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = getattr(exc, "chinese_message", None) or (
        TOKEN_REJECTED if isinstance(exc, TokenRejected) else NOT_AUTHENTICATED)
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="dangjian"'
    return response


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or PERMISSION_DENIED}, status=403)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or NOT_FOUND}, status=404)


@api.exception_handler(DjangoValidationError)
def on_invalid_data(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service refused the data: ``detail`` reads as one sentence, ``errors`` maps each field
    (``__all__`` for the record as a whole) to its messages."""
    if hasattr(exc, "error_dict"):
        errors = {field: [str(message) for message in messages] for field, messages in exc.message_dict.items()}
    else:
        errors = {"__all__": [str(message) for message in exc.messages]}
    detail = " ".join(message for messages in errors.values() for message in messages) or INVALID_DATA
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(SchemaValidationError)
def on_invalid_request(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    """The request did not match the schema (ninja/pydantic); their error list is kept as is."""
    return api.create_response(request, {"detail": INVALID_REQUEST, "errors": exc.errors}, status=422)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A number no database column holds (an id or an offset of 30 digits: SQLite raises
    OverflowError, PostgreSQL DataError) is the caller's mistake, answered like bad input."""
    return api.create_response(request, {"detail": OUT_OF_RANGE}, status=422)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own HTTP errors (e.g. a body that is not JSON) with a Chinese message."""
    messages = {400: "请求内容无法解析，请发送 JSON 格式的数据。", 405: "不支持该请求方法。"}
    return api.create_response(request, {"detail": messages.get(exc.status_code, str(exc))},
                               status=exc.status_code)


# Django's own 404 and 500 (urls.py handler404/handler500): a path under /api/ that matches no
# route (``/members/abc`` fails the int converter before ninja sees it) or a crash answers in the
# API's error format, not with the HTML error page a browser gets.


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path_info.startswith(API_PATH):
        return JsonResponse({"detail": NOT_FOUND}, status=404, json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path_info.startswith(API_PATH):
        return JsonResponse({"detail": SERVER_ERROR}, status=500, json_dumps_params={"ensure_ascii": False})
    return defaults.server_error(request)


# ---------------------------------------------------------------- routers

api.add_router("/", organizations_router)
api.add_router("/tokens", accounts_router)
api.add_router("/members", members_router)
api.add_router("/transfers", transfers_router)
api.add_router("/floating", floating_router)
api.add_router("/member-imports", member_imports_router)
api.add_router("/member-export", member_export_router)
api.add_router("/care-cadences", care_cadences_router)
api.add_router("/dashboard", dashboard_router)
api.add_router("/portal", portal_router)
api.add_router("/portal/my-data", datasafety_router)
api.add_router("/portal/community-service", coverage_portal_router)
api.add_router("/concerns", concerns_router)
api.add_router("/conferences", conference_router)
api.add_router("/schools", school_router)
api.add_router("/coverage", coverage_router)
api.add_router("/orglife", orglife_router)
api.add_router("/dues", dues_router)
api.add_router("/activities", activities_router)
api.add_router("/evaluation", evaluation_router)
api.add_router("/annual-report", annual_report_router)
# No authentication: residents file, follow and rate their concerns (rate-limited per address).
api.add_router("/public/concerns", concerns_public_router)
