"""The branch's dues ledger (党费收缴台账) for a year as .xlsx, generated from the records.

One row per on-roll member: the amount paid for each month (or 欠交 / 免交 / 未申报), the year's
total paid and the months in arrears; a totals row at the foot. Written with openpyxl (a
branch holds tens of members, so memory is no concern).
"""

import datetime
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from dangjian.dues import selectors
from dangjian.dues.selectors import MonthStatus
from dangjian.organizations.models import PartyOrganization

HEADERS = ["序号", "姓名", *[f"{month}月" for month in range(1, 13)], "全年已交（元）", "欠交月数"]


def ledger_xlsx(organization: PartyOrganization, *, year: int, today: datetime.date) -> tuple[bytes, int]:
    """(the workbook's bytes, the number of member rows)."""
    members, states = selectors.branch_ledger(organization, year=year, today=today)
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年党费"
    sheet.append([f"{organization.name} {year}年党费收缴台账"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"生成日期：{today:%Y-%m-%d}（根据系统登记的交纳记录生成）"])
    sheet.append(HEADERS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    month_totals = [Decimal(0)] * 12
    for index, member in enumerate(members, start=1):
        row = [index, member.name]
        paid_total, unpaid = Decimal(0), 0
        for position, state in enumerate(states[member.pk]):
            if state.status == MonthStatus.PAID:
                row.append(float(state.paid))
                paid_total += state.paid
                month_totals[position] += state.paid
            else:
                row.append(state.label)
                unpaid += state.status == MonthStatus.UNPAID
        row.extend([float(paid_total), unpaid])
        sheet.append(row)
    sheet.append(["", "合计", *[float(total) for total in month_totals], float(sum(month_totals, Decimal(0))), ""])
    sheet.column_dimensions["B"].width = 12
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), len(members)
