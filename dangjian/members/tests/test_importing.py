"""Reading messy rosters (importing, import_cells): dates, ID numbers, headers, rows — before anything is written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from dangjian.core.id_numbers import _known_before, normalize_id_number, validate_id_number
from dangjian.members import import_cells, importing
from dangjian.members.import_cells import parse_date
from dangjian.members.importing import RowReader
from dangjian.members.tests.rosters import csv_bytes, workbook_bytes

FULL_WIDTH = str.maketrans("0123456789xX-./", "０１２３４５６７８９ｘＸ－．／")
TODAY = datetime.date(2026, 6, 1)

dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31))


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(("typed", "expected", "has_day"), [
    ("1985.07", datetime.date(1985, 7, 1), False),
    ("1985.7", datetime.date(1985, 7, 1), False),
    ("1985.7.1", datetime.date(1985, 7, 1), True),
    ("1985年7月", datetime.date(1985, 7, 1), False),
    ("1985年07月01日", datetime.date(1985, 7, 1), True),
    ("1985 年 7 月 1 日", datetime.date(1985, 7, 1), True),
    ("1985-7-1", datetime.date(1985, 7, 1), True),
    ("1985/7/1", datetime.date(1985, 7, 1), True),
    ("1985-07-01 00:00:00", datetime.date(1985, 7, 1), True),
    ("19850701", datetime.date(1985, 7, 1), True),
    ("198507", datetime.date(1985, 7, 1), False),
    ("１９８５．０７", datetime.date(1985, 7, 1), False),
    (31229, datetime.date(1985, 7, 1), True),  # an Excel serial
    (31229.0, datetime.date(1985, 7, 1), True),
    ("31229", datetime.date(1985, 7, 1), True),  # a serial that reached a CSV as text
    (1985.07, datetime.date(1985, 7, 1), False),  # 1985.07 typed into a number cell
    (1985.12, datetime.date(1985, 12, 1), False),
    (datetime.datetime(1985, 7, 1, 8, 30), datetime.date(1985, 7, 1), True),
    (datetime.date(1985, 7, 1), datetime.date(1985, 7, 1), True),
])
def test_dates_as_rosters_write_them(typed, expected, has_day):
    assert parse_date(typed) == (expected, has_day)


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_date_is_none(blank):
    assert parse_date(blank) is None


@pytest.mark.parametrize(("typed", "reason"), [
    ("85年7月", "4位"),
    ("1985", "只有年份"),
    (1985, "只有年份"),
    (1985.1, "1月也可能是10月"),  # Excel keeps 1985.10 as 1985.1
    ("1985.13", "不是有效的日期"),
    ("1985-02-30", "不是有效的日期"),
    ("1850-01-01", "年份不合理"),
    ("去年七月", "1985-07-01"),
])
def test_unreadable_dates_say_why_in_chinese(typed, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(typed)


@given(day=dates)
def test_every_written_form_of_a_day_reads_back(day):
    for typed in (f"{day.year}-{day.month}-{day.day}", f"{day.year}/{day.month:02d}/{day.day:02d}",
                  f"{day.year}.{day.month}.{day.day}", f"{day.year}年{day.month}月{day.day}日",
                  f"{day:%Y%m%d}", day.isoformat().translate(FULL_WIDTH)):
        assert parse_date(typed) == (day, True), typed


@given(day=dates)
def test_month_precision_means_the_first(day):
    expected = (day.replace(day=1), False)
    assert parse_date(f"{day.year}.{day.month:02d}") == expected
    assert parse_date(f"{day.year}年{day.month}月") == expected
    assert parse_date(f"{day:%Y%m}") == expected


@given(day=st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 12, 31)))
def test_excel_serials_read_as_excel_shows_them(day):
    serial = (day - datetime.date(1899, 12, 30)).days
    if 1900 <= serial <= 2100:  # a bare year wins over a serial from 1905
        return
    assert parse_date(serial) == (day, True)
    assert parse_date(serial + 0.75) == (day, True)  # a time of day is dropped


# ---------------------------------------------------------------- ID numbers

regions = st.sampled_from(["320102", "320104", "110101", "440305", "650102", "510107"])
id_births = st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2005, 12, 31))


@st.composite
def id_numbers(draw):
    body = f"{draw(regions)}{draw(id_births):%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + ric.calc_check_digit(body + "0")


@given(number=id_numbers(), spaces=st.lists(st.integers(0, 17), max_size=3), full_width=st.booleans())
@settings(max_examples=60, deadline=None)
def test_id_numbers_typed_messily_read_as_the_same_number(number, spaces, full_width):
    typed = number.lower()
    for position in sorted(spaces, reverse=True):
        typed = typed[:position] + " " + typed[position:]
    if full_width:
        typed = typed.translate(FULL_WIDTH)
    assert validate_id_number(import_cells.clean_id_number(f"  {typed}\t")) == number


def test_id_number_stored_as_an_excel_number_is_refused():
    with pytest.raises(ValidationError, match="存成了数字"):
        import_cells.clean_id_number(3.20102198005171e17)
    with pytest.raises(ValidationError, match="科学计数法"):
        import_cells.clean_id_number("3.20102E+17")


# ---------------------------------------------------------------- headers and layout


def test_header_row_is_found_below_a_title():
    data = workbook_bytes([["序号", "姓名", "公民身份号码", "入党日期", "民族"], [1, "张三", "x", "1985.07", "汉族"]],
                          title="某社区党员花名册")
    layout = importing.detect_layout(importing.open_sheet(data, "花名册.xlsx"))
    assert layout.header_line == 3
    assert importing.suggest_columns(layout.headers) == {"name": 1, "id_number": 2, "joined_on": 3, "ethnicity": 4}
    assert layout.samples == [["1", "张三", "x", "1985.07", "汉族"]]


@pytest.mark.parametrize(("header", "field"), [
    ("身份证号", "id_number"), ("公民身份号码", "id_number"), (" 身份证号码（18位）* ", "id_number"),
    ("入党时间", "joined_on"), ("入党日期", "joined_on"), ("转正时间", "full_member_on"),
    ("联系电话", "phone"), ("手机", "phone"), ("人员类别", "status"), ("党员类别", "status"),
    ("出生日期", "birth_date"), ("学历", "education"), ("工作单位", "workplace_text"), ("就业状况", "employment"),
    ("备注", "notes"), ("序号", None),
])
def test_usual_chinese_headers_are_recognised(header, field):
    assert importing.recognise(header) == field


def test_same_headers_give_the_same_key_whatever_the_spacing():
    first = importing.Layout(header_line=1, headers=["姓名", "身份证号", "入党时间"])
    second = importing.Layout(header_line=3, headers=[" 姓名 ", "身份证号", "入党时间*"])
    assert first.key == second.key
    assert first.key != importing.Layout(header_line=1, headers=["姓名", "入党时间", "身份证号"]).key


def test_a_mapping_needs_the_required_fields_and_one_field_per_column():
    headers = ["姓名", "身份证号", "入党时间", "民族"]
    importing.check_columns({"name": 0, "id_number": 1, "joined_on": 2, "ethnicity": 3}, headers)
    with pytest.raises(ValidationError, match="必填字段.*民族"):
        importing.check_columns({"name": 0, "id_number": 1, "joined_on": 2}, headers)
    with pytest.raises(ValidationError, match="一列只能对应一个字段"):
        importing.check_columns({"name": 0, "id_number": 1, "joined_on": 2, "ethnicity": 3, "notes": 0}, headers)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_in_utf8_or_gbk_is_read(encoding):
    data = csv_bytes([["姓名", "身份证号", "入党时间", "民族"], ["张三", "320102198005170011", "1985.07", "汉族"]],
                     encoding=encoding)
    rows = list(importing.open_sheet(data, "roster.CSV").rows)
    assert rows[1] == (2, ["张三", "320102198005170011", "1985.07", "汉族"])


@pytest.mark.parametrize(("name", "data", "message"), [
    ("roster.pdf", b"%PDF", "只能导入"),
    ("roster.xlsx", b"", "空的"),
    ("roster.xlsx", b"not a zip at all", "无法读取"),
])
def test_unreadable_uploads_are_refused(name, data, message):
    with pytest.raises(importing.UnreadableFile, match=message):
        importing.detect_layout(importing.open_sheet(data, name))


# ---------------------------------------------------------------- rows


COLUMNS = {"name": 0, "sex": 1, "ethnicity": 2, "id_number": 3, "birth_date": 4, "joined_on": 5,
           "full_member_on": 6, "education": 7, "phone": 8, "status": 9, "employment": 10}
NUMBER = "32010219800517001" + ric.calc_check_digit("32010219800517001" + "0")  # a man born 1980-05-17


@pytest.mark.django_db
def test_a_messy_row_is_cleaned_to_what_the_service_expects():
    reader = RowReader(COLUMNS, today=TODAY)
    row = reader.read(5, [" 张 三 ", "男", "汉", NUMBER.lower().translate(FULL_WIDTH), "1980.05", "2005年7月",
                          "2006-7-1", "本科", "139 1234 5678", "", "退休"])
    assert row.ok, row.errors
    fields = row.fields
    assert (fields["name"], fields["id_number"], fields["phone"]) == ("张三", NUMBER, "13912345678")
    assert (fields["joined_on"], fields["full_member_on"]) == (datetime.date(2005, 7, 1), datetime.date(2006, 7, 1))
    assert (fields["ethnicity"].name, fields["education"].name) == ("汉族", "大学本科")
    # no category given: full, because a full-member date is (as services.member_create decides)
    assert (fields["status"], fields["employment"]) == ("full", "retired")


@pytest.mark.django_db
def test_every_problem_of_a_row_is_reported_in_chinese():
    reader = RowReader(COLUMNS, today=TODAY)
    row = reader.read(9, ["", "女", "火星族", NUMBER, "1981-01-01", "2010-01-01", "2009-01-01", "本科",
                          "12", "党员", "上班"])
    text = " | ".join(row.errors)
    for expected in ("请填写姓名", "与身份证号码不符", "火星族", "出生日期1981-01-01与身份证号码", "转正时间不能早于入党时间",
                     "联系电话", "人员类别“党员”", "就业状况“上班”"):
        assert expected in text, (expected, text)
    assert not row.ok


@pytest.mark.django_db
def test_joining_before_eighteen_is_the_services_rule():
    row = RowReader(COLUMNS, today=TODAY).read(2, ["张三", "", "汉族", NUMBER, "", "1995-01-01", "", "", "", "", ""])
    assert any("未满18周岁" in message for message in row.errors)


@pytest.mark.django_db
def test_unreadable_date_is_not_also_reported_as_missing():
    row = RowReader(COLUMNS, today=TODAY).read(2, ["张三", "", "汉族", NUMBER, "", "85年", "", "", "", "", ""])
    about_joining = [message for message in row.errors if "入党时间" in message]
    assert about_joining == ["入党时间“85年”无法识别：请写成1985-07-01、1985.07或1985年7月。"]


def test_an_id_number_twice_in_the_file_refuses_both_rows():
    repeated = importing.find_repeated_numbers([(4, "A"), (5, "B"), (9, "A"), (12, "A")])
    assert set(repeated) == {4, 9, 12}
    assert "第9、12行" in repeated[4]


def test_template_has_the_headers_and_a_valid_example():
    headers, example = importing.template_rows()
    assert headers[:4] == ["姓名", "性别", "民族", "身份证号码"]
    assert validate_id_number(example[3]) == example[3]
    assert {importing.recognise(header) for header in headers} == {field.key for field in importing.FIELDS}


@st.composite
def id_like(draw):
    """Numbers that are mostly well-formed: real, retired and unknown region codes, odd dates, any check digit."""
    region = draw(st.sampled_from(["320102", "320103", "320104", "320124", "110101", "999999", "000000",
                                   "650102", "320100", "32010"]))
    year = draw(st.integers(1850, 2100))
    month = draw(st.integers(0, 13))
    day = draw(st.integers(0, 32))
    body = f"{region}{year:04d}{month:02d}{day:02d}{draw(st.integers(0, 999)):03d}"
    check = ric.calc_check_digit(body + "0") if len(body) == 17 and draw(st.booleans()) else draw(
        st.sampled_from("0123456789Xx"))
    return body + check + draw(st.sampled_from(["", "", "", "1", " "]))


def _outcome(check, raw):
    try:
        return ("ok", check(raw))
    except ValidationError as error:
        return ("refused", error.code, error.messages)


def _validated_by_stdnum_in_one_call(raw):
    """validate_id_number as it was before it cached the region verdict: ``ric.validate`` whole,
    then the older members' region rule on a birth-place refusal."""
    number = normalize_id_number(raw)
    if not number:
        raise ValidationError("请填写身份证号码。", code="required")
    try:
        return ric.validate(number)
    except stdnum_errors.InvalidLength:
        raise ValidationError("身份证号码应为18位（当前为%(length)d位）。", code="id_length",
                              params={"length": len(number)}) from None
    except stdnum_errors.InvalidFormat:
        raise ValidationError("身份证号码只能由数字和末位的X组成。", code="id_format") from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError("身份证号码校验位不正确，请核对后重新填写。", code="id_checksum") from None
    except (stdnum_errors.InvalidComponent, KeyError):
        try:
            year = ric.get_birth_date(number).year
        except stdnum_errors.InvalidComponent:
            raise ValidationError("身份证号码中的出生日期无效。", code="id_birth_date") from None
        if _known_before(number[:6], year):
            return number
        raise ValidationError("身份证号码前6位的地区代码无效。", code="id_region") from None


@given(raw=id_like())
@settings(max_examples=400, deadline=None)
def test_validate_id_number_answers_exactly_as_stdnum_validate_in_one_call(raw):
    # validate_id_number remembers the region verdict per (region, year) across calls
    assert _outcome(validate_id_number, raw) == _outcome(_validated_by_stdnum_in_one_call, raw)


cells = st.one_of(st.none(), st.text(alphabet=" \t\u3000\xa0ab汉0", max_size=4), st.floats(allow_nan=False),
                  st.integers(), st.booleans(), dates)


@given(st.lists(cells, max_size=6))
def test_a_row_is_blank_exactly_when_every_cell_reads_as_nothing(row):
    assert importing.is_blank(row) == all(import_cells.cell_text(cell) == "" for cell in row)


def test_lines_are_numbered_as_excel_shows_them_below_blank_lines_and_columns():
    # The first cells are on line 3, column B: python-calamine's rows start at line 1 anyway.
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for column, header in enumerate(["姓名", "身份证号码", "民族"], start=1):
        sheet.write_string(2, column, header)
    sheet.write_string(3, 1, "张三")
    workbook.close()
    layout = importing.detect_layout(importing.open_sheet(buffer.getvalue(), "花名册.xlsx"))
    assert layout.header_line == 3
    rows = [(line, cells) for line, cells in importing.open_sheet(buffer.getvalue(), "花名册.xlsx").rows
            if not importing.is_blank(cells)]
    assert [line for line, _cells in rows] == [3, 4]
