"""Pinyin keys for search and sorting.

Chinese rosters are sorted and searched by pinyin (ARCHITECTURE.md: ORDER BY name sorts by
code point, which nobody expects). Names may carry a middle dot (阿依古丽·买买提); it and
other punctuation are dropped from the keys.
"""

from pypinyin import Style, lazy_pinyin

_SEPARATORS = "·•・.． -"


def _clean(name: str) -> str:
    return "".join(ch for ch in (name or "") if ch not in _SEPARATORS)


def full_pinyin(name: str) -> str:
    """'张三' → 'zhangsan' (lower case, no tones, no separators)."""
    return "".join(lazy_pinyin(_clean(name), errors=lambda chars: list(chars.lower()))).lower()


def pinyin_initials(name: str) -> str:
    """'张三' → 'zs'."""
    syllables = lazy_pinyin(_clean(name), style=Style.FIRST_LETTER, errors=lambda chars: list(chars.lower()))
    return "".join(syllables).lower()
