"""Pinyin keys for search and sorting.

Chinese rosters are sorted and searched by pinyin (ARCHITECTURE.md: ORDER BY name sorts by
code point, which nobody expects). Names may carry a middle dot (阿依古丽·买买提); it and
other punctuation are dropped from the keys.
"""

import functools

from pypinyin import lazy_pinyin

_SEPARATORS = "·•・.． -"


def _clean(name: str) -> str:
    return "".join(ch for ch in (name or "") if ch not in _SEPARATORS)


@functools.lru_cache(maxsize=65536)
def pinyin_keys(name: str) -> tuple[str, str]:
    """'张三' → ('zhangsan', 'zs'), from one pypinyin pass (imports do this for every row;
    names repeat, hence the cache). Characters pypinyin does not know stay, lower-cased, each
    its own "syllable"."""
    syllables = lazy_pinyin(_clean(name), errors=lambda chars: list(chars.lower()))
    return "".join(syllables).lower(), "".join(syllable[0] for syllable in syllables if syllable).lower()


def full_pinyin(name: str) -> str:
    """'张三' → 'zhangsan' (lower case, no tones, no separators)."""
    return pinyin_keys(name or "")[0]


def pinyin_initials(name: str) -> str:
    """'张三' → 'zs'."""
    return pinyin_keys(name or "")[1]
