"""Pinyin keys for search and sorting.

Chinese rosters are sorted and searched by pinyin (ARCHITECTURE.md: ORDER BY name sorts by
code point, which nobody expects). Names may carry a middle dot (阿依古丽·买买提); it and
other punctuation are dropped from the keys.
"""

import functools

from pypinyin import lazy_pinyin
from pypinyin.constants import PHRASES_DICT, RE_HANS

_SEPARATORS = "·•・.． -"


_DROP_SEPARATORS = str.maketrans("", "", _SEPARATORS)


def _clean(name: str) -> str:
    return (name or "").translate(_DROP_SEPARATORS)


def _each_lowered(chars: str) -> list[str]:
    """Characters pypinyin does not know stay, lower-cased, each its own "syllable"."""
    return list(chars.lower())


@functools.lru_cache(maxsize=65536)
def pinyin_keys(name: str) -> tuple[str, str]:
    """'张三' → ('zhangsan', 'zs'). Names repeat within a roster, hence the cache."""
    syllables = _syllables(_clean(name))
    return "".join(syllables).lower(), "".join([syllable[:1] for syllable in syllables]).lower()


def _syllables(text: str) -> list[str]:
    """``lazy_pinyin(text)``, asked one character at a time when that gives the same answer.

    pypinyin cuts a run of Chinese characters into the longest words of its phrase dictionary
    and reads the rest character by character. A name (all Chinese, no dictionary word inside,
    which is most names) is therefore read character by character — and each character's
    reading is remembered (``_character``), which costs a fraction of a whole pypinyin pass.
    Anything else (a dictionary word such as 单于 inside, Latin letters, digits) goes to
    pypinyin as a whole. A test compares both on generated names."""
    if not text or not RE_HANS.match(text) or _holds_phrase(text):
        return lazy_pinyin(text, errors=_each_lowered)
    syllables = []
    for character in text:
        syllables += _character(character)
    return syllables


def _holds_phrase(text: str) -> bool:
    # Asked of every name an import reads: plain loops, no generator (a third of the cost).
    length = len(text)
    for start in range(length - 1):
        for end in range(start + 2, length + 1):
            if text[start:end] in PHRASES_DICT:
                return True
    return False


@functools.lru_cache(maxsize=32768)
def _character(character: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(character, errors=_each_lowered))


def full_pinyin(name: str) -> str:
    """'张三' → 'zhangsan' (lower case, no tones, no separators)."""
    return pinyin_keys(name or "")[0]


def pinyin_initials(name: str) -> str:
    """'张三' → 'zs'."""
    return pinyin_keys(name or "")[1]
