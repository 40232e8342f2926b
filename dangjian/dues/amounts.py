"""The monthly dues amount: the member's declaration in force for the month, the rate table in
force for the month, and the rounding.

Pure functions over plain values (no queries) so the bracket boundaries can be tested
exhaustively; ``RateBook`` holds the whole rate table (a few dozen rows) read once.

* DUES-02/03: the rate of the bracket the base falls in applies to the **whole** base (it is not
  progressive), and upper bounds are inclusive: 3000.00 pays 0.5 % (15.00), 3000.01 pays 1 %
  (30.00).
* DUES-04: a flat amount; rural members pay 0.2–1 yuan, the amount agreed with the branch.
* Rounding: RULES.md (and the 2008 regulation) say nothing; local practice computes to the fen
  with round-half-up (四舍五入). The quantum is ``DANGJIAN_RULES["DUES_ROUNDING"]`` (local, L).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

HUNDRED = Decimal(100)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def month_from_index(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def shift_month(month: datetime.date, months: int) -> datetime.date:
    return month_from_index(month_index(month) + months)


def months_from(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Every month from ``start``'s to ``end``'s, inclusive (empty when end is earlier)."""
    return [month_from_index(i) for i in range(month_index(start), month_index(end) + 1)]


def rounding_quantum() -> Decimal:
    return Decimal(str(settings.DANGJIAN_RULES.get("DUES_ROUNDING", "0.01")))


def round_amount(value: Decimal) -> Decimal:
    return value.quantize(rounding_quantum(), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Bracket:
    income_up_to: Decimal | None
    percent: Decimal | None = None
    fixed_amount: Decimal | None = None
    fixed_amount_max: Decimal | None = None


class AmountError(ValueError):
    """The declaration does not fit the table (a Chinese message for the service to raise)."""


def amount_for(brackets: Iterable[Bracket], *, income_base: Decimal | None,
               agreed_amount: Decimal | None = None) -> Decimal:
    """The monthly amount for a base under one category's brackets."""
    ordered = sorted(brackets, key=lambda b: (b.income_up_to is None, b.income_up_to or 0))
    if not ordered:
        raise AmountError("该类别在所属月份没有执行中的党费交纳标准。")
    if ordered[0].fixed_amount is not None:
        bracket = ordered[0]
        if agreed_amount is None:
            return round_amount(bracket.fixed_amount)
        upper = bracket.fixed_amount_max or bracket.fixed_amount
        if not bracket.fixed_amount <= agreed_amount <= upper:
            raise AmountError(f"约定的月交纳额须在{bracket.fixed_amount}元至{upper}元之间。")
        return round_amount(agreed_amount)
    if income_base is None or income_base < 0:
        raise AmountError("请填写月收入基数（不能为负数）。")
    for bracket in ordered:
        if bracket.income_up_to is None or income_base <= bracket.income_up_to:
            return round_amount(income_base * bracket.percent / HUNDRED)
    raise AmountError("党费交纳标准缺少最高一档（无上限）的比例。")


class RateBook:
    """The whole rate table: the brackets of a category in force in a month."""

    def __init__(self, rates):
        self._tables: dict[str, list[tuple[datetime.date, list[Bracket]]]] = {}
        grouped: dict[tuple[str, datetime.date], list[Bracket]] = {}
        for rate in rates:
            grouped.setdefault((rate.category, rate.effective_from), []).append(Bracket(
                income_up_to=rate.income_up_to, percent=rate.percent, fixed_amount=rate.fixed_amount,
                fixed_amount_max=rate.fixed_amount_max))
        for (category, effective_from), brackets in grouped.items():
            self._tables.setdefault(category, []).append((effective_from, brackets))
        for tables in self._tables.values():
            tables.sort(key=lambda table: table[0], reverse=True)

    @classmethod
    def load(cls) -> "RateBook":
        from dangjian.dues.models import DuesRate

        return cls(DuesRate.objects.all())

    def brackets(self, category: str, month: datetime.date) -> list[Bracket]:
        for effective_from, brackets in self._tables.get(category, ()):
            if effective_from <= month:
                return brackets
        return []

    def amount(self, declaration, month: datetime.date) -> Decimal:
        return amount_for(self.brackets(declaration.category, month), income_base=declaration.income_base,
                          agreed_amount=declaration.agreed_amount)
