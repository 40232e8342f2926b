"""Scoping: each role sees exactly its subtree of areas, organizations and units, and writes only
where its role allows. (Routes × roles are covered by test_scoping_matrix.py.)"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from dangjian.accounts import scoping
from dangjian.accounts.models import Role
from dangjian.accounts.tests.factories import UserFactory, grant, user_with_role
from dangjian.organizations import selectors
from dangjian.organizations.models import Area, OrganizationKind, PartyOrganization, Unit
from dangjian.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.usefixtures("module_city")

XUANWU_AREAS = {"玄武区", "梅园新村街道", "长江路社区", "大行宫社区", "新街口街道", "华侨路社区", "石鼓路社区"}
XUANWU_ORGANIZATIONS = {
    "中共南京市玄武区委员会",
    "梅园新村街道党工委", "长江路社区党委", "大行宫社区党支部", "南京梅园新村科技有限公司党支部",
    "新街口街道党工委", "华侨路社区党委", "石鼓路社区党支部", "南京新街口科技有限公司党支部",
}
XUANWU_UNITS = {"南京梅园新村科技有限公司", "长江路社区梅园新村养老服务中心",
                "南京新街口科技有限公司", "华侨路社区新街口养老服务中心"}

# role → (areas, organizations, units) it sees; None means everything.
VISIBLE = {
    "superuser": None,
    "city_admin": None,
    "district_admin": (XUANWU_AREAS, XUANWU_ORGANIZATIONS, XUANWU_UNITS),
    "leader": (XUANWU_AREAS, XUANWU_ORGANIZATIONS, XUANWU_UNITS),
    "street_admin": (
        {"梅园新村街道", "长江路社区", "大行宫社区"},
        {"梅园新村街道党工委", "长江路社区党委", "大行宫社区党支部", "南京梅园新村科技有限公司党支部"},
        {"南京梅园新村科技有限公司", "长江路社区梅园新村养老服务中心"},
    ),
    "community_admin": (
        {"大行宫社区"},
        {"大行宫社区党支部", "南京梅园新村科技有限公司党支部"},
        {"南京梅园新村科技有限公司"},
    ),
    # An organization administrator sees its organizations, the areas they sit in, and the units
    # that have an organization among them — not the uncovered units around them.
    "org_admin": (
        {"新街口街道", "华侨路社区", "石鼓路社区"},
        {"新街口街道党工委", "华侨路社区党委", "石鼓路社区党支部", "南京新街口科技有限公司党支部"},
        {"南京新街口科技有限公司"},
    ),
}
ROLES = list(VISIBLE)
MODELS = (Area, PartyOrganization, Unit)


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def everything() -> tuple[set[str], set[str], set[str]]:
    return tuple(names(model.objects.all()) for model in MODELS)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_its_subtree(request, city, role):
    # given a user holding ``role`` in the city
    user = request.getfixturevalue(role)
    # when areas, organizations and units are narrowed to them
    seen = tuple(names(scoping.narrow(user, model.objects.all())) for model in MODELS)
    # then they see exactly their part of the city
    assert seen == (VISIBLE[role] or everything())


@pytest.mark.parametrize("role", ROLES)
def test_each_role_writes_exactly_what_its_role_allows(request, city, role):
    # given a user holding ``role``
    user = request.getfixturevalue(role)
    # when the querysets are narrowed for writing
    writable = tuple(names(scoping.narrow(user, model.objects.all(), write=True)) for model in MODELS)
    # then an administrator may write all it sees, a leader (read-only) nothing, and an
    # organization administrator only its organizations: the areas and units they sit in are
    # the area administrators' business
    expected = VISIBLE[role] or everything()
    if role == "leader":
        expected = (set(), set(), set())
    elif role == "org_admin":
        expected = (set(), expected[1], set())
    assert writable == expected


@pytest.mark.parametrize("role", ROLES)
def test_object_checks_agree_with_the_narrowed_lists(request, city, role):
    # given a user holding ``role`` and every area, organization and unit of the city
    user = request.getfixturevalue(role)
    for model in MODELS:
        visible = set(scoping.narrow(user, model.objects.all()).values_list("pk", flat=True))
        writable = set(scoping.narrow(user, model.objects.all(), write=True).values_list("pk", flat=True))
        for obj in model.objects.all():
            # when each object is checked on its own
            # then can_see / can_write answer exactly as the lists do
            assert scoping.can_see(user, obj) == (obj.pk in visible), (role, obj)
            assert scoping.can_write(user, obj) == (obj.pk in writable), (role, obj)


def test_leader_sees_the_district_but_cannot_change_it(city, leader):
    assert scoping.can_see(leader, city.meiyuan)
    assert not scoping.can_write(leader, city.meiyuan)
    assert not scoping.may_write_anything(leader)


@pytest.mark.parametrize("make_user", [
    lambda city: UserFactory(),
    lambda city: AnonymousUser(),
    lambda city: None,
], ids=["no roles", "anonymous", "nobody"])
def test_without_a_role_nothing_is_visible(city, make_user):
    user = make_user(city)
    assert all(not scoping.narrow(user, model.objects.all()).exists() for model in MODELS)
    assert not scoping.can_see(user, city.xuanwu)


def test_deactivated_user_loses_their_scope(city):
    # given a street administrator whose account is then deactivated
    user = user_with_role(role=Role.AREA_ADMIN, area=city.meiyuan, is_active=False)
    # when their scope is computed
    # then they see nothing
    assert not scoping.narrow(user, Area.objects.all()).exists()
    assert not scoping.can_see(user, city.meiyuan)


def test_read_only_grant_does_not_widen_what_a_user_may_write(city):
    # given a user who leads 玄武区 (read-only) and administers 夫子庙街道 (秦淮区)
    user = user_with_role(role=Role.LEADER, area=city.xuanwu)
    grant(user, role=Role.AREA_ADMIN, area=city.fuzimiao)
    # when areas are narrowed for reading and for writing
    readable = names(scoping.narrow(user, Area.objects.all()))
    writable = names(scoping.narrow(user, Area.objects.all(), write=True))
    # then they read both places but write only 夫子庙街道
    assert readable == XUANWU_AREAS | {"夫子庙街道", "贡院社区", "乌衣巷社区"}
    assert writable == {"夫子庙街道", "贡院社区", "乌衣巷社区"}


def test_unit_with_several_organizations_in_scope_is_listed_once(city, org_admin):
    # given the 新街口 company, which now has a second organization (a party group) of its own
    unit = city.unit(city.xinjiekou)
    OrganizationFactory(parent=city.unit_branch(city.xinjiekou), name="第一党小组",
                        kind=OrganizationKind.PARTY_GROUP, unit=unit)
    # when the organization administrator lists units and areas
    # then the company and its community appear once each
    assert list(scoping.narrow(org_admin, Unit.objects.all())) == [unit]
    areas = list(scoping.narrow(org_admin, Area.objects.all()).values_list("code", flat=True))
    assert sorted(areas) == ["320102003000", "320102003001", "320102003002"]


@pytest.mark.parametrize(("get_for", "target"), [
    (selectors.area_get_for, lambda city: city.xinjiekou),
    (selectors.organization_get_for, lambda city: city.org(city.xinjiekou)),
    (selectors.unit_get_for, lambda city: city.unit(city.xinjiekou)),
], ids=["area", "organization", "unit"])
def test_object_outside_scope_is_not_found(city, street_admin, get_for, target):
    # given the 梅园新村街道 administrator and something of 新街口街道, which exists
    obj = target(city)
    # when they look it up by id
    # then it is "not found", exactly as an id that does not exist
    with pytest.raises(Http404):
        get_for(street_admin, obj.pk)
    with pytest.raises(Http404):
        get_for(street_admin, 10**9)


@pytest.mark.parametrize(("get_for", "target"), [
    (selectors.area_get_for, lambda city: city.meiyuan),
    (selectors.organization_get_for, lambda city: city.org(city.meiyuan)),
    (selectors.unit_get_for, lambda city: city.unit(city.meiyuan)),
], ids=["area", "organization", "unit"])
def test_object_inside_scope_is_found(city, street_admin, get_for, target):
    obj = target(city)
    assert get_for(street_admin, obj.pk) == obj


def test_scope_roots_are_compared_within_their_own_tree(city, district_admin):
    # given the 玄武区 administrator, and the organization whose tree path equals 玄武区's area path
    namesake = PartyOrganization.objects.get(path=city.xuanwu.path)
    # when asked whether each is the root of their scope
    # then 玄武区 is, the organization is not
    assert scoping.is_scope_root(district_admin, city.xuanwu)
    assert not scoping.is_scope_root(district_admin, namesake)
    assert not scoping.is_scope_root(district_admin, city.meiyuan)


def test_dashboard_scope_focuses_on_an_area_inside_the_actors_reach(city, district_admin):
    # given the 玄武区 administrator looking at 梅园新村街道 on the dashboard
    scope = scoping.Scope(actor=district_admin, focus_area=city.meiyuan)
    # when the scope's records are taken
    # then they are those of the street only
    assert names(scope.areas()) == {"梅园新村街道", "长江路社区", "大行宫社区"}
    assert names(scope.units()) == {"南京梅园新村科技有限公司", "长江路社区梅园新村养老服务中心"}
    assert len(scope.organizations()) == 4


def test_dashboard_focus_cannot_widen_the_scope(city, street_admin):
    # given the 梅园新村街道 administrator focusing on the whole of 玄武区
    scope = scoping.Scope(actor=street_admin, focus_area=city.xuanwu)
    # then they still only see their street
    assert names(scope.areas()) == {"梅园新村街道", "长江路社区", "大行宫社区"}
