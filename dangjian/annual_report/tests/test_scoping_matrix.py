"""The scoping matrix for the annual statistics (routes classified in
accounts/tests/test_scoping_matrix.py): every role asks for every area outside its reach on every
route and gets 404 that names nothing; the page without an area lists only areas in reach."""

import pytest
from django.test import Client

from dangjian.accounts.models import AuditEntry
from dangjian.accounts.tests.test_scoping_matrix import ANNUAL_REPORT_ROUTES, ROLES, _fill
from dangjian.annual_report import selectors
from dangjian.organizations.models import Area

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)


@pytest.mark.parametrize("role", ROLES)
def test_annual_report_routes_answer_404_outside_reach(city_users, role):
    user = getattr(city_users, role)
    client = Client()
    client.force_login(user)
    reachable = selectors.report_area_list_for(user) if selectors.may_report(user) else Area.objects.none()
    outside = list(Area.objects.exclude(pk__in=reachable.values("pk")).exclude(level="grid"))
    visible_names = [area.name for area in reachable]
    hidden_names = [area.name for area in outside if not any(area.name in name for name in visible_names)]
    for route in ANNUAL_REPORT_ROUTES:
        url = _fill(route, "")
        for area in outside:
            response = client.get(url, {"area": area.pk, "year": 2025})
            assert response.status_code == 404, (role, route, area.name, response.status_code)
            assert area.name not in response.content.decode(), (role, route, area.name)
    # the bare page: a form listing only areas in reach (404 for roles that report on nothing)
    page = client.get("/annual-report/")
    assert page.status_code == (200 if selectors.may_report(user) else 404), (role, page.status_code)
    for name in hidden_names:
        assert f">{name}<" not in page.content.decode().replace("　", ""), (role, name)
    assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.parametrize(("role", "reach"), [
    ("city_admin", "南京市"), ("district_admin", "玄武区"), ("street_admin", "梅园新村街道"),
    ("community_admin", "大行宫社区"), ("leader", "玄武区")])
def test_each_area_role_reports_on_its_own_area(city_users, city, role, reach):
    client = Client()
    client.force_login(getattr(city_users, role))
    area = Area.objects.get(name=reach)
    response = client.get("/api/v1/annual-report/figures", {"area": area.pk, "year": 2025})
    assert response.status_code == 200 and response.json()["area_name"] == reach
