"""The portal's pages at /m/: signing in, home, notices, correction, floating report; and a
member account is turned away from the back office."""

import datetime

import pytest
from django.test import Client

from dangjian.members import services as member_services
from dangjian.notices import services as notice_services
from dangjian.notices.models import NoticeRead
from dangjian.portal.models import CorrectionRequest, MemberAccount
from dangjian.portal.tests.factories import PORTAL_PASSWORD, issue_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)


def _member_client(account) -> Client:
    client = Client()
    client.force_login(account.user)
    return client


@pytest.fixture
def notice(branch, community_admin):
    return notice_services.notice_post(actor=community_admin, title="七一主题党日", body="七月一日上午九点集合。",
                                       organization=branch)


def test_activation_page_signs_the_member_in(wang, community_admin):
    code = issue_code(actor=community_admin, member=wang)
    client = Client()
    response = client.post("/m/activate/", {"phone": wang.phone, "code": code, "password": PORTAL_PASSWORD,
                                            "password_again": PORTAL_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/m/"
    assert "王建国" in response.content.decode() and MemberAccount.objects.filter(member=wang).exists()


def test_activation_page_refuses_a_wrong_code_in_one_generic_sentence(wang, community_admin):
    issue_code(actor=community_admin, member=wang)
    response = Client().post("/m/activate/", {"phone": wang.phone, "code": "12345678", "password": PORTAL_PASSWORD,
                                              "password_again": PORTAL_PASSWORD})
    assert response.status_code == 200
    assert "手机号或激活码不正确" in response.content.decode()
    assert not MemberAccount.objects.exists()


def test_sign_in_and_out(wang_account, wang):
    client = Client()
    assert client.get("/m/").url.startswith("/m/login/")
    refused = client.post("/m/login/", {"phone": wang.phone, "password": "wrong-password-x"})
    assert "手机号或密码不正确" in refused.content.decode()
    response = client.post("/m/login/", {"phone": wang.phone, "password": PORTAL_PASSWORD, "next": "/m/notices/"})
    assert response.url == "/m/notices/"
    offsite = client.post("/m/login/", {"phone": wang.phone, "password": PORTAL_PASSWORD,
                                        "next": "https://evil.example/"})
    assert offsite.url == "/m/"
    client.post("/m/logout/")
    assert client.get("/m/").status_code == 302


def test_home_shows_the_profile_masked_and_the_unread_count(wang_account, wang, notice,
                                                            django_assert_max_num_queries):
    client = _member_client(wang_account)
    # 14 + one query or so per card the school, dues, orglife, activities, coverage and
    # own-data apps add to the home page (each reads only this member's records).
    with django_assert_max_num_queries(20):
        html = client.get("/m/").content.decode()
    assert wang.id_number_masked in html and "139****5678" in html
    assert "13912345678" not in html
    assert "<dt>党龄</dt><dd>50年</dd>" in html
    assert 'data-testid="unread-count">1<' in html
    assert "七一主题党日" in html


def test_reading_a_notice_marks_it_read(wang_account, wang, notice):
    client = _member_client(wang_account)
    response = client.get(f"/m/notices/{notice.pk}/")
    assert "七月一日上午九点集合" in response.content.decode()
    assert NoticeRead.objects.filter(member=wang, notice=notice).exists()
    assert 'data-testid="unread-count"' not in client.get("/m/").content.decode()


def test_another_members_notice_is_not_there(wang_account, outsider, superuser, city):
    from dangjian.organizations.models import PartyOrganization

    elsewhere = notice_services.notice_post(actor=superuser, title="秦淮区通知", body="……",
                                            organization=PartyOrganization.objects.get(pk=outsider.organization_id))
    response = _member_client(wang_account).get(f"/m/notices/{elsewhere.pk}/")
    assert response.status_code == 404 and "秦淮区通知" not in response.content.decode()
    assert not NoticeRead.objects.exists()


def test_correction_page_refuses_a_bad_id_number_then_accepts(wang_account, wang):
    client = _member_client(wang_account)
    assert client.get("/m/correction/").status_code == 200
    refused = client.post("/m/correction/", {"id_number": "32010219500901001X"})
    assert refused.status_code == 200 and not CorrectionRequest.objects.exists()
    assert "身份证" in refused.content.decode()
    accepted = client.post("/m/correction/", {"phone": "13900009999", "workplace_text": "社区老年大学"}, follow=True)
    assert "更正申请已提交" in accepted.content.decode()
    assert CorrectionRequest.objects.get().member == wang


def test_floating_card_and_report(wang_account, wang, superuser):
    client = _member_client(wang_account)
    assert 'data-testid="card-members.floating"' not in client.get("/m/").content.decode()
    member_services.member_float_out(actor=superuser, member=wang, place="深圳", started_on=datetime.date(2025, 3, 1))
    html = client.get("/m/").content.decode()
    assert 'data-testid="card-members.floating"' in html and "深圳" in html
    response = client.post("/m/floating/", {"place": "广州", "contact": "微信 wjg1950"}, follow=True)
    assert "已收到您的平安报告" in response.content.decode()
    assert wang.floating_records.get().last_contact_on == datetime.date.today()


def test_password_change(wang_account, wang):
    client = _member_client(wang_account)
    refused = client.post("/m/password/", {"old_password": "nope", "password": "xinmima-2026-abc",
                                           "password_again": "xinmima-2026-abc"})
    assert "原密码不正确" in refused.content.decode()
    client.post("/m/password/", {"old_password": PORTAL_PASSWORD, "password": "xinmima-2026-abc",
                                 "password_again": "xinmima-2026-abc"})
    wang_account.user.refresh_from_db()
    assert wang_account.user.check_password("xinmima-2026-abc")


@pytest.mark.parametrize("path", ["/admin/", "/admin/members/member/", "/members/transfers/", "/dashboard/health/",
                                  "/members/import/", "/admin/portal/correctionrequest/"])
def test_a_member_account_never_reaches_the_back_office(wang_account, path):
    response = _member_client(wang_account).get(path)
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_a_back_office_user_has_no_portal_home(community_admin):
    client = Client()
    client.force_login(community_admin)
    assert client.get("/m/").status_code == 404
