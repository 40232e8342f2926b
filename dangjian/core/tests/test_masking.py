"""Masking: lists and exports show no more personal data than needed (PIPL)."""

import pytest

from dangjian.core.masking import mask_id_number, mask_name, mask_phone


def test_id_number_keeps_region_and_last_four():
    # given an 18-character ID number
    # when it is masked
    # then the region (first 6) and the last 4 show, the birth date does not
    assert mask_id_number("320102199001011234") == "320102********1234"
    assert mask_id_number("32010219900101123X") == "320102********123X"


def test_short_id_number_is_masked_entirely():
    # given a fragment too short to hide the middle of
    # when it is masked
    # then nothing of it shows
    assert mask_id_number("3201021990") == "**********"


def test_mobile_keeps_prefix_and_last_four():
    assert mask_phone("13812345678") == "138****5678"


def test_landline_keeps_prefix_and_last_four():
    assert mask_phone("025-84561234") == "025*****1234"


def test_short_phone_is_masked_entirely():
    assert mask_phone("12345") == "*****"


def test_name_keeps_only_the_surname():
    assert mask_name("张三丰") == "张**"
    assert mask_name("阿依古丽·买买提") == "阿" + "*" * 7


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone, mask_name])
@pytest.mark.parametrize("empty", ["", None])
def test_missing_values_mask_to_empty(mask, empty):
    assert mask(empty) == ""


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone, mask_name])
def test_masked_value_keeps_its_length(mask):
    # given a value of each kind
    value = {"mask_id_number": "320102199001011234", "mask_phone": "13812345678", "mask_name": "欧阳修"}[
        mask.__name__]
    # when it is masked
    # then the length stays (columns line up) and the value itself does not appear
    assert len(mask(value)) == len(value)
    assert mask(value) != value
