"""Validation of Area codes against the level and the parent's code.

Districts carry GB/T 2260 six-digit codes (checked against the division code table);
streets carry the 12-digit statistical division code (district code + 3 digits + 000);
communities the 12-digit code of their street's first 9 digits + 3; grids the community
code + 3 more digits. A city carries its 6-digit GB/T 2260 code (ending in 00).
"""

from django.core.exceptions import ValidationError

from dangjian.core.models import Code, CodeTable
from dangjian.organizations.models import AreaLevel


def normalize_area_code(raw: str) -> str:
    return "".join(ch for ch in str(raw or "") if not ch.isspace())


def validate_area_code(*, code: str, level: str, parent) -> str:
    """Return the cleaned code, or raise ValidationError with a Chinese message."""
    code = normalize_area_code(code)
    if not code.isdigit():
        raise ValidationError({"code": "区划代码只能由数字组成。"})
    if level == AreaLevel.CITY:
        if len(code) != 6 or not code.endswith("00"):
            raise ValidationError({"code": "市的区划代码应为6位数字、以00结尾（GB/T 2260）。"})
        _require_known_division(code)
    elif level == AreaLevel.DISTRICT:
        if len(code) != 6:
            raise ValidationError({"code": "区的区划代码应为6位数字（GB/T 2260）。"})
        if parent is not None and code[:4] != parent.code[:4]:
            raise ValidationError({"code": f"区的区划代码应以所属市的代码前4位 {parent.code[:4]} 开头。"})
        _require_known_division(code)
    elif level == AreaLevel.STREET:
        if len(code) != 12 or not code.endswith("000"):
            raise ValidationError({"code": "街道的统计用区划代码应为12位数字、以000结尾。"})
        if parent is not None and code[:6] != parent.code[:6]:
            raise ValidationError({"code": f"街道代码应以所属区的代码 {parent.code[:6]} 开头。"})
    elif level == AreaLevel.COMMUNITY:
        if len(code) != 12 or code.endswith("000"):
            raise ValidationError({"code": "社区的统计用区划代码应为12位数字，末3位不能是000。"})
        if parent is not None and code[:9] != parent.code[:9]:
            raise ValidationError({"code": f"社区代码应以所属街道代码的前9位 {parent.code[:9]} 开头。"})
    elif level == AreaLevel.GRID:
        if len(code) != 15:
            raise ValidationError({"code": "网格代码应为15位数字（所属社区代码加3位序号）。"})
        if parent is not None and code[:12] != parent.code:
            raise ValidationError({"code": f"网格代码应以所属社区代码 {parent.code} 开头。"})
    return code


def _require_known_division(code: str) -> None:
    if not Code.objects.of(CodeTable.DIVISION).filter(code=code).exists():
        raise ValidationError({"code": f"区划代码 {code} 不在 GB/T 2260 行政区划代码表中。"})
