"""Unified social credit codes: real codes pass however they are typed, typos are refused in Chinese."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from dangjian.core.credit_codes import credit_code_validator, normalize_credit_code, validate_credit_code
from dangjian.organizations.tests.factories import valid_credit_code

# GB 32100 alphabet: digits and upper-case letters except I, O, Z, S, V.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FULL_WIDTH = str.maketrans("0123456789ABCDEFGHJKLMNPQRTUWXY",
                           "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ")


@st.composite
def credit_codes(draw):
    """Authority and type digits, a 6-digit region, a 9-character organisation code, stdnum's check."""
    head = draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    organisation = draw(st.text(alphabet=ALPHABET, min_size=9, max_size=9))
    body = head + organisation
    return body + uscc.calc_check_digit(body)


def is_chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


@given(credit_codes())
def test_every_real_code_validates_unchanged(code):
    # given a code with the check character stdnum computes
    # when it is validated
    # then it comes back as it was
    assert validate_credit_code(code) == code


@given(credit_codes(), st.data())
def test_lower_case_full_width_and_separators_are_normalised(code, data):
    # given the code typed in lower case or full width, with spaces and dashes
    cut = data.draw(st.integers(min_value=1, max_value=17))
    style = data.draw(st.sampled_from(["lower", "full_width"]))
    typed = f" {code[:cut]} - {code[cut:]}"
    typed = typed.lower() if style == "lower" else typed.translate(FULL_WIDTH)
    # when it is normalised and validated
    # then the plain upper-case code comes back
    assert normalize_credit_code(typed) == code
    assert validate_credit_code(typed) == code


@given(credit_codes(), st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET))
def test_any_single_character_change_is_refused_in_chinese(code, position, replacement):
    # given a real code with one character replaced (a typo)
    if code[position] == replacement:
        replacement = "1" if code[position] != "1" else "2"
    typo = code[:position] + replacement + code[position + 1:]
    # when it is validated
    # then it is refused, with a Chinese message
    with pytest.raises(ValidationError) as refusal:
        validate_credit_code(typo)
    assert all(is_chinese(message) for message in refusal.value.messages)


def test_factory_codes_are_valid_and_distinct():
    # given codes made by the test factory for companies and social organizations
    codes = [valid_credit_code(region="320102"), valid_credit_code(region="320104", kind="52")]
    # when they are validated
    # then both pass and differ
    assert [validate_credit_code(code) for code in codes] == codes
    assert codes[0] != codes[1]


def test_wrong_check_character_is_refused():
    # given a real company's code with its last character changed
    code = valid_credit_code(1, region="320102")
    typo = code[:-1] + ("1" if code[-1] != "1" else "2")
    # when it is validated
    # then the check character is named as the problem
    with pytest.raises(ValidationError) as refusal:
        validate_credit_code(typo)
    assert refusal.value.code == "uscc_checksum"
    assert refusal.value.messages == ["统一社会信用代码校验位不正确，请核对。"]


def test_code_of_wrong_length_is_refused_with_its_length():
    # given an old 15-digit business registration number
    # when it is validated
    # then the person is told the code must have 18 characters and how many it has
    with pytest.raises(ValidationError) as refusal:
        validate_credit_code("320102000123456")
    assert refusal.value.messages == ["统一社会信用代码应为18位（当前为15位）。"]


def test_letters_in_the_region_part_are_refused():
    # given a code whose region part contains a letter
    body = "91A20102MA0000001"
    code = body + uscc.calc_check_digit(body)
    # when it is validated
    # then it is refused as badly formed
    with pytest.raises(ValidationError) as refusal:
        validate_credit_code(code)
    assert refusal.value.messages == ["统一社会信用代码格式不正确。"]


def test_model_validator_refuses_like_the_function():
    # given the validator the Unit model uses
    # when it sees a valid and an invalid code
    # then it passes the first and refuses the second in Chinese
    credit_code_validator(valid_credit_code(2))
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        credit_code_validator("91320102MA00000020")


def test_nothing_typed_normalises_to_empty():
    assert normalize_credit_code(None) == ""
    assert normalize_credit_code("  ") == ""
