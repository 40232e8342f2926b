"""What the API fuzzing found, pinned where it is cheap to check (tests/security/test_api_fuzz.py
finds it again, slower): errors documented, one component per schema class, JSON 404 under /api/,
bounded paging."""

import pathlib

import pytest
from django.test import Client

from dangjian.api import api

pytestmark = pytest.mark.django_db


def test_every_operation_documents_its_error_answers():
    document = api.get_openapi_schema()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = {str(status) for status in operation["responses"]}
            expected = {"403", "404", "422"} | ({"401"} if operation.get("security") else set())
            assert expected <= statuses, (method, path, statuses)
    assert document["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]


def test_two_apps_schema_classes_of_one_name_stay_two_components():
    document = api.get_openapi_schema()
    schemas = document["components"]["schemas"]
    assert "UnitOut" not in schemas
    assert "full_members" in schemas["CoverageUnitOut"]["properties"]
    assert "full_members" not in schemas["OrganizationsUnitOut"]["properties"]
    units = document["paths"]["/api/v1/units/{unit_id}"]["get"]["responses"][200]
    assert units["content"]["application/json"]["schema"]["$ref"].endswith("/OrganizationsUnitOut")


def test_an_api_path_no_route_matches_answers_json(district_admin):
    client = Client()
    client.force_login(district_admin)
    response = client.get("/api/v1/members/not-a-number")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "请求的对象不存在。"}
    assert client.get("/members/not-a-number/").get("Content-Type", "").startswith("text/html")


def test_an_offset_beyond_any_list_is_refused_not_a_crash(district_admin):
    client = Client()
    client.force_login(district_admin)
    response = client.get("/api/v1/units", {"offset": 10**30})
    assert response.status_code == 422 and "detail" in response.json()


def test_every_router_pages_with_the_bounded_class():
    root = pathlib.Path(__file__).resolve().parents[2] / "dangjian"
    unbounded = [str(path) for path in root.rglob("*.py")
                 if "from ninja.pagination import LimitOffsetPagination" in path.read_text(encoding="utf-8")
                 or "pagination.LimitOffsetPagination" in path.read_text(encoding="utf-8")
                 and path.name != "pagination.py"]
    assert not unbounded, unbounded
