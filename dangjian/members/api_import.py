"""API for the roster spreadsheets: /member-imports (upload → column mapping → preview → commit →
follow the progress → failed rows → undo, and the template) and /member-export (the roster as
.xlsx).

The same services, selectors and workbooks as the pages (``views_import``): a batch outside the
caller's scope is a 404, a read-only caller's write a 403, a refusal a 422 with the service's
Chinese message. Preview, commit and undo are background tasks: the answer is the batch as
queued, and ``GET /member-imports/{id}`` reports ``state`` and ``progress`` until it is
``previewed``, ``done``, ``undone`` or ``failed``. No response carries a full ID number: the samples and the per-row errors
show them masked, and the failed-rows workbook (the rows as uploaded) is for those who may write
the batch, as on the page.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from dangjian.members import exporting, importing, selectors_import, services_import, services_import_recovery
from dangjian.members.api import MemberFilters, _require_write
from dangjian.members.models import ImportBatch
from dangjian.organizations import selectors as organization_selectors

imports_router = Router(tags=["党员名册导入导出"])
export_router = Router(tags=["党员名册导入导出"])

ERRORS_LISTED = 200  # per-row errors in a batch's answer; all of them are in the failed-rows workbook


class ImportFieldOut(Schema):
    key: str
    label: str
    required: bool


class RowErrorOut(Schema):
    line: int = Field(description="Excel中的行号")
    name: str
    id: str = Field(description="身份证号码（脱敏）")
    messages: list[str]


class ImportBatchOut(Schema):
    id: int
    file_name: str
    organization_id: int
    organization_name: str
    uploaded_at: datetime.datetime
    state: str = Field(description="uploaded 已上传（待确认列）, queued 排队中, running 进行中, previewed 已预览, "
                                   "done 已完成, failed 失败, undone 已撤销")
    state_label: str
    phase: str = Field(description="排队或进行中的是 check（预览检查）、commit（导入）还是 undo（撤销）")
    progress: int
    message: str
    header_line: int | None = Field(description="表头所在的行号")
    headers: list[str] = Field(description="文件的各列表头，按列顺序")
    columns: dict[str, int] = Field(description="字段 → 列序号（从0起）：上传时为系统建议或上次确认的对应关系")
    remembered: bool = Field(description="列对应关系是否沿用了您上次对同样表头的确认")
    samples: list[list[str]] = Field(description="表头下的前几行（身份证号码脱敏）")
    total_rows: int
    valid_rows: int
    imported_rows: int
    only_valid_rows: bool
    error_count: int
    errors: list[RowErrorOut] = Field(description=f"出错的行（最多{ERRORS_LISTED}行，全部见 failed-rows）")
    undo_blocker: str | None = Field(description="已完成的批次不能撤销时的原因")

    @staticmethod
    def from_batch(batch: ImportBatch) -> dict:
        mapping = batch.mapping or {}
        return {
            "id": batch.pk, "file_name": batch.file_name, "organization_id": batch.organization_id,
            "organization_name": batch.organization.name, "uploaded_at": batch.uploaded_at, "state": batch.state,
            "state_label": str(batch.get_state_display()), "phase": mapping.get("phase", ""),
            "progress": batch.progress, "message": batch.message, "header_line": mapping.get("header_line"),
            "headers": mapping.get("headers", []), "columns": mapping.get("columns", {}),
            "remembered": bool(mapping.get("remembered")), "samples": mapping.get("samples", []),
            "total_rows": batch.total_rows, "valid_rows": batch.valid_rows, "imported_rows": batch.imported_rows,
            "only_valid_rows": batch.only_valid_rows, "error_count": len(batch.errors),
            "errors": batch.errors[:ERRORS_LISTED],
            "undo_blocker": (selectors_import.import_batch_undo_blocker(batch)
                             if batch.state == ImportBatch.State.DONE else None),
        }


class ImportBatchListOut(Schema):
    id: int
    file_name: str
    organization_name: str
    uploaded_at: datetime.datetime
    state: str
    state_label: str
    total_rows: int
    valid_rows: int
    imported_rows: int


class UploadIn(Schema):
    organization: int = Field(description="导入到的党组织（支部等可以有党员的组织）")


class PreviewIn(Schema):
    columns: dict[str, int] = Field(description="字段 → 列序号（从0起），字段见 GET /member-imports/fields")


class CommitIn(Schema):
    only_valid_rows: bool = Field(False, description="有错误行时只导入有效行；否则整批不予导入")


class ExportFilters(MemberFilters):
    full_id_numbers: bool = Field(False, description="导出完整身份证号码（仅限可办理该党员业务的用户，留痕）")


def _answer(actor, batch: ImportBatch) -> dict:
    return ImportBatchOut.from_batch(selectors_import.import_batch_get_for(actor, batch.pk))



# ---------------------------------------------------------------- import


@imports_router.get("", response=list[ImportBatchListOut], summary="导入批次（最近的在前）")
def import_batch_list(request: HttpRequest):
    batches = selectors_import.import_batch_list_for(request.auth).select_related("organization")[:100]
    return [{"id": batch.pk, "file_name": batch.file_name, "organization_name": batch.organization.name,
             "uploaded_at": batch.uploaded_at, "state": batch.state, "state_label": str(batch.get_state_display()),
             "total_rows": batch.total_rows, "valid_rows": batch.valid_rows, "imported_rows": batch.imported_rows}
            for batch in batches]


@imports_router.get("/fields", response=list[ImportFieldOut], summary="可以导入的字段（列对应关系用）")
def import_fields(request: HttpRequest):
    return [{"key": item.key, "label": item.label, "required": item.required} for item in importing.FIELDS]


@imports_router.get("/template", summary="下载导入模板（.xlsx）")
def import_template(request: HttpRequest):
    return exporting.xlsx_response(exporting.template_workbook(), "党员名册导入模板.xlsx")


@imports_router.post("", response={201: ImportBatchOut}, summary="上传花名册（.xlsx、.xls 或 .csv）：找出表头并建议列对应关系")
def import_upload(request: HttpRequest, data: Form[UploadIn], file: File[UploadedFile]):
    organization = organization_selectors.organization_get_for(request.auth, data.organization)
    _require_write(request.auth, organization)  # a read-only role: 403, as for adding one member
    batch = services_import.member_import_upload(actor=request.auth, organization=organization, uploaded_file=file,
                                                 request=request)
    return Status(201, _answer(request.auth, batch))


@imports_router.get("/{int:batch_id}", response=ImportBatchOut, summary="导入批次：列对应、预览结果、进度或结果")
def import_batch_detail(request: HttpRequest, batch_id: int):
    return ImportBatchOut.from_batch(services_import_recovery.import_batch_as_it_stands(request.auth, batch_id))


@imports_router.post("/{int:batch_id}/preview", response=ImportBatchOut,
                     summary="确认列对应关系并检查每一行（后台任务；完成后状态为 previewed）")
def import_preview(request: HttpRequest, batch_id: int, data: PreviewIn):
    batch = selectors_import.import_batch_get_for(request.auth, batch_id)
    batch = services_import.member_import_preview(actor=request.auth, batch=batch, columns=data.columns,
                                                  request=request)
    return _answer(request.auth, batch)


@imports_router.post("/{int:batch_id}/commit", response=ImportBatchOut,
                     summary="导入已预览的批次（后台任务，全部或全不；完成后状态为 done）")
def import_commit(request: HttpRequest, batch_id: int, data: CommitIn):
    batch = selectors_import.import_batch_get_for(request.auth, batch_id)
    batch = services_import.member_import_commit(actor=request.auth, batch=batch, request=request,
                                                 only_valid_rows=data.only_valid_rows)
    return _answer(request.auth, batch)


@imports_router.post("/{int:batch_id}/retry", response=ImportBatchOut, summary="重新排队因后台进程停止而中断的批次")
def import_retry(request: HttpRequest, batch_id: int):
    batch = selectors_import.import_batch_get_for(request.auth, batch_id)
    batch = services_import_recovery.member_import_retry(actor=request.auth, batch=batch, request=request)
    return _answer(request.auth, batch)


@imports_router.post("/{int:batch_id}/undo", response=ImportBatchOut,
                     summary="撤销导入：排队删除本批次导入的全部党员（其中任何一人有过变动则不能撤销；完成与否看 GET /{id} 的 state）")
def import_undo(request: HttpRequest, batch_id: int):
    batch = selectors_import.import_batch_get_for(request.auth, batch_id)
    batch = services_import.member_import_undo(actor=request.auth, batch=batch, request=request)
    return _answer(request.auth, batch)


@imports_router.get("/{int:batch_id}/failed-rows", summary="下载未导入的行（原样，另加“未导入原因”列；.xlsx）")
def import_failed_rows(request: HttpRequest, batch_id: int):
    batch = selectors_import.import_batch_get_for(request.auth, batch_id)
    return exporting.xlsx_response(*exporting.failed_rows_download(request.auth, batch))


# ---------------------------------------------------------------- export


@export_router.post("", summary="导出党员名册（.xlsx；条件同 GET /members；身份证号码默认脱敏；留痕）")
def member_export(request: HttpRequest, filters: Query[ExportFilters]):
    if filters.sort:
        raise ValidationError({"sort": "导出的名册按姓名拼音排序，不能指定其他排序。"})
    roster = exporting.roster_query(
        request.auth, standing="all" if filters.include_left else "active", organization_id=filters.organization,
        status=filters.status, employment=filters.employment, care_group=filters.care_group,
        age_band=filters.age_band, standing_years=filters.standing_years, education=filters.education, q=filters.q)
    full = filters.full_id_numbers
    if full and not exporting.may_export_full_id_numbers(request.auth):
        raise PermissionDenied("您没有权限导出完整的身份证号码。")
    handle, _rows = exporting.member_export(actor=request.auth, roster=roster, full_id_numbers=full, request=request)
    return exporting.xlsx_response(handle, exporting.export_file_name())
