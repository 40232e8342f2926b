"""The audit administrator's export of audit entries (.xlsx); the export is itself audited."""

import io

import xlsxwriter
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from dangjian.accounts import audit, scoping

HEADERS = ["编号", "时间", "操作账号", "操作", "来源地址", "对象类型", "对象编号", "对象", "详情", "本条摘要"]


@transaction.atomic
def audit_entries_workbook_response(*, actor, entries, request=None) -> HttpResponse:
    if not scoping.is_audit_admin(actor):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有审计管理员可以导出审计日志。")
    buffer = io.BytesIO()
    # constant_memory: rows go to disk as written, so a month of entries does not sit in memory.
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet("审计日志")
    sheet.write_row(0, 0, HEADERS)
    count = 0
    for count, entry in enumerate(entries.order_by("pk").iterator(chunk_size=2000), start=1):
        sheet.write_row(count, 0, [
            entry.pk, timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"), entry.actor_label,
            entry.get_action_display(), entry.source_ip or "", entry.object_type, entry.object_id, entry.object_repr,
            str(entry.detail or ""), entry.entry_hash,
        ])
    workbook.close()
    audit.record_export(actor=actor, what="审计日志", rows=count, request=request)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''audit-log.xlsx"
    return response
