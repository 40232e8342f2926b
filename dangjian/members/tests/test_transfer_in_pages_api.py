"""接收系统外转入 through the page and the API: success, refusals that write nothing, scope."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.core.models import Code, CodeTable
from dangjian.members.models import Member, Standing, Transfer, TransferStatus
from dangjian.members.tests.factories import valid_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

TODAY = timezone.localdate()
PAGE = "/members/transfers/from-outside/"
API = "/api/v1/transfers/from-outside"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page_data(organization, **overrides):
    data = {
        "organization": organization.pk, "from_outside": "北京市海淀区某某街道党工委", "letter_number": "京海组2026-088",
        "issued_on": str(TODAY - datetime.timedelta(days=7)), "received_on": str(TODAY), "name": "欧阳·明",
        "id_number": valid_id_number(birth=datetime.date(1990, 10, 1)),
        "ethnicity": Code.objects.of(CodeTable.ETHNICITY).get(code="01").pk, "joined_on": "2015-07-01",
        "full_member_on": "2016-07-01", "employment": "employed", "phone": "13800000001",
    }
    data.update(overrides)
    return data


def _api_data(organization, **overrides):
    data = {
        "organization": organization.pk, "from_outside": "北京市海淀区某某街道党工委", "letter_number": "京海组2026-089",
        "issued_on": str(TODAY - datetime.timedelta(days=7)), "received_on": str(TODAY), "name": "程远",
        "id_number": valid_id_number(birth=datetime.date(1991, 4, 5)), "ethnicity": "汉族",
        "joined_on": "2015-07-01", "full_member_on": "2016-07-01",
    }
    data.update(overrides)
    return data


def test_page_registers_the_member_and_lists_the_letter_as_received(city, street_admin):
    branch = city.org(city.dahanggong)
    client = _client(street_admin)
    # the board offers the step
    assert PAGE in client.get("/members/transfers/").content.decode()
    # when
    response = client.post(PAGE, _page_data(branch))
    # then
    assert response.status_code == 302, response.content.decode()[-2000:]
    member = Member.objects.get(name="欧阳·明")
    assert (member.organization_id, member.standing) == (branch.pk, Standing.ACTIVE)
    letter = Transfer.objects.get(member=member)
    assert (letter.status, letter.from_outside, letter.letter_number) == (
        TransferStatus.RECEIVED, "北京市海淀区某某街道党工委", "京海组2026-088")
    assert "京海组2026-088" in client.get("/members/transfers/").content.decode()


@pytest.mark.parametrize(("overrides", "message"), [
    ({"id_number": "110101199010011230"}, "身份证"),
    ({"received_on": str(TODAY - datetime.timedelta(days=30))}, "不能早于开具日期"),
    ({"full_member_on": "2014-01-01"}, "转正时间不能早于入党时间"),
])
def test_page_refusals_are_shown_and_write_nothing(city, street_admin, overrides, message):
    response = _client(street_admin).post(PAGE, _page_data(city.org(city.dahanggong), **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Member.objects.count(), Transfer.objects.count()) == (0, 0)


def test_page_is_not_for_read_only_leaders_nor_other_scopes(city, leader, street_admin):
    assert _client(leader).get(PAGE).status_code == 403
    # an organization outside the street is not a valid choice
    response = _client(street_admin).post(PAGE, _page_data(city.org(city.fuzimiao)))
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert Member.objects.count() == 0


def test_api_receives_the_member(city, street_admin):
    response = _client(street_admin).post(API, _api_data(city.org(city.dahanggong)), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["from_outside"], body["member"]["name"]) == (
        "received", "北京市海淀区某某街道党工委", "程远")
    assert body["to_organization"]["id"] == city.org(city.dahanggong).pk


def test_api_refusals_write_nothing(city, street_admin, leader):
    client = _client(street_admin)
    expired = _api_data(city.org(city.dahanggong), issued_on=str(TODAY - datetime.timedelta(days=200)))
    response = client.post(API, expired, content_type="application/json")
    assert response.status_code == 422 and "超过有效期" in response.content.decode()
    outside = client.post(API, _api_data(city.org(city.fuzimiao)), content_type="application/json")
    assert outside.status_code == 404
    read_only = _client(leader).post(API, _api_data(city.org(city.dahanggong)), content_type="application/json")
    assert read_only.status_code == 403
    assert (Member.objects.count(), Transfer.objects.count()) == (0, 0)
