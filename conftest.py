"""Test-wide configuration: fast hashing, static files without collectstatic, the browser.

Browser tests (Playwright through pytest-playwright) use Debian's chromium, never a browser
downloaded by ``playwright install``. A test is a browser test when it is marked ``browser``,
lives under ``tests/browser/`` or uses one of the Playwright fixtures (``page``, ``context``…);
all three get the ``browser`` marker, so ``pytest -m "not browser"`` leaves them out.
Without chromium they are skipped with the reason shown, except when ``CI`` is set: there a
missing browser is an error, so a green CI run always includes them.

Browser tests talk to ``live_server`` in another thread, so they need
``@pytest.mark.django_db(transaction=True)``. Each transactional test here also gets
``serialized_rollback=True``: the flush after it would otherwise wipe the code tables that data
migrations load, and later tests on the same xdist worker would find them empty.
"""

import datetime
import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests check behaviour, not speed (budgets are benchmarked, ARCHITECTURE.md): on a
# shared 2-core machine the first example that loads python-stdnum's data files can take more
# than hypothesis's default 200 ms deadline and fail for no reason of its own.
hypothesis_settings.register_profile("dangjian", deadline=None)
hypothesis_settings.load_profile("dangjian")

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# there unless told it is safe (STACK_NOTES.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent
SCREENSHOT_DIR = ROOT / "tests" / "screenshots"
BROWSER_TESTS_DIR = ROOT / "tests" / "browser"
PLAYWRIGHT_FIXTURES = frozenset({"page", "context", "new_context", "browser", "browser_type", "launch_browser"})
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """The chromium binary: $CHROMIUM_PATH, else /usr/bin/chromium, else chromium on PATH."""
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


# --------------------------------------------------------------------------- collection


def _is_browser_test(item: pytest.Item) -> bool:
    if item.get_closest_marker("browser"):
        return True
    if BROWSER_TESTS_DIR in Path(str(item.path)).parents:
        return True
    return bool(PLAYWRIGHT_FIXTURES.intersection(getattr(item, "fixturenames", ())))


# Many test modules fix "today" when they are imported (``TODAY = …``, default arguments), while
# the services ask ``timezone.localdate()`` when they run. A run that crosses midnight in the
# product's time zone would see "tomorrow" become today halfway through (it happened once, to a
# CI run started at 23:53 Shanghai time). A CI run that would cross it therefore waits for
# midnight before the modules are imported; a run of the whole suite takes about 10 minutes.
MIDNIGHT_MARGIN = datetime.timedelta(minutes=20)


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get("CI") or hasattr(config, "workerinput"):  # the xdist controller waits, once
        return
    from zoneinfo import ZoneInfo

    now = datetime.datetime.now(ZoneInfo("Asia/Shanghai"))
    midnight = datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time(),
                                         tzinfo=now.tzinfo)
    if midnight - now < MIDNIGHT_MARGIN:
        wait = (midnight - now).total_seconds() + 5
        print(f"\n== waiting {wait:.0f} s for midnight (Asia/Shanghai): the tests' dates are fixed at import",
              flush=True)
        time.sleep(wait)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _is_browser_test(item) and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)

        db_marker = item.get_closest_marker("django_db")
        if db_marker and db_marker.kwargs.get("transaction") and "serialized_rollback" not in db_marker.kwargs:
            # Put a copy with serialized_rollback=True in front of the test's own marker
            # (get_closest_marker returns the first one).
            kwargs = {**db_marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*db_marker.args, **kwargs), append=False)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") and chromium_path() is None:
        message = (
            "chromium not found (looked at $CHROMIUM_PATH, /usr/bin/chromium and PATH): "
            "apt-get install -y chromium fonts-wqy-zenhei"
        )
        if _in_ci():
            pytest.fail(f"CI is set and browser tests must run, but {message}", pytrace=False)
        pytest.skip(message)


# --------------------------------------------------------------------------- database


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """Test databases copied from a migrated template (tests/database_templates.py), unless
    ``--reuse-db`` or ``--no-migrations`` ask for pytest-django's own ways."""
    if request.config.getvalue("reuse_db") or request.config.getvalue("nomigrations"):
        return
    from django.db import connections

    from tests import database_templates

    for connection in connections.all():
        database_templates.install(connection)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test databases, with the serialized copy kept where every connection finds it.

    Once Playwright's sync API has started, its event loop counts as running in the test thread,
    so Django's ``connections`` (an asgiref Local) switch from thread-local to context-local
    storage and hand out *new* connection objects. ``serialized_rollback`` restores from
    ``_test_serialized_contents``, which Django set on the old object only: without this, the
    second transactional test on a worker found the code tables empty. Keeping the copy on the
    backend class serves the old and the new objects alike (the project has one database).
    """
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents
    yield


# --------------------------------------------------------------------------- settings


@pytest.fixture(scope="session", autouse=True)
def _fast_test_settings(django_test_environment):
    """Cheap hashing (argon2 costs ~50 ms per password) and static files served by the finders.

    The deployment's ManifestStaticFilesStorage needs ``collectstatic`` first; tests do not run
    it. A test that checks the production hashers or storage reads them with the ``settings``
    fixture or from ``dangjian.settings`` directly.
    """
    from django.conf import settings
    from django.test.utils import override_settings

    override = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Tests sign in with force_login and no authenticator: the second factor is switched off
        # here and on again (the ``two_factor_required`` fixture) by the tests that exercise it.
        DANGJIAN_SECURITY={**settings.DANGJIAN_SECURITY, "REQUIRE_2FA": False},
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    override.enable()
    yield
    override.disable()


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's chromium, headless, quiet (no network of its own, no first-run UI)."""
    args = dict(browser_type_launch_args)
    executable = chromium_path()
    if executable:
        args["executable_path"] = executable
    extra = list(CHROMIUM_ARGS)
    if args.get("headless", True):
        extra.insert(1, "--headless=new")
    args["args"] = [*args.get("args", []), *extra]
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1440, "height": 900},
    }


@pytest.fixture
def screenshot_dir() -> Path:
    """tests/screenshots/ (gitignored): keep the pictures browser tests take, and look at them."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture
def screenshot(screenshot_dir):
    """``screenshot(page, "admin-index")`` writes tests/screenshots/admin-index.png (full page)."""

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def two_factor_required(settings):
    """The deployment's default: every back-office user needs a second factor."""
    settings.DANGJIAN_SECURITY = {**settings.DANGJIAN_SECURITY, "REQUIRE_2FA": True}
    return settings
