"""The security administrator's two tools beyond granting: searching what a role is granted over
(names only — they hold no data scope) and resetting a user's second factor (audited). Every
other role is refused."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts.models import AuditEntry
from dangjian.accounts.tests.factories import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

SEARCH = "/admin/accounts/roleassignment/grant-targets/"
OTHER_ROLES = ["city_admin", "street_admin", "org_admin", "leader", "liaison", "school_admin", "system_admin",
               "audit_admin", "instructor"]


# ---------------------------------------------------------------- what a role is granted over


@pytest.mark.parametrize(("field", "term", "expected"), [
    ("unit", "梅园新村科技", "南京梅园新村科技有限公司"),
    ("area", "梅园新村", "梅园新村街道"),
    ("school", "梅园", "梅园新村街道党校"),
])
def test_the_security_admin_finds_grant_targets_by_name_and_sees_names_only(security_admin, liaison, school_admin,
                                                                            field, term, expected):
    response = client_for(security_admin).get(SEARCH, {"field_name": field, "term": term})
    assert response.status_code == 200
    results = response.json()["results"]
    assert expected in [result["text"] for result in results]
    assert all(set(result) == {"id", "text"} for result in results)  # nothing but the name


def test_the_security_admin_finds_party_organizations(security_admin, city):
    organization = city.org(city.dahanggong)
    response = client_for(security_admin).get(SEARCH, {"field_name": "organization", "term": organization.name})
    assert {"id": str(organization.pk), "text": organization.name} in response.json()["results"]


def test_the_search_answers_only_for_grant_targets(security_admin):
    for field in ("user", "role", "granted_by", "nonsense", ""):
        assert client_for(security_admin).get(SEARCH, {"field_name": field, "term": "a"}).status_code == 403


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_other_role_may_search(request, role):
    user = request.getfixturevalue(role)
    assert client_for(user).get(SEARCH, {"field_name": "unit", "term": "梅园"}).status_code == 403


def test_the_grant_form_searches_through_it(security_admin):
    page = client_for(security_admin).get("/admin/accounts/roleassignment/add/").content.decode()
    assert page.count(f'data-ajax--url="{SEARCH}"') == 4  # unit, area, organization, school
    assert "梅园新村街道党校</option>" not in page  # searched, not listed


# ---------------------------------------------------------------- resetting a second factor


@pytest.fixture
def enrolled(street_admin):
    TOTPDevice.objects.create(user=street_admin, name="手机", confirmed=True)
    StaticDevice.objects.create(user=street_admin, name="恢复码", confirmed=True)
    return street_admin


def reset_url(user) -> str:
    return f"/admin/accounts/user/{user.pk}/reset-two-factor/"


def test_the_security_admin_resets_a_second_factor_and_it_is_audited(security_admin, enrolled):
    client = client_for(security_admin)
    # the user's page offers it, and the page says what it does
    assert reset_url(enrolled) in client.get(f"/admin/accounts/user/{enrolled.pk}/change/").content.decode()
    assert "该账号已绑定验证器" in client.get(reset_url(enrolled)).content.decode()

    response = client.post(reset_url(enrolled))

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=enrolled).exists()
    assert not StaticDevice.objects.filter(user=enrolled).exists()
    entry = AuditEntry.objects.get(object_type="accounts.User", object_id=str(enrolled.pk), detail__reset="two_factor")
    assert entry.actor == security_admin


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_other_role_may_reset_a_second_factor(request, enrolled, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    assert client.get(reset_url(enrolled)).status_code == 403
    assert client.post(reset_url(enrolled)).status_code == 403
    assert TOTPDevice.objects.filter(user=enrolled).exists()
    assert not AuditEntry.objects.filter(detail__reset="two_factor").exists()
