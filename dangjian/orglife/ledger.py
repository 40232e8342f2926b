"""The branch's organizational-life ledger (组织生活台账) for a year, generated from the records:
the calendar of what was due and held (compliance.branch_calendar) and every meeting with its
attendance. Two formats from one set of rows: .docx (python-docx) for the binder checked at
inspections and .xlsx (openpyxl) for whoever keeps figures."""

import datetime
import io
from collections import Counter
from dataclasses import dataclass

from docx import Document
from openpyxl import Workbook

from dangjian.orglife.compliance import branch_calendar
from dangjian.orglife.models import AttendanceStatus, MeetingStatus
from dangjian.orglife.selectors import branch_facts_for, ledger_meetings

SUMMARY_HEADER = ["会议类型", "依据", "频次", "应开（期）", "已开（期）", "未开（期）"]
MEETING_HEADER = ["日期", "会议类型", "状态", "主题", "主持人", "地点", "应到", "出席", "请假", "缺席",
                  "在流入地参加", "会议记录"]
ATTENDANCE_HEADER = ["日期", "会议类型", "主题", "党员", "出勤", "原因", "参加组织生活的党组织"]


@dataclass
class Ledger:
    title: str
    summary: list[list]
    meetings: list[list]
    attendance: list[list]


def build_ledger(branch, year: int, today: datetime.date) -> Ledger:
    calendar = branch_calendar(branch_facts_for(branch), year, today)
    summary = [[row.label, row.rule_code, row.frequency_label, row.due, row.held, row.missed] for row in calendar]
    meetings, attendance = [], []
    for meeting in ledger_meetings(branch, year):
        rows = list(meeting.attendance.all())
        counts = Counter(row.status for row in rows)
        meetings.append([meeting.held_on.isoformat(), meeting.get_kind_display(), meeting.get_status_display(),
                         meeting.topic, meeting.host, meeting.location, len(rows),
                         counts[AttendanceStatus.PRESENT], counts[AttendanceStatus.LEAVE],
                         counts[AttendanceStatus.ABSENT], counts[AttendanceStatus.ELSEWHERE], meeting.minutes])
        if meeting.status != MeetingStatus.HELD:
            continue
        for row in rows:
            attendance.append([meeting.held_on.isoformat(), meeting.get_kind_display(), meeting.topic,
                               row.member.name, row.get_status_display(), row.reason, row.elsewhere])
    return Ledger(title=f"{branch.name}{year}年组织生活台账", summary=summary, meetings=meetings,
                  attendance=attendance)


def ledger_xlsx(ledger: Ledger) -> bytes:
    workbook = Workbook()
    sheets = (("应开与实开", SUMMARY_HEADER, ledger.summary), ("会议", MEETING_HEADER, ledger.meetings),
              ("出勤", ATTENDANCE_HEADER, ledger.attendance))
    for index, (name, header, rows) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = name
        sheet.append([ledger.title] if index == 0 else header)
        if index == 0:
            sheet.append(header)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _table(document, header: list[str], rows: list[list]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)


def ledger_docx(ledger: Ledger) -> bytes:
    document = Document()
    document.add_heading(ledger.title, level=1)
    document.add_paragraph("本台账由系统根据会议记录自动生成；应开期数按《中国共产党支部工作条例（试行）》"
                           "规定的频次计算（党课频次为本地做法）。")
    document.add_heading("一、应开与实开", level=2)
    _table(document, SUMMARY_HEADER, ledger.summary)
    document.add_heading("二、会议记录", level=2)
    _table(document, MEETING_HEADER[:-1], [row[:-1] for row in ledger.meetings])
    for row in ledger.meetings:
        if row[-1]:
            document.add_paragraph(f"{row[0]} {row[1]}《{row[3]}》会议记录：", style="List Bullet")
            document.add_paragraph(row[-1])
    document.add_heading("三、出勤明细", level=2)
    _table(document, ATTENDANCE_HEADER, ledger.attendance)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
