"""The Chinese catalog is complete, compiled, and actually used (docs/i18n.md).

Extraction runs Django's makemessages (GNU xgettext) over the project and the installed
third-party apps, once per module. Without xgettext the extraction tests are skipped, except
when ``CI`` is set: there a missing xgettext is an error.
"""

import os
import re
import shutil

import polib
import pytest
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext
from django.views.i18n import JavaScriptCatalog

from dangjian.core.management.commands import update_catalog as uc


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


needs_xgettext = pytest.mark.skipif(
    shutil.which("xgettext") is None and not _in_ci(),
    reason="GNU gettext's xgettext is not installed (apt-get install gettext); CI requires it",
)

# msgstr == msgid is fine for these English msgids (proper names, codes); keep it short.
SAME_IN_CHINESE: frozenset[str] = frozenset()
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _catalog(domain: str) -> polib.POFile | None:
    path = uc.catalog_dir() / f"{domain}.po"
    return polib.pofile(str(path)) if path.exists() else None


def _translated_keys(po: polib.POFile | None) -> set[uc.Key]:
    if po is None:
        return set()
    return {uc.entry_key(e) for e in po if not e.obsolete and e.msgid and e.translated()}


def _label(key: uc.Key) -> str:
    ctxt, msgid = key
    return f"{ctxt} | {msgid!r}" if ctxt else repr(msgid)


@pytest.fixture(scope="module")
def extractions(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("catalog")
    srcs = uc.sources()
    return {domain: uc.extract(domain, workdir, srcs) for domain in uc.DOMAINS}


@needs_xgettext
@pytest.mark.parametrize("domain", uc.DOMAINS)
def test_every_msgid_in_use_has_a_chinese_translation(extractions, domain):
    extraction = extractions[domain]
    translated = _translated_keys(_catalog(domain))
    missing = [uc.entry_key(e) for e in extraction.entries if uc.entry_key(e) not in translated]
    assert not missing, (
        f"{len(missing)} msgid(s) of the {domain} domain have no zh_Hans translation "
        "(run `manage.py update_catalog`, then translate the empty msgstr in "
        f"locale/zh_Hans/LC_MESSAGES/{domain}.po and run it again):\n  "
        + "\n  ".join(_label(k) for k in missing)
    )


@needs_xgettext
def test_third_party_apps_without_chinese_are_covered(extractions):
    """unfold, axes, treebeard, django-tasks(-db) ship no zh_Hans: their msgids must be ours."""
    labels = {path.split("/")[0] for e in extractions["django"].entries for path, _ in e.occurrences}
    assert {"unfold", "axes", "treebeard", "django_tasks", "django_tasks_db"} <= labels
    missing = set(uc.apps_without_target_catalog())
    assert {"unfold", "axes", "treebeard", "django_tasks_db"} <= missing


@pytest.mark.parametrize("domain", uc.DOMAINS)
def test_catalog_has_no_fuzzy_empty_or_broken_entries(domain):
    po = _catalog(domain)
    if po is None:
        pytest.skip(f"no {domain} catalog (nothing to translate)")
    problems = uc.catalog_problems(po)
    assert not problems, "\n".join(problems)
    assert po.metadata.get("Plural-Forms", "").startswith("nplurals=1;")


def test_no_english_left_in_msgstr():
    po = _catalog("django")
    left = [
        e.msgid
        for e in po
        if not e.obsolete
        and e.msgid
        and e.msgid not in SAME_IN_CHINESE
        and not uc.has_cjk(e.msgstr or "".join(e.msgstr_plural.values()))
        and LATIN_WORD.search(e.msgid)
    ]
    assert not left, "msgstr without any Chinese:\n  " + "\n  ".join(map(repr, left))


@pytest.mark.parametrize("domain", uc.DOMAINS)
def test_committed_mo_matches_po(domain):
    po = _catalog(domain)
    mo_path = uc.catalog_dir() / f"{domain}.mo"
    if po is None:
        assert not mo_path.exists(), f"{mo_path} without its .po"
        return
    assert mo_path.exists(), f"{mo_path} missing: run manage.py update_catalog"

    def strings(entries):
        return {
            uc.entry_key(e): (e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in entries
            if e.msgid
        }

    expected = strings(e for e in po if not e.obsolete and e.translated())
    compiled = polib.mofile(str(mo_path))
    assert strings(compiled) == expected, f"{mo_path} is stale: run manage.py update_catalog"
    assert compiled.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")


def test_unfold_and_project_strings_render_in_chinese():
    with translation.override("zh-hans"):
        assert gettext("Select action") == "选择操作"
        assert gettext("Welcome back to") == "欢迎回到"
        assert gettext("Run") == "执行"
        assert [gettext(s) for s in ("Light", "Dark", "System")] == ["浅色", "深色", "跟随系统"]
        assert gettext("Filters") == "筛选"
        assert pgettext("Task", "Ready") == "待执行"  # django-tasks
        assert gettext("Log in") == "登录"  # still Django's own catalog
        assert (
            ngettext("Export %(len)s selected item.", "Export %(len)s selected items.", 3) % {"len": 3}
            == "导出选中的 3 项。"
        )
    with translation.override("en"):
        assert gettext("Select action") == "Select action"
        assert gettext("Welcome back to") == "Welcome back to"


def test_admin_javascript_catalog_is_chinese():
    """The admin's jsi18n (JavaScriptCatalog for django.contrib.admin) picks up djangojs.po."""
    request = RequestFactory().get("/admin/jsi18n/")
    with translation.override("zh-hans"):
        response = JavaScriptCatalog.as_view(packages=["django.contrib.admin"])(request)
    body = response.content.decode()
    assert "\\u4f5c\\u4e3a\\u4e0b\\u7ea7" in body or "作为下级" in body  # treebeard "As child"
    assert "\\u9009\\u62e9\\u5168\\u90e8" in body or "选择全部" in body  # admin "Choose all %s"


def test_admin_login_page_is_chinese(client):
    # No database: the login form renders without one, which keeps this module fast.
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "欢迎回到" in html
    visible = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    visible = re.sub(r"<[^>]+>", " ", visible)
    for english in ("Welcome back", "Username", "Password", "Log in", "Return to site", "Light", "Dark"):
        assert english not in visible, f"{english!r} left in English on /admin/login/"
