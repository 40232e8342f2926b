"""The import's per-row field checks give Member.full_clean's verdicts and messages, and the
fast pinyin keys are pypinyin's."""

import datetime

from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import lazy_pinyin

from dangjian.core import pinyin
from dangjian.members.import_values import CHECKED_FIELDS, Draft, FieldChecks
from dangjian.members.models import Member

CHECKS = FieldChecks()  # shared across examples, as across the rows of one file

texts = st.one_of(st.text(max_size=8), st.text(min_size=15, max_size=130), st.just(""), st.just("a\x00b"),
                  st.builds(lambda n: "张" * n, st.integers(35, 45)))
dates = st.one_of(st.none(), st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1)))
statuses = st.sampled_from(["full", "probationary", "", "正式", "other"])
employments = st.sampled_from(["employed", "retired", "laid_off", "student", "other", "", "在职"])


def _by_full_clean(values: dict) -> list[str]:
    member = Member(**values)
    exclude = [field.name for field in Member._meta.fields if field.name not in CHECKED_FIELDS]
    try:
        member.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        messages = []
        for name in CHECKED_FIELDS:  # field order, as FieldChecks reports them
            label = str(Member._meta.get_field(name).verbose_name)
            messages += [message if label in message else f"{label}：{message}"
                         for message in error.message_dict.get(name, [])]
        return messages
    return []


@given(name=texts, name_pinyin=texts, name_initials=texts, phone=texts, workplace_text=texts, notes=texts,
       joined_on=dates, full_member_on=dates, status=statuses, employment=employments)
@settings(max_examples=300, deadline=None)
def test_field_checks_agree_with_full_clean(**values):
    assert CHECKS.errors(Draft(**values)) == _by_full_clean(values)


NAME_CHARACTERS = ("王李张刘陈杨黄赵吴周徐孙朱马胡郭何高林罗郑单解仇查曾区朴尉迟欧阳司马诸葛上官长孙"
                   "建国秀英志强桂兰海燕文博玉梅庆晓东丽华德胜春生雪振明远伟敏静磊洋艳勇军杰娟涛超霞平刚"
                   "重行长乐和觉都朝传广发中银行大学人民解放阿依古丽买提·. -abcXYZ123")


@given(name=st.text(alphabet=NAME_CHARACTERS, max_size=8))
@settings(max_examples=500, deadline=None)
def test_pinyin_keys_are_pypinyins_reading_of_the_whole_name(name):
    syllables = lazy_pinyin(pinyin._clean(name), errors=lambda chars: list(chars.lower()))
    expected = ("".join(syllables).lower(), "".join(syllable[0] for syllable in syllables if syllable).lower())
    assert pinyin.pinyin_keys(name) == expected


@given(name=st.text(alphabet=NAME_CHARACTERS, max_size=8))
@settings(max_examples=300, deadline=None)
def test_the_pinyin_starts_with_the_first_initial(name):
    # member search on PostgreSQL relies on it (selectors._pinyin_or_initials)
    full, initials = pinyin.pinyin_keys(name)
    assert full[:1] == initials[:1]


@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.characters(exclude_characters="\x00")), st.integers(0, 10**6),
                          st.dates(), st.booleans(), st.sampled_from(["\\N", "a\\tb", "\t", "\r\n", "张三"])),
                min_size=1, max_size=8))
@settings(max_examples=300)
def test_a_prepared_line_reads_back_as_written(values):
    # the preview writes each accepted row in COPY's text format; what PostgreSQL's COPY and the
    # SQLite insert (import_insert.read_line) read back is the text written, nulls as nulls
    from dangjian.members import import_insert

    raw = import_insert.prepared_line(7, "digest", values).encode()
    assert raw.count(b"\n") == 1 and raw.endswith(b"\n")  # one row, one line, whatever the text
    line, digest, read = import_insert.read_line(raw)
    expected = [None if value is None else value.isoformat() if isinstance(value, datetime.date)
                else ("t" if value else "f") if isinstance(value, bool) else str(value) for value in values]
    assert (line, digest, read) == (7, "digest", expected)
