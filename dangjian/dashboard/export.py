"""The dashboard as an .xlsx workbook: exactly the figures shown for the scope, focus and period
(headlines with the previous period, the comparison of children, the breakdowns, the rule summary)."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from dangjian.dashboard.selectors import Dashboard

BOLD = Font(bold=True)


def _sheet(workbook, title: str, header: list[str], rows: list[list]):
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEFGH", (28, 14, 10, 14, 12, 14, 14, 14), strict=False):
        sheet.column_dimensions[column].width = width
    return len(rows)


def dashboard_workbook(board: Dashboard) -> tuple[bytes, int]:
    """(the .xlsx file, the number of data rows written)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    place = board.breadcrumbs[-1].name if board.breadcrumbs else "本人负责的党组织"
    rows = _sheet(workbook, "概况", [f"{place} · {board.period.label}", "本期", "单位", "上期", "变化"],
                  [[str(h.label), h.value, str(h.unit), h.previous, h.change] for h in board.headlines])
    if board.comparison_rows:
        rows += _sheet(workbook, "下级比较", ["区域", *board.comparison_labels],
                       [[row["area"].name, *row["values"]] for row in board.comparison_rows])
    rows += _sheet(workbook, "分类统计", ["统计", "类别", "数值", "单位"],
                   [[str(b["label"]), str(label), value, str(b["unit"])] for b in board.breakdowns
                    for label, value in b["rows"]])
    recorded = f"（{board.findings_recorded_on:%Y-%m-%d}体检记录）" if board.findings_recorded_on else "（实时）"
    rows += _sheet(workbook, "组织体检", [f"规则{recorded}", "问题", "严重程度", "问题数"],
                   [[item.rule.code, str(item.rule.title), str(group["label"]), item.count]
                    for group in board.findings_by_severity for item in group["items"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), rows
