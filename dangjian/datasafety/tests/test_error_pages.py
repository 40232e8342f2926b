"""With DEBUG off every error is a Chinese page with fixed text: no stack, no path, no
exception message, and a way home."""

import pytest
from django.test import Client

from dangjian.datasafety.tests.error_urls import SECRET

pytestmark = [pytest.mark.django_db, pytest.mark.urls("dangjian.datasafety.tests.error_urls")]

LEAKS = (SECRET, "Traceback", "secret-detail", "/etc/passwd", "<script>", "RuntimeError", "PermissionDenied",
         "SuspiciousOperation", "__fail__", "Django", "DEBUG", "sqlite", "File \"")


def _page(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert heading in html
    assert 'href="/"' in html  # a way home
    for leak in LEAKS:
        assert leak not in html, leak
    assert "<script" not in html.lower()
    return html


@pytest.fixture
def quiet_client(settings):
    settings.DEBUG = False
    client = Client()
    client.raise_request_exception = False
    return client


def test_a_crash_is_a_chinese_500_page_that_leaks_nothing(quiet_client):
    _page(quiet_client.get("/__fail__/crash/"), 500, "系统暂时出错")


def test_an_unknown_address_is_a_404_that_does_not_echo_the_path(quiet_client):
    html = _page(quiet_client.get("/no-such-page/secret-detail-<script>/"), 404, "页面不存在")
    assert "no-such-page" not in html


def test_a_refusal_is_a_403_without_the_reason(quiet_client):
    _page(quiet_client.get("/__fail__/forbidden/"), 403, "没有访问权限")


def test_a_malformed_request_is_a_400(quiet_client):
    _page(quiet_client.get("/__fail__/suspicious/"), 400, "请求有误")


def test_a_failed_csrf_check_says_the_page_expired(settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    html = _page(client.post("/m/login/", {"phone": "13900000000", "password": "x"}), 403, "页面已过期")
    assert "CSRF" not in html


def test_the_error_pages_link_only_to_this_site(quiet_client):
    html = quiet_client.get("/__fail__/crash/").content.decode()
    assert "http://" not in html and "https://" not in html  # no external assets
    assert "/static/dangjian/errors" in html
