"""Dues records built through the real services."""

import datetime
from decimal import Decimal

from dangjian.dues import services
from dangjian.members.tests.factories import member as make_member


def declared_member(*, actor, organization, name: str = "张三", base: str = "4000",
                    category: str = "in_service", effective_from: datetime.date = datetime.date(2024, 1, 1),
                    **member_fields):
    """A member with a dues declaration in force from ``effective_from``."""
    member_fields.setdefault("joined_on", datetime.date(2005, 7, 1))
    someone = make_member(actor=actor, organization=organization, name=name, **member_fields)
    services.dues_declare(actor=actor, member=someone, category=category, effective_from=effective_from,
                          income_base=Decimal(base) if category in ("in_service", "retired") else None)
    return someone
