"""The card registry of the member's home page (/m/ and ``GET /api/v1/portal/cards``).

Any app adds a card by writing ``<app>/portal_cards.py``::

    from dangjian.portal.cards import Card, register

    @register(key="school.hours", title="学习学时", order=30)
    def study_hours(member, *, today):
        hours = ...  # read through the app's own selectors, for this one member only
        return Card(lines=[f"今年已学 {hours} 学时"], link="/m/school/")

The function receives the signed-in member (a ``members.Member``) and returns a ``Card`` or
None (nothing to show: the card is left out). It must read only that member's own records
and stay cheap (one or two queries): it runs on every home-page view. ``template`` lets a card
render richer HTML on the page (the floating card carries a form); the API always sends
``title``, ``lines`` and ``link``. A card that raises is left out and logged, so one broken
module never takes the home page down.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)


@dataclass
class Card:
    lines: list[str]
    title: str = ""
    link: str = ""
    template: str = ""
    context: dict = field(default_factory=dict)
    key: str = ""


@dataclass(frozen=True)
class _Registered:
    key: str
    title: str
    order: int
    build: Callable[..., Card | None]


_registry: dict[str, _Registered] = {}


def register(*, key: str, title: str, order: int = 100):
    """Register a card builder under a unique ``key``; cards show in ``order``."""

    def decorator(build):
        _registry[key] = _Registered(key=key, title=title, order=order, build=build)
        return build

    return decorator


def autodiscover() -> None:
    autodiscover_modules("portal_cards")


def registered() -> list[_Registered]:
    return sorted(_registry.values(), key=lambda entry: (entry.order, entry.key))


def cards_for(member, *, today: datetime.date) -> list[Card]:
    """The cards to show ``member``, in order."""
    shown = []
    for entry in registered():
        try:
            card = entry.build(member, today=today)
        except Exception:
            logger.exception("portal card %s failed", entry.key)
            continue
        if card is None:
            continue
        card.key = entry.key
        card.title = card.title or entry.title
        shown.append(card)
    return shown
