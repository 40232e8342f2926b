"""The audit log: append-only, and signing in, failing to and signing out are recorded."""

import pytest
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client, RequestFactory

from dangjian.accounts import audit
from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Meiyuan-2026-xyz"


@pytest.fixture
def member():
    return UserFactory(username="wangfang", password=PASSWORD)


@pytest.fixture
def entry(member):
    return audit.record_export(actor=member, what="党员名册", rows=120, street="梅园新村街道")


def failed_sign_in(username: str):
    """What the login form does: axes needs the request to count the failure."""
    return authenticate(request=RequestFactory().post("/admin/login/"), username=username, password="wrong")


# ---------------------------------------------------------------- append-only


def test_entry_cannot_be_changed_once_written(entry):
    # given an export recorded in the log
    # when someone edits it and saves
    entry.actor_label = "someone-else"
    # then it is refused, and the stored entry is unchanged
    with pytest.raises(PermissionError, match="审计日志不可修改。"):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "wangfang"


def test_entry_cannot_be_deleted(entry):
    with pytest.raises(PermissionError, match="审计日志不可删除。"):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_entries_cannot_be_changed_in_bulk(entry):
    # given entries in the log
    # when they are updated through a queryset, or with bulk_update
    # then both are refused
    with pytest.raises(PermissionError, match="审计日志不可修改。"):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_label="someone-else")
    entry.actor_label = "someone-else"
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["actor_label"])
    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "wangfang"


def test_entries_cannot_be_deleted_in_bulk(entry):
    with pytest.raises(PermissionError, match="审计日志不可删除。"):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_user_with_entries_cannot_be_deleted(entry, member):
    # given a user who appears in the log
    # when their account is deleted
    # then it is refused: the log keeps who did what (deactivate the account instead)
    with pytest.raises(ProtectedError):
        member.delete()


def test_export_entry_records_what_and_how_much(entry, member):
    assert (entry.action, entry.actor, entry.actor_label) == (AuditAction.EXPORT, member, "wangfang")
    assert entry.detail == {"what": "党员名册", "rows": 120, "filters": {"street": "梅园新村街道"}}


# ---------------------------------------------------------------- signing in and out


def test_sign_in_and_sign_out_are_recorded(member):
    # given a member of staff
    client = Client()
    # when they sign in and then out
    client.force_login(member)
    client.logout()
    # then both are in the log, newest first, under their name
    entries = list(AuditEntry.objects.filter(actor=member).values_list("action", "actor_label"))
    assert entries == [(AuditAction.LOGOUT, "wangfang"), (AuditAction.LOGIN, "wangfang")]


def test_sign_in_through_the_login_page_records_the_address(member):
    # given a member of staff at 10.1.2.3
    member.is_staff = True
    member.save(update_fields=["is_staff"])
    client = Client(REMOTE_ADDR="10.1.2.3")
    # when they sign in on the login page
    response = client.post("/admin/login/", {"username": "wangfang", "password": PASSWORD})
    # then they are in, and the log shows who signed in from where
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert (entry.actor, entry.source_ip) == (member, "10.1.2.3")


def test_failed_sign_in_is_recorded_with_the_name_tried(member):
    # given a member of staff
    # when someone tries their username with a wrong password
    assert failed_sign_in("wangfang") is None
    # then the failure is recorded under the name tried, with no actor and the address it came from
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (entry.actor, entry.actor_label, entry.source_ip) == (None, "wangfang", "127.0.0.1")


def test_failed_sign_in_for_an_unknown_name_is_recorded_too(db):
    failed_sign_in("nobody-here")
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, actor_label="nobody-here").exists()


def test_repeated_failures_lock_the_account_and_record_it(member, settings):
    # given the lockout threshold (AXES_FAILURE_LIMIT)
    # when the wrong password is tried that many times
    for _ in range(settings.AXES_FAILURE_LIMIT):
        failed_sign_in("wangfang")
    # then the lockout is recorded, and even the right password is refused now
    assert AuditEntry.objects.filter(action=AuditAction.LOCKOUT, actor_label="wangfang").exists()
    locked = authenticate(request=RequestFactory().post("/admin/login/"), username="wangfang", password=PASSWORD)
    assert locked is None


def test_successful_sign_in_through_the_backends_is_not_a_failure(member):
    user = authenticate(request=RequestFactory().post("/admin/login/"), username="wangfang", password=PASSWORD)
    assert user == member
    assert not AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).exists()
