"""The annual statistics as an .xlsx workbook: a cover sheet (area, year, as-of date, when made)
and one sheet per topic — the area's children as rows, a total line, and where the figures
come from. Small (a few hundred cells), so openpyxl in memory is fine."""

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from dangjian.accounts import audit
from dangjian.annual_report.report import Report

BOLD = Font(bold=True)


def report_title(report: Report) -> str:
    period = report.period
    return f"{period.area.name}{period.year}年度党建工作统计（截至{period.as_of:%Y年%m月%d日}）"


def annual_workbook(report: Report) -> tuple[bytes, int]:
    """(the .xlsx file, the number of data rows written)."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = "说明"
    period = report.period
    for line in (
        [report_title(report)],
        ["统计范围", period.area.name],
        ["统计年度", f"{period.year}年"],
        ["统计截止日期", period.as_of.isoformat()],
        ["生成时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")],
        ["口径", "党员、党组织和两新组织覆盖为截止日期当天的情况（据系统保存的历史记录）；"
                 "会议、班次、诉求、活动、党费按各自的日期在本年度内统计。数据均取自业务记录，无需另行填报。"],
    ):
        cover.append(line)
    cover["A1"].font = BOLD
    cover.column_dimensions["A"].width = 16
    cover.column_dimensions["B"].width = 60
    rows_written = 0
    for sheet in report.sheets:
        table = report.table(sheet)
        worksheet = workbook.create_sheet(sheet.title)
        worksheet.append([f"{report_title(report)} · {sheet.title}"])
        worksheet.append(["区域", *table["columns"]])
        for row in table["rows"]:
            worksheet.append([row["area"], *row["values"]])
        worksheet.append(["合计", *table["total"]])
        worksheet.append([])
        worksheet.append([f"说明：{table['note']}"])
        for cell in (*worksheet[1], *worksheet[2], *worksheet[len(table["rows"]) + 3]):
            cell.font = BOLD
        worksheet.column_dimensions["A"].width = 24
        rows_written += len(table["rows"]) + 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), rows_written


def annual_workbook_export(*, actor, report: Report, request=None) -> bytes:
    """The workbook for the page and the API alike, with its audit entry (an export is audited)."""
    content, rows = annual_workbook(report)
    audit.record_export(actor=actor, what="年度统计", rows=rows, request=request, area=report.period.area.pk,
                        year=report.period.year, as_of=report.period.as_of.isoformat())
    return content


def file_name(report: Report) -> str:
    return f"{report.period.area.name}{report.period.year}年度党建统计.xlsx"
