"""HTTP hardening (issue 10 part 5): the content security policy, no inline script in our templates,
and `manage.py check --deploy` clean with the production settings."""

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db
PROJECT = Path(settings.BASE_DIR)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_portal_and_resident_pages_get_the_strict_policy():
    for url in ("/m/login/", "/c/"):
        policy = _policy(Client().get(url))
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]


def test_back_office_adds_only_what_the_admin_theme_needs(superuser):
    client = Client()
    client.force_login(superuser)
    policy = _policy(client.get("/admin/"))
    assert sorted(policy["script-src"]) == ["'self'", "'unsafe-eval'"]  # Alpine.js; no 'unsafe-inline'
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["default-src"] == ["'self'"]


def test_no_template_of_ours_carries_inline_script():
    """Inline handlers and script blocks would be blocked by the policy: behaviours go in static JS."""
    offenders = []
    for template in (PROJECT / "dangjian").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{template}: inline event handler")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{template}: inline <script>")
    assert not offenders, offenders


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}, "DEBUG": "0", "HTTPS": "1", "ALLOWED_HOSTS": "dangjian.example.gov.cn",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
