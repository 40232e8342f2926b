"""A branch of 大行宫社区 with two members who use the portal, and one in 秦淮区."""

import datetime

import pytest
from django.core.cache import cache

from dangjian.members.tests.factories import member
from dangjian.organizations.models import PartyOrganization
from dangjian.portal.tests.factories import activated


@pytest.fixture(autouse=True)
def _fresh_attempt_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def branch(city):
    return PartyOrganization.objects.get(pk=city.org(city.dahanggong).pk)


@pytest.fixture
def wang(branch, superuser):
    return member(actor=superuser, organization=branch, name="王建国", phone="13912345678",
                  birth=datetime.date(1950, 9, 1), joined_on=datetime.date(1975, 7, 1),
                  full_member_on=datetime.date(1976, 7, 1), employment="retired")


@pytest.fixture
def li(branch, superuser):
    return member(actor=superuser, organization=branch, name="李晓梅", phone="13800001111",
                  birth=datetime.date(1990, 3, 3), joined_on=datetime.date(2020, 7, 1), full_member_on=None)


@pytest.fixture
def outsider(city, superuser):
    """A member in 秦淮区 (outside the 玄武区 administrators' scope)."""
    return member(actor=superuser, organization=PartyOrganization.objects.get(pk=city.org(city.fuzimiao).pk),
                  name="赵远方", phone="13700002222", birth=datetime.date(1985, 1, 1))


@pytest.fixture
def wang_account(wang, community_admin):
    return activated(actor=community_admin, member=wang)


@pytest.fixture
def li_account(li, community_admin):
    return activated(actor=community_admin, member=li)
