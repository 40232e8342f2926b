"""The lifecycle services: full membership, transfers, floating, lost contact, leaving, care."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.members import services
from dangjian.members.care import visits_due
from dangjian.members.models import (
    FloatingRecord,
    Member,
    MemberStatus,
    Standing,
    Transfer,
    TransferStatus,
)
from dangjian.members.tests.factories import member
from dangjian.organizations.models import PartyOrganization

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)

TODAY = datetime.date.today()


@pytest.fixture
def branch(city):
    return PartyOrganization.objects.get(pk=city.org(city.dahanggong).pk)


@pytest.fixture
def other_branch(city):
    return PartyOrganization.objects.get(pk=city.org(city.changjianglu).pk)


@pytest.fixture
def probationer(branch, street_admin):
    return member(actor=street_admin, organization=branch, name="赵新", joined_on=TODAY - datetime.timedelta(days=400),
                  full_member_on=None, birth=datetime.date(1995, 1, 1))


@pytest.fixture
def veteran(branch, street_admin):
    return member(actor=street_admin, organization=branch, name="钱老", birth=datetime.date(1950, 2, 1),
                  joined_on=datetime.date(1972, 7, 1), full_member_on=datetime.date(1973, 7, 1),
                  employment="retired")


# ---------------------------------------------------------------- full membership


def test_probationer_becomes_full(probationer, street_admin):
    day = TODAY - datetime.timedelta(days=5)
    services.member_make_full(actor=street_admin, member=probationer, full_member_on=day)
    probationer.refresh_from_db()
    assert (probationer.status, probationer.full_member_on) == (MemberStatus.FULL, day)


def test_full_membership_refusals(probationer, veteran, street_admin, leader):
    with pytest.raises(ValidationError, match="早于入党时间"):
        services.member_make_full(actor=street_admin, member=probationer,
                                  full_member_on=probationer.joined_on - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="已是正式党员"):
        services.member_make_full(actor=street_admin, member=veteran, full_member_on=TODAY)
    with pytest.raises(PermissionDenied):
        services.member_make_full(actor=leader, member=probationer, full_member_on=TODAY)
    probationer.refresh_from_db()
    assert probationer.status == MemberStatus.PROBATIONARY


# ---------------------------------------------------------------- transfers


def test_transfer_is_issued_and_received_by_the_other_side(veteran, other_branch, street_admin, superuser):
    transfer = services.member_transfer_issue(actor=street_admin, member=veteran, to_organization=other_branch,
                                              letter_number="宁组转2026-001", issued_on=TODAY)
    assert transfer.status == TransferStatus.ISSUED and transfer.valid_days == 90
    services.member_transfer_receive(actor=superuser, transfer=transfer, received_on=TODAY)
    veteran.refresh_from_db()
    transfer.refresh_from_db()
    assert veteran.organization == other_branch
    assert transfer.status == TransferStatus.RECEIVED


def test_transfer_to_same_organization_or_twice_is_refused(veteran, branch, other_branch, street_admin):
    with pytest.raises(ValidationError, match="不能与当前所在党组织相同"):
        services.member_transfer_issue(actor=street_admin, member=veteran, to_organization=branch,
                                       letter_number="A1", issued_on=TODAY)
    services.member_transfer_issue(actor=street_admin, member=veteran, to_organization=other_branch,
                                   letter_number="A2", issued_on=TODAY)
    with pytest.raises(ValidationError, match="在途"):
        services.member_transfer_issue(actor=street_admin, member=veteran, to_outside="上海市某街道党工委",
                                       letter_number="A3", issued_on=TODAY)
    assert Transfer.objects.count() == 1


def test_expired_letter_cannot_be_received_and_is_marked_expired(veteran, other_branch, street_admin, superuser):
    issued = TODAY - datetime.timedelta(days=100)
    transfer = services.member_transfer_issue(actor=street_admin, member=veteran, to_organization=other_branch,
                                              letter_number="B1", issued_on=issued, valid_days=30)
    with pytest.raises(ValidationError, match="有效期"):
        services.member_transfer_receive(actor=superuser, transfer=transfer, received_on=TODAY)
    assert services.transfers_expire_due(on_date=TODAY) == 1
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.EXPIRED
    veteran.refresh_from_db()
    assert veteran.organization_id != other_branch.pk


def test_transfer_outside_the_system_takes_the_member_off_the_roll(veteran, street_admin):
    transfer = services.member_transfer_issue(actor=street_admin, member=veteran, to_outside="上海市徐汇区某党委",
                                              letter_number="C1", issued_on=TODAY)
    services.member_transfer_receive(actor=street_admin, transfer=transfer, received_on=TODAY)
    veteran.refresh_from_db()
    assert veteran.standing == Standing.TRANSFERRED_OUT
    assert Member.objects.on_roll().filter(pk=veteran.pk).count() == 0


def test_returned_letter_leaves_member_in_place(veteran, branch, other_branch, street_admin):
    transfer = services.member_transfer_issue(actor=street_admin, member=veteran, to_organization=other_branch,
                                              letter_number="D1", issued_on=TODAY)
    services.member_transfer_return(actor=street_admin, transfer=transfer, returned_on=TODAY, note="信息有误")
    veteran.refresh_from_db()
    assert veteran.organization == branch
    with pytest.raises(ValidationError, match="已退回"):
        services.member_transfer_receive(actor=street_admin, transfer=transfer, received_on=TODAY)


# ---------------------------------------------------------------- floating, lost contact, leaving


def test_floating_out_contact_and_end(veteran, street_admin):
    record = services.member_float_out(actor=street_admin, member=veteran, place="苏州市工业园区",
                                       started_on=TODAY - datetime.timedelta(days=200), card_number="LD001")
    with pytest.raises(ValidationError, match="未结束的流出登记"):
        services.member_float_out(actor=street_admin, member=veteran, place="无锡", started_on=TODAY)
    services.member_mark_lost_contact(actor=street_admin, member=veteran, since=TODAY - datetime.timedelta(days=30))
    services.floating_record_contact(actor=street_admin, record=record, contacted_on=TODAY, contact="13800001111")
    veteran.refresh_from_db()
    record.refresh_from_db()
    assert record.last_contact_on == TODAY
    assert veteran.lost_contact_since is None  # contact resolves the lost-contact state
    with pytest.raises(ValidationError, match="早于开始日期"):
        services.floating_end(actor=street_admin, record=record, ended_on=record.started_on - datetime.timedelta(1))
    services.floating_end(actor=street_admin, record=record, ended_on=TODAY)
    assert FloatingRecord.objects.get(pk=record.pk).ended_on == TODAY


def test_floating_in_from_outside_needs_a_name(branch, street_admin, leader):
    with pytest.raises(ValidationError, match="姓名"):
        services.member_float_in(actor=street_admin, host_organization=branch, origin="安徽合肥", started_on=TODAY)
    with pytest.raises(PermissionDenied):
        services.member_float_in(actor=leader, host_organization=branch, origin="安徽合肥", started_on=TODAY,
                                 outside_name="孙立")
    record = services.member_float_in(actor=street_admin, host_organization=branch, origin="安徽合肥",
                                      started_on=TODAY, outside_name="孙立", outside_organization="合肥某支部")
    assert record.direction == "inflow" and record.member is None


def test_lost_contact_and_restore(veteran, street_admin):
    with pytest.raises(ValidationError, match="未登记为失联"):
        services.member_restore_contact(actor=street_admin, member=veteran, restored_on=TODAY)
    since = TODAY - datetime.timedelta(days=10)
    services.member_mark_lost_contact(actor=street_admin, member=veteran, since=since)
    with pytest.raises(ValidationError, match="早于失联日期"):
        services.member_restore_contact(actor=street_admin, member=veteran, restored_on=since - datetime.timedelta(1))
    services.member_restore_contact(actor=street_admin, member=veteran, restored_on=TODAY)
    veteran.refresh_from_db()
    assert veteran.lost_contact_since is None


def test_leaving_keeps_the_member_as_history(veteran, street_admin):
    with pytest.raises(ValidationError, match="请选择"):
        services.member_close(actor=street_admin, member=veteran, standing="active", left_on=TODAY)
    services.member_close(actor=street_admin, member=veteran, standing=Standing.DECEASED, left_on=TODAY,
                          reason="病故")
    veteran.refresh_from_db()
    assert veteran.standing == Standing.DECEASED and "病故" in veteran.notes
    assert Member.objects.filter(pk=veteran.pk).exists()
    with pytest.raises(ValidationError, match="不在册"):
        services.member_update(actor=street_admin, member=veteran, phone="13900000000")


# ---------------------------------------------------------------- care ledger


def test_visits_due_follow_the_community_cadence(veteran, street_admin, city):
    members = Member.objects.filter(pk=veteran.pk)
    # never visited: due at once
    assert [due.member for due in visits_due(members, on_date=TODAY)] == [veteran]
    services.care_visit_record(actor=street_admin, member=veteran, visited_on=TODAY - datetime.timedelta(days=100),
                               visitor="社区书记", help_kinds=["goods"], help_detail="米油")
    # retired: default every 6 months → not due after 100 days
    assert visits_due(members, on_date=TODAY) == []
    # the community visits its retired members every 3 months → due again
    services.care_cadence_set(actor=street_admin, area=city.dahanggong, group="retired", every_months=3)
    assert [due.member for due in visits_due(members, on_date=TODAY)] == [veteran]


def test_care_visit_refusals(veteran, street_admin):
    with pytest.raises(ValidationError, match="金额"):
        services.care_visit_record(actor=street_admin, member=veteran, visited_on=TODAY, visitor="王",
                                   help_kinds=["money"])
    with pytest.raises(ValidationError, match="走访人"):
        services.care_visit_record(actor=street_admin, member=veteran, visited_on=TODAY, visitor=" ")
    assert not veteran.care_visits.exists()
