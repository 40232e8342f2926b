"""Tracking codes: what a resident holds to follow a concern without an account.

A code is 12 characters drawn by ``secrets`` from 31 letters and digits that cannot be
confused when read aloud or copied by hand (no 0/O, 1/I/L): 31¹² ≈ 7.9 × 10¹⁷ codes, so
guessing one is hopeless within the lookup rate limit. It is stored bare and shown in
groups of four (``ABCD-EFGH-JKMN``); whatever a resident types is normalised first.
"""

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12
_NOT_CODE_CHARACTERS = re.compile(r"[\s\-_.·—]")


def new_tracking_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_tracking_code(raw: str | None) -> str:
    """Upper case without spaces or dashes; '' when it cannot be a code (length or alphabet)."""
    text = _NOT_CODE_CHARACTERS.sub("", (raw or "")).upper()[:64]
    if len(text) != LENGTH or any(character not in ALPHABET for character in text):
        return ""
    return text


def format_tracking_code(code: str) -> str:
    return "-".join(code[index:index + 4] for index in range(0, len(code), 4))
