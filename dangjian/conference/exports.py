"""The meeting notice and the minutes as .docx (python-docx): the 台账 pages a street office
files. Built from the records, never typed in; the views audit each export."""

import io

from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from dangjian.conference.models import ConferenceMeeting

FONT = "仿宋"


def _document():
    doc = DocxDocument()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    # East Asian text takes its font from w:eastAsia, not from the Latin name.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return doc


def _title(doc, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(20)


def _bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def meeting_notice(meeting: ConferenceMeeting) -> bytes:
    """会议通知: to every seat active on the day, with time, place and agenda."""
    doc = _document()
    _title(doc, f"关于召开{meeting.title}的通知")
    doc.add_paragraph("各成员单位：")
    doc.add_paragraph(f"经研究，定于{meeting.held_on:%Y年%m月%d日}在{meeting.place}召开"
                      f"{meeting.conference.name}{meeting.get_kind_display()}。现将有关事项通知如下：")
    doc.add_paragraph("一、会议议程")
    for item in meeting.agenda:
        doc.add_paragraph(f"{item.position}. {item.text}")
    if meeting.work_report_id:
        doc.add_paragraph(f"二、会议审议：《{meeting.work_report.title}》")
    doc.add_paragraph("三、参会单位")
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("成员单位", "职务", "担任人"), strict=True):
        cell.text = text
    for seat in meeting.seat_list:
        row = table.add_row().cells
        row[0].text, row[1].text = seat.unit.name, seat.get_post_display()
        row[2].text = seat.current_term.holder_name if seat.current_term else ""
    doc.add_paragraph("请各成员单位主要负责人准时参加；因故不能参加的，请提前向联席会办公室请假并写明事由，"
                      "或委托本单位相关负责人参加。")
    signature = doc.add_paragraph(f"{meeting.conference.name}办公室")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return _bytes(doc)


def meeting_minutes(meeting: ConferenceMeeting) -> bytes:
    """会议纪要: who attended (present / absent with reason / delegate), the minutes, and the
    resolutions with the tasks they gave."""
    doc = _document()
    _title(doc, f"{meeting.title}纪要")
    doc.add_paragraph(f"时间：{meeting.held_on:%Y年%m月%d日}")
    doc.add_paragraph(f"地点：{meeting.place}")
    doc.add_paragraph(f"会议类型：{meeting.get_kind_display()}")
    doc.add_heading("出席情况", level=2)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("成员单位", "职务", "出席情况", "说明"), strict=True):
        cell.text = text
    present = 0
    for row in meeting.sheet:
        seat, attendance = row["seat"], row["attendance"]
        cells = table.add_row().cells
        cells[0].text, cells[1].text = seat.unit.name, seat.get_post_display()
        if attendance is None:
            cells[2].text = "未登记"
            continue
        cells[2].text = attendance.get_status_display()
        cells[3].text = attendance.reason or (f"委托{attendance.delegate_name}出席" if attendance.delegate_name
                                              else attendance.attendee_name)
        present += attendance.counts_as_present
    doc.add_paragraph(f"应到{len(meeting.sheet)}个成员单位，实到{present}个。")
    doc.add_heading("会议议程", level=2)
    for item in meeting.agenda:
        doc.add_paragraph(f"{item.position}. {item.text}")
    doc.add_heading("会议纪要", level=2)
    for line in (meeting.minutes or "（未填写）").splitlines():
        doc.add_paragraph(line)
    doc.add_heading("会议决议", level=2)
    for resolution in meeting.resolution_list:
        doc.add_paragraph(f"决议{resolution.number}：{resolution.text}")
        for task in resolution.tasks.all():
            doc.add_paragraph(f"任务：{task.title}（负责单位：{task.unit.name}；完成时限：{task.deadline:%Y-%m-%d}）")
    return _bytes(doc)
