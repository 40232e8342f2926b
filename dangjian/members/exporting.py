"""Workbooks the member registry hands out: the import template, the failed rows of an import,
and the filtered roster.

The roster export streams: xlsxwriter in ``constant_memory`` mode writes each row to a temporary
file as it comes from a database cursor, so memory stays flat for 600,000 members. ID numbers are
masked unless the user asked for them in full and may reveal that member's number; either way the
export is one audit entry (``record_export``).
"""

import re
import tempfile
from dataclasses import dataclass

import xlsxwriter
from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.http import FileResponse, Http404
from django.utils import timezone

from dangjian.accounts import audit, scoping
from dangjian.core import crypto
from dangjian.members import importing, selectors
from dangjian.members.import_cells import cell_text
from dangjian.members.models import Employment, ImportBatch, Member, MemberStatus, Standing
from dangjian.organizations.selectors import organization_get_for

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REASON_HEADER = "错误原因"
_BAND = re.compile(r"^\d*-\d*$")


def xlsx_response(handle, file_name: str) -> FileResponse:
    """A workbook written here, as the download the pages and the API answer with."""
    return FileResponse(handle, as_attachment=True, filename=file_name, content_type=XLSX_CONTENT_TYPE)


def _temporary_file():
    """An anonymous file the workbook is written to; the FileResponse that sends it closes it
    (and the operating system removes it)."""
    return tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it


def _workbook(target, *, constant_memory: bool = True):
    workbook = xlsxwriter.Workbook(target, {"constant_memory": constant_memory, "in_memory": False,
                                            "strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    header = workbook.add_format({"bold": True, "bg_color": "#F3E5E5", "border": 1})
    return workbook, header


# ---------------------------------------------------------------- the import template


def template_workbook():
    """The import template: the headers, one example row, ID and phone columns formatted as text."""
    headers, example = importing.template_rows()
    output = _temporary_file()
    workbook, header = _workbook(output, constant_memory=False)
    sheet = workbook.add_worksheet("党员名册")
    text = workbook.add_format({"num_format": "@"})
    for column, label in enumerate(headers):
        width = 22 if label in ("身份证号码", "工作单位") else 12
        sheet.set_column(column, column, width, text)
        sheet.write_string(0, column, label, header)
        sheet.write_string(1, column, example[column], text)
    notes = workbook.add_worksheet("填写说明")
    lines = ["带*的字段必须填写：姓名、民族、身份证号码、入党时间。",
             "日期可写成1985-07-01、1985.07或1985年7月；只写到月份的，按当月1日计。",
             "身份证号码请按“文本”格式填写，以免Excel把它存成数字而丢失末几位。",
             "人员类别填“正式党员”或“预备党员”；不填时，有转正时间的按正式党员计。",
             "就业状况填在职、离退休、下岗失业、学生或其他。",
             "性别、出生日期可不填，系统按身份证号码推算；填写的须与身份证号码一致。",
             "第2行是示例，导入前请删除。"]
    for row, line in enumerate(lines):
        notes.write_string(row, 0, line)
    notes.set_column(0, 0, 90)
    for label in ("姓名", "民族", "身份证号码", "入党时间"):
        sheet.write_string(0, headers.index(label), f"{label}*", header)
    workbook.close()
    output.seek(0)
    return output


# ---------------------------------------------------------------- the failed rows of an import


def error_workbook(batch: ImportBatch):
    """The rows of ``batch`` that failed, as they were uploaded, with a reason column."""
    reasons = {entry["line"]: "；".join(entry["messages"]) for entry in batch.errors}
    headers = list(batch.mapping.get("headers", []))
    output = _temporary_file()
    workbook, header = _workbook(output)
    sheet = workbook.add_worksheet("未导入的行")
    for column, label in enumerate(["原行号", *headers, REASON_HEADER]):
        sheet.write_string(0, column, label or f"第{column}列", header)
    written = 1
    with batch.file.open("rb") as handle:
        data = handle.read()
    for line, cells in importing.open_sheet(data, batch.file_name).rows:
        if line not in reasons:
            continue
        sheet.write_number(written, 0, line)
        texts = [cell_text(cell) for cell in cells] + [""] * (len(headers) - len(cells))
        for column, value in enumerate(texts[:max(len(headers), len(cells))], start=1):
            sheet.write_string(written, column, value)
        sheet.write_string(written, len(headers) + 1, reasons[line])
        written += 1
    sheet.set_column(len(headers) + 1, len(headers) + 1, 60)
    workbook.close()
    output.seek(0)
    return output


# ---------------------------------------------------------------- the roster


@dataclass
class RosterQuery:
    """The roster's filters and search as the admin roster reads them from the query string."""

    queryset: QuerySet
    filters: dict
    labels: list[str]


def roster_for(actor, params) -> RosterQuery:
    """The members the roster page shows for these GET parameters (the admin's parameter names:
    ``q``, ``standing``, ``organization__id__exact``, ``status``, ``employment``, ``care``,
    ``age``, ``standing_years``, ``education``); values the page cannot have produced are ignored."""

    def band(parameter: str) -> str | None:
        value = params.get(parameter)
        return value if value and _BAND.match(value) and value != "-" else None

    return roster_query(
        actor, standing=params.get("standing") or "active",
        organization_id=params.get("organization__id__exact") or params.get("organization"),
        status=params.get("status") if params.get("status") in MemberStatus.values else None,
        employment=params.get("employment") if params.get("employment") in Employment.values else None,
        care_group=params.get("care") if params.get("care") in CARE_GROUPS else None,
        age_band=band("age"), standing_years=band("standing_years"),
        education=params.get("education") if (params.get("education") or "").isdigit() else None,
        q=params.get("q"))


CARE_GROUPS = ("off_post", "floating", "lost_contact", "difficulty")


def roster_query(actor, *, standing: str = "active", organization_id=None, status: str | None = None,
                 employment: str | None = None, care_group: str | None = None, age_band: str | None = None,
                 standing_years: str | None = None, education: str | None = None, q: str | None = None) -> RosterQuery:
    """The roster's members for these filters (the page's and the API's), with what the audit
    entry of an export says about them. An organization outside scope is a 404."""
    members = selectors.member_list_for(actor, include_left=True)
    if standing == "left":
        members = members.exclude(standing=Standing.ACTIVE)
    elif standing != "all":
        members = members.filter(standing=Standing.ACTIVE)
    arguments = {name: value for name, value in (
        ("status", status), ("employment", employment), ("care_group", care_group), ("age_band", age_band),
        ("standing_years", standing_years), ("education", education)) if value}
    if organization_id:
        arguments = {"organization": organization_get_for(actor, organization_id), **arguments}
    members = selectors.member_filter(members, **arguments)
    query = (q or "").strip()
    members = selectors.member_search(members, query)
    filters = {key: str(value) for key, value in arguments.items()}
    if query:
        # an ID number searched for is not written to the audit log in full
        filters["q"] = "（完整身份证号码）" if len(query) >= 15 and query[:6].isdigit() else query
    filters["standing"] = standing
    return RosterQuery(queryset=members, filters=filters, labels=_labels(filters))


_LABELS = {"organization": "党组织（含下级）", "status": "党员类别", "employment": "就业状况", "care_group": "关爱对象",
           "age_band": "年龄段", "standing_years": "党龄（年）", "education": "学历代码", "q": "查找"}
_VALUES = {**dict(MemberStatus.choices), **dict(Employment.choices),
           "off_post": "离岗", "floating": "流动党员", "lost_contact": "失联党员", "difficulty": "困难党员"}
_STANDING = {"active": "在册党员", "left": "已不在册的党员", "all": "在册和已不在册的党员"}


def _labels(filters: dict) -> list[str]:
    labels = [_STANDING.get(filters.get("standing"), "在册党员")]
    labels += [f"{_LABELS[key]}：{_VALUES.get(value, value)}" for key, value in filters.items() if key in _LABELS]
    return labels


ROSTER_COLUMNS = ["姓名", "性别", "民族", "身份证号码", "出生日期", "入党时间", "转正时间", "学历", "工作单位", "联系电话",
                  "人员类别", "就业状况", "备注", "所在党组织", "党籍状态", "困难党员", "失联日期"]


def may_export_full_id_numbers(actor) -> bool:
    """Whether to offer full ID numbers at all; each row is then decided as the reveal service
    decides (services.may_reveal_id_number: the actor writes to that member)."""
    return scoping.may_write_anything(actor)


def member_export(*, actor, roster: RosterQuery, full_id_numbers: bool = False, request=None):
    """Write the roster to a temporary .xlsx; return (file, rows written). Audited."""
    full_id_numbers = full_id_numbers and may_export_full_id_numbers(actor)
    members = roster.queryset.order_by("name_pinyin", "id")
    fields = ["name", "sex__name", "ethnicity__name", "id_number_masked", "birth_date", "joined_on",
              "full_member_on", "education__name", "workplace_unit__name", "workplace_text", "phone", "status",
              "employment", "notes", "organization__name", "standing", "has_difficulty", "lost_contact_since"]
    if full_id_numbers:
        # The same question as services.may_reveal_id_number (scoping.can_write), asked of the
        # database for all rows at once.
        writable = scoping.scope_condition(actor, Member, write=True)
        members = members.annotate(revealable=Value(True, output_field=BooleanField()) if writable is None else
                                   Case(When(writable, then=Value(True)), default=Value(False),
                                        output_field=BooleanField()))
        fields += ["id_number_ciphertext", "revealable"]
    output = _temporary_file()
    workbook, header = _workbook(output)
    sheet = workbook.add_worksheet("党员名册")
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for column, label in enumerate(ROSTER_COLUMNS):
        sheet.write_string(0, column, label, header)
    sheet.set_column(3, 3, 21)
    sheet.set_column(13, 13, 28)
    statuses, employments, standings = dict(MemberStatus.choices), dict(Employment.choices), dict(Standing.choices)
    rows = 0
    revealed = 0
    for values in members.values_list(*fields).iterator(chunk_size=2000):
        record = dict(zip(fields, values, strict=True))
        rows += 1
        number = record["id_number_masked"]
        if full_id_numbers and record["revealable"]:
            number = crypto.decrypt(record["id_number_ciphertext"])
            revealed += 1
        cells = [record["name"], record["sex__name"], record["ethnicity__name"], number, record["birth_date"],
                 record["joined_on"], record["full_member_on"], record["education__name"] or "",
                 record["workplace_unit__name"] or record["workplace_text"], record["phone"],
                 str(statuses.get(record["status"], "")), str(employments.get(record["employment"], "")),
                 record["notes"], record["organization__name"], str(standings.get(record["standing"], "")),
                 "是" if record["has_difficulty"] else "", record["lost_contact_since"]]
        for column, value in enumerate(cells):
            if value is None or value == "":
                continue
            if hasattr(value, "isoformat"):
                sheet.write_datetime(rows, column, value, date)
            else:
                sheet.write_string(rows, column, str(value))
    workbook.close()
    output.seek(0)
    audit.record_export(actor=actor, what="党员名册", rows=rows, request=request,
                        id_numbers="完整" if revealed else "脱敏", revealed=revealed, **roster.filters)
    return output, rows


def export_file_name(prefix: str = "党员名册") -> str:
    return f"{prefix}-{timezone.localdate():%Y%m%d}.xlsx"


def failed_rows_download(actor, batch: ImportBatch):
    """(file, file name) of the rows of ``batch`` that failed, as uploaded, with their reasons:
    for those who may write the batch, and only when some row failed (404 otherwise)."""
    require_writable_batch(actor, batch)
    if not batch.errors:
        raise Http404("该批次没有出错的行。")
    stem = batch.file_name.rsplit(".", 1)[0]
    return error_workbook(batch), f"{stem}-未导入的行.xlsx"


def require_writable_batch(actor, batch: ImportBatch) -> None:
    """The failed rows hold full personal data as uploaded: only for those who may write the batch."""
    if not scoping.can_write(actor, batch):
        raise Http404("导入批次不存在。")
