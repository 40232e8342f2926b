"""The /api/v1 routes for areas, party organizations and units, as each role sees them.

Data comes from the ``city`` fixture (dangjian/conftest.py): 南京市 → 玄武区, 秦淮区 → two streets
each → two communities each. ``district_admin`` and ``leader`` hold 玄武区, so everything in
秦淮区 is outside their scope and must answer 404 — also when its id sits in a request body.
"""

import pytest
from django.test import Client

from dangjian.accounts.models import AuditEntry
from dangjian.accounts.tests.factories import client_for
from dangjian.organizations.models import Area, AreaLevel, OrganizationKind, PartyOrganization, Sector, Unit
from dangjian.organizations.tests.factories import AreaFactory, UnitFactory, valid_credit_code

API = "/api/v1"
# The city and its users are built once for the module (dangjian/conftest.py).
pytestmark = pytest.mark.usefixtures("module_city")


@pytest.fixture
def as_district_admin(district_admin):
    return client_for(district_admin)


@pytest.fixture
def as_city_admin(city_admin):
    return client_for(city_admin)


@pytest.fixture
def as_leader(leader):
    return client_for(leader)


def ids(response) -> set[int]:
    return {item["id"] for item in response.json()["items"]}


class Unchanged:
    """Counts rows and audit entries before a refused write, to assert nothing was written."""

    def __init__(self, *models):
        self.models = (*models, AuditEntry)
        self.before = self._counts()

    def _counts(self):
        return [model.objects.count() for model in self.models]

    def __bool__(self):
        return self._counts() == self.before


# ---------------------------------------------------------------- the API as a whole


@pytest.mark.django_db
def test_openapi_document_lists_every_route():
    """The OpenAPI document is served without signing in and names each app's paths."""
    response = Client().get(f"{API}/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "社区党建 API"
    assert document["info"]["version"] == "1"
    assert {
        f"{API}/areas", f"{API}/areas/{{area_id}}", f"{API}/areas/{{area_id}}/move",
        f"{API}/organizations", f"{API}/organizations/{{organization_id}}",
        f"{API}/organizations/{{organization_id}}/move",
        f"{API}/units", f"{API}/units/{{unit_id}}",
        f"{API}/tokens", f"{API}/tokens/{{token_id}}/revoke",
    } <= set(document["paths"])
    # the back office's two, and the member portal's (a member's token or portal session)
    assert set(document["components"]["securitySchemes"]) == {"BearerTokenAuth", "SessionCsrfAuth",
                                                                "PortalBearerAuth", "PortalSessionAuth"}


@pytest.mark.django_db
def test_docs_page_loads_only_same_origin_assets():
    """The intranet has no internet: Swagger UI comes from the bundled static files, and its
    validator badge (which would call validator.swagger.io) is switched off."""
    response = Client().get(f"{API}/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assert '"validatorUrl": null' in html
    assert Client().get("/static/ninja/swagger-ui-bundle.js").status_code == 200


@pytest.mark.django_db
def test_anonymous_request_is_refused_with_401_in_chinese():
    response = Client().get(f"{API}/areas")

    assert response.status_code == 401
    assert "未登录" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_schema_error_is_422_with_chinese_detail_and_ninja_errors(as_district_admin, city):
    """A body that does not match the schema: Chinese summary, ninja's per-field list kept."""
    response = as_district_admin.post(f"{API}/organizations", {"name": "某党支部", "kind": "club"},
                                      content_type="application/json")

    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "请求参数格式不正确，请对照接口文档检查后重试。"
    assert {tuple(error["loc"]) for error in body["errors"]} >= {("body", "data", "kind"), ("body", "data", "area")}


# ---------------------------------------------------------------- areas


def test_area_list_shows_only_the_district_subtree(as_district_admin, city):
    response = as_district_admin.get(f"{API}/areas")

    assert response.status_code == 200
    body = response.json()
    xuanwu_subtree = {area.pk for area in city.areas.values() if area.path.startswith(city.xuanwu.path)}
    assert body["count"] == len(xuanwu_subtree) == 7
    assert ids(response) == xuanwu_subtree
    first = body["items"][0]
    assert first["name"] == "玄武区"
    assert first["level"] == "district" and first["level_display"] == "区"
    assert first["parent_id"] is None  # 南京市 is outside the district administrator's scope
    streets = [item for item in body["items"] if item["level"] == "street"]
    assert {item["parent_id"] for item in streets} == {city.xuanwu.pk}


def test_area_list_filters_by_level_and_subtree(as_city_admin, city):
    response = as_city_admin.get(f"{API}/areas", {"level": "community", "under": city.meiyuan.pk})

    assert response.status_code == 200
    assert ids(response) == {city.changjianglu.pk, city.dahanggong.pk}


def test_area_list_pages_with_limit_and_offset(as_city_admin, city):
    response = as_city_admin.get(f"{API}/areas", {"limit": 5, "offset": 5})

    body = response.json()
    assert body["count"] == 15
    assert len(body["items"]) == 5


def test_area_list_under_an_area_outside_scope_is_404(as_district_admin, city):
    response = as_district_admin.get(f"{API}/areas", {"under": city.qinhuai.pk})

    assert response.status_code == 404
    assert response.json() == {"detail": "区域不存在。"}


def test_area_list_rejects_an_unknown_level(as_city_admin, city):
    response = as_city_admin.get(f"{API}/areas", {"level": "province"})

    assert response.status_code == 422


def test_area_list_query_count_does_not_grow_with_rows(as_city_admin, city, django_assert_max_num_queries):
    # given twelve more communities on the page
    for _ in range(12):
        AreaFactory(parent=city.meiyuan)

    # then: session, user, grants, count, page (parent ids are a subquery of the page)
    with django_assert_max_num_queries(5):
        response = as_city_admin.get(f"{API}/areas", {"limit": 100})
    assert len(response.json()["items"]) == 27


def test_area_detail_in_scope(as_district_admin, city):
    response = as_district_admin.get(f"{API}/areas/{city.meiyuan.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "320102002000"
    assert body["parent_id"] == city.xuanwu.pk
    assert body["numchild"] == 2


def test_area_detail_outside_scope_is_404_without_data(as_district_admin, city):
    response = as_district_admin.get(f"{API}/areas/{city.fuzimiao.pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": "区域不存在。"}


def test_area_create_under_a_street_in_scope(as_district_admin, city):
    response = as_district_admin.post(
        f"{API}/areas", {"parent": city.meiyuan.pk, "name": "梅园社区", "code": "320102002003"},
        content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    assert body["level"] == "community" and body["parent_id"] == city.meiyuan.pk
    area = Area.objects.get(pk=body["id"])
    assert area.get_parent() == city.meiyuan
    assert AuditEntry.objects.filter(action="create", object_type="organizations.Area",
                                     object_id=str(area.pk)).exists()


def test_area_create_with_an_invalid_code_is_422_and_writes_nothing(as_district_admin, city):
    unchanged = Unchanged(Area)

    response = as_district_admin.post(
        f"{API}/areas", {"parent": city.meiyuan.pk, "name": "梅园社区", "code": "320104001003"},
        content_type="application/json")

    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == {"code": ["社区代码应以所属街道代码的前9位 320102002 开头。"]}
    assert body["detail"] == "社区代码应以所属街道代码的前9位 320102002 开头。"
    assert unchanged


def test_area_create_under_a_parent_outside_scope_is_404(as_district_admin, city):
    unchanged = Unchanged(Area)

    response = as_district_admin.post(
        f"{API}/areas", {"parent": city.fuzimiao.pk, "name": "新社区", "code": "320104001003"},
        content_type="application/json")

    assert response.status_code == 404
    assert unchanged


def test_area_create_by_a_leader_is_403(as_leader, city):
    unchanged = Unchanged(Area)

    response = as_leader.post(
        f"{API}/areas", {"parent": city.meiyuan.pk, "name": "梅园社区", "code": "320102002003"},
        content_type="application/json")

    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    assert "没有权限" in response.json()["detail"]
    assert unchanged


def test_area_patch_changes_only_the_name(as_district_admin, city):
    response = as_district_admin.patch(f"{API}/areas/{city.changjianglu.pk}", {"name": "长江路新社区"},
                                       content_type="application/json")

    assert response.status_code == 200
    city.changjianglu.refresh_from_db()
    assert city.changjianglu.name == "长江路新社区"
    assert city.changjianglu.code == "320102002001"


def test_area_patch_by_a_leader_is_403_and_changes_nothing(as_leader, city):
    response = as_leader.patch(f"{API}/areas/{city.changjianglu.pk}", {"name": "改名"},
                               content_type="application/json")

    assert response.status_code == 403
    city.changjianglu.refresh_from_db()
    assert city.changjianglu.name == "长江路社区"


def test_area_patch_outside_scope_is_404(as_district_admin, city):
    response = as_district_admin.patch(f"{API}/areas/{city.fuzimiao.pk}", {"name": "改名"},
                                       content_type="application/json")

    assert response.status_code == 404
    city.fuzimiao.refresh_from_db()
    assert city.fuzimiao.name == "夫子庙街道"


def test_area_move_to_another_street_with_its_new_code(as_district_admin, city):
    response = as_district_admin.post(
        f"{API}/areas/{city.changjianglu.pk}/move", {"parent": city.xinjiekou.pk, "code": "320102003003"},
        content_type="application/json")

    assert response.status_code == 200
    body = response.json()
    assert body["parent_id"] == city.xinjiekou.pk
    assert body["code"] == "320102003003"
    assert Area.objects.get(pk=city.changjianglu.pk).get_parent() == city.xinjiekou


def test_area_move_under_its_own_descendant_is_422_and_writes_nothing(as_city_admin, city):
    path_before = Area.objects.get(pk=city.xuanwu.pk).path
    unchanged = Unchanged(Area)

    response = as_city_admin.post(f"{API}/areas/{city.xuanwu.pk}/move", {"parent": city.meiyuan.pk},
                                  content_type="application/json")

    assert response.status_code == 422
    assert response.json()["detail"] == "不能把区域移动到它自己或它的下级区域之下。"
    assert Area.objects.get(pk=city.xuanwu.pk).path == path_before
    assert unchanged


def test_area_move_under_a_parent_outside_scope_is_404(as_district_admin, city):
    response = as_district_admin.post(
        f"{API}/areas/{city.changjianglu.pk}/move", {"parent": city.fuzimiao.pk, "code": "320104001003"},
        content_type="application/json")

    assert response.status_code == 404
    assert Area.objects.get(pk=city.changjianglu.pk).get_parent() == city.meiyuan


# ---------------------------------------------------------------- party organizations


def test_organization_list_shows_the_organizations_located_in_scope(as_district_admin, city):
    response = as_district_admin.get(f"{API}/organizations")

    assert response.status_code == 200
    expected = set(PartyOrganization.objects.filter(area__path__startswith=city.xuanwu.path)
                   .values_list("pk", flat=True))
    assert response.json()["count"] == len(expected) == 9
    assert ids(response) == expected
    committee = next(item for item in response.json()["items"] if item["id"] == city.org(city.xuanwu).pk)
    assert committee["kind"] == "committee" and committee["kind_display"] == "党委"
    assert committee["area"] == {"id": city.xuanwu.pk, "name": "玄武区"}
    assert committee["parent_id"] is None
    assert committee["unit"] is None


def test_organization_list_filters_by_kind_and_area(as_district_admin, city):
    response = as_district_admin.get(f"{API}/organizations",
                                     {"kind": "working_committee", "area": city.meiyuan.pk})

    assert ids(response) == {city.org(city.meiyuan).pk}


def test_organization_list_in_an_area_outside_scope_is_404(as_district_admin, city):
    response = as_district_admin.get(f"{API}/organizations", {"area": city.qinhuai.pk})

    assert response.status_code == 404


def test_organization_list_query_count_is_pinned(as_city_admin, city, django_assert_max_num_queries):
    # then: session, user, grants, count, page with area, unit and parent id joined in
    with django_assert_max_num_queries(5):
        response = as_city_admin.get(f"{API}/organizations")
    assert response.json()["count"] == 18
    unit_branch = city.unit_branch(city.meiyuan)
    item = next(item for item in response.json()["items"] if item["id"] == unit_branch.pk)
    assert item["unit"] == {"id": city.unit(city.meiyuan).pk, "name": city.unit(city.meiyuan).name}
    assert item["parent_id"] == city.org(city.meiyuan).pk


def test_organization_detail_in_and_outside_scope(as_district_admin, city):
    inside = as_district_admin.get(f"{API}/organizations/{city.org(city.meiyuan).pk}")
    outside = as_district_admin.get(f"{API}/organizations/{city.org(city.fuzimiao).pk}")

    assert inside.status_code == 200
    assert inside.json()["name"] == "梅园新村街道党工委"
    assert inside.json()["parent_id"] == city.org(city.xuanwu).pk
    assert outside.status_code == 404
    assert outside.json() == {"detail": "党组织不存在。"}


def test_organization_create_a_branch_with_its_term(as_district_admin, city):
    response = as_district_admin.post(f"{API}/organizations", {
        "parent": city.org(city.changjianglu).pk, "name": "长江路社区第二党支部", "kind": "branch",
        "area": city.changjianglu.pk, "secretary_name": "王芳", "founded_on": "2020-03-01",
        "term_started_on": "2023-03-01",
    }, content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    assert body["kind_display"] == "党支部"
    assert body["area"] == {"id": city.changjianglu.pk, "name": "长江路社区"}
    assert body["parent_id"] == city.org(city.changjianglu).pk
    assert body["term_ends_on"] == "2028-03-01"  # a community's branch: five years (ORG-06)
    assert PartyOrganization.objects.get(pk=body["id"]).secretary_name == "王芳"


@pytest.mark.parametrize("field", ["parent", "area", "unit"])
def test_organization_create_with_an_id_outside_scope_is_404(as_district_admin, city, field):
    """Ids inside the body go through the scoped selectors too: 秦淮区 stays invisible."""
    body = {"parent": city.org(city.changjianglu).pk, "name": "某党支部", "kind": "branch",
            "area": city.changjianglu.pk}
    body[field] = {"parent": city.org(city.fuzimiao).pk, "area": city.fuzimiao.pk,
                   "unit": city.unit(city.fuzimiao).pk}[field]
    unchanged = Unchanged(PartyOrganization)

    response = as_district_admin.post(f"{API}/organizations", body, content_type="application/json")

    assert response.status_code == 404
    assert unchanged


def test_organization_create_in_the_wrong_place_is_422(as_district_admin, city):
    unchanged = Unchanged(PartyOrganization)

    response = as_district_admin.post(f"{API}/organizations", {
        "parent": city.org(city.dahanggong).pk, "name": "某党支部", "kind": "branch",
        "area": city.dahanggong.pk,
    }, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["detail"] == "党支部之下只能设党小组。"
    assert unchanged


def test_organization_create_by_a_leader_is_403(as_leader, city):
    unchanged = Unchanged(PartyOrganization)

    response = as_leader.post(f"{API}/organizations", {
        "parent": city.org(city.changjianglu).pk, "name": "某党支部", "kind": "branch",
        "area": city.changjianglu.pk,
    }, content_type="application/json")

    assert response.status_code == 403
    assert unchanged


def test_organization_patch_changes_the_fields_sent(as_district_admin, city):
    branch = city.unit_branch(city.meiyuan)

    response = as_district_admin.patch(f"{API}/organizations/{branch.pk}",
                                       {"secretary_name": "李强", "unit": None},
                                       content_type="application/json")

    assert response.status_code == 200
    assert response.json()["unit"] is None
    branch.refresh_from_db()
    assert branch.secretary_name == "李强" and branch.unit is None
    assert branch.kind == OrganizationKind.BRANCH


def test_organization_patch_with_a_future_founding_date_is_422(as_district_admin, city):
    organization = city.org(city.changjianglu)

    response = as_district_admin.patch(f"{API}/organizations/{organization.pk}", {"founded_on": "2999-01-01"},
                                       content_type="application/json")

    assert response.status_code == 422
    assert response.json()["errors"] == {"founded_on": ["成立日期不能晚于今天。"]}
    organization.refresh_from_db()
    assert organization.founded_on is None


def test_organization_patch_by_a_leader_is_403(as_leader, city):
    organization = city.org(city.changjianglu)

    response = as_leader.patch(f"{API}/organizations/{organization.pk}", {"secretary_name": "李强"},
                               content_type="application/json")

    assert response.status_code == 403
    organization.refresh_from_db()
    assert organization.secretary_name == ""


def test_organization_move_to_another_working_committee(as_district_admin, city):
    branch = city.unit_branch(city.meiyuan)

    response = as_district_admin.post(f"{API}/organizations/{branch.pk}/move",
                                      {"parent": city.org(city.xinjiekou).pk}, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["parent_id"] == city.org(city.xinjiekou).pk
    assert PartyOrganization.objects.get(pk=branch.pk).get_parent() == city.org(city.xinjiekou)


def test_organization_move_under_its_own_descendant_is_422(as_district_admin, city):
    working_committee = PartyOrganization.objects.get(pk=city.org(city.meiyuan).pk)

    response = as_district_admin.post(f"{API}/organizations/{working_committee.pk}/move",
                                      {"parent": city.org(city.changjianglu).pk},
                                      content_type="application/json")

    assert response.status_code == 422
    assert response.json()["detail"] == "不能把党组织移动到它自己或它的下级组织之下。"
    assert PartyOrganization.objects.get(pk=working_committee.pk).path == working_committee.path


def test_organization_move_under_a_parent_outside_scope_is_404(as_district_admin, city):
    branch = PartyOrganization.objects.get(pk=city.unit_branch(city.meiyuan).pk)

    response = as_district_admin.post(f"{API}/organizations/{branch.pk}/move",
                                      {"parent": city.org(city.fuzimiao).pk}, content_type="application/json")

    assert response.status_code == 404
    assert PartyOrganization.objects.get(pk=branch.pk).path == branch.path


# ---------------------------------------------------------------- units


def test_unit_list_shows_units_in_scope_with_their_area(as_district_admin, city):
    response = as_district_admin.get(f"{API}/units")

    assert response.status_code == 200
    expected = set(Unit.objects.filter(area__path__startswith=city.xuanwu.path).values_list("pk", flat=True))
    assert response.json()["count"] == len(expected) == 4
    assert ids(response) == expected
    unit = city.unit(city.meiyuan)
    item = next(item for item in response.json()["items"] if item["id"] == unit.pk)
    assert item["sector"] == "non_public_enterprise" and item["sector_display"] == "非公有制企业"
    assert item["credit_code"] == unit.credit_code
    assert item["area"] == {"id": city.dahanggong.pk, "name": "大行宫社区"}


def test_unit_list_filters_by_sector_area_and_search(as_district_admin, city):
    by_sector = as_district_admin.get(f"{API}/units", {"sector": "social_organization", "area": city.meiyuan.pk})
    by_name = as_district_admin.get(f"{API}/units", {"q": "梅园新村科技"})
    by_pinyin = as_district_admin.get(f"{API}/units", {"q": "nanjingmeiyuan"})

    assert ids(by_sector) == {city.uncovered_unit(city.meiyuan).pk}
    assert ids(by_name) == {city.unit(city.meiyuan).pk}
    assert ids(by_pinyin) == {city.unit(city.meiyuan).pk}


def test_unit_list_query_count_does_not_grow_with_rows(as_city_admin, city, django_assert_max_num_queries):
    for _ in range(20):
        UnitFactory(area=city.changjianglu)

    with django_assert_max_num_queries(5):
        response = as_city_admin.get(f"{API}/units")
    assert response.json()["count"] == 28


def test_unit_detail_outside_scope_is_404(as_district_admin, city):
    response = as_district_admin.get(f"{API}/units/{city.unit(city.fuzimiao).pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": "单位不存在。"}


def test_unit_create_in_scope(as_district_admin, city):
    code = valid_credit_code(region="320102")

    response = as_district_admin.post(f"{API}/units", {
        "name": "南京长江路餐饮有限公司", "sector": "non_public_enterprise", "credit_code": code.lower(),
        "area": city.changjianglu.pk, "staff_count": 12, "address": "长江路1号",
    }, content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    assert body["credit_code"] == code  # normalised by the service
    assert body["area"]["id"] == city.changjianglu.pk
    assert Unit.objects.get(pk=body["id"]).staff_count == 12


def test_unit_create_with_a_malformed_credit_code_is_422_and_writes_nothing(as_district_admin, city):
    code = valid_credit_code(region="320102")
    wrong_check_digit = code[:-1] + ("0" if code[-1] != "0" else "1")
    unchanged = Unchanged(Unit)

    response = as_district_admin.post(f"{API}/units", {
        "name": "南京长江路餐饮有限公司", "sector": "non_public_enterprise", "credit_code": wrong_check_digit,
        "area": city.changjianglu.pk,
    }, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["errors"] == {"credit_code": ["统一社会信用代码校验位不正确，请核对。"]}
    assert "统一社会信用代码" in response.json()["detail"]
    assert unchanged


def test_unit_create_in_an_area_outside_scope_is_404(as_district_admin, city):
    unchanged = Unchanged(Unit)

    response = as_district_admin.post(f"{API}/units", {
        "name": "某公司", "sector": "non_public_enterprise", "area": city.fuzimiao.pk,
    }, content_type="application/json")

    assert response.status_code == 404
    assert unchanged


def test_unit_create_by_a_leader_is_403(as_leader, city):
    unchanged = Unchanged(Unit)

    response = as_leader.post(f"{API}/units", {
        "name": "某公司", "sector": "non_public_enterprise", "area": city.changjianglu.pk,
    }, content_type="application/json")

    assert response.status_code == 403
    assert unchanged


def test_unit_patch_changes_the_fields_sent(as_district_admin, city):
    unit = city.unit(city.meiyuan)

    response = as_district_admin.patch(f"{API}/units/{unit.pk}", {"staff_count": 45, "address": "中山路2号"},
                                       content_type="application/json")

    assert response.status_code == 200
    unit.refresh_from_db()
    assert (unit.staff_count, unit.address, unit.sector) == (45, "中山路2号", Sector.NON_PUBLIC_ENTERPRISE)


def test_unit_patch_social_organization_without_its_type_is_422(as_district_admin, city):
    unit = city.uncovered_unit(city.meiyuan)

    response = as_district_admin.patch(f"{API}/units/{unit.pk}", {"social_org_type": None},
                                       content_type="application/json")

    assert response.status_code == 422
    assert "social_org_type" in response.json()["errors"]
    unit.refresh_from_db()
    assert unit.social_org_type != ""


def test_unit_patch_by_a_leader_is_403(as_leader, city):
    unit = city.unit(city.meiyuan)

    response = as_leader.patch(f"{API}/units/{unit.pk}", {"staff_count": 1}, content_type="application/json")

    assert response.status_code == 403
    unit.refresh_from_db()
    assert unit.staff_count == 30


def test_unit_patch_outside_scope_is_404(as_district_admin, city):
    unit = city.unit(city.fuzimiao)

    response = as_district_admin.patch(f"{API}/units/{unit.pk}", {"staff_count": 1},
                                       content_type="application/json")

    assert response.status_code == 404


def test_area_level_choices_are_offered_in_the_schema(as_city_admin):
    """The level filter only takes the levels the model knows."""
    document = Client().get(f"{API}/openapi.json").json()

    assert set(document["components"]["schemas"]["AreaLevel"]["enum"]) == set(AreaLevel.values)


# ---------------------------------------------------------------- tree order after changes


def test_renaming_an_organization_keeps_later_moves_working(as_district_admin, city):
    """Siblings are ordered by name pinyin; after a rename the next move still finds room."""
    # given the 社区党委 of 长江路 renamed so that it sorts first
    renamed = as_district_admin.patch(f"{API}/organizations/{city.org(city.changjianglu).pk}",
                                      {"name": "安乐社区党委"}, content_type="application/json")
    assert renamed.status_code == 200

    # when another branch moves in beside it
    moved = as_district_admin.post(f"{API}/organizations/{city.unit_branch(city.xinjiekou).pk}/move",
                                   {"parent": city.org(city.meiyuan).pk}, content_type="application/json")

    # then
    assert moved.status_code == 200
    assert all(problems == [] for problems in PartyOrganization.objects.find_problems())
    children = PartyOrganization.objects.get(pk=city.org(city.meiyuan).pk).get_children()
    assert [child.name for child in children][0] == "安乐社区党委"


def test_moving_an_area_with_a_new_code_keeps_its_new_siblings_in_code_order(as_district_admin, city):
    response = as_district_admin.post(
        f"{API}/areas/{city.changjianglu.pk}/move", {"parent": city.xinjiekou.pk, "code": "320102003003"},
        content_type="application/json")

    assert response.status_code == 200
    children = Area.objects.get(pk=city.xinjiekou.pk).get_children()
    assert [child.code for child in children] == ["320102003001", "320102003002", "320102003003"]
    assert all(problems == [] for problems in Area.objects.find_problems())


def test_a_body_that_is_not_json_is_refused_in_chinese(city, superuser):
    from django.test import Client

    from dangjian.accounts import services as account_services

    _token, secret = account_services.token_issue(actor=superuser, user=superuser, name="测试")
    response = Client().post("/api/v1/areas", data="not json", content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 400
    assert "无法解析" in response.json()["detail"]
