"""Resident ID numbers: what people type is normalised, real numbers pass, typos are caught in Chinese."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from dangjian.core.id_numbers import (
    birth_date_from_id,
    normalize_id_number,
    region_code_from_id,
    sex_code_from_id,
    validate_id_number,
)

XUANWU = "320102"  # 南京市玄武区
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def make_id_number(birth: datetime.date, sequence: int, region: str = XUANWU) -> str:
    """A real-looking ID number: region + birth date + 3-digit sequence + stdnum's check digit."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    # ric.calc_check_digit expects the number with its check position present and ignores it.
    return body + ric.calc_check_digit(body + "?")


def is_chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


def messages(error: ValidationError) -> list[str]:
    return list(error.messages)


birth_dates = st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2010, 12, 31))
sequences = st.integers(min_value=0, max_value=999)
id_numbers = st.builds(make_id_number, birth_dates, sequences)


@st.composite
def id_numbers_ending_in_x(draw):
    birth = draw(birth_dates)
    start = draw(sequences)
    for offset in range(1000):
        number = make_id_number(birth, (start + offset) % 1000)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives check digit X")  # pragma: no cover - 1 in 11 does


@given(id_numbers)
def test_every_real_number_validates_unchanged(number):
    # given a number built from a region, a real birth date and a sequence, with its check digit
    # when it is validated
    # then it comes back as it was
    assert validate_id_number(number) == number


@given(id_numbers, st.data())
def test_full_width_digits_and_spaces_are_normalised(number, data):
    # given the number typed with a Chinese input method: full-width digits and stray spaces/dashes
    cut = data.draw(st.integers(min_value=1, max_value=17))
    typed = f" {number[:cut]} - {number[cut:]} ".translate(FULL_WIDTH)
    # when it is validated
    # then the plain 18-character number comes back
    assert validate_id_number(typed) == number


@given(id_numbers_ending_in_x())
def test_lowercase_x_check_digit_is_accepted(number):
    # given a number whose check digit is X, typed with a lower-case x
    typed = number[:-1] + "x"
    # when it is normalised and validated
    # then it comes back with an upper-case X
    assert normalize_id_number(typed) == number
    assert validate_id_number(typed) == number


@given(id_numbers, st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_character_change_is_refused_in_chinese(number, position, replacement):
    # given a real number with one character replaced (a typo)
    if number[position] == replacement or (position < 17 and replacement == "X"):
        replacement = "0" if number[position] != "0" else "1"
    typo = number[:position] + replacement + number[position + 1:]
    # when it is validated
    # then it is refused, and the person is told why in Chinese
    with pytest.raises(ValidationError) as refusal:
        validate_id_number(typo)
    assert all(is_chinese(message) for message in messages(refusal.value))


@given(birth_dates, sequences)
def test_birth_date_and_sex_are_read_from_the_number(birth, sequence):
    # given a number for a person born on ``birth`` with sequence ``sequence``
    number = make_id_number(birth, sequence)
    # when the birth date, sex and region are derived
    # then they match what went in (odd 17th digit: man, GB/T 2261.1 code 1; even: woman, 2)
    assert birth_date_from_id(number) == birth
    assert sex_code_from_id(number) == ("1" if sequence % 2 else "2")
    assert region_code_from_id(number) == XUANWU


def test_known_number_for_a_woman_born_on_leap_day():
    # given a woman born on 29 February 1996 (leap year) in 玄武区
    number = make_id_number(datetime.date(1996, 2, 29), 2)
    # when it is validated and read
    # then it is valid, the date is the leap day and the sex code is 2
    assert validate_id_number(number) == number
    assert birth_date_from_id(number) == datetime.date(1996, 2, 29)
    assert sex_code_from_id(number) == "2"


def test_member_born_before_the_districts_current_code_is_accepted():
    # given a retired member born in 1950 whose number carries 玄武区's code 320102 (assigned when
    # numbers were first issued in the 1980s; python-stdnum dates the code itself from 1983)
    number = make_id_number(datetime.date(1950, 10, 1), 123)
    # when it is validated
    # then it is accepted: most members of a community branch were born before 1983
    assert validate_id_number(number) == number


def test_number_with_too_few_digits_is_refused_with_its_length():
    # given a number missing one digit
    number = make_id_number(datetime.date(1990, 1, 1), 123)[:-1]
    # when it is validated
    # then the person is told the length is wrong and how long it is
    with pytest.raises(ValidationError) as refusal:
        validate_id_number(number)
    assert refusal.value.code == "id_length"
    assert messages(refusal.value) == ["身份证号码应为18位（当前为17位）。"]


def test_letter_inside_the_number_is_refused():
    # given a number with a letter among the digits
    number = make_id_number(datetime.date(1990, 1, 1), 123)
    number = number[:8] + "A" + number[9:]
    # when it is validated
    # then it is refused as badly formed
    with pytest.raises(ValidationError) as refusal:
        validate_id_number(number)
    assert messages(refusal.value) == ["身份证号码只能由数字和末位的X组成。"]


def test_impossible_birth_date_with_a_correct_check_digit_is_refused():
    # given a number for "30 February 1990" whose check digit is nonetheless right
    body = f"{XUANWU}19900230123"
    number = body + ric.calc_check_digit(body + "?")
    # when it is validated
    # then the birth date is named as the problem
    with pytest.raises(ValidationError) as refusal:
        validate_id_number(number)
    assert messages(refusal.value) == ["身份证号码中的出生日期无效。"]


def test_unknown_region_with_a_correct_check_digit_is_refused_in_chinese():
    # given a number for a county code that does not exist in Jiangsu (32 99 99)
    number = make_id_number(datetime.date(1990, 1, 1), 123, region="329999")
    # when it is validated
    # then it is refused with a Chinese message naming the region (not a crash)
    with pytest.raises(ValidationError) as refusal:
        validate_id_number(number)
    assert messages(refusal.value) == ["身份证号码前6位的地区代码无效。"]


def test_code_of_a_merged_district_is_accepted_for_people_born_while_it_existed():
    # given 白下区 (320103), merged into 秦淮区 in 2013, and a member born there in 1960
    number = make_id_number(datetime.date(1960, 5, 4), 17, region="320103")
    # when it is validated
    # then it is accepted: people keep their number when the district is merged
    assert validate_id_number(number) == number


def test_code_of_a_merged_district_is_refused_for_someone_born_after_the_merger():
    # given a child born in 2015 with 白下区's code, which was retired in 2013
    number = make_id_number(datetime.date(2015, 5, 4), 17, region="320103")
    # when it is validated
    # then the region is named as the problem
    with pytest.raises(ValidationError) as refusal:
        validate_id_number(number)
    assert messages(refusal.value) == ["身份证号码前6位的地区代码无效。"]


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_empty_input_asks_for_a_number(raw):
    # given nothing typed
    # when it is validated
    # then the person is asked to fill it in
    with pytest.raises(ValidationError) as refusal:
        validate_id_number(raw)
    assert messages(refusal.value) == ["请填写身份证号码。"]
