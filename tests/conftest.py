"""Fixtures for the cross-app tests under tests/ (browser journeys, …).

Every fixture of ``dangjian/conftest.py`` (the small city and one user per role: ``city``,
``street_admin``, ``city_users`` …) is available here too, without importing it.

Browser tests sign in through the real login form, so django-axes sees a real request:
``browser_login(user)`` gives ``user`` the password ``TEST_PASSWORD``, signs in at
/admin/login/ and waits for the admin index. The test settings hash with MD5, so setting
passwords costs nothing.
"""

import re

import pytest

from dangjian.conftest import *  # noqa: F403 - the city and role fixtures, for tests/ too

TEST_PASSWORD = "test-pass-2026"


@pytest.fixture
def test_password() -> str:
    return TEST_PASSWORD


@pytest.fixture
def browser_login(page, live_server):
    """``browser_login(user)``: set the test password, sign in through the form, land on /admin/."""

    def login(user, *, password: str = TEST_PASSWORD, expect_url: str = r".*/admin/$"):
        return sign_in(page, live_server, user, password=password, expect_url=expect_url)

    return login


@pytest.fixture
def sign_in_on(live_server):
    """``sign_in_on(page, user, password=…)``: as ``browser_login``, on a page of its own context."""
    return lambda page, user, **options: sign_in(page, live_server, user, **options)


def sign_in(page, live_server, user, *, password: str = TEST_PASSWORD, expect_url: str = r".*/admin/$"):
    """Set ``password`` on ``user`` and sign in through the back-office form on ``page`` (any
    page: a test with several people uses one browser context each)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#login-form input[name=username]").fill(user.get_username())
    page.locator("#login-form input[name=password]").fill(password)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(re.compile(expect_url))
    return page
