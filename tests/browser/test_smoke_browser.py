"""Smoke test in a real browser: the admin speaks Chinese and a superuser can sign in."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def root(django_user_model, test_password):
    return django_user_model.objects.create_superuser(
        username="root", email="root@example.com", password=test_password, display_name="测试超级管理员"
    )


def test_admin_login_page_is_chinese_and_superuser_lands_on_admin_index(
    page, live_server, root, test_password, screenshot
):
    response = page.goto(f"{live_server.url}/admin/login/")
    assert response is not None and response.ok

    # Site title from settings.UNFOLD; the form from Django's zh-Hans catalogue.
    expect(page).to_have_title(re.compile("社区党建"))
    expect(page.get_by_text("社区党建").first).to_be_visible()
    expect(page.get_by_role("textbox", name=re.compile("^用户名"))).to_be_visible()
    expect(page.get_by_role("textbox", name=re.compile("^密码"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("登录"))).to_be_visible()
    assert page.evaluate("document.documentElement.lang").lower().startswith("zh")
    screenshot(page, "smoke-admin-login")

    page.get_by_role("textbox", name=re.compile("^用户名")).fill("root")
    page.get_by_role("textbox", name=re.compile("^密码")).fill(test_password)
    page.get_by_role("button", name=re.compile("登录")).click()

    page.wait_for_url(re.compile(r".*/admin/$"))
    expect(page.locator("#login-form")).to_have_count(0)
    expect(page).to_have_title(re.compile("社区党建"))
    screenshot(page, "smoke-admin-index")


def test_wrong_password_is_refused_in_chinese(page, live_server, root):
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#login-form input[name=username]").fill("root")
    page.locator("#login-form input[name=password]").fill("not-the-password")
    page.locator("#login-form [type=submit]").click()

    # Django's zh-Hans message: 请输入一个正确的 用户名 和密码……
    expect(page.get_by_text(re.compile("正确的"))).to_be_visible()
    assert page.url.endswith("/admin/login/")



def test_browser_login_helper_signs_a_user_in(browser_login, django_user_model):
    user = django_user_model.objects.create_user(username="helper", is_staff=True, is_superuser=True)
    page = browser_login(user)
    expect(page.locator("#login-form")).to_have_count(0)
