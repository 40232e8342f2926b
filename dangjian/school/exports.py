"""The school's two generated files: a class's attendance sheet (.xlsx) and the year ledger
(台账, .docx). Both are built from the records, never typed; no ID numbers, phones masked."""

import io

from django.utils import timezone
from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Font

from dangjian.core.masking import mask_phone
from dangjian.school import selectors
from dangjian.school.models import ClassSession, ClassStatus

SHEET_HEADERS = ["序号", "姓名", "所在党组织", "联系电话", "签到方式", "学时", "计入日期", "说明"]


def attendance_sheet(session: ClassSession, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "签到表"
    local = timezone.localtime(session.starts_at)
    sheet.append([f"{session.school.name} {session.course.title} 签到表"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"时间：{local:%Y-%m-%d %H:%M}—{timezone.localtime(session.ends_at):%H:%M}",
                  f"地点：{session.venue.name}", f"教员：{session.teacher.name if session.teacher else ''}",
                  f"学时：{session.hours}"])
    sheet.append(SHEET_HEADERS)
    for index, row in enumerate(rows, start=1):
        sheet.append([index, row.member.name, row.member.organization.name, mask_phone(row.member.phone),
                      row.get_method_display(), float(row.hours), row.credited_on.isoformat(), row.note])
    for column, width in zip("ABCDEFGH", (6, 10, 28, 14, 10, 6, 12, 24), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def year_ledger(actor, school, year: int) -> tuple[bytes, int]:
    """(the .docx, how many member rows it lists)."""
    document = Document()
    document.add_heading(f"{school.name}{year}年度工作台账", level=0)
    document.add_paragraph(f"所属区域：{school.area.name}　　生成时间：{timezone.localtime():%Y-%m-%d %H:%M}"
                           "　　（本台账由系统根据排课和出勤记录自动生成）")

    document.add_heading("一、校务领导班子", level=1)
    _table(document, ["职务", "姓名", "单位职务", "任期"],
           [[officer.get_position_display(), officer.name, officer.affiliation,
             f"{officer.term_start:%Y-%m-%d}至{officer.term_end:%Y-%m-%d}" if officer.term_end
             else f"{officer.term_start:%Y-%m-%d}起"] for officer in selectors.officer_list_for(actor, school)])

    document.add_heading("二、兼职教员", level=1)
    _table(document, ["姓名", "工作单位", "职称职务", "专长"],
           [[teacher.name, teacher.affiliation, teacher.title, "、".join(teacher.expertise_tags)]
            for teacher in selectors.teacher_list_for(actor, school)])

    document.add_heading("三、教育计划执行情况", level=1)
    on_date = min(timezone.localdate(), selectors.year_bounds(year)[1])
    for plan in selectors.plan_list_for(actor, school).filter(year=year):
        progress = selectors.plan_progress(plan, on_date=on_date)
        document.add_paragraph(
            f"{plan.title}（教育对象：{plan.get_audience_display()}，目标每人{plan.target_hours}学时）：计划课程"
            f"{progress['planned_count']}次，已举办{progress['held_count']}次；教育对象{progress['members']}人，"
            f"达到目标{progress['meeting_target']}人，人均{progress['average_hours']}学时。")

    document.add_heading("四、举办班次", level=1)
    start, end = selectors.year_bounds(year)
    sessions = (selectors.session_list_for(actor, school)
                .filter(status=ClassStatus.HELD, starts_at__date__gte=start, starts_at__date__lte=end)
                .order_by("starts_at", "pk"))
    _table(document, ["日期", "课程", "教员", "地点", "学时", "出勤人数"],
           [[f"{timezone.localtime(s.starts_at):%Y-%m-%d}", s.course.title, s.teacher.name if s.teacher else "",
             s.venue.name, str(s.hours), str(s.attended)] for s in sessions])

    document.add_heading("五、党员学时", level=1)
    members = list(selectors.audience_with_hours(school, "all", year))
    _table(document, ["姓名", "所在党组织", "类别", "学时"],
           [[m.name, m.organization.name, "、".join(selectors.care_labels(m)) or "—", str(selectors.as_hours(m.study_hours))]
            for m in members])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), len(members)


def _table(document, headers: list[str], rows: list[list[str]]) -> None:
    if not rows:
        document.add_paragraph("（无）")
        return
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = str(value)
