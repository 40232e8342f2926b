"""Signing in to the API (browser session with CSRF, or bearer token) and the /tokens routes.

``district_admin`` and ``leader`` hold 玄武区; ``city_admin`` holds 南京市 (dangjian/conftest.py).
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.accounts import services
from dangjian.accounts.models import ApiToken, AuditEntry
from dangjian.accounts.tests.factories import client_for
from dangjian.organizations.models import Area

API = "/api/v1"
# The city and its users are built once for the module (dangjian/conftest.py).
pytestmark = pytest.mark.usefixtures("module_city")
CSRF_SECRET = "a" * 32  # Django accepts the unmasked 32-character secret as the token


def issue(user, *, actor=None, valid_days=30) -> tuple[ApiToken, str]:
    return services.token_issue(actor=actor or user, user=user, name="测试对接", valid_days=valid_days)


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# ---------------------------------------------------------------- bearer tokens


def test_bearer_token_signs_in_as_its_user_within_their_scope(district_admin, city):
    _, secret = issue(district_admin)

    response = Client().get(f"{API}/areas", **bearer(secret))

    assert response.status_code == 200
    assert {item["id"] for item in response.json()["items"]} == set(
        Area.objects.filter(path__startswith=city.xuanwu.path).values_list("pk", flat=True))


def test_bearer_token_writes_without_csrf_and_history_names_the_user(district_admin, city):
    """Token clients send no cookies, so no CSRF check applies; the change is still attributed."""
    _, secret = issue(district_admin)
    client = Client(enforce_csrf_checks=True)

    response = client.patch(f"{API}/areas/{city.changjianglu.pk}", {"name": "长江路新社区"},
                            content_type="application/json", **bearer(secret))

    assert response.status_code == 200
    assert Area.history.filter(id=city.changjianglu.pk).latest().history_user == district_admin
    assert AuditEntry.objects.filter(action="update", actor=district_admin).exists()


def test_bearer_token_marks_its_last_use(district_admin, city):
    token, secret = issue(district_admin)

    Client().get(f"{API}/areas", **bearer(secret))

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_is_refused_with_401_in_chinese(district_admin, city):
    token, secret = issue(district_admin)
    services.token_revoke(actor=district_admin, token=token)

    response = Client().get(f"{API}/areas", **bearer(secret))

    assert response.status_code == 401
    assert response.json() == {"detail": "接口令牌无效、已过期或已被吊销，请联系市级管理员重新签发。"}


def test_expired_token_is_refused_with_401(district_admin, city):
    token, secret = issue(district_admin, valid_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    response = Client().get(f"{API}/areas", **bearer(secret))

    assert response.status_code == 401
    assert "过期" in response.json()["detail"]


def test_unknown_token_is_refused_even_with_a_valid_session(district_admin, city):
    """Credentials that were presented and failed are not silently replaced by the cookie."""
    response = client_for(district_admin).get(f"{API}/areas", **bearer("dj_not-a-real-token"))

    assert response.status_code == 401


def test_token_of_a_deactivated_user_is_refused(district_admin, city):
    _, secret = issue(district_admin)
    district_admin.is_active = False
    district_admin.save(update_fields=["is_active"])

    response = Client().get(f"{API}/areas", **bearer(secret))

    assert response.status_code == 401


# ---------------------------------------------------------------- browser session


def test_signed_in_staff_session_can_read(district_admin, city):
    assert district_admin.is_staff

    response = client_for(district_admin).get(f"{API}/areas/{city.xuanwu.pk}")

    assert response.status_code == 200
    assert response.json()["name"] == "玄武区"


def test_session_write_without_csrf_token_is_403_in_chinese(district_admin, city):
    client = client_for(district_admin, enforce_csrf_checks=True)

    response = client.patch(f"{API}/areas/{city.changjianglu.pk}", {"name": "改名"},
                            content_type="application/json")

    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF 校验失败")
    assert Area.objects.get(pk=city.changjianglu.pk).name == "长江路社区"


def test_session_write_with_csrf_token_succeeds(district_admin, city):
    client = client_for(district_admin, enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_SECRET

    response = client.patch(f"{API}/areas/{city.changjianglu.pk}", {"name": "长江路新社区"},
                            content_type="application/json", HTTP_X_CSRFTOKEN=CSRF_SECRET)

    assert response.status_code == 200
    assert Area.objects.get(pk=city.changjianglu.pk).name == "长江路新社区"


@pytest.mark.django_db
def test_anonymous_write_is_401_not_a_csrf_error():
    response = Client(enforce_csrf_checks=True).post(f"{API}/areas", {"name": "x", "code": "1"},
                                                     content_type="application/json")

    assert response.status_code == 401
    assert "未登录" in response.json()["detail"]


# ---------------------------------------------------------------- GET /tokens


def test_token_list_shows_only_the_callers_own_tokens(district_admin, leader, city):
    own, _ = issue(district_admin)
    issue(leader)

    response = client_for(district_admin).get(f"{API}/tokens")

    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["items"]] == [own.pk]
    item = body["items"][0]
    assert item["user"]["username"] == "district_admin"
    assert item["prefix"] == own.prefix and item["is_usable"] is True
    assert "secret" not in item and "key_hash" not in item


def test_token_list_shows_every_token_to_a_city_admin(city_admin, district_admin, leader, city,
                                                      django_assert_max_num_queries):
    tokens = [issue(user)[0] for user in (district_admin, leader, district_admin, leader)]

    client = client_for(city_admin)
    # session, user, grants, count, page with user and issuer joined
    with django_assert_max_num_queries(5):
        response = client.get(f"{API}/tokens")

    assert {item["id"] for item in response.json()["items"]} == {token.pk for token in tokens}


# ---------------------------------------------------------------- POST /tokens


def test_city_admin_issues_a_token_whose_secret_is_shown_once_and_works(city_admin, district_admin, city):
    response = client_for(city_admin).post(f"{API}/tokens",
                                           {"user": district_admin.pk, "name": "区级数据对接", "valid_days": 90},
                                           content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    assert body["user"]["id"] == district_admin.pk
    assert body["created_by"]["username"] == "city_admin"
    assert body["secret"].startswith("dj_") and body["secret"].startswith(body["prefix"])
    token = ApiToken.objects.get(pk=body["id"])
    assert token.key_hash == ApiToken.hash_secret(body["secret"])  # only the hash is stored
    assert AuditEntry.objects.filter(action="token_issued", actor=city_admin, object_id=str(token.pk)).exists()
    assert Client().get(f"{API}/areas", **bearer(body["secret"])).status_code == 200


def test_caller_may_issue_a_token_for_themselves(leader, city):
    response = client_for(leader).post(f"{API}/tokens", {"name": "个人脚本"}, content_type="application/json")

    assert response.status_code == 201
    assert response.json()["user"]["id"] == leader.pk


def test_non_city_admin_cannot_issue_for_another_user(district_admin, leader, city):
    response = client_for(district_admin).post(f"{API}/tokens", {"user": leader.pk, "name": "越权"},
                                               content_type="application/json")

    assert response.status_code == 404
    assert not ApiToken.objects.exists()


def test_city_admin_cannot_issue_a_token_for_a_superuser(city_admin, superuser, city):
    """The issuer sees the secret, so a token for a superuser would hand over the superuser's rights."""
    response = client_for(city_admin).post(f"{API}/tokens", {"user": superuser.pk, "name": "提权"},
                                           content_type="application/json")

    assert response.status_code == 403
    assert response.json() == {"detail": "只有系统管理员可以为系统管理员签发接口令牌。"}
    assert not ApiToken.objects.exists()


def test_issue_with_an_invalid_lifetime_is_422_and_writes_nothing(city_admin, district_admin, city):
    response = client_for(city_admin).post(f"{API}/tokens",
                                           {"user": district_admin.pk, "name": "对接", "valid_days": 99999},
                                           content_type="application/json")

    assert response.status_code == 422
    assert response.json()["errors"] == {"valid_days": ["有效期应在1至3650天之间。"]}
    assert not ApiToken.objects.exists()


# ---------------------------------------------------------------- POST /tokens/{id}/revoke


def test_revoke_own_token_then_it_no_longer_signs_in(district_admin, city):
    token, secret = issue(district_admin)

    response = client_for(district_admin).post(f"{API}/tokens/{token.pk}/revoke")

    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None and response.json()["is_usable"] is False
    assert AuditEntry.objects.filter(action="token_revoked", object_id=str(token.pk)).exists()
    assert Client().get(f"{API}/areas", **bearer(secret)).status_code == 401


def test_city_admin_revokes_another_users_token(city_admin, district_admin, city):
    token, _ = issue(district_admin)

    response = client_for(city_admin).post(f"{API}/tokens/{token.pk}/revoke")

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoking_someone_elses_token_is_404(district_admin, leader, city):
    token, _ = issue(leader)

    response = client_for(district_admin).post(f"{API}/tokens/{token.pk}/revoke")

    assert response.status_code == 404
    assert response.json() == {"detail": "接口令牌不存在。"}
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_twice_is_422(district_admin, city):
    token, _ = issue(district_admin)
    client = client_for(district_admin)
    client.post(f"{API}/tokens/{token.pk}/revoke")

    response = client.post(f"{API}/tokens/{token.pk}/revoke")

    assert response.status_code == 422
    assert response.json()["detail"] == "该令牌已被吊销。"
