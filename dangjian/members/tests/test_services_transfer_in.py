"""Receiving a member whose introduction letter comes from outside the system (issue 3, item 4)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from dangjian.accounts.models import AuditEntry
from dangjian.members import services
from dangjian.members.models import Member, Standing, Transfer, TransferStatus
from dangjian.members.tests.factories import member, valid_id_number
from dangjian.organizations.models import PartyOrganization

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)

TODAY = datetime.date.today()


@pytest.fixture
def branch(city):
    return PartyOrganization.objects.get(pk=city.org(city.dahanggong).pk)


@pytest.fixture
def other_branch(city):
    return PartyOrganization.objects.get(pk=city.org(city.changjianglu).pk)


def _receive(actor, organization, **overrides):
    fields = dict(
        organization=organization, from_outside="上海市徐汇区某某街道党工委", letter_number="沪徐组〔2026〕15号",
        issued_on=TODAY - datetime.timedelta(days=10), received_on=TODAY, name="林晓",
        id_number=valid_id_number(birth=datetime.date(1988, 3, 9)), ethnicity="01",
        joined_on=datetime.date(2012, 6, 1), full_member_on=datetime.date(2013, 6, 1), phone="13900001111",
    )
    fields.update(overrides)
    return services.member_transfer_in_from_outside(actor=actor, **fields)


def test_member_from_outside_is_registered_with_the_letter_kept_as_received(branch, street_admin):
    # when
    transfer = _receive(street_admin, branch)
    # then
    member_in = transfer.member
    assert (member_in.organization, member_in.standing, member_in.name) == (branch, Standing.ACTIVE, "林晓")
    assert (transfer.status, transfer.closed_on, transfer.from_outside) == (
        TransferStatus.RECEIVED, TODAY, "上海市徐汇区某某街道党工委")
    assert transfer.from_organization is None and transfer.to_organization == branch
    assert AuditEntry.objects.filter(object_type="members.Transfer", object_id=str(transfer.pk)).exists()


def test_member_who_once_left_the_system_comes_back_on_the_same_record(branch, other_branch, street_admin):
    # given a member who moved to Shanghai through a letter to outside the system
    number = valid_id_number(birth=datetime.date(1975, 1, 2))
    leaver = member(actor=street_admin, organization=other_branch, name="周成", id_number=number,
                    birth=datetime.date(1975, 1, 2), phone="13000000000")
    letter = services.member_transfer_issue(actor=street_admin, member=leaver, to_outside="上海市某党委",
                                            letter_number="宁出1", issued_on=TODAY - datetime.timedelta(days=40))
    services.member_transfer_receive(actor=street_admin, transfer=letter, received_on=TODAY - datetime.timedelta(days=30))
    # when they come back with a letter from Shanghai
    transfer = _receive(street_admin, branch, name="周成", id_number=number, phone="13111112222",
                        joined_on=leaver.joined_on, full_member_on=leaver.full_member_on)
    # then the same record is back on the roll, in the receiving branch, with the new phone
    leaver.refresh_from_db()
    assert transfer.member_id == leaver.pk
    assert (leaver.standing, leaver.organization, leaver.left_on, leaver.phone) == (
        Standing.ACTIVE, branch, None, "13111112222")
    assert Member.objects.filter(name="周成").count() == 1
    assert leaver.transfers.count() == 2


def test_a_member_on_the_roll_elsewhere_is_refused(branch, other_branch, street_admin):
    number = valid_id_number(birth=datetime.date(1981, 8, 8))
    member(actor=street_admin, organization=other_branch, name="何平", id_number=number)
    with pytest.raises(ValidationError, match="已登记在系统中"):
        _receive(street_admin, branch, name="何平", id_number=number)
    assert Transfer.objects.count() == 0


@pytest.mark.parametrize(("overrides", "message"), [
    ({"from_outside": "  "}, "转出单位"),
    ({"letter_number": ""}, "介绍信编号"),
    ({"received_on": TODAY - datetime.timedelta(days=20)}, "不能早于开具日期"),
    ({"issued_on": TODAY - datetime.timedelta(days=200)}, "超过有效期"),
    ({"received_on": TODAY + datetime.timedelta(days=1)}, "晚于今天"),
    ({"id_number": "320102198803091234"}, "身份证"),
    ({"full_member_on": datetime.date(2010, 1, 1)}, "转正时间不能早于入党时间"),
])
def test_refusals_write_nothing(branch, street_admin, overrides, message):
    with pytest.raises(ValidationError, match=message):
        _receive(street_admin, branch, **overrides)
    assert (Member.objects.count(), Transfer.objects.count()) == (0, 0)


def test_outside_the_actors_scope_or_read_only_is_refused(city, branch, leader, community_admin):
    elsewhere = PartyOrganization.objects.get(pk=city.org(city.changjianglu).pk)
    with pytest.raises(ValidationError, match="管辖范围"):
        _receive(community_admin, elsewhere)
    with pytest.raises(ValidationError, match="管辖范围"):
        _receive(leader, branch)
    assert Member.objects.count() == 0
