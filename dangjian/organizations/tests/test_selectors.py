"""Selectors: the lists and lookups pages and the API show, narrowed, filtered, ordered, and with
a pinned number of queries (an N+1 fails here)."""

import pytest
from django.http import Http404

from dangjian.accounts.models import User
from dangjian.organizations import selectors
from dangjian.organizations.models import Area, AreaLevel, OrganizationKind, PartyOrganization, Sector
from dangjian.organizations.tests.factories import AreaFactory, OrganizationFactory, UnitFactory

pytestmark = pytest.mark.usefixtures("module_city")


def fresh(user) -> User:
    """The same user as a new request would load it: no grants cached yet."""
    return User.objects.get(pk=user.pk)


# ---------------------------------------------------------------- areas


def test_areas_list_in_tree_order(city, district_admin):
    # given the 玄武区 administrator
    # when their areas are listed
    codes = [area.code for area in selectors.area_list_for(district_admin)]
    # then each street follows the district and its communities follow it, in code order
    assert codes == ["320102", "320102002000", "320102002001", "320102002002",
                     "320102003000", "320102003001", "320102003002"]


def test_areas_filter_by_level_and_subtree(city, city_admin):
    # given the city administrator
    # when they list the communities under 秦淮区
    communities = selectors.area_list_for(city_admin, level=AreaLevel.COMMUNITY, under=city.qinhuai)
    # then they get its four communities only
    assert [area.name for area in communities] == ["贡院社区", "乌衣巷社区", "秦虹社区", "大明路社区"]


def test_subtree_filter_cannot_reach_outside_scope(city, street_admin):
    assert not selectors.area_list_for(street_admin, under=city.fuzimiao).exists()


def test_area_lookup_by_garbage_id_is_not_found(city, city_admin):
    with pytest.raises(Http404):
        selectors.area_get_for(city_admin, "abc")
    with pytest.raises(Http404):
        selectors.area_get_for(city_admin, None)


def test_area_list_takes_two_queries_however_many_rows(city, district_admin, django_assert_max_num_queries):
    # given six more communities in 梅园新村街道
    for _ in range(6):
        AreaFactory(parent=city.meiyuan)
    user = fresh(district_admin)
    # when the list is rendered with each area's level
    # then it costs one query for the grants and one for the rows
    with django_assert_max_num_queries(2):
        rows = [(area.name, area.get_level_display()) for area in selectors.area_list_for(user)]
    assert len(rows) == 13


def test_org_admin_area_list_takes_two_queries(city, org_admin, django_assert_max_num_queries):
    user = fresh(org_admin)
    with django_assert_max_num_queries(2):
        assert len(list(selectors.area_list_for(user))) == 3


# ---------------------------------------------------------------- organizations


def test_organizations_filter_by_kind(city, district_admin):
    branches = selectors.organization_list_for(district_admin, kind=OrganizationKind.BRANCH)
    assert {o.name for o in branches} == {"大行宫社区党支部", "石鼓路社区党支部",
                                          "南京梅园新村科技有限公司党支部", "南京新街口科技有限公司党支部"}


def test_organizations_filter_by_where_they_are_located(city, district_admin):
    # given the 玄武区 administrator
    # when they list the organizations located in 大行宫社区
    located = selectors.organization_list_for(district_admin, area=city.dahanggong)
    # then they get the community branch and the company branch, siblings in pinyin order
    assert [o.name for o in located] == ["大行宫社区党支部", "南京梅园新村科技有限公司党支部"]
    assert {o.unit.name if o.unit else None for o in located} == {None, "南京梅园新村科技有限公司"}


def test_organizations_list_in_tree_order(city, street_admin):
    organizations = list(selectors.organization_list_for(street_admin))
    assert organizations[0] == city.org(city.meiyuan)
    assert all(PartyOrganization.objects.get_parent(o) == city.org(city.meiyuan) for o in organizations[1:])


def test_organization_list_takes_two_queries_with_area_and_unit(city, district_admin,
                                                                 django_assert_max_num_queries):
    # given more branches, each with its own unit, under 梅园新村街道党工委
    for _ in range(5):
        unit = UnitFactory(area=city.changjianglu)
        OrganizationFactory(parent=city.org(city.meiyuan), kind=OrganizationKind.BRANCH, area=city.changjianglu,
                            unit=unit)
    user = fresh(district_admin)
    # when the list is rendered with each organization's area and unit
    # then it costs one query for the grants and one for the rows
    with django_assert_max_num_queries(2):
        rows = [(o.name, o.area.name, o.unit.name if o.unit else "") for o in selectors.organization_list_for(user)]
    assert len(rows) == 14


# ---------------------------------------------------------------- units


def test_units_list_in_pinyin_order(city, district_admin):
    # given the 玄武区 administrator
    # when their units are listed
    # then they are in pinyin order (c, h, n …), not code-point order
    assert [unit.name for unit in selectors.unit_list_for(district_admin)] == [
        "长江路社区梅园新村养老服务中心", "华侨路社区新街口养老服务中心", "南京梅园新村科技有限公司", "南京新街口科技有限公司"]


def test_units_found_by_part_of_the_name(city, district_admin):
    found = selectors.unit_list_for(district_admin, search=" 养老 ")
    assert {unit.name for unit in found} == {"长江路社区梅园新村养老服务中心", "华侨路社区新街口养老服务中心"}


def test_units_found_by_the_start_of_their_pinyin(city, district_admin):
    # given a user typing pinyin, in capitals, rather than characters
    found = selectors.unit_list_for(district_admin, search="NanjingXin")
    # then the unit whose name reads that way is found
    assert [unit.name for unit in found] == ["南京新街口科技有限公司"]


def test_search_stays_inside_scope(city, street_admin):
    assert not selectors.unit_list_for(street_admin, search="新街口").exists()


def test_units_filter_by_sector_and_area(city, city_admin):
    social = selectors.unit_list_for(city_admin, sector=Sector.SOCIAL_ORGANIZATION, area=city.qinhuai)
    assert {Area.objects.get_parent(unit.area) for unit in social} == {city.fuzimiao, city.qinhong}
    assert len(social) == 2


def test_unit_list_takes_two_queries_however_many_rows(city, org_admin, django_assert_max_num_queries):
    # given five more companies, each with a branch, under the organization administrator's committee
    for _ in range(5):
        unit = UnitFactory(area=city.areas["320102003001"])
        OrganizationFactory(parent=city.org(city.xinjiekou), kind=OrganizationKind.BRANCH, area=unit.area,
                            unit=unit)
    user = fresh(org_admin)
    # when the unit list is rendered with each unit's area, searched by pinyin
    # then it costs one query for the grants and one for the rows
    with django_assert_max_num_queries(2):
        rows = [(unit.name, unit.area.name) for unit in selectors.unit_list_for(user, search="nanjing")]
    assert len(rows) == 6
