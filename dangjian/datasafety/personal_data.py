"""A member's own data, for the PIPL right of access and copy (个人信息保护法 第四十五条).

The export is a list of sections; each is a title, column headings and rows, read for one
member only (the member comes from their own portal account, never from a parameter). Any
app adds what it keeps about a member by registering a section in ``<app>/personal_data.py``::

    from dangjian.datasafety.personal_data import Section, section

    @section(key="dues.payments", title="党费缴纳记录", order=50)
    def payments(member):
        return Section(columns=["月份", "金额（元）"], rows=[[...], ...])

The sections of the apps that have none of their own (members, portal, notices) are in
``own_data_sections.py``. What is left out, and why, is in docs/apps/datasafety.md.
"""

import datetime
import decimal
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules


@dataclass
class Section:
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    title: str = ""
    key: str = ""


@dataclass(frozen=True)
class _Registered:
    key: str
    title: str
    order: int
    build: Callable[..., Section]


_registry: dict[str, _Registered] = {}


def section(*, key: str, title: str, order: int = 100):
    def decorator(build):
        _registry[key] = _Registered(key=key, title=title, order=order, build=build)
        return build

    return decorator


def autodiscover() -> None:
    autodiscover_modules("personal_data")


def sections_for(member) -> list[Section]:
    """Every registered section for ``member``, in order (a section with no rows is kept:
    "nothing recorded" is an answer too)."""
    built = []
    for entry in sorted(_registry.values(), key=lambda e: (e.order, e.key)):
        result = entry.build(member)
        result.key, result.title = entry.key, result.title or entry.title
        built.append(result)
    return built


def plain(value):
    """A cell as JSON and a spreadsheet both take it."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if value is None:
        return ""
    return value
