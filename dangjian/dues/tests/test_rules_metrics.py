"""DUES-10 (six consecutive months unpaid without reason) at its boundaries, the arrears list,
and the dues metrics — each city-wide figure a single aggregate."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.accounts.scoping import Scope
from dangjian.core.periods import Period
from dangjian.core.registry import metrics, rules
from dangjian.dues import selectors, services
from dangjian.dues.amounts import month_start, shift_month
from dangjian.dues.tests.factories import declared_member
from dangjian.members.models import Member, Standing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

TODAY = timezone.localdate()
THIS = month_start(TODAY)
LONG_AGO = shift_month(THIS, -24)


def _paid_back(actor, member, month):
    """Pay ``month`` as it was paid at the time (within that month)."""
    services.dues_pay(actor=actor, member=member, months=[month], paid_on=min(TODAY, month + datetime.timedelta(days=9)))


@pytest.fixture
def branch_year(superuser, city):
    branch = city.org(city.dahanggong)

    def person(name, **fields):
        fields.setdefault("effective_from", LONG_AGO)
        return declared_member(actor=superuser, organization=branch, name=name, **fields)

    made = {
        "never": person("从未交"),
        "paid_six_ago": person("六月前交"),
        "paid_seven_ago": person("七月前交"),
        "paid_four_ago": person("四月前交"),
        "recent": person("新申报", effective_from=shift_month(THIS, -5)),
        "exempt": person("有理由"),
        "current": person("按月交"),
    }
    _paid_back(superuser, made["paid_six_ago"], shift_month(THIS, -6))
    _paid_back(superuser, made["paid_seven_ago"], shift_month(THIS, -7))
    _paid_back(superuser, made["paid_four_ago"], shift_month(THIS, -4))
    services.dues_exempt(actor=superuser, member=made["exempt"], from_month=shift_month(THIS, -3),
                         to_month=shift_month(THIS, -3), reason="重病住院")
    services.dues_pay(actor=superuser, member=made["current"], months=[shift_month(THIS, -i) for i in range(0, 7)],
                      paid_on=TODAY)
    from dangjian.members.tests.factories import member

    made["undeclared"] = member(actor=superuser, organization=branch, name="未申报")
    return branch, made


def test_six_consecutive_unpaid_months_make_a_finding_five_do_not(branch_year, superuser):
    _branch, made = branch_year
    rule = rules.get("DUES-10")
    found = {finding.subject.name for finding in rule.check(Scope(actor=superuser), TODAY)}
    assert found == {"从未交", "七月前交"}
    assert rule.count(Scope(actor=superuser), TODAY) == 2
    assert rule.citation and "中组发〔2008〕3号" in rule.citation and rule.action


def test_a_finding_never_changes_anyone_s_standing(branch_year, superuser):
    list(rules.get("DUES-10").check(Scope(actor=superuser), TODAY))
    assert not Member.objects.exclude(standing=Standing.ACTIVE).exists()


def test_recording_a_reason_or_a_payment_clears_the_finding(branch_year, superuser):
    _branch, made = branch_year
    services.dues_exempt(actor=superuser, member=made["never"], from_month=shift_month(THIS, -1),
                         to_month=shift_month(THIS, -1), reason="出国探亲，已说明")
    _paid_back(superuser, made["paid_seven_ago"], shift_month(THIS, -6))
    assert rules.get("DUES-10").count(Scope(actor=superuser), TODAY) == 0


def test_the_rule_sees_only_the_scope(branch_year, org_admin, street_admin):
    assert rules.get("DUES-10").count(Scope(actor=org_admin), TODAY) == 0  # 新街口: not 大行宫
    assert rules.get("DUES-10").count(Scope(actor=street_admin), TODAY) == 2


def test_the_rule_is_one_query(branch_year, superuser, django_assert_num_queries):
    with django_assert_num_queries(1):
        rules.get("DUES-10").count(Scope(actor=superuser), TODAY)


def test_the_arrears_list_counts_months_behind(branch_year):
    branch, made = branch_year
    rows = {row.member.name: row for row in selectors.branch_arrears(branch, today=TODAY)}
    assert rows["从未交"].consecutive == 24 and len(rows["从未交"].months) == 24
    assert rows["从未交"].amount == Decimal("40.00") * 24
    assert rows["四月前交"].consecutive == 3
    assert rows["有理由"].consecutive == 2  # the exempt month breaks the run
    # paid the six months before this one (and this one), still behind on older ones: listed, but not in a run
    assert rows["按月交"].consecutive == 0 and len(rows["按月交"].months) == 24 - 6
    assert "未申报" not in rows
    assert rows["新申报"].consecutive == 5


def test_metrics_collected_rate_and_members_behind(branch_year, superuser, django_assert_max_num_queries):
    scope = Scope(actor=superuser)
    year = Period.containing(TODAY, "year")
    with django_assert_max_num_queries(1):
        collected = metrics.get("dues.collected").compute(scope, year)
    paid_this_year = sum(p.amount for p in selectors.payment_list_for(superuser).filter(
        paid_on__gte=year.start))
    assert collected == paid_this_year
    with django_assert_max_num_queries(3):
        rate = metrics.get("dues.collection_rate").compute(scope, year)
    assert 0 < rate < 100
    with django_assert_max_num_queries(1):
        behind = metrics.get("dues.arrears_members").compute(scope, Period.containing(TODAY, "month"))
    # three or more consecutive months: 从未交, 七月前交, 六月前交 (5), 四月前交 (3), 新申报 (5)
    assert behind == 5


def test_the_collection_rate_over_one_month_is_paid_over_due(superuser, city):
    branch = city.org(city.meiyuan)
    people = [declared_member(actor=superuser, organization=branch, name=f"党员{i}", effective_from=LONG_AGO)
              for i in range(4)]
    services.dues_record_branch_month(actor=superuser, organization=branch, month=THIS, members=people[:3],
                                      paid_on=TODAY)
    services.dues_exempt(actor=superuser, member=people[3], from_month=THIS, to_month=THIS, reason="困难")
    month = Period.containing(TODAY, "month")
    assert metrics.get("dues.collection_rate").compute(Scope(actor=superuser, focus_area=city.meiyuan), month) == 100.0
