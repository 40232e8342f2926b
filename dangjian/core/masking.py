"""Masking of personal data shown in lists and exports (PIPL: show no more than needed)."""


def mask_id_number(number: str | None) -> str:
    """'320102199001011234' → '320102********1234'."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def mask_phone(phone: str | None) -> str:
    """'13812345678' → '138****5678'."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def mask_name(name: str | None) -> str:
    """'张三丰' → '张**': used where a name must be hinted, not shown."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)
