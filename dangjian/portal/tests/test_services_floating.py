"""A floating member reports from the portal that they are well."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.members import services as member_services
from dangjian.members.models import FloatingRecord, Member
from dangjian.portal import services

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def floating_wang(wang, superuser):
    member_services.member_float_out(actor=superuser, member=wang, place="深圳", started_on=TODAY.replace(year=TODAY.year - 1))
    member_services.member_mark_lost_contact(actor=superuser, member=wang, since=TODAY - datetime.timedelta(days=200))
    return wang


def test_the_report_records_contact_and_ends_lost_contact(floating_wang, wang_account):
    services.floating_report(actor=wang_account.user, member=floating_wang, place="东莞", contact="微信 wjg1950")
    record = FloatingRecord.objects.get(member=floating_wang)
    assert record.last_contact_on == TODAY and record.place == "东莞" and record.contact == "微信 wjg1950"
    assert Member.objects.get(pk=floating_wang.pk).lost_contact_since is None


def test_a_lost_member_without_a_floating_record_is_restored(li, li_account, superuser):
    member_services.member_mark_lost_contact(actor=superuser, member=li, since=TODAY - datetime.timedelta(days=30))
    services.floating_report(actor=li_account.user, member=li, place="南京", contact="13800001111")
    assert Member.objects.get(pk=li.pk).lost_contact_since is None


def test_a_member_neither_floating_nor_lost_has_nothing_to_report(li, li_account):
    with pytest.raises(ValidationError, match="没有流动党员登记"):
        services.floating_report(actor=li_account.user, member=li, place="南京", contact="x")


def test_nobody_reports_for_someone_else_or_without_a_contact(floating_wang, wang_account, li_account):
    with pytest.raises(PermissionDenied):
        services.floating_report(actor=li_account.user, member=floating_wang, place="东莞", contact="x")
    with pytest.raises(ValidationError):
        services.floating_report(actor=wang_account.user, member=floating_wang, place="东莞", contact=" ")
    assert FloatingRecord.objects.get(member=floating_wang).place == "深圳"
