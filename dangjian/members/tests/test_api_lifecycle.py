"""Every lifecycle step through /api/v1: probationary → full, transfers (issue, lists in and out,
receive, return), floating out and in (end, contact), lost contact and restored, leaving the
roll, and care visits — each with its refusals and its scope.

Scopes (``dangjian/conftest.py``): ``street_admin`` holds 梅园新村街道 (大行宫, 长江路),
``org_admin`` the 新街口街道党工委 subtree, ``district_admin`` and the read-only ``leader`` 玄武区.
秦淮区 (夫子庙) is outside all of them.
"""

import datetime
import re

import pytest
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from dangjian.accounts.models import AuditAction, AuditEntry, Role
from dangjian.accounts.tests.factories import client_for, user_with_role
from dangjian.members import services
from dangjian.members.models import (
    CareVisit,
    FloatingDirection,
    FloatingRecord,
    Member,
    MemberStatus,
    Standing,
    Transfer,
    TransferStatus,
)
from dangjian.members.tests.factories import member, valid_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

API = "/api/v1"


def post(client: Client, url: str, data: dict | None = None):
    return client.post(url, data or {}, content_type="application/json")


def ids(response) -> set[int]:
    return {item["id"] for item in response.json()["items"]}


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def iso(days: int) -> str:
    return str(days_ago(days))


class Unchanged:
    """Counts rows (and audit entries) before a refused write, and a member's row, to assert
    nothing was written."""

    def __init__(self, *models, member=None):
        self.models = (*models, AuditEntry)
        self.member = member
        self.before = self._state()

    def _state(self):
        counts = [model.objects.count() for model in self.models]
        row = Member.objects.values().get(pk=self.member.pk) if self.member else None
        return counts, row

    def __bool__(self):
        return self._state() == self.before


@pytest.fixture
def as_street_admin(street_admin):
    return client_for(street_admin)


@pytest.fixture
def as_org_admin(org_admin):
    return client_for(org_admin)


@pytest.fixture
def as_district_admin(district_admin):
    return client_for(district_admin)


@pytest.fixture
def as_leader(leader):
    return client_for(leader)


@pytest.fixture
def as_qinhuai_admin(city):
    return client_for(user_with_role(role=Role.AREA_ADMIN, area=city.qinhuai, username="qinhuai_admin"))


@pytest.fixture
def wang(city, superuser):
    """A full member in 大行宫社区党支部 (inside 梅园新村街道)."""
    return member(actor=superuser, organization=city.org(city.dahanggong), name="王建国")


@pytest.fixture
def li(city, superuser):
    """A probationary member in 大行宫社区党支部 who joined 2024-07-01."""
    return member(actor=superuser, organization=city.org(city.dahanggong), name="李秀英",
                  birth=datetime.date(1996, 2, 3), joined_on=datetime.date(2024, 7, 1), full_member_on=None)


@pytest.fixture
def sun(city, superuser):
    """A member in 秦淮区, outside every fixture role but the city's."""
    return member(actor=superuser, organization=city.org(city.fuzimiao), name="孙夫子")


def issue(client, who, **overrides):
    body = {"letter_number": "宁组转〔2026〕1号", "issued_on": iso(10), "reason": "工作调动", **overrides}
    return post(client, f"{API}/members/{who.pk}/transfers", body)


# ---------------------------------------------------------------- probationary → full


def test_make_full_turns_a_probationary_member_into_a_full_one(as_street_admin, li):
    response = post(as_street_admin, f"{API}/members/{li.pk}/make-full", {"full_member_on": "2025-07-01"})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == MemberStatus.FULL
    assert response.json()["full_member_on"] == "2025-07-01"
    li.refresh_from_db()
    assert li.status == MemberStatus.FULL


def test_make_full_before_joining_is_422_and_writes_nothing(as_street_admin, li):
    unchanged = Unchanged(member=li)

    response = post(as_street_admin, f"{API}/members/{li.pk}/make-full", {"full_member_on": "2024-06-30"})

    assert response.status_code == 422
    assert response.json()["errors"] == {"full_member_on": ["转正时间不能早于入党时间。"]}
    assert unchanged


def test_make_full_of_a_full_member_is_422(as_street_admin, wang):
    response = post(as_street_admin, f"{API}/members/{wang.pk}/make-full", {"full_member_on": iso(1)})

    assert response.status_code == 422
    assert response.json()["detail"] == "该党员已是正式党员。"


# ---------------------------------------------------------------- transfers: issue


def test_issue_a_transfer_to_an_organization_in_scope(as_district_admin, city, wang):
    target = city.org(city.xinjiekou)

    response = issue(as_district_admin, wang, to_organization=target.pk, valid_days=30)

    assert response.status_code == 201, response.content
    letter = response.json()
    assert letter["status"] == TransferStatus.ISSUED and letter["status_display"] == "在途"
    assert letter["from_organization"]["name"] == "大行宫社区党支部"
    assert letter["to_organization"]["id"] == target.pk
    assert letter["expires_on"] == str(days_ago(10) + datetime.timedelta(days=30))
    assert letter["is_overdue"] is False
    assert letter["member"] == {"id": wang.pk, "name": "王建国"}
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="members.Transfer",
                                     object_id=str(letter["id"])).exists()


def test_issue_a_transfer_to_outside_the_system(as_street_admin, wang):
    response = issue(as_street_admin, wang, to_outside="中共上海市黄浦区委组织部")

    assert response.status_code == 201, response.content
    assert response.json()["to_organization"] is None
    assert response.json()["to_outside"] == "中共上海市黄浦区委组织部"
    assert response.json()["valid_days"] == 90  # MEM-06 default


def test_transfer_to_the_same_organization_is_422_and_writes_nothing(as_street_admin, city, wang):
    unchanged = Unchanged(Transfer, member=wang)

    response = issue(as_street_admin, wang, to_organization=city.org(city.dahanggong).pk)

    assert response.status_code == 422
    assert response.json()["errors"] == {"to_organization": ["转入党组织不能与当前所在党组织相同。"]}
    assert unchanged


def test_a_second_transfer_in_transit_is_422_and_writes_nothing(as_street_admin, city, wang):
    assert issue(as_street_admin, wang, to_organization=city.org(city.changjianglu).pk).status_code == 201
    unchanged = Unchanged(Transfer, member=wang)

    response = issue(as_street_admin, wang, to_outside="中共上海市黄浦区委组织部", letter_number="宁组转〔2026〕2号")

    assert response.status_code == 422
    assert "在途" in response.json()["detail"]
    assert unchanged


@pytest.mark.parametrize(("body", "field"), [
    ({}, "to_organization"),  # neither a destination in nor outside the system
    ({"to_outside": "某地", "letter_number": " "}, "letter_number"),
    ({"to_outside": "某地", "valid_days": 400}, "valid_days"),
])
def test_issue_with_bad_data_is_422_in_chinese(as_street_admin, wang, body, field):
    unchanged = Unchanged(Transfer)

    response = issue(as_street_admin, wang, **body)

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert re.search(r"[\u4e00-\u9fff]", response.json()["detail"])
    assert unchanged


def test_transfer_to_an_organization_outside_scope_is_404(as_street_admin, city, wang):
    unchanged = Unchanged(Transfer)

    response = issue(as_street_admin, wang, to_organization=city.org(city.fuzimiao).pk)

    assert response.status_code == 404
    assert "夫子庙" not in response.content.decode()
    assert unchanged


def test_transfer_to_an_organization_outside_scope_named_in_full(as_street_admin, as_qinhuai_admin, city, wang):
    """Across scopes the receiving organization is named by the full name the receiving side gave;
    the letter is then in transit to them, and they receive it."""
    fuzimiao = city.org(city.fuzimiao)

    response = issue(as_street_admin, wang, to_organization_name=fuzimiao.name)

    assert response.status_code == 201, response.content
    letter = response.json()
    assert letter["to_organization"] == {"id": fuzimiao.pk, "name": fuzimiao.name}
    assert ids(as_qinhuai_admin.get(f"{API}/transfers", {"direction": "in", "status": "issued"})) == {letter["id"]}
    received = post(as_qinhuai_admin, f"{API}/transfers/{letter['id']}/receive", {"received_on": iso(1)})
    assert received.status_code == 200, received.content
    assert as_qinhuai_admin.get(f"{API}/members/{wang.pk}").status_code == 200
    assert as_street_admin.get(f"{API}/members/{wang.pk}").status_code == 404


@pytest.mark.parametrize("name", ["夫子庙", "夫子庙街道党工委（秦淮）", "不存在的党支部"])
def test_transfer_to_a_name_that_does_not_match_exactly_is_422(as_street_admin, wang, name):
    """A part of a name, or a near miss, finds nothing: only the exact full name does."""
    unchanged = Unchanged(Transfer, member=wang)

    response = issue(as_street_admin, wang, to_organization_name=name)

    assert response.status_code == 422
    assert response.json()["errors"] == {"to_organization_name": ["未找到名称完全一致的党组织，请核对全称。"]}
    assert unchanged


def test_transfer_with_both_an_id_and_a_name_is_422(as_street_admin, city, wang):
    response = issue(as_street_admin, wang, to_organization=city.org(city.changjianglu).pk,
                     to_organization_name=city.org(city.fuzimiao).name)

    assert response.status_code == 422
    assert "to_organization" in response.json()["errors"]


def test_transfer_of_a_member_outside_scope_is_404(as_street_admin, city, sun):
    response = issue(as_street_admin, sun, to_organization=city.org(city.dahanggong).pk)

    assert response.status_code == 404


# ---------------------------------------------------------------- transfers: both sides


@pytest.fixture
def letter(district_admin, city, wang):
    """A letter in transit from 大行宫 (梅园新村街道) to 新街口街道党工委's subtree."""
    return services.member_transfer_issue(actor=district_admin, member=wang, to_organization=city.org(city.xinjiekou),
                                          letter_number="宁组转〔2026〕8号", issued_on=days_ago(5))


def test_both_sides_see_the_letter_in_transit(as_street_admin, as_org_admin, as_qinhuai_admin, letter):
    # the sending street: it is going out, not coming in
    outgoing = as_street_admin.get(f"{API}/transfers", {"direction": "out"})
    assert ids(outgoing) == {letter.pk}
    assert outgoing.json()["items"][0]["incoming"] is False
    assert ids(as_street_admin.get(f"{API}/transfers", {"direction": "in"})) == set()
    # the receiving committee: in transit to me
    incoming = as_org_admin.get(f"{API}/transfers", {"direction": "in", "status": "issued"})
    assert ids(incoming) == {letter.pk}
    assert incoming.json()["items"][0]["incoming"] is True
    assert ids(as_org_admin.get(f"{API}/transfers", {"direction": "out"})) == set()
    assert as_org_admin.get(f"{API}/transfers/{letter.pk}").status_code == 200
    # neither side: nothing, and the letter itself is a 404
    assert ids(as_qinhuai_admin.get(f"{API}/transfers")) == set()
    assert as_qinhuai_admin.get(f"{API}/transfers/{letter.pk}").status_code == 404


def test_a_letter_past_its_validity_shows_as_overdue_until_the_daily_job_expires_it(as_street_admin, wang):
    created = issue(as_street_admin, wang, to_outside="上海", issued_on=iso(40), valid_days=30).json()

    assert as_street_admin.get(f"{API}/transfers/{created['id']}").json()["is_overdue"] is True
    services.transfers_expire_due()
    expired = as_street_admin.get(f"{API}/transfers/{created['id']}").json()
    assert (expired["status"], expired["is_overdue"]) == (TransferStatus.EXPIRED, False)


def test_the_member_s_transfers_are_listed_on_the_member(as_street_admin, letter, wang):
    response = as_street_admin.get(f"{API}/members/{wang.pk}/transfers")

    assert ids(response) == {letter.pk}


def test_the_receiving_side_receives_and_the_member_moves(as_org_admin, as_street_admin, city, letter, wang):
    response = post(as_org_admin, f"{API}/transfers/{letter.pk}/receive", {"received_on": iso(1)})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == TransferStatus.RECEIVED
    assert response.json()["closed_on"] == iso(1)
    wang.refresh_from_db()
    assert wang.organization_id == city.org(city.xinjiekou).pk
    # the member has left the sending street's roster and entered the receiving one
    assert as_street_admin.get(f"{API}/members/{wang.pk}").status_code == 404
    assert as_org_admin.get(f"{API}/members/{wang.pk}").status_code == 200


def test_the_sending_side_cannot_receive(as_street_admin, letter, wang):
    unchanged = Unchanged(member=wang)

    response = post(as_street_admin, f"{API}/transfers/{letter.pk}/receive", {"received_on": iso(1)})

    assert response.status_code == 403
    assert unchanged


@pytest.mark.parametrize(("received_days_ago", "message"), [(6, "接收日期不能早于开具日期"), (-1, "不能晚于今天")])
def test_receive_with_a_bad_date_is_422(as_org_admin, letter, wang, received_days_ago, message):
    unchanged = Unchanged(member=wang)

    response = post(as_org_admin, f"{API}/transfers/{letter.pk}/receive", {"received_on": iso(received_days_ago)})

    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert unchanged
    assert Transfer.objects.get(pk=letter.pk).status == TransferStatus.ISSUED


def test_a_received_letter_cannot_be_received_or_returned_again(as_org_admin, letter):
    assert post(as_org_admin, f"{API}/transfers/{letter.pk}/receive", {"received_on": iso(1)}).status_code == 200

    again = post(as_org_admin, f"{API}/transfers/{letter.pk}/receive", {"received_on": iso(0)})
    back = post(as_org_admin, f"{API}/transfers/{letter.pk}/return", {"returned_on": iso(0)})

    assert again.status_code == 422 and "已接收" in again.json()["detail"]
    assert back.status_code == 422


def test_either_side_returns_the_letter_and_the_member_stays(as_org_admin, as_street_admin, city, letter, wang):
    response = post(as_org_admin, f"{API}/transfers/{letter.pk}/return", {"returned_on": iso(1), "note": "信息有误"})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == TransferStatus.RETURNED
    assert response.json()["note"] == "信息有误"
    wang.refresh_from_db()
    assert wang.organization_id == city.org(city.dahanggong).pk
    # with nothing in transit a new letter may be issued
    assert issue(as_street_admin, wang, to_outside="中共上海市黄浦区委组织部").status_code == 201


def test_receive_and_return_outside_scope_are_404(as_qinhuai_admin, letter):
    for action, body in (("receive", {"received_on": iso(1)}), ("return", {"returned_on": iso(1)})):
        response = post(as_qinhuai_admin, f"{API}/transfers/{letter.pk}/{action}", body)
        assert response.status_code == 404, action
    assert Transfer.objects.get(pk=letter.pk).status == TransferStatus.ISSUED


def test_transfer_list_query_count_does_not_grow_with_rows(as_district_admin, district_admin, city, superuser,
                                                           django_assert_max_num_queries):
    for index in range(8):
        someone = member(actor=superuser, organization=city.org(city.dahanggong), name=f"转出{index}")
        services.member_transfer_issue(actor=district_admin, member=someone, to_organization=city.org(city.xinjiekou),
                                       letter_number=f"宁组转〔2026〕{index + 20}号", issued_on=days_ago(3))
    as_district_admin.get(f"{API}/transfers")

    with django_assert_max_num_queries(5):
        response = as_district_admin.get(f"{API}/transfers", {"limit": 50})

    assert response.json()["count"] == 8


# ---------------------------------------------------------------- floating members


def test_float_out_registers_the_member_as_floating(as_street_admin, wang):
    body = {"place": "江苏省苏州市工业园区", "started_on": iso(30), "reason": "务工", "card_number": "LD2026001",
            "contact": "13900001111"}

    response = post(as_street_admin, f"{API}/members/{wang.pk}/float-out", body)

    assert response.status_code == 201, response.content
    record = response.json()
    assert record["direction"] == FloatingDirection.OUTFLOW and record["direction_display"] == "流出"
    assert record["is_open"] is True and record["last_contact_on"] == iso(30)
    assert ids(as_street_admin.get(f"{API}/floating", {"direction": "outflow", "open": True})) == {record["id"]}
    assert ids(as_street_admin.get(f"{API}/members/{wang.pk}/floating")) == {record["id"]}
    assert ids(as_street_admin.get(f"{API}/members", {"care_group": "floating"})) == {wang.pk}


def test_a_second_open_outflow_is_422(as_street_admin, street_admin, wang):
    services.member_float_out(actor=street_admin, member=wang, place="苏州", started_on=days_ago(30))
    unchanged = Unchanged(FloatingRecord)

    response = post(as_street_admin, f"{API}/members/{wang.pk}/float-out", {"place": "无锡", "started_on": iso(1)})

    assert response.status_code == 422
    assert response.json()["detail"] == "该党员已有未结束的流出登记。"
    assert unchanged


def test_float_out_with_a_blank_place_is_422(as_street_admin, wang):
    response = post(as_street_admin, f"{API}/members/{wang.pk}/float-out", {"place": " ", "started_on": iso(1)})

    assert response.status_code == 422
    assert response.json()["errors"] == {"place": ["请填写流入地。"]}


def test_float_in_from_outside_the_system(as_street_admin, city):
    body = {"host_organization": city.org(city.dahanggong).pk, "origin": "安徽省合肥市",
            "started_on": iso(20), "outside_name": "吴外来", "outside_organization": "中共合肥市某某支部",
            "card_number": "LD-AH-7"}

    response = post(as_street_admin, f"{API}/floating", body)

    assert response.status_code == 201, response.content
    record = response.json()
    assert record["member"] is None and record["outside_name"] == "吴外来"
    assert record["host_organization"]["id"] == city.org(city.dahanggong).pk
    assert ids(as_street_admin.get(f"{API}/floating", {"direction": "inflow"})) == {record["id"]}


def test_float_in_of_a_member_in_scope(as_district_admin, city, wang):
    body = {"host_organization": city.org(city.xinjiekou).pk, "origin": "梅园新村", "started_on": iso(2),
            "member": wang.pk}

    response = post(as_district_admin, f"{API}/floating", body)

    assert response.status_code == 201, response.content
    assert response.json()["member"]["id"] == wang.pk


def test_float_in_of_a_member_outside_scope_by_id_number_and_name(as_street_admin, superuser, city, sun):
    number = services.member_reveal_id_number(actor=superuser, member=sun)
    body = {"host_organization": city.org(city.dahanggong).pk, "origin": "秦淮区夫子庙", "started_on": iso(2),
            "member_id_number": number.lower(), "member_name": "孙夫子", "outside_name": "忽略"}

    response = post(as_street_admin, f"{API}/floating", body)

    assert response.status_code == 201, response.content
    assert response.json()["member"] == {"id": sun.pk, "name": "孙夫子"}
    assert response.json()["outside_name"] == ""
    # the host manages the record; the member's own page stays out of reach
    assert as_street_admin.get(f"{API}/members/{sun.pk}").status_code == 404


@pytest.mark.parametrize(("number_of", "name"), [("sun", "孙夫"), ("other", "孙夫子"), ("sun", "")])
def test_float_in_by_id_number_and_name_that_do_not_match_is_422(as_street_admin, superuser, city, sun,
                                                                  number_of, name):
    number = (services.member_reveal_id_number(actor=superuser, member=sun) if number_of == "sun"
              else valid_id_number())
    body = {"host_organization": city.org(city.dahanggong).pk, "origin": "合肥", "started_on": iso(2),
            "member_id_number": number, "member_name": name}
    unchanged = Unchanged(FloatingRecord)

    response = post(as_street_admin, f"{API}/floating", body)

    assert response.status_code == 422
    assert "member_id_number" in response.json()["errors"]
    assert "秦淮" not in response.content.decode()
    assert unchanged


@pytest.mark.parametrize("field", ["host_organization", "member"])
def test_float_in_with_an_id_outside_scope_is_404(as_street_admin, city, sun, field):
    body = {"host_organization": city.org(city.dahanggong).pk, "origin": "合肥", "started_on": iso(2),
            "outside_name": "吴外来"}
    body[field] = {"host_organization": city.org(city.fuzimiao).pk, "member": sun.pk}[field]
    unchanged = Unchanged(FloatingRecord)

    response = post(as_street_admin, f"{API}/floating", body)

    assert response.status_code == 404
    assert "孙夫子" not in response.content.decode()
    assert unchanged


def test_float_in_without_a_name_is_422(as_street_admin, city):
    unchanged = Unchanged(FloatingRecord)

    response = post(as_street_admin, f"{API}/floating",
                    {"host_organization": city.org(city.dahanggong).pk, "origin": "合肥", "started_on": iso(2)})

    assert response.status_code == 422
    assert "outside_name" in response.json()["errors"]
    assert unchanged


@pytest.fixture
def outflow(street_admin, wang):
    return services.member_float_out(actor=street_admin, member=wang, place="苏州", started_on=days_ago(100))


def test_contact_with_a_floating_member_updates_the_record_and_ends_lost_contact(as_street_admin, street_admin,
                                                                                 outflow, wang):
    services.member_mark_lost_contact(actor=street_admin, member=wang, since=days_ago(50))

    response = post(as_street_admin, f"{API}/floating/{outflow.pk}/contact",
                    {"contacted_on": iso(3), "contact": "13911112222", "place": "苏州市吴中区"})

    assert response.status_code == 200, response.content
    assert response.json()["last_contact_on"] == iso(3)
    assert response.json()["contact"] == "13911112222" and response.json()["place"] == "苏州市吴中区"
    wang.refresh_from_db()
    assert wang.lost_contact_since is None


def test_floating_list_filters_by_no_contact_since(as_street_admin, outflow):
    assert ids(as_street_admin.get(f"{API}/floating", {"no_contact_since": iso(90)})) == {outflow.pk}
    assert ids(as_street_admin.get(f"{API}/floating", {"no_contact_since": iso(200)})) == set()


def test_contact_in_the_future_is_422(as_street_admin, outflow):
    response = post(as_street_admin, f"{API}/floating/{outflow.pk}/contact", {"contacted_on": iso(-2)})

    assert response.status_code == 422
    assert response.json()["errors"] == {"contacted_on": ["联系日期不能晚于今天。"]}


def test_end_floating(as_street_admin, outflow):
    response = post(as_street_admin, f"{API}/floating/{outflow.pk}/end", {"ended_on": iso(1)})

    assert response.status_code == 200, response.content
    assert response.json()["is_open"] is False and response.json()["ended_on"] == iso(1)
    assert ids(as_street_admin.get(f"{API}/floating", {"open": True})) == set()
    assert ids(as_street_admin.get(f"{API}/floating", {"open": False})) == {outflow.pk}


@pytest.mark.parametrize(("ended_days_ago", "message"), [(101, "结束日期不能早于开始日期"), (-1, "不能晚于今天")])
def test_end_floating_with_a_bad_date_is_422(as_street_admin, outflow, ended_days_ago, message):
    response = post(as_street_admin, f"{API}/floating/{outflow.pk}/end", {"ended_on": iso(ended_days_ago)})

    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert FloatingRecord.objects.get(pk=outflow.pk).ended_on is None


def test_ending_twice_is_422(as_street_admin, outflow):
    post(as_street_admin, f"{API}/floating/{outflow.pk}/end", {"ended_on": iso(1)})

    response = post(as_street_admin, f"{API}/floating/{outflow.pk}/end", {"ended_on": iso(0)})

    assert response.status_code == 422
    assert response.json()["detail"] == "该流动登记已结束。"


def test_floating_record_outside_scope_is_404(as_qinhuai_admin, outflow):
    assert as_qinhuai_admin.get(f"{API}/floating/{outflow.pk}").status_code == 404
    assert post(as_qinhuai_admin, f"{API}/floating/{outflow.pk}/end", {"ended_on": iso(1)}).status_code == 404
    assert post(as_qinhuai_admin, f"{API}/floating/{outflow.pk}/contact",
                {"contacted_on": iso(1)}).status_code == 404
    assert ids(as_qinhuai_admin.get(f"{API}/floating")) == set()


def test_floating_list_query_count_does_not_grow_with_rows(as_street_admin, street_admin, city, superuser,
                                                           django_assert_max_num_queries):
    for index in range(8):
        someone = member(actor=superuser, organization=city.org(city.dahanggong), name=f"流出{index}")
        services.member_float_out(actor=street_admin, member=someone, place="苏州", started_on=days_ago(9))
    as_street_admin.get(f"{API}/floating")

    with django_assert_max_num_queries(5):
        response = as_street_admin.get(f"{API}/floating", {"limit": 50})

    assert response.json()["count"] == 8


# ---------------------------------------------------------------- lost contact


def test_mark_lost_contact_and_restore(as_street_admin, wang):
    marked = post(as_street_admin, f"{API}/members/{wang.pk}/lost-contact", {"since": iso(60)})

    assert marked.status_code == 200, marked.content
    assert marked.json()["lost_contact_since"] == iso(60)
    assert ids(as_street_admin.get(f"{API}/members", {"care_group": "lost_contact"})) == {wang.pk}

    restored = post(as_street_admin, f"{API}/members/{wang.pk}/restore-contact", {"restored_on": iso(1)})

    assert restored.status_code == 200, restored.content
    assert restored.json()["lost_contact_since"] is None


def test_marking_twice_is_422(as_street_admin, street_admin, wang):
    services.member_mark_lost_contact(actor=street_admin, member=wang, since=days_ago(60))

    response = post(as_street_admin, f"{API}/members/{wang.pk}/lost-contact", {"since": iso(10)})

    assert response.status_code == 422
    assert response.json()["detail"] == "该党员已登记为失联。"


def test_restore_before_losing_contact_is_422(as_street_admin, street_admin, wang):
    services.member_mark_lost_contact(actor=street_admin, member=wang, since=days_ago(60))
    unchanged = Unchanged(member=wang)

    response = post(as_street_admin, f"{API}/members/{wang.pk}/restore-contact", {"restored_on": iso(61)})

    assert response.status_code == 422
    assert response.json()["errors"] == {"restored_on": ["恢复联系日期不能早于失联日期。"]}
    assert unchanged


def test_restore_when_not_lost_is_422(as_street_admin, wang):
    response = post(as_street_admin, f"{API}/members/{wang.pk}/restore-contact", {"restored_on": iso(1)})

    assert response.status_code == 422
    assert response.json()["detail"] == "该党员未登记为失联。"


# ---------------------------------------------------------------- leaving the roll


def test_close_keeps_the_member_as_history(as_street_admin, wang):
    response = post(as_street_admin, f"{API}/members/{wang.pk}/close",
                    {"standing": "deceased", "left_on": iso(3), "reason": "病故"})

    assert response.status_code == 200, response.content
    assert response.json()["standing"] == Standing.DECEASED and response.json()["standing_display"] == "去世"
    assert response.json()["left_on"] == iso(3)
    assert "病故" in response.json()["notes"]
    assert Member.objects.filter(pk=wang.pk).exists()
    assert ids(as_street_admin.get(f"{API}/members")) == set()
    assert as_street_admin.get(f"{API}/members/{wang.pk}").status_code == 200


def test_a_closed_member_takes_no_further_steps(as_street_admin, street_admin, wang):
    services.member_close(actor=street_admin, member=wang, standing="withdrawn", left_on=days_ago(3))

    for path, body in (("close", {"standing": "removed", "left_on": iso(1)}),
                       ("lost-contact", {"since": iso(1)}),
                       ("float-out", {"place": "苏州", "started_on": iso(1)})):
        response = post(as_street_admin, f"{API}/members/{wang.pk}/{path}", body)
        assert response.status_code == 422, path
        assert response.json()["detail"] == "该党员已不在册。"
    assert as_street_admin.patch(f"{API}/members/{wang.pk}", {"phone": "1"},
                                 content_type="application/json").status_code == 422


def test_close_with_a_letter_in_transit_is_422(as_street_admin, street_admin, wang):
    services.member_transfer_issue(actor=street_admin, member=wang, to_outside="上海", letter_number="1",
                                   issued_on=days_ago(2))
    unchanged = Unchanged(member=wang)

    response = post(as_street_admin, f"{API}/members/{wang.pk}/close", {"standing": "deceased", "left_on": iso(1)})

    assert response.status_code == 422
    assert "在途" in response.json()["detail"]
    assert unchanged


def test_close_with_an_unknown_standing_is_422(as_street_admin, wang):
    response = post(as_street_admin, f"{API}/members/{wang.pk}/close", {"standing": "active", "left_on": iso(1)})

    assert response.status_code == 422
    assert response.json()["detail"] == "请求参数格式不正确，请对照接口文档检查后重试。"


# ---------------------------------------------------------------- care visits


def test_record_a_care_visit_with_money(as_street_admin, street_admin, wang):
    body = {"visited_on": iso(2), "visitor": "社区书记 张华", "findings": "身体尚可，独居",
            "help_kinds": ["money", "goods"], "amount": "500.00", "help_detail": "米、油"}

    response = post(as_street_admin, f"{API}/members/{wang.pk}/care-visits", body)

    assert response.status_code == 201, response.content
    visit = response.json()
    assert visit["help_kinds"] == ["money", "goods"]
    assert visit["help_kinds_display"] == ["慰问金", "慰问品"]
    assert visit["amount"] == "500.00"
    assert visit["recorded_by"] == str(street_admin)
    assert ids(as_street_admin.get(f"{API}/members/{wang.pk}/care-visits")) == {visit["id"]}


@pytest.mark.parametrize(("body", "field"), [
    ({"help_kinds": ["money"]}, "amount"),
    ({"visited_on": iso(-3)}, "visited_on"),
    ({"visitor": " "}, "visitor"),
])
def test_care_visit_with_bad_data_is_422_and_writes_nothing(as_street_admin, wang, body, field):
    unchanged = Unchanged(CareVisit)

    response = post(as_street_admin, f"{API}/members/{wang.pk}/care-visits",
                    {"visited_on": iso(1), "visitor": "张华", **body})

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert unchanged


def test_care_visits_list_query_count_does_not_grow(as_street_admin, street_admin, wang,
                                                    django_assert_max_num_queries):
    for index in range(8):
        services.care_visit_record(actor=street_admin, member=wang, visited_on=days_ago(index + 1), visitor="张华")
    as_street_admin.get(f"{API}/members/{wang.pk}/care-visits")

    with django_assert_max_num_queries(6):
        response = as_street_admin.get(f"{API}/members/{wang.pk}/care-visits", {"limit": 50})

    assert response.json()["count"] == 8
    assert [item["visited_on"] for item in response.json()["items"]][:2] == [iso(1), iso(2)]


# ---------------------------------------------------------------- the read-only leader


LEADER_WRITES = [
    ("make-full", {"full_member_on": "2025-07-01"}),
    ("transfers", {"to_outside": "上海", "letter_number": "1", "issued_on": "2026-01-05"}),
    ("float-out", {"place": "苏州", "started_on": "2026-01-05"}),
    ("lost-contact", {"since": "2026-01-05"}),
    ("close", {"standing": "deceased", "left_on": "2026-01-05"}),
    ("care-visits", {"visited_on": "2026-01-05", "visitor": "张华"}),
]


@pytest.mark.parametrize(("path", "body"), LEADER_WRITES)
def test_every_lifecycle_step_by_a_leader_is_403_and_writes_nothing(as_leader, li, path, body):
    unchanged = Unchanged(Transfer, FloatingRecord, CareVisit, member=li)

    response = post(as_leader, f"{API}/members/{li.pk}/{path}", body)

    assert response.status_code == 403, response.content
    assert unchanged


def test_leader_reads_but_cannot_receive_return_end_or_record_contact(as_leader, letter, outflow, city, wang):
    assert as_leader.get(f"{API}/transfers/{letter.pk}").status_code == 200
    assert as_leader.get(f"{API}/floating/{outflow.pk}").status_code == 200
    unchanged = Unchanged(Transfer, FloatingRecord, member=wang)

    assert post(as_leader, f"{API}/transfers/{letter.pk}/receive", {"received_on": iso(1)}).status_code == 403
    assert post(as_leader, f"{API}/transfers/{letter.pk}/return", {"returned_on": iso(1)}).status_code == 403
    assert post(as_leader, f"{API}/floating/{outflow.pk}/end", {"ended_on": iso(1)}).status_code == 403
    assert post(as_leader, f"{API}/floating/{outflow.pk}/contact", {"contacted_on": iso(1)}).status_code == 403
    assert post(as_leader, f"{API}/floating", {"host_organization": city.org(city.dahanggong).pk, "origin": "合肥",
                                                "started_on": iso(2), "outside_name": "吴"}).status_code == 403
    assert unchanged


# ---------------------------------------------------------------- every route, outside scope


def _api_routes(prefix: str) -> list[str]:
    """The member, transfer and floating routes that take an object id, as Django sees them."""
    def walk(patterns, base=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns, base + str(pattern.pattern))
            else:
                yield base + str(pattern.pattern)

    return sorted(route for route in walk(get_resolver().url_patterns)
                  if route.startswith(f"api/v1/{prefix}/") and "<" in route)


@pytest.mark.parametrize("role", ["district_admin", "street_admin", "community_admin", "org_admin", "leader"])
@pytest.mark.parametrize("prefix", ["members", "transfers", "floating"])
def test_every_route_on_an_object_outside_scope_is_404(request, superuser, city, sun, prefix, role):
    """Each GET, POST and PATCH on a member, letter or record of 秦淮区 answers 404 and names nobody,
    as every role below the city, whatever the body (the object is looked up before the body is
    used). The scoping matrix builds no members, so this is where these routes meet real rows."""
    client = client_for(request.getfixturevalue(role))
    objects = {
        "members": sun,
        "transfers": services.member_transfer_issue(actor=superuser, member=sun, to_outside="上海",
                                                    letter_number="秦转1", issued_on=days_ago(2)),
        "floating": services.member_float_out(actor=superuser, member=sun, place="苏州", started_on=days_ago(2)),
    }
    outsider = objects[prefix]
    full_bodies = {"reveal-id": {}, "make-full": {"full_member_on": iso(1)}, "lost-contact": {"since": iso(1)},
                   "restore-contact": {"restored_on": iso(1)}, "close": {"standing": "deceased", "left_on": iso(1)},
                   "transfers": {"to_outside": "上海", "letter_number": "2", "issued_on": iso(1)},
                   "float-out": {"place": "苏州", "started_on": iso(1)}, "floating": {},
                   "care-visits": {"visited_on": iso(1), "visitor": "张华"}, "receive": {"received_on": iso(1)},
                   "return": {"returned_on": iso(1)}, "end": {"ended_on": iso(1)},
                   "contact": {"contacted_on": iso(1)}}
    unchanged = Unchanged(Transfer, FloatingRecord, CareVisit, member=sun)
    checked = 0
    for route in _api_routes(prefix):
        url = "/" + re.sub(r"<[^>]+>", str(outsider.pk), route)
        action = route.rstrip("/").split("/")[-1]
        body = full_bodies.get(action, {"phone": "13700000000"})
        for method in ("get", "post", "patch"):
            response = getattr(client, method)(url, body, content_type="application/json") \
                if method != "get" else client.get(url)
            if response.status_code == 405:
                continue
            assert response.status_code == 404, (method, url, response.status_code, response.content)
            assert "孙夫子" not in response.content.decode()
            checked += 1
    assert checked >= {"members": 12, "transfers": 3, "floating": 3}[prefix]
    listing = client.get(f"{API}/{prefix}")
    assert listing.status_code == 200 and "孙夫子" not in listing.content.decode()
    assert unchanged
