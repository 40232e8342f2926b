"""Members built through the real services, with valid checksummed ID numbers."""

import datetime
import itertools

from stdnum.cn import ric

from dangjian.members import services

_serials = itertools.count(1)


def valid_id_number(*, region: str = "320102", birth: datetime.date = datetime.date(1980, 5, 17),
                    serial: int | None = None, female: bool = False) -> str:
    """An 18-character resident ID with the check digit computed by python-stdnum."""
    serial = next(_serials) if serial is None else serial
    sequence = (serial % 500) * 2 + (0 if female else 1)
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def member(*, actor, organization, name: str = "张三", birth: datetime.date = datetime.date(1980, 5, 17),
           joined_on: datetime.date = datetime.date(2005, 7, 1),
           full_member_on: datetime.date | None = datetime.date(2006, 7, 1), **fields):
    fields.setdefault("id_number", valid_id_number(birth=birth))
    fields.setdefault("ethnicity", "01")
    fields.setdefault("status", "full" if full_member_on else "probationary")
    return services.member_create(actor=actor, organization=organization, name=name, joined_on=joined_on,
                                  full_member_on=full_member_on, **fields)
