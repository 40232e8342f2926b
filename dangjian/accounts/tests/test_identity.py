"""Identity (等保 level 3, GB/T 22239-2019 8.1.4.1): two factors for the back office, password
rules, idle and absolute session time-outs, and a user's view of their own sessions."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts import session_security
from dangjian.accounts.models import AuditAction, AuditEntry, UserSession
from dangjian.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Dangjian-2026"


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits) + offset:06d}"[-6:]


def _signed_in(user) -> Client:
    client = Client()
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


@pytest.fixture
def area_admin(city):
    from dangjian.accounts.models import Role
    from dangjian.accounts.tests.factories import user_with_role

    user = user_with_role(role=Role.AREA_ADMIN, area=city.meiyuan, username="twofactor-admin")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_back_office_user_enrolls_on_first_sign_in_then_verifies_each_session(two_factor_required, area_admin):
    client = _signed_in(area_admin)
    # Every back-office page and the API wait for the second factor.
    response = client.get("/members/care/")
    assert response.status_code == 302 and response.url.startswith("/account/two-factor/")
    assert client.get("/api/v1/areas").status_code == 401
    page = client.get("/account/two-factor/")
    assert "绑定身份验证器" in page.content.decode() and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=area_admin, confirmed=False)
    refused = client.post("/account/two-factor/", {"token": _code(device, offset=1)})
    assert "动态码不正确" in refused.content.decode()
    device = TOTPDevice.objects.get(user=area_admin, confirmed=False)  # the page started over
    saved = client.post("/account/two-factor/", {"token": _code(device)})
    assert "恢复码" in saved.content.decode() and len(saved.context["codes"]) == 10
    assert client.get("/members/care/").status_code == 200
    assert client.get("/api/v1/areas").status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.OTP_ENROLLED, actor=area_admin).exists()
    assert AuditEntry.objects.filter(action=AuditAction.OTP_FAILED, actor=area_admin).exists()

    # A new session asks for the code again; a recovery code works once.
    recovery_code = saved.context["codes"][0]
    second = _signed_in(area_admin)
    assert second.get("/members/care/").status_code == 302
    assert "双因素验证" in second.get("/account/two-factor/").content.decode()
    assert second.post("/account/two-factor/", {"token": recovery_code}).status_code == 302
    assert second.get("/members/care/").status_code == 200
    third = _signed_in(area_admin)
    assert "不正确" in third.post("/account/two-factor/", {"token": recovery_code}).content.decode()


def test_member_accounts_and_the_public_pages_need_no_second_factor(two_factor_required):
    assert Client().get("/c/").status_code == 200


def test_password_rules(area_admin):
    with pytest.raises(ValidationError, match="至少 3 类"):
        validate_password("onlylowercaseletters", area_admin)
    with pytest.raises(ValidationError, match="最近 5 次"):
        validate_password(PASSWORD, area_admin)
    for index in range(5):
        area_admin.set_password(f"Rotation-{index}-2026")
        area_admin.save()
    validate_password(PASSWORD, area_admin)  # six changes ago: allowed again
    assert area_admin.password_changed_at is not None


def test_expired_password_must_be_changed_first(area_admin, settings):
    type(area_admin).objects.filter(pk=area_admin.pk).update(
        password_changed_at=timezone.now() - timezone.timedelta(days=91))
    client = _signed_in(area_admin)
    response = client.get("/members/care/")
    assert response.status_code == 302 and response.url == "/admin/password_change/"
    settings.DANGJIAN_SECURITY = {**settings.DANGJIAN_SECURITY, "PASSWORD_MAX_AGE_DAYS": 0}
    assert client.get("/members/care/").status_code == 200


def test_idle_and_absolute_timeouts_sign_the_user_out(area_admin):
    client = _signed_in(area_admin)
    assert client.get("/members/care/").status_code == 200
    session = client.session
    session[session_security.SEEN_KEY] = time.time() - 31 * 60
    session.save()
    response = client.get("/members/care/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    assert client.get("/members/care/").status_code == 302  # signed out for good
    client = _signed_in(area_admin)
    session = client.session
    session[session_security.STARTED_KEY] = time.time() - 13 * 3600
    session.save()
    assert client.get("/members/care/").url.startswith("/admin/login/")


def test_user_sees_and_ends_their_other_sessions(area_admin):
    laptop, phone = _signed_in(area_admin), _signed_in(area_admin)
    assert UserSession.objects.filter(user=area_admin).count() == 2
    page = laptop.get("/account/sessions/")
    assert "结束该会话" in page.content.decode() and "本会话" in page.content.decode()
    other = UserSession.objects.get(user=area_admin, session_key=phone.session.session_key)
    assert laptop.post("/account/sessions/", {"session": other.pk}).status_code == 302
    assert phone.get("/members/care/").status_code == 302  # the phone is signed out
    assert AuditEntry.objects.filter(action=AuditAction.SESSION_ENDED, actor=area_admin).exists()
    # someone else's session or this one: refused
    mine = UserSession.objects.get(user=area_admin)
    assert laptop.post("/account/sessions/", {"session": mine.pk}).status_code == 404
    stranger = UserFactory(username="stranger")
    stranger.set_password(PASSWORD)
    stranger.save()
    assert laptop.post("/account/sessions/", {"session": 999999}).status_code == 404
