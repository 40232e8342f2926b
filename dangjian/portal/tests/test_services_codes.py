"""Issuing activation codes, activating, signing in, resetting a password: and the refusals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import timezone

from dangjian.accounts.models import AuditAction, AuditEntry, User
from dangjian.members import services as member_services
from dangjian.portal import services
from dangjian.portal.models import ActivationCode, MemberAccount
from dangjian.portal.tests.factories import PORTAL_PASSWORD, issue_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)


def _from(address: str):
    return RequestFactory().post("/m/activate/", REMOTE_ADDR=address)


# ---------------------------------------------------------------- issuing


def test_codes_are_stored_hashed_with_an_expiry_and_audited(wang, li, community_admin):
    result = services.activation_codes_issue(actor=community_admin, members=[wang, li])
    codes = dict(result["issued"])
    assert set(codes) == {wang, li}
    assert all(len(code) == 8 and code.isdigit() for code in codes.values())
    stored = ActivationCode.objects.get(member=wang)
    assert stored.code_digest == ActivationCode.digest(codes[wang]) and codes[wang] not in stored.code_digest
    assert stored.expires_at > timezone.now() + datetime.timedelta(days=29)
    entry = AuditEntry.objects.filter(actor=community_admin, detail__event="activation_codes_issued").get()
    assert entry.detail["count"] == 2


def test_codes_for_a_member_outside_scope_are_refused(wang, outsider, community_admin):
    with pytest.raises(PermissionDenied):
        services.activation_codes_issue(actor=community_admin, members=[wang, outsider])
    assert not ActivationCode.objects.exists()


def test_a_leader_reads_but_issues_no_code(wang, leader):
    with pytest.raises(PermissionDenied):
        services.activation_codes_issue(actor=leader, members=[wang])
    assert not ActivationCode.objects.exists()


def test_members_without_a_mobile_are_skipped_and_alone_refused(wang, branch, superuser, community_admin):
    from dangjian.members.tests.factories import member

    no_phone = member(actor=superuser, organization=branch, name="孙无机", birth=datetime.date(1960, 1, 1))
    result = services.activation_codes_issue(actor=community_admin, members=[wang, no_phone])
    assert [m for m, _code in result["issued"]] == [wang] and result["skipped"] == [no_phone]
    with pytest.raises(ValidationError, match="没有登记手机号码"):
        services.activation_codes_issue(actor=community_admin, members=[no_phone])


# ---------------------------------------------------------------- activating


def test_activation_creates_a_member_account_without_back_office_rights(wang, community_admin):
    code = issue_code(actor=community_admin, member=wang)
    account = services.account_activate(phone="139 1234 5678", code=code, password=PORTAL_PASSWORD)
    user = account.user
    assert account.member == wang and user.phone == "13912345678"
    assert not user.is_staff and not user.is_superuser and not user.roles.exists()
    assert user.check_password(PORTAL_PASSWORD)
    assert ActivationCode.objects.get(member=wang).used_at is not None
    assert AuditEntry.objects.filter(detail__event="portal_activated", object_id=str(wang.pk)).exists()


@pytest.mark.parametrize("wrong", ["code", "phone"])
def test_a_wrong_code_or_phone_reads_the_same_and_writes_nothing(wang, li, community_admin, wrong):
    code = issue_code(actor=community_admin, member=wang)
    phone = wang.phone
    if wrong == "code":
        code = "00000000" if code != "00000000" else "11111111"
    else:
        phone = li.phone  # a real member's phone, but not the one the code is for
    with pytest.raises(ValidationError) as refused:
        services.account_activate(phone=phone, code=code, password=PORTAL_PASSWORD)
    assert refused.value.messages == [services.ACTIVATION_REFUSED]
    assert not MemberAccount.objects.exists() and not User.objects.filter(username__startswith="portal-").exists()
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, detail__event="activate").exists()


def test_a_code_works_once(wang, community_admin):
    code = issue_code(actor=community_admin, member=wang)
    services.account_activate(phone=wang.phone, code=code, password=PORTAL_PASSWORD)
    with pytest.raises(ValidationError) as refused:
        services.account_activate(phone=wang.phone, code=code, password="another-pass-2026")
    assert refused.value.messages == [services.ACTIVATION_REFUSED]
    assert MemberAccount.objects.get().user.check_password(PORTAL_PASSWORD)


def test_an_expired_code_is_refused(wang, community_admin):
    code = issue_code(actor=community_admin, member=wang)
    ActivationCode.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="激活码不正确"):
        services.account_activate(phone=wang.phone, code=code, password=PORTAL_PASSWORD)


def test_a_weak_password_is_refused_before_the_code_is_looked_at(wang, community_admin):
    code = issue_code(actor=community_admin, member=wang)
    with pytest.raises(ValidationError) as refused:
        services.account_activate(phone=wang.phone, code=code, password="12345678")
    assert "password" in refused.value.message_dict
    assert ActivationCode.objects.get(member=wang).used_at is None


def test_a_new_code_resets_the_password_and_voids_the_old_one(wang, community_admin):
    first = issue_code(actor=community_admin, member=wang)
    services.account_activate(phone=wang.phone, code=first, password=PORTAL_PASSWORD)
    unused = issue_code(actor=community_admin, member=wang)
    second = issue_code(actor=community_admin, member=wang)  # the administrator printed it twice
    with pytest.raises(ValidationError):
        services.account_activate(phone=wang.phone, code=unused, password="new-password-2026")
    account = services.account_activate(phone=wang.phone, code=second, password="new-password-2026")
    assert MemberAccount.objects.count() == 1 and account.user.check_password("new-password-2026")


def test_attempts_are_limited_per_phone(wang, community_admin, settings):
    settings.PORTAL = {**settings.PORTAL, "ATTEMPTS_PER_PHONE": 3}
    code = issue_code(actor=community_admin, member=wang)
    for _ in range(3):
        with pytest.raises(ValidationError, match="激活码不正确"):
            services.account_activate(phone=wang.phone, code="99999999", password=PORTAL_PASSWORD,
                                      request=_from("10.0.0.1"))
    # then even the right code is refused for a while, from any address
    with pytest.raises(ValidationError, match="尝试次数过多"):
        services.account_activate(phone=wang.phone, code=code, password=PORTAL_PASSWORD, request=_from("10.0.0.2"))
    assert not MemberAccount.objects.exists()


def test_attempts_are_limited_per_address(wang, community_admin, settings):
    settings.PORTAL = {**settings.PORTAL, "ATTEMPTS_PER_IP": 4}
    code = issue_code(actor=community_admin, member=wang)
    for serial in range(4):  # a guesser walking through phone numbers from one address
        with pytest.raises(ValidationError):
            services.account_activate(phone=f"1380000{serial:04d}", code="99999999", password=PORTAL_PASSWORD,
                                      request=_from("10.0.0.9"))
    with pytest.raises(ValidationError, match="尝试次数过多"):
        services.account_activate(phone=wang.phone, code=code, password=PORTAL_PASSWORD, request=_from("10.0.0.9"))
    services.account_activate(phone=wang.phone, code=code, password=PORTAL_PASSWORD, request=_from("10.0.0.10"))


# ---------------------------------------------------------------- signing in


def test_sign_in_by_phone_and_password(wang_account, wang):
    user = services.authenticate_member(phone=wang.phone, password=PORTAL_PASSWORD)
    assert user == wang_account.user


def test_sign_in_refusals_read_the_same(wang_account, wang, li):
    for phone, password in ((wang.phone, "wrong-password-1"), (li.phone, PORTAL_PASSWORD), ("", "")):
        with pytest.raises(ValidationError) as refused:
            services.authenticate_member(phone=phone, password=password)
        assert refused.value.messages == [services.LOGIN_REFUSED]


def test_a_member_who_left_the_roll_cannot_sign_in(wang_account, wang, superuser):
    member_services.member_close(actor=superuser, member=wang, standing="deceased", left_on=datetime.date.today())
    with pytest.raises(ValidationError):
        services.authenticate_member(phone=wang.phone, password=PORTAL_PASSWORD)


def test_issuing_for_a_branch_costs_a_fixed_number_of_queries(branch, superuser, community_admin,
                                                              django_assert_max_num_queries):
    from dangjian.members.selectors import member_list_for
    from dangjian.members.tests.factories import member

    for serial in range(12):
        member(actor=superuser, organization=branch, name=f"党员{serial}", phone=f"135000000{serial:02d}",
               birth=datetime.date(1970, 1, 1 + serial))
    members = list(member_list_for(community_admin).select_related("organization__area"))
    # 6 + 4: the audit entries chain onto the locked head row (accounts/audit_chain.py) — still
    # fixed, whatever the number of members.
    with django_assert_max_num_queries(10):
        result = services.activation_codes_issue(actor=community_admin, members=members)
    assert len(result["issued"]) == 12 and len({code for _m, code in result["issued"]}) == 12
