"""Adding and editing members, and revealing an ID number."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.members import selectors, services
from dangjian.members.models import Member
from dangjian.members.tests.factories import member, valid_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)


def test_member_is_registered_with_encrypted_id_and_derived_data(city, street_admin):
    # given a community branch in the street administrator's street
    branch = city.org(city.dahanggong)
    number = valid_id_number(birth=datetime.date(1975, 3, 9), female=True)
    # when a member is added with the number typed in full-width digits and a lowercase x
    typed = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９x"))
    created = member(actor=street_admin, organization=branch, name="李秀英", id_number=typed,
                     birth=datetime.date(1975, 3, 9))
    # then birth date and sex come from the number, which is stored only encrypted and masked
    created.refresh_from_db()
    assert created.birth_date == datetime.date(1975, 3, 9)
    assert created.sex.code == "2"
    assert number not in created.id_number_ciphertext
    assert created.id_number_masked == f"{number[:6]}********{number[-4:]}"
    assert (created.name_pinyin, created.name_initials) == ("lixiuying", "lxy")
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(created.pk)).exists()


def test_invalid_id_number_is_refused_and_nothing_written(city, street_admin):
    number = valid_id_number()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        member(actor=street_admin, organization=city.org(city.dahanggong), id_number=wrong)
    assert not Member.objects.exists()


def test_full_member_date_before_joining_is_refused(city, street_admin):
    with pytest.raises(ValidationError, match="转正时间不能早于入党时间"):
        member(actor=street_admin, organization=city.org(city.dahanggong),
               joined_on=datetime.date(2010, 1, 1), full_member_on=datetime.date(2009, 1, 1))
    assert not Member.objects.exists()


def test_same_id_number_twice_is_refused_without_saying_where(city, street_admin, superuser):
    number = valid_id_number()
    member(actor=superuser, organization=city.org(city.fuzimiao), id_number=number)
    with pytest.raises(ValidationError) as refusal:
        member(actor=street_admin, organization=city.org(city.dahanggong), id_number=number)
    message = str(refusal.value)
    assert "已登记" in message and "夫子庙" not in message
    assert Member.objects.count() == 1


def test_member_outside_scope_cannot_be_added(city, street_admin, leader):
    with pytest.raises(ValidationError, match="管辖范围"):
        member(actor=street_admin, organization=city.org(city.fuzimiao))
    with pytest.raises(ValidationError, match="管辖范围"):
        member(actor=leader, organization=city.org(city.dahanggong))


def test_search_by_pinyin_initials_phone_and_full_id(city, street_admin):
    number = valid_id_number()
    created = member(actor=street_admin, organization=city.org(city.dahanggong), name="王建国",
                     id_number=number, phone="13912345678")
    roster = selectors.member_list_for(street_admin)
    for query in ("王建", "wangjian", "wjg", "1391234", number, number.lower()):
        assert list(selectors.member_search(roster, query)) == [created], query
    assert not selectors.member_search(roster, valid_id_number()).exists()


def test_reveal_is_a_permission_and_audited(city, street_admin, leader, district_admin):
    number = valid_id_number()
    created = member(actor=street_admin, organization=city.org(city.dahanggong), id_number=number)
    assert services.member_reveal_id_number(actor=district_admin, member=created, purpose="核对") == number
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL, object_id=str(created.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        services.member_reveal_id_number(actor=leader, member=created)
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL).count() == 1
