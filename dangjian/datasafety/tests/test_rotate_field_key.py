"""Key rotation: ID numbers move to the new key batch by batch while every row stays readable
and findable by its exact number, and a rerun finds nothing left to do."""

import base64
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from dangjian.accounts.models import AuditEntry
from dangjian.core import crypto
from dangjian.datasafety import rotation
from dangjian.members import selectors, services
from dangjian.members.models import Member
from dangjian.members.tests.factories import member, valid_id_number
from dangjian.portal import services as portal_services
from dangjian.portal.models import CorrectionRequest

pytestmark = pytest.mark.django_db

NEW_KEY = base64.urlsafe_b64encode(b"the-second-field-key-for-tests!!").decode()


@pytest.fixture
def three_members(city, superuser):
    branch = city.org(city.dahanggong)
    numbers = [valid_id_number(serial=100 + n) for n in range(3)]
    members = [member(actor=superuser, organization=branch, name=f"党员{n}", id_number=number,
                      phone=f"1391234567{n}") for n, number in enumerate(numbers)]
    return list(zip(members, numbers, strict=True))


@pytest.fixture
def rotating(settings):
    """Both keys configured, the new one current (step 1 of the runbook)."""
    settings.FIELD_ENCRYPTION_KEYS = {"v1": settings.FIELD_ENCRYPTION_KEY, "v2": NEW_KEY}
    settings.FIELD_ENCRYPTION_CURRENT_KEY_ID = "v2"
    return settings


def _readable_and_findable(pairs, superuser):
    for old, number in pairs:
        fresh = Member.objects.get(pk=old.pk)
        assert services.member_reveal_id_number(actor=superuser, member=fresh) == number
        assert list(selectors.member_search(Member.objects.all(), number)) == [fresh]
        assert selectors.member_by_id_number_and_name(number, fresh.name) == fresh


def test_rows_stay_readable_and_searchable_during_and_after_the_rotation(three_members, rotating, superuser):
    # given members encrypted under v1 and v2 now current
    assert {crypto.key_id_of(m.id_number_ciphertext) for m, _ in three_members} == {"v1"}
    # when one batch of one row has been rotated (the command interrupted)
    count, _last = rotation.rotate_member_batch(key_id="v2", after_pk=0, size=1)
    assert count == 1
    assert sorted(crypto.key_id_of(c) for c in Member.objects.values_list("id_number_ciphertext", flat=True)) \
        == ["v1", "v1", "v2"]
    # then every row is readable and found by its exact number, under either key
    _readable_and_findable(three_members, superuser)
    # and a second registration of a not-yet-rotated number is still refused
    with pytest.raises(ValidationError, match="已登记"):
        member(actor=superuser, organization=three_members[0][0].organization, name="重复",
               id_number=three_members[2][1])
    # when the command runs to the end
    out = io.StringIO()
    call_command("rotate_field_key", batch_size=1, stdout=out)
    # then every row carries v2, with progress printed, and is still readable and findable
    assert set(crypto.key_id_of(c) for c in Member.objects.values_list("id_number_ciphertext", flat=True)) == {"v2"}
    assert "已重新加密 2 / 2" in out.getvalue()
    _readable_and_findable(three_members, superuser)
    assert AuditEntry.objects.filter(detail__event="field_key_rotated", detail__members=2).exists()


def test_after_the_old_key_is_retired_everything_still_works(three_members, rotating, superuser):
    call_command("rotate_field_key", stdout=io.StringIO())
    rotating.FIELD_ENCRYPTION_KEYS = {"v2": NEW_KEY}  # step 3: v1 removed
    _readable_and_findable(three_members, superuser)
    # the blind index rotated with the ciphertext: the digest is v2's, not v1's
    first, number = three_members[0]
    assert Member.objects.get(pk=first.pk).id_number_digest == crypto.blind_index(number, key_id="v2")
    # a rerun is idempotent: nothing left under another key
    out = io.StringIO()
    call_command("rotate_field_key", stdout=out)
    assert "本次重新加密党员 0 名" in out.getvalue()


def test_correction_requests_holding_an_id_number_are_rotated(three_members, rotating, superuser, settings):
    # given a pending correction request made under v1
    settings.FIELD_ENCRYPTION_CURRENT_KEY_ID = "v1"
    target, _number = three_members[0]
    new_number = valid_id_number(serial=400)
    from dangjian.portal.tests.factories import activated

    account = activated(actor=superuser, member=target)
    request = portal_services.correction_request_submit(actor=account.user, member=target,
                                                        changes={"id_number": new_number})
    assert crypto.key_id_of(request.proposed["id_number"]["ciphertext"]) == "v1"
    # when the key rotates to v2 and the old one is retired
    settings.FIELD_ENCRYPTION_CURRENT_KEY_ID = "v2"
    call_command("rotate_field_key", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = {"v2": NEW_KEY}
    # then the request still approves with the number the member typed
    request = CorrectionRequest.objects.get(pk=request.pk)
    assert crypto.key_id_of(request.proposed["id_number"]["ciphertext"]) == "v2"
    portal_services.correction_request_approve(actor=superuser, correction=request)
    assert services.member_reveal_id_number(actor=superuser, member=Member.objects.get(pk=target.pk)) == new_number


def test_a_row_under_an_unconfigured_key_stops_the_rotation_with_a_clear_message(three_members, rotating):
    Member.objects.filter(pk=three_members[0][0].pk).update(id_number_ciphertext="v0:AAAA")
    with pytest.raises(CommandError, match="密钥 v0 未配置"):
        call_command("rotate_field_key", stdout=io.StringIO())


def test_an_unknown_current_key_id_is_refused(three_members, settings):
    settings.FIELD_ENCRYPTION_CURRENT_KEY_ID = "v9"
    with pytest.raises(CommandError, match="v9"):
        call_command("rotate_field_key", stdout=io.StringIO())
