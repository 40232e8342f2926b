"""Resident ID numbers (居民身份证号码, GB 11643): normalisation and validation.

The checksum and the birth-date check are python-stdnum's (`stdnum.cn.ric`); this module
only turns what people type into what it expects, and its exceptions into Chinese.
"""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
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
    except stdnum_errors.InvalidComponent:
        raise ValidationError("身份证号码中的出生日期无效。", code="id_birth_date") from None
    except stdnum_errors.ValidationError:
        raise ValidationError("身份证号码无效。", code="id_invalid") from None


def birth_date_from_id(number: str) -> datetime.date:
    return ric.get_birth_date(normalize_id_number(number))


def sex_code_from_id(number: str) -> str:
    """GB/T 2261.1 sex code: the 17th digit is odd for men ('1') and even for women ('2')."""
    return "1" if int(normalize_id_number(number)[16]) % 2 else "2"


def region_code_from_id(number: str) -> str:
    return normalize_id_number(number)[:6]
