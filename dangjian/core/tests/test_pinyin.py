"""Pinyin keys: rosters sort and search by pinyin, whatever the name looks like."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core.pinyin import full_pinyin, pinyin_initials


def test_common_name_gives_full_pinyin_and_initials():
    # given 张三
    # when its keys are computed
    # then they are lower-case, toneless and without separators
    assert full_pinyin("张三") == "zhangsan"
    assert pinyin_initials("张三") == "zs"


@pytest.mark.parametrize("name", ["阿依古丽·买买提", "阿依古丽•买买提", "阿依古丽・买买提", "阿依古丽.买买提"])
def test_middle_dot_in_minority_names_is_dropped(name):
    # given a Uyghur name written with any of the dots people type between its parts
    # when its keys are computed
    # then the dot disappears and the parts run together
    assert full_pinyin(name) == "ayiguli" + "maimaiti"
    assert pinyin_initials(name) == "aygl" + "mmt"


@pytest.mark.parametrize("name", ["单雄信", "曾国藩", "解缙", "区寄", "仇英", "朴树"])
def test_polyphonic_surnames_give_a_key_without_crashing(name):
    # given surnames with several readings (单 dān/shàn, 曾 céng/zēng, 解, 区, 仇, 朴)
    # when their keys are computed
    # then each is a non-empty lower-case ASCII key of matching length
    key = full_pinyin(name)
    initials = pinyin_initials(name)
    assert key and key.isascii() and key == key.lower()
    assert len(initials) == len(name)


def test_latin_letters_and_digits_are_kept_in_lower_case():
    # given a unit name mixing Latin letters, digits and Chinese
    # when its keys are computed
    # then the Latin part is kept, lower-cased
    assert full_pinyin("ABC科技") == "abckeji"
    assert pinyin_initials("ABC科技") == "abckj"
    assert full_pinyin("3号楼") == "3haolou"


@pytest.mark.parametrize("name", ["", None])
def test_missing_name_gives_empty_keys(name):
    assert full_pinyin(name) == ""
    assert pinyin_initials(name) == ""


@given(st.text(max_size=20))
def test_any_text_gives_lower_case_keys(name):
    # given anything at all typed as a name
    # when its keys are computed
    # then nothing crashes and both keys are lower case
    assert full_pinyin(name) == full_pinyin(name).lower()
    assert pinyin_initials(name) == pinyin_initials(name).lower()


def test_sorting_by_key_follows_pinyin_not_code_points():
    # given names whose code-point order differs from their pinyin order
    names = ["张伟", "李强", "王芳", "艾青"]
    # when they are sorted by pinyin key
    # then the order is the alphabetical one people expect
    assert sorted(names, key=full_pinyin) == ["艾青", "李强", "王芳", "张伟"]


@pytest.mark.parametrize("name", ["张三", "阿依古丽·买买提", "吕布", "曾国藩", "单田芳", "Zhang三", "欧阳娜娜", "绿"])
def test_initials_agree_with_pypinyins_first_letter_style(name):
    """One pass gives the same initials as pypinyin's FIRST_LETTER style (ü, zh/ch/sh included)."""
    from pypinyin import Style, lazy_pinyin

    expected = "".join(lazy_pinyin(name.replace("·", ""), style=Style.FIRST_LETTER,
                                   errors=lambda chars: list(chars.lower()))).lower()
    assert pinyin_initials(name) == expected
