"""The monthly amount at every bracket boundary of the seeded national table (RULES.md
DUES-02/03/04), checked against hand-computed figures and, with hypothesis, against the rule
stated in the regulation for any base."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.dues.amounts import AmountError, Bracket, RateBook, amount_for, months_from, shift_month

pytestmark = pytest.mark.django_db

MONTH = datetime.date(2026, 3, 1)

# Hand-computed: the bracket's rate applies to the whole base; upper bounds are inclusive.
IN_SERVICE_CASES = [
    ("0", "0.00"), ("0.01", "0.00"), ("1", "0.01"), ("2999.99", "15.00"), ("3000", "15.00"),
    ("3000.01", "30.00"), ("4000", "40.00"), ("4999.99", "50.00"), ("5000", "50.00"), ("5000.01", "75.00"),
    ("8000", "120.00"), ("9999.99", "150.00"), ("10000", "150.00"), ("10000.01", "200.00"),
    ("12345.67", "246.91"), ("3001.10", "30.01"), ("3000.50", "30.01"),
]
RETIRED_CASES = [("0", "0.00"), ("3000", "15.00"), ("4999.99", "25.00"), ("5000", "25.00"), ("5000.01", "50.00"),
                 ("6543.21", "65.43"), ("1001", "5.01"), ("1000.90", "5.00")]


@pytest.fixture
def book():
    return RateBook.load()  # the table seeded by migration 0002


def _amount(book, category, base, agreed=None):
    return amount_for(book.brackets(category, MONTH), income_base=Decimal(base) if base is not None else None,
                      agreed_amount=Decimal(agreed) if agreed is not None else None)


@pytest.mark.parametrize(("base", "expected"), IN_SERVICE_CASES)
def test_in_service_members_pay_the_bracket_rate_on_the_whole_base(book, base, expected):
    assert _amount(book, "in_service", base) == Decimal(expected)


@pytest.mark.parametrize(("base", "expected"), RETIRED_CASES)
def test_retired_members_pay_by_pension(book, base, expected):
    assert _amount(book, "retired", base) == Decimal(expected)


def test_students_laid_off_and_relief_pay_twenty_fen_whatever_the_base(book):
    assert _amount(book, "flat", None) == Decimal("0.20")
    assert _amount(book, "flat", "8000") == Decimal("0.20")


@pytest.mark.parametrize(("agreed", "expected"), [(None, "0.20"), ("0.2", "0.20"), ("0.5", "0.50"), ("1", "1.00")])
def test_rural_members_pay_the_agreed_amount_between_twenty_fen_and_one_yuan(book, agreed, expected):
    assert _amount(book, "rural", None, agreed) == Decimal(expected)


@pytest.mark.parametrize("agreed", ["0.19", "1.01", "5"])
def test_a_rural_amount_outside_the_range_is_refused(book, agreed):
    with pytest.raises(AmountError, match="之间"):
        _amount(book, "rural", None, agreed)


def test_no_table_before_the_first_effective_date(book):
    assert book.brackets("in_service", datetime.date(2008, 3, 1)) == []
    with pytest.raises(AmountError):
        amount_for([], income_base=Decimal(100))


def _by_regulation(base: Decimal) -> Decimal:
    """DUES-02 written independently of the table: the band decides the rate of the whole base."""
    rate = (Decimal("0.005") if base <= 3000 else Decimal("0.01") if base <= 5000
            else Decimal("0.015") if base <= 10000 else Decimal("0.02"))
    return (base * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


BOUNDARIES = [Decimal(b) for b in ("3000", "5000", "10000")]
cents = st.integers(min_value=0, max_value=10_000_000).map(lambda n: Decimal(n) / 100)
near_boundary = st.builds(lambda bound, offset: bound + Decimal(offset) / 100,
                          st.sampled_from(BOUNDARIES), st.integers(min_value=-300, max_value=300))


@given(base=st.one_of(cents, near_boundary))
def test_any_in_service_base_matches_the_regulation(base):
    book = RateBook.load()
    assert _amount(book, "in_service", str(base)) == _by_regulation(base)


@given(base=st.one_of(cents, near_boundary))
def test_the_amount_never_falls_when_the_base_rises_within_a_bracket_and_jumps_at_each_bound(base):
    book = RateBook.load()
    brackets = book.brackets("in_service", MONTH)
    here = amount_for(brackets, income_base=base)
    above = amount_for(brackets, income_base=base + Decimal("0.01"))
    assert above >= here
    if base in BOUNDARIES:
        assert above > here  # the next band's rate applies to the whole base


def test_a_later_table_applies_from_its_month_and_not_before():
    book = RateBook([
        _Rate("in_service", datetime.date(2008, 4, 1), None, Decimal("1")),
        _Rate("in_service", datetime.date(2027, 1, 1), None, Decimal("2")),
    ])
    assert amount_for(book.brackets("in_service", datetime.date(2026, 12, 1)), income_base=Decimal(100)) == 1
    assert amount_for(book.brackets("in_service", datetime.date(2027, 1, 1)), income_base=Decimal(100)) == 2


def test_rounding_follows_the_configured_quantum(settings):
    settings.DANGJIAN_RULES = {**settings.DANGJIAN_RULES, "DUES_ROUNDING": "0.1"}
    assert amount_for([Bracket(None, Decimal("1"))], income_base=Decimal("1234")) == Decimal("12.3")
    assert amount_for([Bracket(None, Decimal("1"))], income_base=Decimal("1235")) == Decimal("12.4")


def test_month_arithmetic_crosses_years():
    assert shift_month(datetime.date(2026, 1, 1), -1) == datetime.date(2025, 12, 1)
    assert shift_month(datetime.date(2026, 11, 1), 3) == datetime.date(2027, 2, 1)
    assert months_from(datetime.date(2025, 11, 1), datetime.date(2026, 2, 1))[-1] == datetime.date(2026, 2, 1)
    assert len(months_from(datetime.date(2025, 11, 1), datetime.date(2026, 2, 1))) == 4


class _Rate:
    def __init__(self, category, effective_from, income_up_to, percent):
        self.category, self.effective_from, self.income_up_to, self.percent = (
            category, effective_from, income_up_to, percent)
        self.fixed_amount = self.fixed_amount_max = None
