"""The staff pages: the branch list, the treasurer's month (tick who paid), arrears, the member's
dues (declare, pay ahead or back, exempt), the rate table and the ledger export read back.
Refusals come back on the page in Chinese and write nothing; list pages pin their queries."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.dues import services
from dangjian.dues.amounts import month_start, shift_month
from dangjian.dues.models import DuesDeclaration, DuesExemption, DuesPayment
from dangjian.dues.tests.factories import declared_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

TODAY = timezone.localdate()
THIS = month_start(TODAY)
LONG_AGO = shift_month(THIS, -12)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def branch(city):
    return city.org(city.dahanggong)


@pytest.fixture
def people(superuser, branch):
    return [declared_member(actor=superuser, organization=branch, name=name, base=base, effective_from=LONG_AGO)
            for name, base in (("甲党员", "3000"), ("乙党员", "3000.01"), ("丙党员", "12000"))]


def test_the_branch_list_shows_the_month_and_pins_its_queries(community_admin, people, branch,
                                                              django_assert_max_num_queries):
    client = _client(community_admin)
    client.get("/dues/")
    with django_assert_max_num_queries(12):
        html = client.get(f"/dues/?month={THIS:%Y-%m}").content.decode()
    assert branch.name in html and f'data-organization="{branch.pk}"' in html


def test_the_treasurer_ticks_who_paid_and_the_amounts_are_computed(community_admin, people, branch,
                                                                   django_assert_max_num_queries):
    client = _client(community_admin)
    client.get("/dues/")
    with django_assert_max_num_queries(16):
        html = client.get(f"/dues/branch/{branch.pk}/?month={THIS:%Y-%m}").content.decode()
    assert "15.00" in html and "30.00" in html and "240.00" in html  # 0.5 %, 1 %, 2 %
    response = client.post(f"/dues/branch/{branch.pk}/", {
        "month": f"{THIS:%Y-%m}", "members": [people[0].pk, people[2].pk], "paid_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert sorted(DuesPayment.objects.values_list("amount", flat=True)) == [Decimal("15.00"), Decimal("240.00")]
    html = client.get(response["Location"]).content.decode()
    assert "已登记2名党员" in html


def test_ticking_nobody_or_a_paid_member_is_refused_on_the_page(community_admin, superuser, people, branch):
    services.dues_pay(actor=superuser, member=people[0], months=[THIS], paid_on=TODAY)
    client = _client(community_admin)
    html = client.post(f"/dues/branch/{branch.pk}/", {"month": f"{THIS:%Y-%m}", "paid_on": TODAY.isoformat()}
                       ).content.decode()
    assert "请勾选本月已交党费的党员" in html
    html = client.post(f"/dues/branch/{branch.pk}/", {"month": f"{THIS:%Y-%m}", "members": [people[0].pk, people[1].pk],
                                                      "paid_on": TODAY.isoformat()}).content.decode()
    assert "甲党员" in html and ("已交纳" in html or "不能登记" in html)
    assert DuesPayment.objects.count() == 1


def test_a_leader_reads_the_month_but_cannot_record(leader, people, branch):
    client = _client(leader)
    html = client.get(f"/dues/branch/{branch.pk}/").content.decode()
    assert "甲党员" in html and 'name="members"' not in html
    response = client.post(f"/dues/branch/{branch.pk}/", {"month": f"{THIS:%Y-%m}", "members": [people[0].pk],
                                                          "paid_on": TODAY.isoformat()})
    assert response.status_code == 403
    assert not DuesPayment.objects.exists()


def test_the_member_page_declares_pays_ahead_and_refuses_beyond_the_cap(community_admin, people):
    client = _client(community_admin)
    someone = people[1]
    assert client.get(f"/dues/member/{someone.pk}/").status_code == 200
    response = client.post(f"/dues/member/{someone.pk}/pay/", {
        "from_month": f"{THIS:%Y-%m}", "to_month": f"{shift_month(THIS, 3):%Y-%m}", "paid_on": TODAY.isoformat()})
    assert response.status_code == 302 and DuesPayment.objects.filter(member=someone).count() == 4
    html = client.post(f"/dues/member/{someone.pk}/pay/", {
        "from_month": f"{shift_month(THIS, 4):%Y-%m}", "paid_on": TODAY.isoformat()}).content.decode()
    assert "预交党费最多3个月" in html
    html = client.post(f"/dues/member/{someone.pk}/pay/", {
        "from_month": f"{shift_month(THIS, -1):%Y-%m}", "paid_on": TODAY.isoformat(), "amount": "-1"}).content.decode()
    assert "交纳金额必须大于零" in html
    assert DuesPayment.objects.filter(member=someone).count() == 4
    response = client.post(f"/dues/member/{someone.pk}/declare/", {
        "category": "in_service", "income_base": "5200", "effective_from": f"{THIS:%Y-%m}", "note": "调资"})
    assert response.status_code == 302 and DuesDeclaration.objects.filter(member=someone).count() == 2
    html = client.post(f"/dues/member/{someone.pk}/declare/", {
        "category": "in_service", "effective_from": "2026-13"}).content.decode()
    assert "如 2026-03" in html


def test_the_member_page_records_an_exemption(community_admin, people):
    client = _client(community_admin)
    response = client.post(f"/dues/member/{people[0].pk}/exempt/", {
        "from_month": f"{shift_month(THIS, -2):%Y-%m}", "to_month": f"{THIS:%Y-%m}", "reason": "重病住院",
        "approval": "街道党工委批准"})
    assert response.status_code == 302 and DuesExemption.objects.filter(member=people[0]).exists()
    html = client.get(f"/dues/member/{people[0].pk}/").content.decode()
    assert "重病住院" in html and 'data-status="exempt"' in html


def test_the_arrears_page_lists_who_is_behind(community_admin, people, branch, superuser):
    services.dues_pay(actor=superuser, member=people[0], months=[shift_month(THIS, -1)], paid_on=TODAY)
    html = _client(community_admin).get(f"/dues/branch/{branch.pk}/arrears/").content.decode()
    assert "乙党员" in html and "须研究处理" in html


def test_the_ledger_export_reads_back_and_is_audited(community_admin, superuser, people, branch):
    services.dues_pay(actor=superuser, member=people[2], months=[THIS], paid_on=TODAY)
    response = _client(community_admin).get(f"/dues/branch/{branch.pk}/ledger.xlsx?year={TODAY.year}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == f"{branch.name} {TODAY.year}年党费收缴台账"
    assert rows[2][:3] == ("序号", "姓名", "1月")
    by_name = {row[1]: row for row in rows[3:-1]}
    assert set(by_name) == {"甲党员", "乙党员", "丙党员"}
    assert by_name["丙党员"][1 + TODAY.month] == 240.0 and by_name["丙党员"][14] == 240.0
    if TODAY.month > 1:
        assert by_name["甲党员"][TODAY.month] == "欠交"
    assert rows[-1][1] == "合计" and rows[-1][14] == 240.0
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, detail__what="dues_ledger").exists()


def test_the_rate_table_page_shows_the_national_brackets(leader):
    html = _client(leader).get("/dues/rates/").content.decode()
    assert "中组发〔2008〕3号" in html and "10000.00" in html and "0.20元" in html
