"""Resident ID numbers (居民身份证号码, GB 11643): normalisation and validation.

The checksum and the birth-date check are python-stdnum's (`stdnum.cn.ric`); this module
only turns what people type into what it expects, and its exceptions into Chinese.
"""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric


def normalize_id_number(raw: str | None) -> str:
    """Full-width digits to ASCII, spaces and dashes dropped, a trailing x upper-cased."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    return "".join(ch for ch in text if ch not in " \t\r\n-_'\"").upper()


def validate_id_number(raw: str) -> str:
    """Return the normalised 18-character ID number, or raise ValidationError in Chinese."""
    number = normalize_id_number(raw)
    if not number:
        raise ValidationError("请填写身份证号码。", code="required")
    try:
        return ric.validate(number)
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            "身份证号码应为18位（当前为%(length)d位）。", code="id_length", params={"length": len(number)}
        ) from None
    except stdnum_errors.InvalidFormat:
        raise ValidationError("身份证号码只能由数字和末位的X组成。", code="id_format") from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError("身份证号码校验位不正确，请核对后重新填写。", code="id_checksum") from None
    except (stdnum_errors.InvalidComponent, KeyError):  # stdnum raises KeyError for an unknown county
        return _check_birth_date_and_region(number)
    except stdnum_errors.ValidationError:
        raise ValidationError("身份证号码无效。", code="id_invalid") from None


def _check_birth_date_and_region(number: str) -> str:
    """The checks stdnum's birth-place step gets wrong for older members.

    stdnum refuses a region code that did not exist yet in the birth year. But the code is the
    place of registration when the number was first issued (1984 on): a member born in 1950 in
    玄武区 carries 320102, which stdnum dates from 1983. Refuse only an unknown code, or one
    retired before the person was born.
    """
    try:
        year = ric.get_birth_date(number).year
    except stdnum_errors.InvalidComponent:
        raise ValidationError("身份证号码中的出生日期无效。", code="id_birth_date") from None
    places = {key: value for _part, props in numdb.get("cn/loc").info(number[:6]) for key, value in props.items()}
    for county in filter(None, places.get("county", "").split(",")):
        end = county[1:].split("]")[0].partition("-")[2] if county.startswith("[") else ""
        if not end or year <= int(end):
            return number
    raise ValidationError("身份证号码前6位的地区代码无效。", code="id_region")


def birth_date_from_id(number: str) -> datetime.date:
    return ric.get_birth_date(normalize_id_number(number))


def sex_code_from_id(number: str) -> str:
    """GB/T 2261.1 sex code: the 17th digit is odd for men ('1') and even for women ('2')."""
    return "1" if int(normalize_id_number(number)[16]) % 2 else "2"


def region_code_from_id(number: str) -> str:
    return normalize_id_number(number)[:6]
