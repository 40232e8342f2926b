"""PIPL right of access: a member downloads everything the system holds about them — and only
about them — as JSON or Excel, from the portal page or the API; every download is audited."""

import datetime
import decimal
import io
import json

import openpyxl
import pytest
from django.test import Client

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.members import services as member_services
from dangjian.members.tests.factories import member, valid_id_number
from dangjian.notices.services import notice_mark_read, notice_post
from dangjian.portal import services as portal_services
from dangjian.portal.tests.factories import activated

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)

WANG_ID = valid_id_number(serial=321, birth=datetime.date(1950, 9, 1))


@pytest.fixture
def wang(city, superuser):
    """A member with a record in every section, and another member in the same branch."""
    branch = city.org(city.dahanggong)
    wang = member(actor=superuser, organization=branch, name="王建国", phone="13912345678", id_number=WANG_ID,
                  birth=datetime.date(1950, 9, 1), joined_on=datetime.date(1975, 7, 1),
                  full_member_on=datetime.date(1976, 7, 1), employment="retired", notes="内部备注：家属情况复杂")
    neighbour = member(actor=superuser, organization=branch, name="李晓梅", phone="13800001111")
    member_services.care_visit_record(actor=superuser, member=wang, visited_on=datetime.date(2026, 1, 20),
                                      visitor="社区书记", findings="评估：需重点关注", help_kinds=["money"],
                                      amount=decimal.Decimal("500.00"), help_detail="春节慰问")
    member_services.care_visit_record(actor=superuser, member=neighbour, visited_on=datetime.date(2026, 1, 21),
                                      visitor="社区书记", help_detail="邻居的慰问")
    member_services.member_float_out(actor=superuser, member=wang, place="苏州市工业园区",
                                     started_on=datetime.date(2025, 3, 1), contact="微信 wjg1950")
    notice = notice_post(actor=superuser, title="七一党日活动通知", body="……", organization=branch)
    account = activated(actor=superuser, member=wang)
    notice_mark_read(member=wang, notice=notice)
    portal_services.correction_request_submit(actor=account.user, member=wang, changes={"phone": "13912345679"},
                                              note="换了号码")
    activated(actor=superuser, member=neighbour)
    return wang


def _session(member_obj):
    client = Client()
    client.force_login(member_obj.portal_account.user)
    return client


def _titles(document):
    return {section["title"]: section for section in document["sections"]}


def test_the_json_download_holds_the_members_own_data_in_full(wang):
    # when 王建国 downloads from the portal page
    response = _session(wang).post("/m/my-data/", {"format": "json"})
    # then it is an attachment with every section of his own data
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    document = json.loads(response.content)
    sections = _titles(document)
    profile = dict(sections["基本信息"]["rows"])
    assert profile["身份证号码"] == WANG_ID  # his own number, in full
    assert profile["联系电话"] == "13912345678"
    assert [row[1] for row in sections["所在党组织变化"]["rows"]] == [wang.organization.name]
    assert sections["走访慰问"]["rows"] == [["2026-01-20", "社区书记", "慰问金", "500.00", "春节慰问"]]
    assert sections["流动党员登记"]["rows"][0][1] == "苏州市工业园区"
    assert sections["已读通知"]["rows"][0][0] == "七一党日活动通知"
    assert "13912345679" in sections["信息更正申请"]["rows"][0][1]
    assert sections["党员门户账号"]["rows"]
    # and nothing of anyone else's, nor the branch's internal assessments
    text = response.content.decode()
    for foreign in ("李晓梅", "邻居的慰问", "13800001111", "内部备注", "评估：需重点关注"):
        assert foreign not in text


def test_the_excel_download_reads_back_sheet_by_sheet(wang):
    response = _session(wang).post("/m/my-data/", {"format": "xlsx"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"基本信息", "走访慰问", "已读通知", "信息更正申请"} <= set(workbook.sheetnames)
    profile = {row[0]: row[1] for row in workbook["基本信息"].iter_rows(min_row=2, values_only=True)}
    assert profile["身份证号码"] == WANG_ID
    assert list(workbook["走访慰问"].iter_rows(min_row=2, values_only=True))[0][4] == "春节慰问"


def test_every_download_is_audited_as_an_export_and_a_reveal(wang):
    client = _session(wang)
    client.post("/m/my-data/", {"format": "json"})
    user = wang.portal_account.user
    export = AuditEntry.objects.get(action=AuditAction.EXPORT, actor=user)
    assert export.detail["what"] == "本人个人信息副本"
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL, actor=user, object_id=str(wang.pk)).exists()


def test_the_page_explains_and_a_get_exports_nothing(wang):
    response = _session(wang).get("/m/my-data/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "下载我的个人信息" in html and "走访慰问" in html
    assert WANG_ID not in html
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_home_page_links_to_the_download(wang):
    assert "/m/my-data/" in _session(wang).get("/m/").content.decode()


def test_the_api_gives_the_same_data_with_a_member_token(wang):
    token = portal_services.api_token_issue(user=wang.portal_account.user)[1]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = Client().get("/api/v1/portal/my-data", **bearer)
    assert response.status_code == 200
    assert dict(_titles(json.loads(response.content))["基本信息"]["rows"])["身份证号码"] == WANG_ID
    xlsx = Client().get("/api/v1/portal/my-data/xlsx", **bearer)
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content))["基本信息"]["B1"].value == "内容"


@pytest.mark.parametrize("role", ["community_admin", "superuser"])
def test_back_office_users_get_no_download(wang, role, request):
    client = Client()
    client.force_login(request.getfixturevalue(role))
    assert client.post("/m/my-data/", {"format": "json"}).status_code == 404
    assert client.get("/api/v1/portal/my-data").status_code == 401


def test_anonymous_visitors_are_sent_to_sign_in(wang):
    response = Client().post("/m/my-data/", {"format": "json"})
    assert response.status_code == 302 and "/m/login/" in response.url
    assert Client().get("/api/v1/portal/my-data").status_code == 401


def test_the_export_reads_a_bounded_number_of_queries(wang, django_assert_max_num_queries):
    client = _session(wang)
    with django_assert_max_num_queries(30):
        client.post("/m/my-data/", {"format": "json"})
