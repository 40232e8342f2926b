"""The annual statistics page at /annual-report/: choose the area, year and as-of date, see the
figures, download the workbook. Thin: the selectors check the area (outside: 404) and compute."""

from urllib.parse import quote

from django.contrib import admin
from django.http import Http404, HttpResponse
from django.shortcuts import render

from dangjian.annual_report import selectors, workbook
from dangjian.annual_report.forms import ReportForm
from dangjian.members.views import role_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report_from(request, areas):
    """(form, report or None) from the query string; an area outside the actor's reach: 404."""
    default = selectors.default_area_for(request.user)
    form = ReportForm(request.GET or None, areas=areas,
                      initial={"area": default.pk if default else None})
    if not request.GET or not form.is_valid():
        return form, None
    data = form.cleaned_data
    area = selectors.report_area_get_for(request.user, data["area"])
    try:
        report = selectors.annual_report_for(request.user, area=area, year=data["year"], as_of_date=data["as_of"])
    except ValueError as error:
        form.add_error("as_of", str(error))
        return form, None
    return form, report


def _areas(request):
    if not selectors.may_report(request.user):
        raise Http404
    # The select lists areas down to the street; a community administrator gets their own.
    areas = selectors.report_area_list_for(request.user)
    return [area for area in areas if area.depth <= 3] or list(areas)


@role_required
def report_page(request):
    areas = _areas(request)
    form, report = _report_from(request, areas)
    return render(request, "annual_report/page.html", {
        **admin.site.each_context(request), "title": "年度统计", "form": form, "report": report,
        "tables": [report.table(sheet) for sheet in report.sheets] if report else [],
        "query": request.GET.urlencode(),
    }, status=400 if request.GET and report is None else 200)


@role_required
def report_workbook(request):
    form, report = _report_from(request, _areas(request))
    if report is None:
        raise Http404
    content = workbook.annual_workbook_export(actor=request.user, report=report, request=request)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(workbook.file_name(report))}"
    return response
