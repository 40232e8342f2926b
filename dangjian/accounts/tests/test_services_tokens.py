"""API tokens: issued once, stored only as a hash, refused once revoked or expired."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.accounts import services
from dangjian.accounts.models import ApiToken, AuditAction, AuditEntry
from dangjian.accounts.tests.factories import UserFactory, audit_entries_for

pytestmark = pytest.mark.usefixtures("module_city")


def written():
    return ApiToken.objects.count(), AuditEntry.objects.count()


@pytest.fixture
def clock(monkeypatch):
    """Frozen time that a test can move forward: ``clock.advance(days=30)``."""

    class Clock:
        now = timezone.now().replace(microsecond=0)

        def advance(self, **delta):
            self.now += datetime.timedelta(**delta)

    frozen = Clock()
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen


# ---------------------------------------------------------------- issue


def test_city_admin_issues_a_token_whose_secret_is_shown_once(city, city_admin, clock):
    # given an integration account
    robot = UserFactory(username="robot")
    # when the city administrator issues it a token
    token, secret = services.token_issue(actor=city_admin, user=robot, name=" 数据上报 ")
    # then the secret works, expires in a year, and the audit entry records the issue
    assert secret.startswith("dj_")
    assert services.token_authenticate(secret) == robot
    assert (token.name, token.expires_at) == ("数据上报", clock.now + datetime.timedelta(days=365))
    assert audit_entries_for(token, AuditAction.TOKEN_ISSUED).get().actor == city_admin
    # and only its hash and a short prefix are stored: the secret cannot be read back anywhere
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.prefix == secret[:10]
    assert all(secret not in str(value) for value in vars(stored).values())
    assert all(secret not in str(entry.detail) + entry.object_repr for entry in AuditEntry.objects.all())


def test_anyone_issues_a_token_for_themselves(city, street_admin):
    token, secret = services.token_issue(actor=street_admin, user=street_admin, name="个人脚本", valid_days=30)
    assert services.token_authenticate(secret) == street_admin
    assert token.created_by == street_admin


def test_area_admin_cannot_issue_a_token_for_someone_else(city, district_admin, street_admin):
    before = written()
    with pytest.raises(PermissionDenied, match="只有安全管理员或市级管理员可以为其他用户签发接口令牌。"):
        services.token_issue(actor=district_admin, user=street_admin, name="代签")
    assert written() == before


def test_token_without_a_purpose_is_refused(city, city_admin):
    before = written()
    with pytest.raises(ValidationError) as refusal:
        services.token_issue(actor=city_admin, user=city_admin, name="  ")
    assert refusal.value.message_dict == {"name": ["请填写令牌用途。"]}
    assert written() == before


@pytest.mark.parametrize("valid_days", [0, -1, 3651])
def test_validity_outside_one_day_to_ten_years_is_refused(city, city_admin, valid_days):
    with pytest.raises(ValidationError) as refusal:
        services.token_issue(actor=city_admin, user=city_admin, name="数据上报", valid_days=valid_days)
    assert refusal.value.message_dict == {"valid_days": ["有效期应在1至3650天之间。"]}


# ---------------------------------------------------------------- authenticate


def test_token_works_until_it_expires(city, city_admin, clock):
    # given a token valid for 30 days
    _token, secret = services.token_issue(actor=city_admin, user=city_admin, name="月度报表", valid_days=30)
    # when it is used on day 29 and on day 31
    clock.advance(days=29)
    on_day_29 = services.token_authenticate(secret)
    clock.advance(days=2)
    on_day_31 = services.token_authenticate(secret)
    # then it works on day 29 and is refused on day 31
    assert on_day_29 == city_admin
    assert on_day_31 is None


def test_token_without_expiry_keeps_working(city, city_admin, clock):
    token, secret = services.token_issue(actor=city_admin, user=city_admin, name="长期对接", valid_days=None)
    clock.advance(days=20 * 365)
    assert token.expires_at is None
    assert services.token_authenticate(secret) == city_admin


def test_revoked_token_is_refused(city, city_admin):
    token, secret = services.token_issue(actor=city_admin, user=city_admin, name="数据上报")
    services.token_revoke(actor=city_admin, token=token)
    assert services.token_authenticate(secret) is None


def test_token_of_a_deactivated_user_is_refused(city, city_admin):
    robot = UserFactory()
    _token, secret = services.token_issue(actor=city_admin, user=robot, name="数据上报")
    robot.is_active = False
    robot.save(update_fields=["is_active"])
    assert services.token_authenticate(secret) is None


@pytest.mark.parametrize("secret", ["", "dj_not-a-real-secret", "Bearer something", None])
def test_unknown_secret_is_refused(city, secret):
    assert services.token_authenticate(secret) is None


def test_a_changed_character_makes_the_secret_unknown(city, city_admin):
    _token, secret = services.token_issue(actor=city_admin, user=city_admin, name="数据上报")
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert services.token_authenticate(tampered) is None


def test_last_use_is_recorded_at_most_every_five_minutes(city, city_admin, clock):
    # given a token used once
    token, secret = services.token_issue(actor=city_admin, user=city_admin, name="数据上报")
    services.token_authenticate(secret)
    first_use = clock.now
    # when it is used again a minute later, and then six minutes later
    clock.advance(minutes=1)
    services.token_authenticate(secret)
    after_one_minute = ApiToken.objects.get(pk=token.pk).last_used_at
    clock.advance(minutes=5)
    services.token_authenticate(secret)
    after_six_minutes = ApiToken.objects.get(pk=token.pk).last_used_at
    # then the first use stands for a while, and the later use is recorded
    assert after_one_minute == first_use
    assert after_six_minutes == clock.now


# ---------------------------------------------------------------- revoke


def test_owner_revokes_their_token_and_it_is_audited(city, street_admin, clock):
    token, _secret = services.token_issue(actor=street_admin, user=street_admin, name="个人脚本")
    services.token_revoke(actor=street_admin, token=token)
    token.refresh_from_db()
    assert token.revoked_at == clock.now
    assert audit_entries_for(token, AuditAction.TOKEN_REVOKED).get().actor == street_admin


def test_token_cannot_be_revoked_twice(city, city_admin):
    token, _secret = services.token_issue(actor=city_admin, user=city_admin, name="数据上报")
    services.token_revoke(actor=city_admin, token=token)
    with pytest.raises(ValidationError, match="该令牌已被吊销。"):
        services.token_revoke(actor=city_admin, token=token)


def test_area_admin_cannot_revoke_someone_elses_token(city, city_admin, district_admin):
    token, secret = services.token_issue(actor=city_admin, user=city_admin, name="数据上报")
    with pytest.raises(PermissionDenied, match="您没有权限吊销该令牌。"):
        services.token_revoke(actor=district_admin, token=token)
    assert services.token_authenticate(secret) == city_admin
