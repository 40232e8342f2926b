"""The member's own data over the portal API (/api/v1/portal/my-data), same auth as the portal."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from dangjian.datasafety import services
from dangjian.portal.access import member_of
from dangjian.portal.api import PortalBearerAuth, PortalSessionAuth

router = Router(tags=["党员门户"], auth=[PortalBearerAuth(), PortalSessionAuth()])


def _download(request: HttpRequest, fmt: str) -> HttpResponse:
    content, content_type, filename = services.own_data_export(actor=request.auth, member=member_of(request.auth),
                                                               fmt=fmt, request=request)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@router.get("", summary="下载本人个人信息（JSON）",
            description="本人在系统中的个人信息副本（含完整身份证号码），每次下载记入审计日志。")
def my_data_json(request):
    return _download(request, "json")


@router.get("/xlsx", summary="下载本人个人信息（Excel）")
def my_data_xlsx(request):
    return _download(request, "xlsx")
