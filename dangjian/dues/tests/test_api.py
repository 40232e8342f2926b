"""/api/v1/dues: the same services and selectors as the pages; refusals 422 in Chinese, leaders
403, outside scope 404; lists pin their queries."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.dues.amounts import month_start, shift_month
from dangjian.dues.models import DuesPayment
from dangjian.dues.tests.factories import declared_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

TODAY = timezone.localdate()
THIS = month_start(TODAY)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def branch(city):
    return city.org(city.dahanggong)


@pytest.fixture
def people(superuser, branch):
    return [declared_member(actor=superuser, organization=branch, name=f"接口党员{i}", base="8000",
                            effective_from=shift_month(THIS, -12)) for i in range(3)]


def test_rates_and_a_member_s_year(community_admin, people):
    client = _client(community_admin)
    rates = client.get("/api/v1/dues/rates").json()
    assert {r["category"] for r in rates} == {"in_service", "retired", "flat", "rural"}
    body = client.get(f"/api/v1/dues/members/{people[0].pk}").json()
    assert len(body["months"]) == 12 and body["declarations"][0]["income_base"] == "8000.00"
    assert body["months"][TODAY.month - 1]["status"] == "due" and body["months"][TODAY.month - 1]["due"] == "120.00"


def test_pay_ahead_back_and_refusals(community_admin, people):
    client = _client(community_admin)
    url = f"/api/v1/dues/members/{people[0].pk}/payments"
    response = _post(client, url, {"from_month": f"{shift_month(THIS, -2):%Y-%m}", "to_month": f"{shift_month(THIS, 1):%Y-%m}",
                                   "paid_on": TODAY.isoformat()})
    assert response.status_code == 201 and len(response.json()) == 4
    again = _post(client, url, {"from_month": f"{THIS:%Y-%m}", "paid_on": TODAY.isoformat()})
    assert again.status_code == 422 and "不能重复登记" in again.json()["detail"] + json.dumps(again.json(), ensure_ascii=False)
    zero = _post(client, url, {"from_month": f"{shift_month(THIS, 2):%Y-%m}", "paid_on": TODAY.isoformat(), "amount": "0"})
    assert zero.status_code == 422
    beyond = _post(client, url, {"from_month": f"{shift_month(THIS, -7):%Y-%m}", "paid_on": TODAY.isoformat()})
    assert beyond.status_code == 422 and "补交党费一般不超过6个月" in json.dumps(beyond.json(), ensure_ascii=False)
    assert DuesPayment.objects.filter(member=people[0]).count() == 4


def test_the_branch_month_and_the_arrears(community_admin, people, branch, django_assert_max_num_queries):
    client = _client(community_admin)
    response = _post(client, f"/api/v1/dues/organizations/{branch.pk}/months/{THIS:%Y-%m}/payments",
                     {"members": [people[0].pk, people[1].pk], "paid_on": TODAY.isoformat()})
    assert response.status_code == 201 and {p["amount"] for p in response.json()} == {"120.00"}
    with django_assert_max_num_queries(12):
        arrears = client.get(f"/api/v1/dues/organizations/{branch.pk}/arrears").json()
    assert {row["name"] for row in arrears} == {"接口党员0", "接口党员1", "接口党员2"}  # last year's months
    with django_assert_max_num_queries(8):
        listed = client.get(f"/api/v1/dues/payments?organization={branch.pk}&month={THIS:%Y-%m}").json()
    assert listed["count"] == 2


def test_declare_and_exempt(community_admin, people):
    client = _client(community_admin)
    response = _post(client, f"/api/v1/dues/members/{people[2].pk}/declarations",
                     {"category": "retired", "income_base": "5000", "effective_from": f"{THIS:%Y-%m}"})
    assert response.status_code == 201 and response.json()["months"][TODAY.month - 1]["due"] == "25.00"
    bad = _post(client, f"/api/v1/dues/members/{people[2].pk}/declarations",
                {"category": "in_service", "effective_from": f"{THIS:%Y-%m}"})
    assert bad.status_code == 422
    response = _post(client, f"/api/v1/dues/members/{people[2].pk}/exemptions",
                     {"from_month": f"{THIS:%Y-%m}", "to_month": f"{THIS:%Y-%m}", "reason": "低保，困难"})
    assert response.status_code == 201 and response.json()["months"][TODAY.month - 1]["status"] == "exempt"


def test_leaders_403_and_outsiders_404(leader, org_admin, people, branch):
    body = {"from_month": f"{THIS:%Y-%m}", "paid_on": TODAY.isoformat()}
    assert _post(_client(leader), f"/api/v1/dues/members/{people[0].pk}/payments", body).status_code == 403
    outsider = _client(org_admin)
    assert outsider.get(f"/api/v1/dues/members/{people[0].pk}").status_code == 404
    assert _post(outsider, f"/api/v1/dues/members/{people[0].pk}/payments", body).status_code == 404
    assert outsider.get(f"/api/v1/dues/organizations/{branch.pk}/arrears").status_code == 404
    assert not DuesPayment.objects.exists()
