"""Unified social credit codes (统一社会信用代码, GB 32100) through python-stdnum."""

import unicodedata

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc


def normalize_credit_code(raw: str | None) -> str:
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    return "".join(ch for ch in text if not ch.isspace() and ch != "-").upper()


def validate_credit_code(raw: str) -> str:
    """Return the normalised 18-character code, or raise ValidationError in Chinese."""
    code = normalize_credit_code(raw)
    try:
        return uscc.validate(code)
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            "统一社会信用代码应为18位（当前为%(length)d位）。", code="uscc_length", params={"length": len(code)}
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError("统一社会信用代码校验位不正确，请核对。", code="uscc_checksum") from None
    except stdnum_errors.ValidationError:
        raise ValidationError("统一社会信用代码格式不正确。", code="uscc_format") from None


def credit_code_validator(value: str) -> None:
    validate_credit_code(value)
