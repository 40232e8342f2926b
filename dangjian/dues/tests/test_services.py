"""Declarations, payments (ahead, back, by branch), exemptions and the rate table: what is
written, and the refusals that write nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.accounts.tests.factories import audit_entries_for
from dangjian.dues import services
from dangjian.dues.amounts import month_start, shift_month
from dangjian.dues.models import DuesDeclaration, DuesExemption, DuesPayment, DuesRate
from dangjian.dues.tests.factories import declared_member
from dangjian.members.tests.factories import member as make_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

TODAY = timezone.localdate()
THIS = month_start(TODAY)
LONG_AGO = shift_month(THIS, -24)


@pytest.fixture
def branch(city):
    return city.org(city.dahanggong)


@pytest.fixture
def zhang(superuser, branch):
    return declared_member(actor=superuser, organization=branch, name="张在职", base="4000", effective_from=LONG_AGO)


def _pay(actor, member, *months, **kwargs):
    kwargs.setdefault("paid_on", TODAY)
    return services.dues_pay(actor=actor, member=member, months=list(months), **kwargs)


# ---------------------------------------------------------------- declarations


def test_a_declaration_keeps_who_declared_what_and_from_when(community_admin, branch, superuser):
    # given a member declared at 4000, then a raise to 6000 this month
    someone = declared_member(actor=superuser, organization=branch, base="4000", effective_from=LONG_AGO)
    # when
    services.dues_declare(actor=community_admin, member=someone, category="in_service", income_base="6000",
                          effective_from=TODAY, note="调资")
    # then both stay, the newest first, with who declared it
    history = list(DuesDeclaration.objects.filter(member=someone))
    assert [d.income_base for d in history] == [Decimal("6000"), Decimal("4000")]
    assert history[0].declared_by == community_admin and history[0].effective_from == THIS
    assert audit_entries_for(someone).filter(detail__event="dues_declared").count() == 2


def test_the_amount_follows_the_declaration_in_force_for_each_month(superuser, branch):
    someone = declared_member(actor=superuser, organization=branch, base="4000", effective_from=LONG_AGO)
    services.dues_declare(actor=superuser, member=someone, category="in_service", income_base="6000",
                          effective_from=THIS)
    rows = _pay(superuser, someone, shift_month(THIS, -1), THIS)
    assert [r.amount for r in rows] == [Decimal("40.00"), Decimal("90.00")]  # 1 % then 1.5 %


@pytest.mark.parametrize(("fields", "message"), [
    ({"category": "in_service"}, "须填写月收入基数"),
    ({"category": "in_service", "income_base": "-1"}, "不能为负数"),
    ({"category": "rural", "agreed_amount": "2"}, "之间"),
    ({"category": "nobody"}, "请选择党员类别"),
    ({"category": "in_service", "income_base": "abc"}, "须为数字"),
])
def test_a_bad_declaration_is_refused_in_chinese_and_writes_nothing(superuser, branch, fields, message):
    someone = make_member(actor=superuser, organization=branch)
    with pytest.raises(ValidationError, match=message):
        services.dues_declare(actor=superuser, member=someone, effective_from=THIS, **fields)
    assert not DuesDeclaration.objects.filter(member=someone).exists()


def test_a_declaration_before_joining_or_far_ahead_is_refused(superuser, branch):
    someone = make_member(actor=superuser, organization=branch, joined_on=TODAY - datetime.timedelta(days=40),
                          full_member_on=None)
    with pytest.raises(ValidationError, match="早于入党"):
        services.dues_declare(actor=superuser, member=someone, category="flat", effective_from=LONG_AGO)
    with pytest.raises(ValidationError, match="晚于下个月"):
        services.dues_declare(actor=superuser, member=someone, category="flat", effective_from=shift_month(THIS, 2))


def test_leaders_and_outsiders_cannot_declare(leader, org_admin, zhang):
    for actor in (leader, org_admin):  # 大行宫 is outside the org admin's 新街口 subtree
        with pytest.raises(PermissionDenied):
            services.dues_declare(actor=actor, member=zhang, category="flat", effective_from=THIS)


# ---------------------------------------------------------------- payments


def test_one_month_is_paid_at_the_computed_amount_and_audited(community_admin, zhang):
    [row] = _pay(community_admin, zhang, THIS)
    assert (row.amount, row.due_amount, row.recorded_by, row.to_centre) == (
        Decimal("40.00"), Decimal("40.00"), community_admin, False)
    assert audit_entries_for(zhang).filter(detail__event="dues_paid").exists()


def test_paying_ahead_up_to_the_cap_and_not_beyond(superuser, zhang):
    rows = _pay(superuser, zhang, *[shift_month(THIS, i) for i in range(0, 4)])  # this month + 3 ahead
    assert len(rows) == 4
    with pytest.raises(ValidationError, match="预交党费最多3个月"):
        _pay(superuser, zhang, shift_month(THIS, 4))
    assert DuesPayment.objects.filter(member=zhang).count() == 4


def test_back_paying_up_to_six_months_and_not_beyond(superuser, zhang):
    rows = _pay(superuser, zhang, *[shift_month(THIS, -i) for i in range(1, 7)])
    assert len(rows) == 6
    with pytest.raises(ValidationError, match="补交党费一般不超过6个月"):
        _pay(superuser, zhang, shift_month(THIS, -7))


def test_the_caps_are_settings(superuser, zhang, settings):
    settings.DANGJIAN_RULES = {**settings.DANGJIAN_RULES, "DUES_PREPAY_MAX_MONTHS": 0, "DUES_BACK_PAY_MAX_MONTHS": 1}
    with pytest.raises(ValidationError, match="预交党费最多0个月"):
        _pay(superuser, zhang, shift_month(THIS, 1))
    with pytest.raises(ValidationError, match="补交党费一般不超过1个月"):
        _pay(superuser, zhang, shift_month(THIS, -2))


def test_a_month_already_paid_is_refused_and_nothing_of_the_request_is_written(superuser, zhang):
    _pay(superuser, zhang, THIS)
    with pytest.raises(ValidationError, match="的党费已交纳，不能重复登记"):
        _pay(superuser, zhang, shift_month(THIS, -1), THIS, shift_month(THIS, 1))
    assert list(DuesPayment.objects.filter(member=zhang).values_list("month", flat=True)) == [THIS]


@pytest.mark.parametrize(("amount", "message"), [("0", "必须大于零"), ("-5", "必须大于零"), ("39.99", "不能少于应交金额")])
def test_a_zero_negative_or_short_amount_is_refused(superuser, zhang, amount, message):
    with pytest.raises(ValidationError, match=message):
        _pay(superuser, zhang, THIS, amount=amount)
    assert not DuesPayment.objects.filter(member=zhang).exists()


def test_paying_more_is_recorded_and_a_thousand_goes_to_the_centre(superuser, zhang):
    [row] = _pay(superuser, zhang, THIS, amount="1000")
    assert row.amount == Decimal("1000") and row.due_amount == Decimal("40.00") and row.to_centre


def test_no_declaration_no_payment(superuser, branch):
    someone = make_member(actor=superuser, organization=branch, name="未申报")
    with pytest.raises(ValidationError, match="尚未申报党费基数"):
        _pay(superuser, someone, THIS)


def test_a_future_payment_date_and_a_month_before_joining_are_refused(superuser, branch):
    someone = declared_member(actor=superuser, organization=branch, joined_on=THIS, full_member_on=None,
                              effective_from=THIS, base="2000")
    with pytest.raises(ValidationError, match="交纳日期不能晚于今天"):
        _pay(superuser, someone, THIS, paid_on=TODAY + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="早于入党月份"):
        _pay(superuser, someone, shift_month(THIS, -1))


def test_a_member_who_left_pays_nothing_more(superuser, zhang):
    from dangjian.members import services as member_services

    member_services.member_close(actor=superuser, member=zhang, standing="deceased", left_on=TODAY)
    with pytest.raises(ValidationError, match="已不在册"):
        _pay(superuser, zhang, THIS)


def test_leaders_record_nothing(leader, zhang):
    with pytest.raises(PermissionDenied):
        _pay(leader, zhang, THIS)


# ---------------------------------------------------------------- the treasurer's month


def test_a_branch_month_records_every_ticked_member(community_admin, superuser, branch, zhang):
    li = declared_member(actor=superuser, organization=branch, name="李退休", category="retired", base="6000",
                         effective_from=LONG_AGO)
    rows = services.dues_record_branch_month(actor=community_admin, organization=branch, month=THIS,
                                             members=[zhang, li], paid_on=TODAY)
    assert sorted(r.amount for r in rows) == [Decimal("40.00"), Decimal("60.00")]
    assert audit_entries_for(branch).filter(detail__event="dues_branch_month").exists()


def test_a_branch_month_is_all_or_nothing(superuser, branch, zhang):
    li = declared_member(actor=superuser, organization=branch, name="李已交", effective_from=LONG_AGO)
    _pay(superuser, li, THIS)
    with pytest.raises(ValidationError, match="李已交"):
        services.dues_record_branch_month(actor=superuser, organization=branch, month=THIS, members=[zhang, li],
                                          paid_on=TODAY)
    assert not DuesPayment.objects.filter(member=zhang).exists()


def test_a_branch_month_refuses_members_of_another_branch(superuser, city, branch, zhang):
    other = declared_member(actor=superuser, organization=city.org(city.meiyuan), name="外支部", effective_from=LONG_AGO)
    with pytest.raises(ValidationError, match="不是"):
        services.dues_record_branch_month(actor=superuser, organization=branch, month=THIS, members=[zhang, other],
                                          paid_on=TODAY)
    assert not DuesPayment.objects.exists()


def test_a_branch_month_outside_the_scope_is_refused(org_admin, branch, zhang):
    with pytest.raises(PermissionDenied):
        services.dues_record_branch_month(actor=org_admin, organization=branch, month=THIS, members=[zhang],
                                          paid_on=TODAY)


# ---------------------------------------------------------------- exemptions


def test_an_exempt_month_owes_nothing_and_cannot_be_paid(superuser, zhang):
    services.dues_exempt(actor=superuser, member=zhang, from_month=shift_month(THIS, -2), to_month=THIS,
                         reason="重病住院，生活困难", approval="支部大会决定，街道党工委批准")
    with pytest.raises(ValidationError, match="已批准免交"):
        _pay(superuser, zhang, shift_month(THIS, -1))


def test_an_exemption_needs_a_reason_and_may_not_overlap(superuser, zhang):
    with pytest.raises(ValidationError, match="原因"):
        services.dues_exempt(actor=superuser, member=zhang, from_month=THIS, to_month=THIS, reason=" ")
    services.dues_exempt(actor=superuser, member=zhang, from_month=THIS, to_month=shift_month(THIS, 1), reason="出国")
    with pytest.raises(ValidationError, match="重叠"):
        services.dues_exempt(actor=superuser, member=zhang, from_month=shift_month(THIS, 1),
                             to_month=shift_month(THIS, 2), reason="出国")
    with pytest.raises(ValidationError, match="截止月份不能早于起始月份"):
        services.dues_exempt(actor=superuser, member=zhang, from_month=THIS, to_month=shift_month(THIS, -1),
                             reason="出国")
    assert DuesExemption.objects.filter(member=zhang).count() == 1


# ---------------------------------------------------------------- the rate table


def test_a_new_table_applies_from_its_month(city_admin, superuser, zhang):
    later = shift_month(THIS, 1)
    services.dues_rate_table_set(actor=city_admin, category="in_service", effective_from=later,
                                 citation="某年新规定", brackets=[{"income_up_to": "5000", "percent": "0.8"},
                                                                 {"income_up_to": None, "percent": "1.2"}])
    rows = _pay(superuser, zhang, THIS, later)
    assert [r.amount for r in rows] == [Decimal("40.00"), Decimal("32.00")]


def test_only_a_city_admin_changes_the_table_and_it_must_be_well_formed(district_admin, city_admin):
    before = DuesRate.objects.count()
    with pytest.raises(PermissionDenied):
        services.dues_rate_table_set(actor=district_admin, category="flat", effective_from=THIS, citation="x",
                                     brackets=[{"fixed_amount": "0.3"}])
    with pytest.raises(ValidationError, match="最后一档不设上限"):
        services.dues_rate_table_set(actor=city_admin, category="flat", effective_from=shift_month(THIS, 1),
                                     citation="x", brackets=[{"income_up_to": "100", "fixed_amount": "0.3"}])
    with pytest.raises(ValidationError, match="只能填写其一"):
        services.dues_rate_table_set(actor=city_admin, category="flat", effective_from=shift_month(THIS, 1),
                                     citation="x", brackets=[{"percent": "1", "fixed_amount": "0.3"}])
    assert DuesRate.objects.count() == before
