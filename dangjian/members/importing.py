"""Reading a member roster spreadsheet: find the header row, map columns to fields, and turn each
messy row into clean values, with its errors in Chinese.

Nothing here writes. ``services_import`` runs this over an upload (the preview) and commits the
rows it accepted. The rules are the services' own — ``validate_id_number``, ``services._code``
for the code tables, ``services._check_dates`` — this module only turns what people type into a
spreadsheet (full-width digits, stray spaces, a lowercase x, 1985.07, 1985年7月, Excel serial
numbers, a title row above the header) into what those rules expect.
"""

import collections
import csv
import datetime
import functools
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from python_calamine import CalamineError, CalamineWorkbook
from stdnum.cn import ric

from dangjian.core.id_numbers import (
    birth_date_of_valid,
    normalize_id_number,
    sex_code_of_valid,
    validate_id_number,
)
from dangjian.core.masking import mask_id_number
from dangjian.core.models import CodeTable
from dangjian.members import import_workbook, services
from dangjian.members.import_cells import (
    EDUCATION_WORDS,
    EMPLOYMENT_WORDS,
    MIN_YEAR,
    SEX_WORDS,
    STATUS_WORDS,
    cell_text,
    clean_id_number,
    clean_name,
    clean_phone,
    clean_text,
    parse_date,
)
from dangjian.members.models import MemberStatus

ZIPPED_EXTENSIONS = (".xlsx", ".xlsm")  # Office Open XML: a zip of XML files (import_workbook cuts them)
EXCEL_EXTENSIONS = (*ZIPPED_EXTENSIONS, ".xls")
SUPPORTED_EXTENSIONS = (*EXCEL_EXTENSIONS, ".csv")
_SPACES = re.compile(r"\s+")
HEADER_SCAN_ROWS = 20  # a title, a unit line and a date line above the header are common


class UnreadableFile(ValueError):
    """The upload is not a spreadsheet we can read (the message is for the user)."""


# ---------------------------------------------------------------- the fields a roster maps to


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False
    example: str = ""


FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", ("姓名", "党员姓名", "名字"), required=True, example="张建国"),
    Field("sex", "性别", ("性别",), example="男"),
    Field("ethnicity", "民族", ("民族",), required=True, example="汉族"),
    Field("id_number", "身份证号码", ("身份证号码", "身份证号", "公民身份号码", "公民身份证号码", "身份证",
                                    "身份证件号码", "证件号码"), required=True),
    Field("birth_date", "出生日期", ("出生日期", "出生年月", "出生年月日", "出生时间", "生日"), example="1980-05-17"),
    Field("joined_on", "入党时间", ("入党时间", "入党日期", "入党年月", "加入党组织日期", "入党时间（年月）"),
          required=True, example="2005-07-01"),
    Field("full_member_on", "转正时间", ("转正时间", "转正日期", "转正年月", "转为正式党员日期"), example="2006-07-01"),
    Field("education", "学历", ("学历", "文化程度", "最高学历", "全日制学历"), example="大学本科"),
    Field("workplace_text", "工作单位", ("工作单位", "工作单位及职务", "单位", "所在单位", "现工作单位"),
          example="南京市玄武区某街道办事处"),
    Field("phone", "联系电话", ("联系电话", "手机", "手机号", "手机号码", "电话", "电话号码", "联系方式"),
          example="13912345678"),
    Field("status", "人员类别", ("人员类别", "党员类别", "党员状态", "党员类型", "类别"), example="正式党员"),
    Field("employment", "就业状况", ("就业状况", "就业情况", "工作状态", "在岗情况"), example="在职"),
    Field("notes", "备注", ("备注", "说明"), example=""),
)
FIELDS_BY_KEY = {item.key: item for item in FIELDS}
REQUIRED_KEYS = tuple(item.key for item in FIELDS if item.required)


def normalize_header(text) -> str:
    """'身份证号码（18位）*' → '身份证号码': NFKC, no spaces, no marks, no trailing note in brackets."""
    text = unicodedata.normalize("NFKC", cell_text(text))
    text = re.sub(r"\s+", "", text).strip("*:：")
    return re.sub(r"[(\[].*[)\]]$", "", text).strip("*:：").lower()


@functools.cache
def _aliases() -> dict[str, str]:
    return {normalize_header(alias): item.key for item in FIELDS for alias in item.aliases}


def recognise(header) -> str | None:
    """The field a column header names, or None."""
    return _aliases().get(normalize_header(header))


# ---------------------------------------------------------------- reading the file


@dataclass
class Sheet:
    """The rows of the first worksheet (or the CSV) as (line number as Excel shows it, cells)."""

    rows: Iterator[tuple[int, list]]
    last_line: int = 0  # the last line with content (an estimate for CSV)


def extension_of(file_name: str) -> str:
    """'.xlsx' of '花名册.XLSX'; '' without one."""
    return "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""


def is_zipped_workbook(file_name: str) -> bool:
    return extension_of(file_name) in ZIPPED_EXTENSIONS


def open_sheet(data: bytes, file_name: str) -> Sheet:
    """Open an .xlsx/.xls or .csv upload. Raises UnreadableFile with a message for the user."""
    extension = extension_of(file_name)
    if extension not in SUPPORTED_EXTENSIONS:
        raise UnreadableFile("只能导入Excel（.xlsx、.xls）或CSV（.csv）文件。")
    if not data:
        raise UnreadableFile("上传的文件是空的。")
    if extension == ".csv":
        return Sheet(rows=_csv_rows(data), last_line=data.count(b"\n") + 1)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
    except (CalamineError, ValueError, OSError, IndexError) as error:
        raise UnreadableFile("无法读取该文件，请确认它是Excel（.xlsx）文件且没有加密。") from error
    # iter_rows starts at the worksheet's first line even when the cells start lower down
    # (``sheet.start``): the lines count from 1 as Excel shows them.
    return Sheet(rows=enumerate(sheet.iter_rows(), start=1), last_line=sheet.total_height)


def open_head(data: bytes, file_name: str, *, rows: int) -> Sheet:
    """Like :func:`open_sheet`, for a caller that reads no further than the first ``rows``
    rows: an .xlsx is cut after them first (``import_workbook``), so a large roster's upload does
    not parse every row; any other file, or one that cannot be cut, is opened whole."""
    if is_zipped_workbook(file_name) and (head := import_workbook.head_of_workbook(data, rows)) is not None:
        try:
            return open_sheet(head, file_name)
        except UnreadableFile:
            pass  # the whole file says why, or reads after all
    return open_sheet(data, file_name)


def data_rows(sheet: Sheet, header_line: int) -> list[tuple[int, list]]:
    """The sheet's non-blank rows below its header line."""
    return [(line, cells) for line, cells in sheet.rows if line > header_line and not is_blank(cells)]


def _without_nul(cell):
    """NUL characters mean nothing in a roster and PostgreSQL refuses them in text and JSON (the
    batch keeps the headers and failed rows as JSON): dropped from the cells that are kept — the
    header rows (``detect_layout``) and the mapped cells of each row (``RowReader``)."""
    return cell.replace("\x00", "") if isinstance(cell, str) else cell


def _csv_rows(data: bytes) -> Iterator[tuple[int, list]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("无法识别CSV文件的编码，请另存为UTF-8编码的CSV或Excel文件。")
    text = _without_nul(text)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return _csv_lines(csv.reader(io.StringIO(text), dialect))


def _csv_lines(reader) -> Iterator[tuple[int, list]]:
    """The reader's rows numbered from 1; what the csv module cannot parse (a cell beyond its
    field limit, a quote left open) is the user's file, refused with a reason, not a crash."""
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise UnreadableFile(f"CSV文件第{reader.line_num}行无法读取（单元格过长或引号不配对），"
                             "请用Excel打开检查后另存为.xlsx文件再上传。") from error


def is_blank(cells: list) -> bool:
    """Whether every cell reads as nothing (``cell_text`` is empty): None, or text of spaces.
    Asked of every row of the file, so without ``cell_text``'s conversions: any other value
    (a number, a date, a boolean) reads as something."""
    for cell in cells:
        if cell is None:
            continue
        if not isinstance(cell, str) or cell.strip():
            return False
    return True


@dataclass
class Layout:
    """Where the header is and what it says."""

    header_line: int
    headers: list[str]
    samples: list[list[str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Identifies a header set, so a confirmed mapping is offered again for the same layout."""
        return hashlib.sha256("\x1f".join(normalize_header(h) for h in self.headers).encode()).hexdigest()


SAMPLE_ROWS = 5
HEAD_ROWS = HEADER_SCAN_ROWS + SAMPLE_ROWS  # what detect_layout reads at most


def detect_layout(sheet: Sheet, *, samples: int = SAMPLE_ROWS) -> Layout:
    """Find the header row among the first rows: the one naming the most known fields.

    A title row ('某某社区党员花名册') or a blank line above the header is skipped. Consumes the
    first ``HEAD_ROWS`` rows of ``sheet`` (``open_head``); the caller opens the file again to
    read the data."""
    head = []
    for line, cells in sheet.rows:
        head.append((line, [_without_nul(cell) for cell in cells]))
        if len(head) >= HEADER_SCAN_ROWS + samples:
            break
    candidates = [(sum(recognise(cell) is not None for cell in cells), -index)
                  for index, (_line, cells) in enumerate(head[:HEADER_SCAN_ROWS])]
    if not candidates or all(is_blank(cells) for _line, cells in head):
        raise UnreadableFile("文件中没有任何内容。")
    best, negative_index = max(candidates)
    index = -negative_index if best >= 2 else next(i for i, (_l, cells) in enumerate(head) if not is_blank(cells))
    line, cells = head[index]
    width = max((len(row) for _l, row in head), default=0)
    headers = [cell_text(cell) for cell in cells] + [""] * (width - len(cells))
    while headers and headers[-1] == "":
        headers.pop()
    sample_rows = [[cell_text(cell) for cell in row[:len(headers)]]
                   for _l, row in head[index + 1:] if not is_blank(row)][:samples]
    return Layout(header_line=line, headers=headers, samples=sample_rows)


def suggest_columns(headers: list[str]) -> dict[str, int]:
    """{field: column index} for the headers we recognise (the first column naming a field wins)."""
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = recognise(header)
        if key and key not in columns:
            columns[key] = index
    return columns


def check_columns(columns: dict[str, int], headers: list[str]) -> None:
    """A mapping is usable: known fields, real columns, no column used twice, required fields present."""
    errors = []
    unknown = set(columns) - set(FIELDS_BY_KEY)
    if unknown:
        errors.append(f"未知的字段：{'、'.join(sorted(unknown))}。")
    if any(not 0 <= index < len(headers) for index in columns.values()):
        errors.append("所选的列不在文件中。")
    used: dict[int, list[str]] = {}
    for key, index in columns.items():
        used.setdefault(index, []).append(FIELDS_BY_KEY[key].label if key in FIELDS_BY_KEY else key)
    for index, labels in used.items():
        if len(labels) > 1 and 0 <= index < len(headers):
            errors.append(f"“{headers[index]}”列同时对应了{'、'.join(labels)}，一列只能对应一个字段。")
    missing = [FIELDS_BY_KEY[key].label for key in REQUIRED_KEYS if key not in columns]
    if missing:
        errors.append(f"请为必填字段选择对应的列：{'、'.join(missing)}。")
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------- one row


@dataclass
class Row:
    """One data row: where it is, what it says, and what is wrong with it."""

    line: int
    name: str = ""
    number: str = ""  # the normalised ID number when it is valid
    shown_number: str = ""  # masked, for the preview
    fields: dict = field(default_factory=dict)  # service-ready values (see services.MEMBER_FIELDS)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class RowReader:
    """Turns the cells of one row into a :class:`Row`, collecting every error (not just the first).

    Code-table lookups go through ``services._code`` once per distinct text (a roster repeats
    '汉族' thousands of times) — or, given ``code_tables`` ({table: its codes in order}, read
    before the check starts), through the same matching without the database, which is what
    lets the check run in forked processes (``import_check``)."""

    def __init__(self, columns: dict[str, int], *, today: datetime.date, code_tables: dict | None = None):
        self.columns = columns
        self.today = today
        self.code_tables = code_tables
        self._codes: dict[tuple[str, str], object] = {}

    def _cells(self, cells: list) -> dict:
        """{field: cell} for the mapped cells that hold something (a blank text is nothing)."""
        width = len(cells)
        found = {}
        for key, index in self.columns.items():
            if index < width:
                value = cells[index]
                if isinstance(value, str):
                    if "\x00" in value:
                        value = _without_nul(value)
                    if value.strip():
                        found[key] = value
                elif value is not None:
                    found[key] = value
        return found

    def code(self, table: str, text: str, key: str, label: str):
        """A Code, or ValidationError with the service's own message (memoised, errors too)."""
        cache_key = (table, text)
        if cache_key not in self._codes:
            try:
                self._codes[cache_key] = self._lookup_code(table, text, key, label)
            except ValidationError as error:
                self._codes[cache_key] = error
        found = self._codes[cache_key]
        if isinstance(found, ValidationError):
            raise found
        return found

    def _lookup_code(self, table: str, text: str, key: str, label: str):
        if self.code_tables is None:
            return services._code(table, text, key, label)
        return services.code_among(self.code_tables[table], table, text.strip(), key, label)

    def read(self, line: int, cells: list) -> Row:
        cells = self._cells(cells)
        row = Row(line=line)
        errors = row.errors
        fields = row.fields

        row.name = clean_name(cells.get("name"))
        if not row.name:
            errors.append("请填写姓名。")
        fields["name"] = row.name

        birth_date = self._id_number(row, cells.get("id_number"))
        self._sex(row, cells.get("sex"))
        self._birth_date(row, cells.get("birth_date"), birth_date)

        ethnicity = clean_text(cells.get("ethnicity"))
        if not ethnicity:
            errors.append("请填写民族。")
        else:
            if ethnicity.isdigit() and len(ethnicity) == 1:
                ethnicity = f"0{ethnicity}"
            fields["ethnicity"] = self._lookup(row, CodeTable.ETHNICITY, ethnicity, "ethnicity", "民族")
        education = clean_text(cells.get("education"))
        if education:
            education = EDUCATION_WORDS.get(education, education)
            fields["education"] = self._lookup(row, CodeTable.EDUCATION, education, "education", "学历")

        joined_on = self._date(row, cells, "joined_on")
        full_member_on = self._date(row, cells, "full_member_on")
        fields["joined_on"], fields["full_member_on"] = joined_on, full_member_on
        status = self._word(row, cells, "status", STATUS_WORDS, "应为正式党员或预备党员")
        # As in services.member_create: no category given means full when a full-member date is.
        fields["status"] = status or (MemberStatus.FULL if full_member_on else MemberStatus.PROBATIONARY)
        employment = self._word(row, cells, "employment", EMPLOYMENT_WORDS,
                                "应为在职、离退休、下岗失业、学生或其他")
        if employment:
            fields["employment"] = employment
        self._dates(row, birth_date, joined_on, full_member_on, fields["status"])

        phone = cells.get("phone")
        try:
            fields["phone"] = clean_phone(phone)
        except ValueError:
            errors.append(f"联系电话“{cell_text(phone)}”格式不正确，请只填一个手机号或固定电话。")
        fields["workplace_text"] = clean_text(cells.get("workplace_text"))
        fields["notes"] = cell_text(cells.get("notes"))
        return row

    # --- pieces -------------------------------------------------------------------------------
    def _id_number(self, row: Row, value) -> datetime.date | None:
        try:
            number = validate_id_number(clean_id_number(value))
        except ValidationError as error:
            row.errors.extend(error.messages)
            row.shown_number = mask_id_number(normalize_id_number(cell_text(value)))
            return None
        row.number = number
        row.shown_number = mask_id_number(number)
        row.fields["id_number"] = number
        return birth_date_of_valid(number)

    def _sex(self, row: Row, value) -> None:
        text = clean_text(value).lower()
        if not text:
            return
        code = SEX_WORDS.get(text)
        if code is None:
            row.errors.append(f"性别“{cell_text(value)}”应为男或女。")
        elif row.number and code != sex_code_of_valid(row.number):
            # Sex is derived from the ID number; a contradiction usually means a mistyped number.
            written = "男" if code == "1" else "女"
            row.errors.append(f"性别填写为“{written}”，与身份证号码不符，请核对。")

    def _birth_date(self, row: Row, value, from_id: datetime.date | None) -> None:
        try:
            parsed = parse_date(value)
        except ValueError as error:
            row.errors.append(f"出生日期“{cell_text(value)}”无法识别：{error}。")
            return
        if parsed is None or from_id is None:
            return
        day, has_day = parsed
        same = day == from_id if has_day else (day.year, day.month) == (from_id.year, from_id.month)
        if not same:
            row.errors.append(f"出生日期{cell_text(value)}与身份证号码中的出生日期{from_id:%Y-%m-%d}不符，请核对。")

    def _lookup(self, row: Row, table: str, text: str, key: str, label: str):
        try:
            return self.code(table, text, key, label)
        except ValidationError as error:
            row.errors.extend(error.messages)
            return None

    def _date(self, row: Row, cells: dict, key: str) -> datetime.date | None:
        value = cells.get(key)
        try:
            parsed = parse_date(value)
        except ValueError as error:
            row.errors.append(f"{FIELDS_BY_KEY[key].label}“{cell_text(value)}”无法识别：{error}。")
            return None
        return parsed[0] if parsed else None

    def _word(self, row: Row, cells: dict, key: str, words: dict, expected: str) -> str | None:
        text = _SPACES.sub("", clean_text(cells.get(key)))
        if not text:
            return None
        found = words.get(text)
        if found is None:
            row.errors.append(f"{FIELDS_BY_KEY[key].label}“{text}”{expected}。")
        return found

    def _dates(self, row: Row, birth_date, joined_on, full_member_on, status) -> None:
        """services._check_dates, the same rule member_create applies. Without a valid ID number
        there is no birth date: the age check is skipped (the ID error is already reported)."""
        known_birth = birth_date or datetime.date(MIN_YEAR, 1, 1)
        try:
            services._check_dates(birth_date=known_birth, joined_on=joined_on, full_member_on=full_member_on,
                                  status=status, today=self.today)
        except ValidationError as error:
            for message in error.messages:
                if message not in row.errors and not (message == "请填写入党时间。" and _mentions(row, "入党时间")):
                    row.errors.append(message)


def _mentions(row: Row, label: str) -> bool:
    return any(label in message for message in row.errors)


def find_repeated_numbers(rows: list[tuple[int, str]]) -> dict[int, str]:
    """{line: message} for every row whose ID number appears on another row of the same file.

    All occurrences are refused: which of them is right is for a person to decide. The numbers
    are counted first (``Counter`` counts in C): a file of 100,000 numbers, nearly all of them
    once, then needs lists only for the few that repeat."""
    counts = collections.Counter(number for _line, number in rows)
    lines_by_number: dict[str, list[int]] = {}
    for line, number in rows:
        if counts[number] > 1:
            lines_by_number.setdefault(number, []).append(line)
    messages = {}
    for lines in lines_by_number.values():
        if len(lines) > 1:
            for line in lines:
                others = "、".join(str(other) for other in lines if other != line)
                messages[line] = f"身份证号码与本文件第{others}行重复，请核对后只保留一行。"
    return messages


def template_rows() -> tuple[list[str], list[str]]:
    """The headers of the downloadable template and one example row (a valid, fictitious ID)."""

    body = "32010219800517001"
    example_id = body + ric.calc_check_digit(body + "0")
    headers = [item.label for item in FIELDS]
    example = [example_id if item.key == "id_number" else item.example for item in FIELDS]
    return headers, example
