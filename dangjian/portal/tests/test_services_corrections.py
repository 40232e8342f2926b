"""Correction requests: a member proposes, the branch administrator approves or rejects."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core import crypto
from dangjian.members.models import Member
from dangjian.members.tests.factories import valid_id_number
from dangjian.portal import services
from dangjian.portal.models import CorrectionRequest, CorrectionState

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)


def _submit(account, **changes):
    return services.correction_request_submit(actor=account.user, member=account.member, changes=changes)


def test_a_member_asks_for_a_correction_and_sees_it_side_by_side(wang_account, wang):
    new_number = valid_id_number(serial=401)
    correction = _submit(wang_account, phone="13900009999", id_number=new_number, workplace_text="")
    assert correction.state == CorrectionState.PENDING
    rows = {row["field"]: row for row in services.correction_rows(correction)}
    assert rows["phone"]["old"] == "13912345678" and rows["phone"]["new"] == "13900009999"
    assert rows["id_number"]["old"] == wang.id_number_masked and "*" in rows["id_number"]["new"]
    # the full number is kept only encrypted
    assert new_number not in str(correction.proposed)
    assert crypto.decrypt(correction.proposed["id_number"]["ciphertext"]) == new_number


def test_an_invalid_id_number_is_refused_and_nothing_written(wang_account):
    with pytest.raises(ValidationError) as refused:
        _submit(wang_account, id_number="320102195009010010")
    assert "id_number" in refused.value.message_dict
    assert not CorrectionRequest.objects.exists()


def test_a_member_cannot_ask_for_another_member(wang_account, li):
    with pytest.raises(PermissionDenied):
        services.correction_request_submit(actor=wang_account.user, member=li, changes={"phone": "13900009999"})
    assert not CorrectionRequest.objects.exists()


def test_nothing_new_or_a_second_pending_request_is_refused(wang_account, wang):
    with pytest.raises(ValidationError, match="相同"):
        _submit(wang_account, phone=wang.phone)
    _submit(wang_account, phone="13900009999")
    with pytest.raises(ValidationError, match="正在审核"):
        _submit(wang_account, workplace_text="玄武区某公司")
    assert CorrectionRequest.objects.count() == 1


def test_approval_updates_the_member_through_member_update_with_history(wang_account, wang, community_admin):
    new_number = valid_id_number(birth=datetime.date(1950, 9, 1), serial=402)
    correction = _submit(wang_account, phone="13900009999", id_number=new_number, education="21")
    services.correction_request_approve(actor=community_admin, correction=correction)
    wang = Member.objects.get(pk=wang.pk)
    assert wang.phone == "13900009999" and crypto.decrypt(wang.id_number_ciphertext) == new_number
    assert wang.education.code == "21"
    latest = wang.history.order_by("-history_date").first()
    assert latest.phone == "13900009999" and latest.history_type == "~"
    # the member signs in with the new phone number from now on
    wang_account.user.refresh_from_db()
    assert wang_account.user.phone == "13900009999"
    assert CorrectionRequest.objects.get().state == CorrectionState.APPROVED


def test_approval_outside_scope_or_read_only_is_refused(wang_account, wang, leader, city, superuser):
    from dangjian.accounts.tests.factories import user_with_role

    qinhuai_admin = user_with_role(role="area_admin", area=city.fuzimiao, username="qinhuai")
    correction = _submit(wang_account, phone="13900009999")
    for actor in (qinhuai_admin, leader):
        with pytest.raises(PermissionDenied):
            services.correction_request_approve(actor=actor, correction=correction)
    assert Member.objects.get(pk=wang.pk).phone == "13912345678"


def test_rejection_needs_a_reason_and_decides_once(wang_account, community_admin):
    correction = _submit(wang_account, phone="13900009999")
    with pytest.raises(ValidationError, match="理由"):
        services.correction_request_reject(actor=community_admin, correction=correction, reason=" ")
    services.correction_request_reject(actor=community_admin, correction=correction, reason="号码与本人不符")
    with pytest.raises(ValidationError, match="已驳回"):
        services.correction_request_approve(actor=community_admin, correction=correction)
