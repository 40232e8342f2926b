"""Turning what people type into a roster cell into clean values: text, names, dates, phone and ID
numbers, and the everyday words for categories. Pure functions (and one memo), no database.

Real spreadsheets hold full-width digits, stray spaces, a lowercase x, dates written as 1985.07,
1985年7月, 1985-7-1 or 1985/7/1, Excel serial numbers, and ID numbers Excel turned into numbers.
"""

import datetime
import functools
import re
import unicodedata

from django.core.exceptions import ValidationError

from dangjian.core.id_numbers import normalize_id_number
from dangjian.members.models import Employment, MemberStatus


def cell_text(value) -> str:
    """A cell as the text a person would read in it (13912345678.0 → '13912345678')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=8192, typed=True)
def clean_text(value) -> str:
    """NFKC (full-width letters and digits to ASCII), spaces trimmed and collapsed. Remembered
    per value: a roster repeats 汉族, 大学本科, 正式党员 and its workplaces thousands of times."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", cell_text(value))).strip()


_CJK = re.compile(r"[\u3400-\u9fff]")
_NAME_DOTS = re.compile(r"[•・‧∙⋅.．]")


def clean_name(value) -> str:
    """'张  三' → '张三' (spaces padding two-character names); every middle-dot variant → '·'."""
    text = _NAME_DOTS.sub("·", clean_text(value))
    if _CJK.search(text):
        text = _SPACES.sub("", text)
    return text


EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's 1900 leap-year bug included)
MIN_YEAR, MAX_YEAR = 1900, 2100
_MAX_SERIAL = (datetime.date(MAX_YEAR, 12, 31) - EXCEL_EPOCH).days
_TIME_SUFFIX = re.compile(r"^(\S+)\s+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_YEAR_DOT_MONTH = re.compile(r"\d{4,5}\.\d+")
_DAY_WORD = re.compile(r"[日号]$")
_DATE_SEPARATORS = re.compile(r"[年月./／\\、_]")
_DASHES = re.compile(r"-+")
_SHORT_YEAR = re.compile(r"\d{2}-\d{1,2}(-\d{1,2})?")
DATE_HINT = "请写成1985-07-01、1985.07或1985年7月"


@functools.lru_cache(maxsize=16384, typed=True)
def parse_date(value) -> tuple[datetime.date, bool] | None:
    """(date, whether a day was given) from a roster cell; None when blank.

    Accepts Excel dates and serial numbers, 1985-7-1, 1985/7/1, 1985.07, 1985.7.1, 1985年7月(1日),
    19850701, 198507 and full-width digits. A month without a day means the 1st. Raises
    ValueError with the reason in Chinese. Answers are remembered per value (dates repeat down
    a roster's columns)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return _checked(value.date()), True
    if isinstance(value, datetime.date):
        return _checked(value), True
    if isinstance(value, bool):
        raise ValueError(DATE_HINT)
    if isinstance(value, int | float):
        return _date_from_number(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    match = _YMD.fullmatch(text)
    if match:  # 1985-07-01 or 1985-7: what the steps below turn everything else into
        return _from_ymd(match)
    match = _TIME_SUFFIX.match(text)
    if match:
        text = match.group(1)
    text = _SPACES.sub("", text)
    if text.isdigit():
        return _date_from_digits(text)
    if _YEAR_DOT_MONTH.fullmatch(text) and MIN_YEAR <= int(text.split(".")[0]) <= MAX_YEAR:
        whole, fraction = text.split(".")
        return _year_month(int(whole), fraction, text)
    text = _DAY_WORD.sub("", text)
    text = _DATE_SEPARATORS.sub("-", text)
    text = _DASHES.sub("-", text).strip("-")
    match = _YMD.match(text)
    if not match:
        if _SHORT_YEAR.fullmatch(text):
            raise ValueError("年份请写全4位（例如1985）")
        raise ValueError(DATE_HINT)
    return _from_ymd(match)


def _from_ymd(match: re.Match) -> tuple[datetime.date, bool]:
    year, month, day = int(match.group(1)), int(match.group(2)), match.group(3)
    return _build(year, month, int(day) if day else None)


def _date_from_number(value: float) -> tuple[datetime.date, bool]:
    if isinstance(value, float) and not value.is_integer():
        whole = int(value)
        if MIN_YEAR <= whole <= MAX_YEAR:
            # 1985.07 typed into a number cell; Excel keeps 1985.10 as 1985.1.
            return _year_month(whole, repr(value).split(".")[1], repr(value))
        value = whole  # a date serial with a time of day
    number = int(value)
    if MIN_YEAR <= number <= MAX_YEAR:
        raise ValueError("只有年份，请补充月份")
    if 1 <= number <= _MAX_SERIAL:
        return _checked(EXCEL_EPOCH + datetime.timedelta(days=number)), True
    return _date_from_digits(str(number))


def _date_from_digits(text: str) -> tuple[datetime.date, bool]:
    if len(text) == 8:
        return _build(int(text[:4]), int(text[4:6]), int(text[6:]))
    if len(text) == 6:
        return _build(int(text[:4]), int(text[4:]), None)
    if len(text) == 4:
        raise ValueError("只有年份，请补充月份")
    if len(text) == 5 and 1 <= int(text) <= _MAX_SERIAL:  # an Excel serial that reached a CSV as text
        return _checked(EXCEL_EPOCH + datetime.timedelta(days=int(text))), True
    raise ValueError(DATE_HINT)


def _year_month(year: int, fraction: str, shown: str) -> tuple[datetime.date, bool]:
    if fraction == "1":
        raise ValueError(f"“{shown}”可能是1月也可能是10月（Excel会把1985.10存成1985.1），请写成{year}-01或{year}-10")
    if len(fraction) in (1, 2):
        return _build(year, int(fraction), None)
    if len(fraction) in (3, 4):  # 1985.0701, 1985.701
        return _build(year, int(fraction[:-2]), int(fraction[-2:]))
    raise ValueError(DATE_HINT)


def _build(year: int, month: int, day: int | None) -> tuple[datetime.date, bool]:
    try:
        built = datetime.date(year, month, day or 1)
    except ValueError:
        raise ValueError("不是有效的日期") from None
    return _checked(built), day is not None


def _checked(day: datetime.date) -> datetime.date:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError("年份不合理")
    return day


_PHONE = re.compile(r"^\+?\d[\d-]{4,19}$")
_PHONE_NOISE = re.compile(r"[\s()（）]")


def clean_phone(value) -> str:
    """Digits (and a landline's dash) as typed, without spaces; ValueError when not a phone number."""
    text = _PHONE_NOISE.sub("", clean_text(value)).replace("—", "-").replace("－", "-")
    if not text:
        return ""
    if not _PHONE.match(text) or len(text) > 20:
        raise ValueError
    digits = len(text) - text.count("-") - text.count("+")  # _PHONE allows nothing else
    if not 7 <= digits <= 15:
        raise ValueError
    return text


_SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+\d+")


def clean_id_number(value) -> str:
    """The ID number as text, refusing one that Excel stored as a number (its last digits are lost)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if abs(value) >= 1e14:
            raise ValidationError("身份证号码被Excel存成了数字，后几位已经丢失：请把该列设为“文本”格式后重新填写。")
        return normalize_id_number(cell_text(value))
    text = normalize_id_number(value)
    if _SCIENTIFIC.fullmatch(text):
        raise ValidationError("身份证号码被Excel存成了科学计数法（如3.20102E+17），后几位已经丢失，请重新填写。")
    return text


SEX_WORDS = {"男": "1", "男性": "1", "1": "1", "m": "1", "male": "1",
             "女": "2", "女性": "2", "2": "2", "f": "2", "female": "2"}
STATUS_WORDS = {"正式党员": MemberStatus.FULL, "正式": MemberStatus.FULL,
                "预备党员": MemberStatus.PROBATIONARY, "预备": MemberStatus.PROBATIONARY}
EMPLOYMENT_WORDS = {
    "在职": Employment.EMPLOYED, "在岗": Employment.EMPLOYED, "在职在岗": Employment.EMPLOYED,
    "离退休": Employment.RETIRED, "退休": Employment.RETIRED, "离休": Employment.RETIRED,
    "离退休人员": Employment.RETIRED, "退休人员": Employment.RETIRED,
    "下岗失业": Employment.LAID_OFF, "下岗": Employment.LAID_OFF, "失业": Employment.LAID_OFF,
    "待业": Employment.LAID_OFF, "下岗职工": Employment.LAID_OFF,
    "学生": Employment.STUDENT, "在校学生": Employment.STUDENT,
    "其他": Employment.OTHER, "无业": Employment.OTHER, "灵活就业": Employment.OTHER,
}
# Everyday words for GB/T 4658 levels.
EDUCATION_WORDS = {
    "博士": "博士研究生", "硕士": "硕士研究生", "研究生": "硕士研究生", "本科": "大学本科", "大学": "大学本科",
    "大专": "大学专科", "专科": "大学专科", "中专": "中等专科", "职高": "职业高中", "技校": "技工学校",
    "高中": "普通高中", "初中及以下": "初中",
}
