"""With the database unreachable, /healthz answers 503 and every page a Chinese 503 page that
leaks nothing (no traceback, no driver message, no path) and is rendered without asking the
database; when the database returns, both recover without a restart (issue 10, part 7).

The outage is real from Django's point of view: the open connection is dropped and every new
connection attempt fails in the driver's connect, as when the server is stopped."""

import contextlib

import pytest
from django.db import connection
from django.test import Client

LEAKS = ("Traceback", "OperationalError", "InterfaceError", "sqlite", "psycopg", "connection refused",
         "File \"", "settings.py", "SELECT")


@contextlib.contextmanager
def database_stopped():
    """Drop the connection (keeping the test database itself alive) and refuse to reconnect."""
    held = connection.connection
    connection.connection = None  # forgotten, not closed: an in-memory test database would vanish
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise connection.Database.OperationalError("connection refused: the server is not running")

    connection.get_new_connection = refuse
    try:
        yield attempts
    finally:
        del connection.get_new_connection  # the class's method again: the database is back
        connection.close()
        connection.connection = held


def _assert_friendly_503(response, *, json=False):
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    body = response.content.decode()
    for leak in LEAKS:
        assert leak.lower() not in body.lower(), leak
    if json:
        assert response.json() == {"detail": "系统的数据服务暂时不可用，请稍后重试。"}
    else:
        assert "系统暂时无法使用" in body
        assert "数据服务暂时连接不上" in body


@pytest.mark.django_db(transaction=True)
def test_pages_and_healthz_answer_503_while_the_database_is_down_and_recover(street_admin):
    """The stopped database gives 503s in Chinese; when it returns the same requests succeed."""
    # given: a signed-in administrator and an anonymous visitor
    staff = Client(raise_request_exception=False)
    staff.force_login(street_admin)
    anonymous = Client(raise_request_exception=False)
    assert staff.get("/admin/").status_code == 200

    # when: the database stops
    with database_stopped():
        health = anonymous.get("/healthz")
        admin_page = staff.get("/admin/")
        roster = staff.get("/admin/members/member/")
        portal = staff.get("/m/")
        api = staff.get("/api/v1/members")

        # then: every answer is a 503 that says so in Chinese and reveals nothing
        assert health.status_code == 503
        assert health.json() == {"status": "error", "database": "unavailable"}
        for page in (admin_page, roster, portal):
            _assert_friendly_503(page)
        _assert_friendly_503(api, json=True)

    # and when it returns, the same requests succeed (no restart)
    assert anonymous.get("/healthz").json()["database"] == "ok"
    assert staff.get("/admin/").status_code == 200
    assert staff.get("/admin/members/member/").status_code == 200


def test_the_outage_page_never_asks_the_database(rf):
    """The 503 page is rendered without the session, the user or a context processor: a page that
    asked the database would only fail again."""
    from django.db.utils import OperationalError
    from django.utils.functional import SimpleLazyObject

    from dangjian.core.views import server_error

    request = rf.get("/dashboard/health/")
    request.user = SimpleLazyObject(lambda: pytest.fail("the error page looked at the user"))
    with database_stopped() as attempts:
        try:
            raise OperationalError("connection refused")
        except OperationalError:
            response = server_error(request)
    _assert_friendly_503(response)
    assert attempts == []


def test_other_server_errors_keep_the_500_page(rf):
    """Only a database that cannot be reached is a 503; any other failure stays a 500."""
    from dangjian.core.views import server_error

    try:
        raise ValueError("boom")
    except ValueError:
        response = server_error(rf.get("/admin/"))
    assert response.status_code == 500
    assert "boom" not in response.content.decode()
