"""Reporting periods (month, quarter, year) used by metrics, the dashboard and assessment."""

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "quarter" | "year"
    start: datetime.date
    end: datetime.date  # inclusive

    @classmethod
    def containing(cls, day: datetime.date, kind: str = "year") -> "Period":
        if kind == "month":
            start = day.replace(day=1)
            end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        elif kind == "quarter":
            first_month = 3 * ((day.month - 1) // 3) + 1
            start = day.replace(month=first_month, day=1)
            end = (start + datetime.timedelta(days=95)).replace(day=1) - datetime.timedelta(days=1)
        elif kind == "year":
            start = datetime.date(day.year, 1, 1)
            end = datetime.date(day.year, 12, 31)
        else:
            raise ValueError(f"unknown period kind {kind!r}")
        return cls(kind=kind, start=start, end=end)

    @classmethod
    def current(cls, kind: str = "year") -> "Period":
        return cls.containing(timezone.localdate(), kind)

    def previous(self) -> "Period":
        return Period.containing(self.start - datetime.timedelta(days=1), self.kind)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months`` (negative: back), clamped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
