"""The member's dues card on the portal home page: this year's months paid and due."""

import datetime

import pytest
from django.utils import timezone

from dangjian.dues import services
from dangjian.dues.amounts import month_start, shift_month
from dangjian.dues.portal_cards import my_dues
from dangjian.dues.tests.factories import declared_member
from dangjian.members.tests.factories import member

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS = month_start(TODAY)


def test_the_card_shows_months_paid_this_month_due_and_months_behind(superuser, city, django_assert_max_num_queries):
    someone = declared_member(actor=superuser, organization=city.org(city.dahanggong), base="4000",
                              effective_from=datetime.date(TODAY.year, 1, 1))
    if TODAY.month > 1:
        services.dues_pay(actor=superuser, member=someone, months=[shift_month(THIS, -1)], paid_on=TODAY)
    with django_assert_max_num_queries(4):
        card = my_dues(someone, today=TODAY)
    text = "".join(card.lines)
    assert "本月应交40.00元" in text
    if TODAY.month > 1:
        assert f"{TODAY.year}年已交1个月，共40.00元" in text
    if TODAY.month > 2:
        assert "尚未交纳：1月" in text


def test_no_card_for_a_member_without_a_declaration(superuser, city):
    assert my_dues(member(actor=superuser, organization=city.org(city.dahanggong)), today=TODAY) is None
