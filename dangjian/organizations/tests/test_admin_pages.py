"""Back-office pages write through the services: bad input gets a Chinese message and
nothing is written; the trees list only the actor's scope, with counts under each node."""

import pytest
from django.test import Client

from dangjian.accounts.models import RoleAssignment
from dangjian.organizations.models import Area, PartyOrganization, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_area_with_invalid_code_is_refused_on_the_page(city, street_admin):
    before = Area.objects.count()
    response = _client(street_admin).post("/admin/organizations/area/add/", {
        "parent": city.meiyuan.pk, "name": "新社区", "code": "12345"})
    assert response.status_code == 200
    assert "社区的统计用区划代码应为12位数字" in response.content.decode()
    assert Area.objects.count() == before


def test_area_is_added_under_the_street(city, street_admin):
    response = _client(street_admin).post("/admin/organizations/area/add/", {
        "parent": city.meiyuan.pk, "name": "新建社区", "code": "320102002009"})
    assert response.status_code == 302
    created = Area.objects.get(code="320102002009")
    assert created.level == "community" and Area.objects.get_parent(created) == city.meiyuan


def test_moving_an_organization_under_its_own_descendant_is_refused(city, district_admin):
    committee = PartyOrganization.objects.get(pk=city.org(city.meiyuan).pk)
    below = PartyOrganization.objects.get(pk=city.org(city.dahanggong).pk)
    path_before = committee.path
    response = _client(district_admin).post("/admin/organizations/partyorganization/move/", {
        "node": committee.pk, "target": below.pk, "relation": "child"})
    assert response.status_code == 400
    assert PartyOrganization.objects.get(pk=committee.pk).path == path_before


def test_unit_with_malformed_credit_code_is_refused_on_the_page(city, street_admin):
    before = Unit.objects.count()
    response = _client(street_admin).post("/admin/organizations/unit/add/", {
        "name": "某公司", "sector": "non_public_enterprise", "credit_code": "91320102MA1234567X",
        "area": city.dahanggong.pk, "staff_count": 5, "is_operating": "on", "address": "", "social_org_type": ""})
    assert response.status_code == 200
    assert "统一社会信用代码" in response.content.decode()
    assert Unit.objects.count() == before


def test_role_without_scope_is_refused_on_the_page(city, city_admin, street_admin):
    before = RoleAssignment.objects.count()
    response = _client(city_admin).post("/admin/accounts/roleassignment/add/", {
        "user": street_admin.pk, "role": "area_admin", "area": "", "organization": ""})
    assert response.status_code == 200
    assert "管辖范围" in response.content.decode()
    assert RoleAssignment.objects.count() == before


def test_tree_shows_counts_under_each_node(city, district_admin):
    html = _client(district_admin).get("/admin/organizations/area/").content.decode()
    assert "玄武区" in html and "秦淮区" not in html
    assert "驻区单位" in html  # the counts columns


def test_area_tree_children_load_only_inside_scope(city, street_admin):
    client = _client(street_admin)
    inside = client.get(f"/admin/organizations/area/children/{city.meiyuan.pk}/")
    assert inside.status_code == 200 and "大行宫社区" in inside.json()["result_html"]
    outside = client.get(f"/admin/organizations/area/children/{city.fuzimiao.pk}/")
    assert outside.status_code == 404
