"""Resident ID numbers (居民身份证号码, GB 11643): normalisation and validation.

The checksum, the birth-date and the birth-place checks are python-stdnum's (`stdnum.cn.ric`);
this module only turns what people type into what it expects, and its verdicts into Chinese.
"""

import datetime
import functools
import unicodedata

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric
from stdnum.util import isdigits

_DROPPED = str.maketrans("", "", " \t\r\n-_'\"")


def normalize_id_number(raw: str | None) -> str:
    """Full-width digits to ASCII, spaces and dashes dropped, a trailing x upper-cased."""
    if raw is None:
        return ""
    text = str(raw)
    if not text.isascii():  # NFKC leaves ASCII as it is
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_DROPPED).upper()


def _compact(number: str) -> str:
    """``ric.compact`` of a normalised number. On ASCII without a backtick (which stdnum turns
    into a quote) that is only ``strip``: stdnum's cleaning maps look-alike Unicode characters
    and drops the spaces and dashes normalisation has already dropped."""
    if number.isascii() and "`" not in number:
        return number.strip()
    return ric.compact(number)


def _birth_date(number: str) -> datetime.date:
    """``ric.get_birth_date`` of a compact number whose first 14 characters are digits."""
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise stdnum_errors.InvalidComponent() from None


def validate_id_number(raw: str) -> str:
    """Return the normalised 18-character ID number, or raise ValidationError in Chinese.

    stdnum's ``ric.validate`` in its own order (length, digits, check digit, birth date, birth
    place) from its own pieces, so that the birth-place step — a linear search of ~7,000 region
    codes, nearly all of its cost — is asked once per region and birth year (``_region_verdict``):
    an import validates 100,000 numbers from a few dozen regions."""
    number = normalize_id_number(raw)
    if not number:
        raise ValidationError("请填写身份证号码。", code="required")
    number = _compact(number)
    if len(number) != 18:
        raise ValidationError(
            "身份证号码应为18位（当前为%(length)d位）。", code="id_length", params={"length": len(number)}
        )
    if not isdigits(number[:-1]):
        raise ValidationError("身份证号码只能由数字和末位的X组成。", code="id_format")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError("身份证号码校验位不正确，请核对后重新填写。", code="id_checksum")
    try:
        year = _birth_date(number).year
    except stdnum_errors.InvalidComponent:
        raise ValidationError("身份证号码中的出生日期无效。", code="id_birth_date") from None
    if not _region_verdict(number[:6], year):
        raise ValidationError("身份证号码前6位的地区代码无效。", code="id_region")
    return number


@functools.lru_cache(maxsize=65536)
def _region_verdict(region: str, year: int) -> bool:
    """Whether ``region`` is a valid place of registration for someone born in ``year``: stdnum's
    ``get_birth_place`` (the region existed in the birth year), else the older members' rule
    below. Depends on nothing but the pair, hence the cache."""
    try:
        ric.get_birth_place(f"{region}{year:04d}0101000")
    except (stdnum_errors.InvalidComponent, KeyError):  # stdnum raises KeyError for an unknown county
        return _known_before(region, year)
    return True


def _known_before(region: str, year: int) -> bool:
    """The check stdnum's birth-place step gets wrong for older members.

    stdnum refuses a region code that did not exist yet in the birth year. But the code is the
    place of registration when the number was first issued (1984 on): a member born in 1950 in
    玄武区 carries 320102, which stdnum dates from 1983. Refuse only an unknown code, or one
    retired before the person was born.
    """
    places = {key: value for _part, props in numdb.get("cn/loc").info(region) for key, value in props.items()}
    for county in filter(None, places.get("county", "").split(",")):
        end = county[1:].split("]")[0].partition("-")[2] if county.startswith("[") else ""
        if not end or year <= int(end):
            return True
    return False


def birth_date_from_id(number: str) -> datetime.date:
    return birth_date_of_valid(_compact(normalize_id_number(number)))


def sex_code_from_id(number: str) -> str:
    return sex_code_of_valid(normalize_id_number(number))


# For a number ``validate_id_number`` returned (normalised, 18 characters): an import asks these
# of 100,000 numbers, and normalising each again would cost as much as the answers.
def birth_date_of_valid(number: str) -> datetime.date:
    """The birth date in digits 7–14."""
    return _birth_date(number)


def sex_code_of_valid(number: str) -> str:
    """GB/T 2261.1 sex code: the 17th digit is odd for men ('1') and even for women ('2')."""
    return "1" if int(number[16]) % 2 else "2"


def region_code_from_id(number: str) -> str:
    return normalize_id_number(number)[:6]
