"""The board's downloads at /coverage/export/: the units under an area with their coverage, and
the uncovered units with the open blank spots (.xlsx). ``?area=`` picks the area as the board
does (one in scope, or one above it: the figures are still only the actor's own); every download
is one audit entry (``audit.record_export``)."""

from django.http import Http404, HttpResponse
from django.utils import timezone

from dangjian.accounts import audit
from dangjian.coverage import exports, selectors
from dangjian.members.views import role_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _area(request):
    area_id = request.GET.get("area")
    area = (selectors.board_area_get_for(request.user, area_id) if area_id
            else selectors.top_area_for(request.user))
    if area is None:
        raise Http404
    return area


def _download(request, build, *, what: str, slug: str) -> HttpResponse:
    area = _area(request)
    content, rows = build(request.user, area)
    audit.record_export(actor=request.user, what=what, rows=rows, request=request, area=area.pk)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (f"attachment; filename*=UTF-8''coverage-{slug}-{area.pk}-"
                                       f"{timezone.localdate():%Y%m%d}.xlsx")
    response["Cache-Control"] = "no-store"
    return response


@role_required
def units_xlsx(request):
    return _download(request, exports.units_workbook, what="两新组织覆盖情况", slug="units")


@role_required
def uncovered_xlsx(request):
    return _download(request, exports.uncovered_workbook, what="未覆盖单位和空白点", slug="uncovered")
