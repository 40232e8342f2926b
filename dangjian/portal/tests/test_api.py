"""The portal API (/api/v1/portal/) for the mini-program: every portal action with a member's
bearer token; staff credentials are refused here and member tokens everywhere else."""

import datetime

import pytest
from django.test import Client

from dangjian.accounts.services import token_issue
from dangjian.members import services as member_services
from dangjian.notices import services as notice_services
from dangjian.notices.models import NoticeRead
from dangjian.portal.models import CorrectionRequest
from dangjian.portal.tests.factories import PORTAL_PASSWORD, issue_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)
API = "/api/v1/portal"


def _login(client, phone, password=PORTAL_PASSWORD) -> dict:
    response = client.post(f"{API}/login", {"phone": phone, "password": password}, content_type="application/json")
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


@pytest.fixture
def wang_auth(wang_account, wang):
    return _login(Client(), wang.phone)


def test_activate_returns_a_token_that_reads_the_profile(wang, community_admin):
    client = Client()
    code = issue_code(actor=community_admin, member=wang)
    response = client.post(f"{API}/activate", {"phone": wang.phone, "code": code, "password": PORTAL_PASSWORD},
                           content_type="application/json")
    assert response.status_code == 201
    me = client.get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}").json()
    assert me["name"] == "王建国" and me["id_number"] == wang.id_number_masked and me["standing_years"] == 50


def test_a_wrong_code_answers_one_chinese_sentence(wang, community_admin):
    issue_code(actor=community_admin, member=wang)
    response = Client().post(f"{API}/activate", {"phone": wang.phone, "code": "00000001", "password": PORTAL_PASSWORD},
                             content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("手机号或激活码不正确")


def test_login_is_rate_limited(wang_account, wang, settings):
    settings.PORTAL = {**settings.PORTAL, "ATTEMPTS_PER_PHONE": 2}
    client = Client()
    for _ in range(2):
        client.post(f"{API}/login", {"phone": wang.phone, "password": "nope-nope-1"}, content_type="application/json")
    response = client.post(f"{API}/login", {"phone": wang.phone, "password": PORTAL_PASSWORD},
                           content_type="application/json")
    assert response.status_code == 422 and "尝试次数过多" in response.json()["detail"]


def test_notices_with_unread_count_and_reading(wang_auth, wang, branch, community_admin,
                                               django_assert_max_num_queries):
    notices = [notice_services.notice_post(actor=community_admin, title=f"通知{n}", body="……", organization=branch)
               for n in range(4)]
    client = Client()
    with django_assert_max_num_queries(8):
        listing = client.get(f"{API}/notices", **wang_auth).json()
    assert listing["unread"] == 4 and len(listing["items"]) == 4
    detail = client.get(f"{API}/notices/{notices[0].pk}", **wang_auth).json()
    assert detail["body"] == "……" and detail["is_read"]
    assert NoticeRead.objects.filter(member=wang).count() == 1
    assert client.get(f"{API}/notices", **wang_auth).json()["unread"] == 3


def test_another_members_notice_answers_404(wang_auth, outsider, superuser):
    elsewhere = notice_services.notice_post(actor=superuser, title="秦淮区", body="……",
                                            organization=outsider.organization)
    response = Client().get(f"{API}/notices/{elsewhere.pk}", **wang_auth)
    assert response.status_code == 404 and "秦淮区" not in response.content.decode()


def test_correction_request_through_the_api(wang_auth, wang):
    client = Client()
    refused = client.post(f"{API}/corrections", {"id_number": "320102195009010011"}, content_type="application/json",
                          **wang_auth)
    assert refused.status_code == 422 and "id_number" in refused.json()["errors"]
    assert not CorrectionRequest.objects.exists()
    created = client.post(f"{API}/corrections", {"phone": "13900009999", "note": "换号了"},
                          content_type="application/json", **wang_auth)
    assert created.status_code == 201
    assert created.json()["changes"] == [{"field": "phone", "label": "联系电话", "old": "13912345678",
                                          "new": "13900009999"}]
    assert [item["state"] for item in client.get(f"{API}/corrections", **wang_auth).json()] == ["pending"]


def test_floating_report_and_cards(wang_auth, wang, superuser):
    member_services.member_float_out(actor=superuser, member=wang, place="深圳", started_on=datetime.date(2025, 1, 1))
    client = Client()
    cards = client.get(f"{API}/cards", **wang_auth).json()
    assert [card["key"] for card in cards if card["key"].startswith("members.")] == ["members.floating"]
    response = client.post(f"{API}/floating/report", {"place": "佛山", "contact": "13912345678"},
                           content_type="application/json", **wang_auth)
    assert response.status_code == 200
    assert wang.floating_records.get().place == "佛山"


def test_logout_revokes_the_token(wang_auth):
    client = Client()
    assert client.post(f"{API}/logout", **wang_auth).status_code == 204
    assert client.get(f"{API}/me", **wang_auth).status_code == 401


def test_a_member_token_opens_no_back_office_route(wang_auth):
    client = Client()
    for path in ("/api/v1/members", "/api/v1/areas", "/api/v1/tokens", "/api/v1/transfers"):
        response = client.get(path, **wang_auth)
        assert response.status_code == 401, path


def test_a_member_session_opens_no_back_office_route(wang_account):
    client = Client()
    client.force_login(wang_account.user)
    assert client.get("/api/v1/members").status_code == 401
    assert client.get(f"{API}/me").status_code == 200


def test_staff_credentials_are_refused_by_the_portal(community_admin, superuser):
    _token, secret = token_issue(actor=superuser, user=community_admin, name="对接")
    refused = Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert refused.status_code == 401 and "党员账号" in refused.json()["detail"]
    client = Client()
    client.force_login(community_admin)
    assert client.get(f"{API}/me").status_code == 401


def test_the_openapi_document_describes_the_portal(superuser):
    client = Client()
    client.force_login(superuser)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/portal/activate", "/api/v1/portal/login", "/api/v1/portal/notices",
            "/api/v1/portal/corrections", "/api/v1/portal/floating/report", "/api/v1/portal/cards"} <= set(paths)


def test_a_password_reset_ends_earlier_tokens(wang_auth, wang, community_admin):
    code = issue_code(actor=community_admin, member=wang)
    client = Client()
    response = client.post(f"{API}/activate", {"phone": wang.phone, "code": code, "password": "brand-new-pass-2026"},
                           content_type="application/json")
    assert response.status_code == 201
    assert client.get(f"{API}/me", **wang_auth).status_code == 401
    assert client.get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}").status_code == 200
