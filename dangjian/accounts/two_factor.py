"""Two-factor sign-in for the back office (GB/T 22239-2019 8.1.4.1 d: two or more authentication
techniques, one of them cryptographic): a TOTP authenticator app (django-otp) plus ten one-time
recovery codes. Every back-office user enrolls on first sign-in; until the session is verified the
back office answers only the enrollment/verification pages (session_security.py)."""

import base64

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts import audit, scoping
from dangjian.accounts.passwords import security_setting
from dangjian.core.checkin import qr_svg

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"


def requires_second_factor(user) -> bool:
    """Back-office users (any role, or a superuser) when the deployment requires it; member
    accounts sign in to the portal with their password only."""
    return (bool(security_setting("REQUIRE_2FA", True)) and user.is_authenticated and user.is_staff
            and scoping.has_back_office_access(user))


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def totp_enrollment_begin(*, user) -> TOTPDevice:
    """The unconfirmed device the user is setting up (a fresh secret each time they start over)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def enrollment_details(device: TOTPDevice) -> dict:
    """What the enrollment page shows: the QR code and the secret to type in by hand."""
    issuer = getattr(settings, "OTP_TOTP_ISSUER", "社区党建")
    secret = base64.b32encode(device.bin_key).decode()
    return {"qr_svg": qr_svg(device.config_url), "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
            "issuer": issuer}


def totp_enrollment_confirm(*, request, user, token: str) -> list[str]:
    """Confirm the pending device with a code from the app; returns the recovery codes (shown once).
    A wrong code is audited (outside the refused transaction, so the record stays)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError("请重新开始绑定身份验证器。")
    if not device.verify_token((token or "").strip()):
        audit.record_otp_failed(user=user, request=request)
        raise ValidationError("动态码不正确，请核对手机时间后重新输入当前显示的6位数字。")
    return _confirm(request=request, user=user, device=device)


@transaction.atomic
def _confirm(*, request, user, device: TOTPDevice) -> list[str]:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    codes = _new_recovery_codes(user)
    otp_login(request, device)
    audit.record_otp_enrolled(user=user, request=request)
    return codes


def second_factor_verify(*, request, user, token: str) -> None:
    """Verify this session with a TOTP code or a recovery code (each recovery code works once)."""
    token = (token or "").strip().replace(" ", "")
    for device in [confirmed_totp(user), StaticDevice.objects.filter(user=user, confirmed=True).first()]:
        if device is not None and device.verify_is_allowed()[0] and device.verify_token(token):
            otp_login(request, device)
            return
    audit.record_otp_failed(user=user, request=request)
    raise ValidationError("动态码或恢复码不正确。")


@transaction.atomic
def recovery_codes_regenerate(*, request, user) -> list[str]:
    if not getattr(request.user, "is_verified", lambda: False)():
        raise ValidationError("请先完成双因素验证。")
    return _new_recovery_codes(user)


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _index in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def second_factor_reset(*, actor, user, request=None) -> None:
    """The security administrator resets a user who lost their phone: they enroll again."""
    if not scoping.is_security_admin(actor):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有安全管理员可以重置双因素认证。")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record_change(actor=actor, action="update", obj=user, request=request, reset="two_factor")
