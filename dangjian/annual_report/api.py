"""API for the annual statistics at /api/v1/annual-report: the figures as JSON and the same
figures as the workbook. An area outside the caller's reach answers 404; an impossible date 422."""

import datetime
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from dangjian.annual_report import selectors, workbook
from dangjian.annual_report.views import XLSX

router = Router(tags=["年度统计"])


class ReportQuery(Schema):
    area: int = Field(description="统计范围（区域 id），须在本人管辖范围内")
    year: int = Field(ge=2000, le=2100, description="统计年度")
    as_of: datetime.date | None = Field(None, description="统计截止日期，默认当年12月31日")


class RowOut(Schema):
    area: str
    values: list[float | int]


class SheetOut(Schema):
    key: str
    title: str
    columns: list[str]
    note: str
    rows: list[RowOut]
    total: list[float | int]


class ReportOut(Schema):
    area: int
    area_name: str
    year: int
    as_of: datetime.date
    sheets: list[SheetOut]


def _report(request: HttpRequest, query: ReportQuery):
    area = selectors.report_area_get_for(request.auth, query.area)
    try:
        return selectors.annual_report_for(request.auth, area=area, year=query.year, as_of_date=query.as_of)
    except ValueError as error:
        raise ValidationError({"as_of": str(error)}) from None


@router.get("/figures", response=ReportOut, summary="年度统计数字（与Excel相同）")
def report_figures(request: HttpRequest, query: Query[ReportQuery]):
    report = _report(request, query)
    period = report.period
    return {"area": period.area.pk, "area_name": period.area.name, "year": period.year, "as_of": period.as_of,
            "sheets": [report.table(sheet) for sheet in report.sheets]}


@router.get("/workbook", summary="下载年度统计（.xlsx，每个专题一张工作表）")
def report_workbook(request: HttpRequest, query: Query[ReportQuery]):
    report = _report(request, query)
    content = workbook.annual_workbook_export(actor=request.auth, report=report, request=request)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(workbook.file_name(report))}"
    return response
