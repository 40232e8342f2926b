"""The member's download of their own data (PIPL right of access and copy)."""

import io
import json

from django.db import transaction
from django.utils import timezone

from dangjian.accounts import audit
from dangjian.datasafety.personal_data import plain, sections_for

FORMATS = {"json": "application/json; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def own_data_document(member) -> dict:
    """Everything the system holds about ``member`` that is theirs to see, as JSON-ready data."""
    return {
        "说明": "本文件是您在社区党建工作平台中的个人信息副本（依据《个人信息保护法》第四十五条）。请妥善保管。",
        "生成时间": timezone.now().isoformat(),
        "sections": [{"key": s.key, "title": s.title, "columns": s.columns,
                      "rows": [[plain(cell) for cell in row] for row in s.rows]} for s in sections_for(member)],
    }


def _xlsx(document: dict) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for section in document["sections"]:
        sheet = workbook.create_sheet(section["title"][:31])
        sheet.append(section["columns"])
        for row in section["rows"]:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text the member typed, never a formula
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 22
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def own_data_export(*, actor, member, fmt: str = "json", request=None) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the member's own data; audited as an export and,
    since it carries the full ID number, as a reveal to the member themself."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    document = own_data_document(member)
    rows = sum(len(section["rows"]) for section in document["sections"])
    audit.record_export(actor=actor, what="本人个人信息副本", rows=rows, request=request, format=fmt,
                        member=member.pk)
    audit.record_reveal(actor=actor, obj=member, field="id_number", purpose="本人下载个人信息副本", request=request)
    content = (json.dumps(document, ensure_ascii=False, indent=1).encode() if fmt == "json" else _xlsx(document))
    return content, FORMATS[fmt], f"my-data-{timezone.localdate():%Y%m%d}.{fmt}"
