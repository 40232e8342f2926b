"""Small display filters for the member pages (masking, ages, elapsed months)."""

import datetime

from django import template

from dangjian.core.masking import mask_phone

register = template.Library()


@register.filter
def mask_contact(value: str | None) -> str:
    """A phone number masked ('138****5678'); other contact text (e.g. a WeChat id) as it is."""
    text = (value or "").strip()
    digits = text.replace("-", "").replace(" ", "")
    return mask_phone(digits) if digits.isdigit() and len(digits) >= 7 else text


@register.filter
def months_since(day: datetime.date | None, today: datetime.date) -> int:
    """Whole months from ``day`` to ``today`` (a large number when there is no date)."""
    if day is None:
        return 9999
    months = (today.year - day.year) * 12 + today.month - day.month
    return months - (today.day < day.day)


@register.filter
def age_on(member, today: datetime.date) -> int:
    return member.age_on(today)
