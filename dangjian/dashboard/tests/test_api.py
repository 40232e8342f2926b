"""/api/v1/dashboard: the figures and the rule findings of an area, as the dashboard shows them,
within the caller's scope."""

import pytest
from django.apps import apps

from dangjian.accounts import scoping
from dangjian.accounts.tests.factories import client_for
from dangjian.core.registry import metrics, rules
from dangjian.members.tests.factories import member

pytestmark = pytest.mark.django_db
API = "/api/v1/dashboard"


def test_the_dashboard_of_an_area_has_every_registered_figure(city, street_admin, superuser):
    member(actor=superuser, organization=city.org(city.dahanggong), name="看板党员")
    response = client_for(street_admin).get(API, {"area": city.meiyuan.pk, "period": "month", "live": "true"})
    assert response.status_code == 200, response.content
    board = response.json()
    assert board["area_name"] == city.meiyuan.name and board["period"] == "month"
    shown = {item["key"] for item in board["headlines"]} | {item["label"] for item in board["breakdowns"]}
    for metric in metrics.all():
        assert (metric.label if metric.breakdown else metric.key) in shown, metric.key
    # the street's communities are compared; the members counted are the street's own
    assert {child["area_name"] for child in board["children"]} == {area.name for area in city.communities
                                                                   if area.path.startswith(city.meiyuan.path)}
    members = next(item for item in board["headlines"] if item["key"] == "members.total")
    assert members["value"] == 1


def test_rules_list_every_rule_with_its_citation_and_findings_page(city, street_admin, superuser):
    client = client_for(street_admin)
    listed = client.get(f"{API}/rules", {"area": city.meiyuan.pk}).json()
    assert {item["code"] for item in listed} == {rule.code for rule in rules.all()}
    assert all(item["citation"] for item in listed)
    with_findings = next(item for item in listed if item["count"])
    page = client.get(f"{API}/rules/{with_findings['code']}/findings", {"area": city.meiyuan.pk, "limit": 2}).json()
    assert page["rule"]["count"] == with_findings["count"] and 1 <= len(page["items"]) <= 2
    assert all(item["message"] for item in page["items"])
    # every finding of every rule is about something the caller may see
    for rule in (item for item in listed if item["count"]):
        found = client.get(f"{API}/rules/{rule['code']}/findings", {"area": city.meiyuan.pk, "limit": 200}).json()
        assert len(found["items"]) == min(rule["count"], 200), rule["code"]
        for item in found["items"]:
            subject = apps.get_model(item["subject_type"]).objects.get(pk=item["subject_id"])
            assert scoping.can_see(street_admin, subject), (rule["code"], item)
    assert client.get(f"{API}/rules/NO-SUCH/findings").status_code == 404


def test_an_area_outside_the_scope_is_404(city, street_admin):
    client = client_for(street_admin)
    for url in (API, f"{API}/rules"):
        assert client.get(url, {"area": city.fuzimiao.pk}).status_code == 404, url


@pytest.mark.parametrize("role", ["liaison", "audit_admin"])
def test_roles_without_a_dashboard_get_no_members_and_no_findings(city, superuser, role, request):
    # a function or duty role has no dashboard page; through the API its scope holds none of them
    member(actor=superuser, organization=city.org(city.dahanggong), name="看板党员")
    client = client_for(request.getfixturevalue(role))
    board = client.get(API, {"live": "true"}).json()
    assert next(item for item in board["headlines"] if item["key"] == "members.total")["value"] == 0
    assert board["finding_count"] == 0 and board["children"] == []
    assert all(rule["count"] == 0 for rule in client.get(f"{API}/rules").json())
