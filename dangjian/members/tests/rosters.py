"""Roster spreadsheets for the import tests: clean ones, and the messy kind communities keep.

``messy_roster()`` writes the cases issue 3 lists — a title row above the header, header
variants, full-width digits, spaces, a lowercase x, dates as 1985.07 / 1985年7月 / 1985-7-1 /
1985/7/1 / Excel serials, an ID number twice in the file and ID numbers already registered — and
says which rows must be refused and why.
"""

import datetime
import io
import itertools
from dataclasses import dataclass, field

import xlsxwriter

from dangjian.members.tests.factories import valid_id_number

HEADERS = ["姓名", "性别", "民族", "身份证号码", "出生日期", "入党时间", "转正时间", "学历", "工作单位", "联系电话",
           "人员类别", "就业状况", "备注"]
# Surnames and given names whose pinyin initials do not collide with each other too often.
_SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
_GIVEN = ["建国", "秀英", "志强", "桂兰", "海燕", "文博", "玉梅", "国庆", "晓东", "丽华", "德胜", "春生", "雪梅",
          "振华", "淑珍", "明远"]
_serials = itertools.count(600)


def workbook_bytes(rows: list[list], *, title: str | None = None, text_columns: tuple[int, ...] = (),
                   date_cells: dict[tuple[int, int], datetime.date] | None = None) -> bytes:
    """An .xlsx with ``rows`` (the first is the header); a title row and a blank row above when asked.

    Values are written with their Python type (a float stays a number cell); ``date_cells``
    {(row, column): date} are real Excel dates."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("花名册")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    top = 0
    if title:
        sheet.write_string(0, 0, title)
        top = 2
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if date_cells and (r, c) in date_cells:
                sheet.write_datetime(top + r, c, datetime.datetime.combine(date_cells[(r, c)], datetime.time()),
                                     date_format)
            elif value is None or value == "":
                continue
            elif isinstance(value, str) or c in text_columns:
                sheet.write_string(top + r, c, str(value))
            else:
                sheet.write_number(top + r, c, value)
    workbook.close()
    return buffer.getvalue()


def csv_bytes(rows: list[list], *, encoding: str = "utf-8-sig") -> bytes:
    text = "\n".join(",".join(str(value) for value in row) for row in rows) + "\n"
    return text.encode(encoding)


def person(index: int, *, birth: datetime.date | None = None, female: bool = False) -> dict:
    """A plausible member: name, ID number consistent with the birth date, dates in order."""
    birth = birth or datetime.date(1950 + index % 45, 1 + index % 12, 1 + index % 28)
    name = _SURNAMES[index % len(_SURNAMES)] + _GIVEN[(index // len(_SURNAMES)) % len(_GIVEN)]
    return {"name": name, "birth": birth, "female": female,
            "id_number": valid_id_number(birth=birth, female=female, serial=next(_serials)),
            "joined": datetime.date(birth.year + 25, 7, 1), "full": datetime.date(birth.year + 26, 7, 1)}


def clean_row(p: dict) -> list:
    return [p["name"], "女" if p["female"] else "男", "汉族", p["id_number"], p["birth"].isoformat(),
            p["joined"].isoformat(), p["full"].isoformat(), "大学本科", "南京某公司", "13912345678", "正式党员", "在职",
            ""]


@dataclass
class MessyRoster:
    data: bytes
    rows: int
    bad_lines: dict[int, str] = field(default_factory=dict)  # Excel line → a word its error contains
    good: list[dict] = field(default_factory=list)  # the people that must be imported

    @property
    def valid_rows(self) -> int:
        return self.rows - len(self.bad_lines)


def messy_roster(rows: int = 200, *, registered_in_scope: str = "", registered_elsewhere: str = "") -> MessyRoster:
    """A 花名册 as communities keep it. Row n (0-based) sits on Excel line n + 4 (title, blank, header)."""
    header = ["序号", "姓名", "性别", "民族", "公民身份号码", "出生年月", "入党日期", "转正时间", "文化程度",
              "工作单位及职务", "手机", "党员类别", "就业情况", "备注"]
    table = [header]
    date_cells = {}
    roster = MessyRoster(data=b"", rows=rows)
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    repeated = None
    for index in range(rows):
        p = person(index, female=index % 3 == 0)
        line = index + 4
        number = p["id_number"]
        joined = p["joined"]
        style = index % 6
        joined_cell = {0: f"{joined.year}.{joined.month:02d}", 1: f"{joined.year}年{joined.month}月",
                       2: f"{joined.year}-{joined.month}-{joined.day}", 3: f"{joined.year}/{joined.month}/{joined.day}",
                       4: float((joined - datetime.date(1899, 12, 30)).days), 5: ""}[style]
        if style == 5:
            date_cells[(index + 1, 6)] = joined
        id_cell = {0: number.translate(full_width), 1: f" {number[:6]} {number[6:14]} {number[14:]} ",
                   2: number.lower()}.get(index % 4, number)
        row = [index + 1, f" {p['name'][0]} {p['name'][1:]}" if index % 7 == 0 else p["name"],
               "女" if p["female"] else "男", "汉" if index % 5 == 0 else "汉族", id_cell,
               f"{p['birth'].year}.{p['birth'].month:02d}", joined_cell, f"{p['full']:%Y年%m月%d日}",
               ["本科", "大专", "高中", "大学本科", "硕士"][index % 5], "玄武区某单位", f"139 1234 {index:04d}",
               "正式党员", ["在职", "退休", "下岗", "在职", "离退休"][index % 5], ""]
        # The refusals, spread through the file.
        if index == 10:
            row[4] = number[:-1] + ("0" if number[-1] != "0" else "1")
            roster.bad_lines[line] = "校验位"
        elif index == 20:
            row[7] = f"{joined.year - 1}-01-01"
            roster.bad_lines[line] = "转正时间不能早于入党时间"
        elif index == 30:
            row[6] = "85年7月"
            roster.bad_lines[line] = "入党时间"
        elif index == 40:
            row[3] = "火星族"
            roster.bad_lines[line] = "民族"
        elif index == 50 and rows > 60:
            repeated = number
            roster.bad_lines[line] = "重复"
        elif index == 60 and repeated:
            row[4] = repeated.lower()
            row[5] = table[51][5]
            row[2] = table[51][2]
            roster.bad_lines[line] = "重复"
        elif index == 70 and registered_in_scope:
            row[4] = registered_in_scope
            row[5] = ""
            row[2] = ""
            roster.bad_lines[line] = "已在您管辖"
        elif index == 80 and registered_elsewhere:
            row[4] = registered_elsewhere
            row[5] = ""
            row[2] = ""
            roster.bad_lines[line] = "不在您的管辖范围"
        elif index == 90:
            row[4] = float(number[:17]) if number[-1] == "X" else float(number)
            roster.bad_lines[line] = "存成了数字"
        else:
            roster.good.append(p)
        table.append(row)
    roster.data = workbook_bytes(table, title="玄武区梅园新村街道大行宫社区党员花名册", date_cells=date_cells)
    return roster
