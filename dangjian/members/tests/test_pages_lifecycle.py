"""The lifecycle pages: each step succeeds through its service, shows the service's refusals in
Chinese on the page and writes nothing, answers 404 outside the scope and 403 to leaders."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.accounts.models import AuditEntry
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

TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(user, url, data):
    return _client(user).post(url, data)


def _refused(response, message: str) -> None:
    assert response.status_code == 200, response.status_code
    assert message in response.content.decode(), response.content.decode()[-3000:]


@pytest.fixture
def branch(city):
    return city.org(city.dahanggong)


@pytest.fixture
def probationer(city, superuser, branch):
    return member(actor=superuser, organization=branch, name="陈预备", joined_on=TODAY - datetime.timedelta(days=400),
                  full_member_on=None)


@pytest.fixture
def veteran(city, superuser, branch):
    return member(actor=superuser, organization=branch, name="刘老党员", phone="13912340000")


@pytest.fixture
def outsider(city, superuser):
    """A member in 秦淮区: outside every 玄武区 role's scope."""
    return member(actor=superuser, organization=city.org(city.fuzimiao), name="秦外人")


# ---------------------------------------------------------------- probationary → full


def test_make_full(community_admin, probationer):
    response = _post(community_admin, f"/members/{probationer.pk}/make-full/", {"full_member_on": str(TODAY)})
    assert response.status_code == 302
    probationer.refresh_from_db()
    assert probationer.status == MemberStatus.FULL and probationer.full_member_on == TODAY


def test_make_full_before_joining_is_refused(community_admin, probationer):
    before = probationer.joined_on - datetime.timedelta(days=1)
    response = _post(community_admin, f"/members/{probationer.pk}/make-full/", {"full_member_on": str(before)})
    _refused(response, "转正时间不能早于入党时间")
    probationer.refresh_from_db()
    assert probationer.status == MemberStatus.PROBATIONARY


def test_make_full_of_a_full_member_is_refused(community_admin, veteran):
    _refused(_post(community_admin, f"/members/{veteran.pk}/make-full/", {"full_member_on": str(TODAY)}),
             "已是正式党员")


# ---------------------------------------------------------------- transfers


def _letter(**overrides):
    data = {"destination": "inside", "to_organization": "", "to_organization_name": "", "to_outside": "",
            "letter_number": "玄组转〔2026〕001号", "issued_on": str(TODAY), "valid_days": "", "reason": "工作调动"}
    data.update(overrides)
    return data


def test_transfer_issue_to_an_organization_in_scope(city, community_admin, veteran):
    target = city.unit_branch(city.meiyuan)
    page = _client(community_admin).get(f"/members/{veteran.pk}/transfer/").content.decode()
    assert target.name in page and city.org(city.fuzimiao).name not in page
    response = _post(community_admin, f"/members/{veteran.pk}/transfer/", _letter(to_organization=target.pk))
    assert response.status_code == 302
    letter = Transfer.objects.get(member=veteran)
    assert letter.to_organization == target and letter.status == TransferStatus.ISSUED and letter.valid_days == 90


def test_transfer_issue_by_exact_name_reaches_beyond_the_scope(city, community_admin, veteran):
    far = city.org(city.fuzimiao)
    response = _post(community_admin, f"/members/{veteran.pk}/transfer/", _letter(to_organization_name=far.name))
    assert response.status_code == 302
    assert Transfer.objects.get(member=veteran).to_organization == far
    # a partial name finds nothing
    other = member(actor=community_admin, organization=veteran.organization, name="马部分")
    _refused(_post(community_admin, f"/members/{other.pk}/transfer/", _letter(to_organization_name=far.name[:3])),
             "未找到名称完全一致的党组织")


def test_transfer_to_outside_the_system(community_admin, veteran):
    response = _post(community_admin, f"/members/{veteran.pk}/transfer/",
                     _letter(destination="outside", to_outside="北京市海淀区某街道党工委"))
    assert response.status_code == 302
    assert Transfer.objects.get(member=veteran).to_outside == "北京市海淀区某街道党工委"


def test_transfer_to_the_same_organization_is_refused(community_admin, veteran):
    response = _post(community_admin, f"/members/{veteran.pk}/transfer/",
                     _letter(to_organization_name=veteran.organization.name))
    _refused(response, "转入党组织不能与当前所在党组织相同")
    assert not Transfer.objects.exists()


def test_second_transfer_in_transit_is_refused(city, superuser, community_admin, veteran):
    services.member_transfer_issue(actor=superuser, member=veteran, letter_number="A1", issued_on=TODAY,
                                   to_outside="外地")
    response = _post(community_admin, f"/members/{veteran.pk}/transfer/",
                     _letter(to_organization=city.unit_branch(city.meiyuan).pk))
    _refused(response, "已有一封在途的组织关系介绍信")
    assert Transfer.objects.count() == 1


@pytest.fixture
def letter(city, superuser, veteran):
    """A letter from 大行宫社区 to 长江路社区党委: the street administrator receives it."""
    return services.member_transfer_issue(actor=superuser, member=veteran, letter_number="玄组转001",
                                          issued_on=TODAY - datetime.timedelta(days=3),
                                          to_organization=city.org(city.changjianglu))


def test_receiving_side_sees_the_letter_and_receives_it(city, street_admin, letter, veteran):
    board = _client(street_admin).get("/members/transfers/").content.decode()
    incoming = board.split('data-testid="incoming"', 1)[1].split('data-testid="outgoing"', 1)[0]
    assert "玄组转001" in incoming and "刘老党员" in incoming
    response = _post(street_admin, f"/members/transfers/{letter.pk}/receive/", {"received_on": str(TODAY)})
    assert response.status_code == 302
    veteran.refresh_from_db()
    letter.refresh_from_db()
    assert veteran.organization == city.org(city.changjianglu) and letter.status == TransferStatus.RECEIVED


def test_the_issuing_side_sees_it_in_transit_but_cannot_receive_it(community_admin, letter, veteran):
    board = _client(community_admin).get("/members/transfers/").content.decode()
    outgoing = board.split('data-testid="outgoing"', 1)[1].split('data-testid="closed"', 1)[0]
    assert "玄组转001" in outgoing
    response = _post(community_admin, f"/members/transfers/{letter.pk}/receive/", {"received_on": str(TODAY)})
    assert response.status_code == 403
    veteran.refresh_from_db()
    assert veteran.organization == letter.from_organization


def test_receiving_before_the_issue_date_is_refused(street_admin, letter):
    day_before = letter.issued_on - datetime.timedelta(days=1)
    _refused(_post(street_admin, f"/members/transfers/{letter.pk}/receive/", {"received_on": str(day_before)}),
             "接收日期不能早于开具日期")
    letter.refresh_from_db()
    assert letter.status == TransferStatus.ISSUED


def test_receiving_twice_is_refused(superuser, street_admin, letter):
    services.member_transfer_receive(actor=superuser, transfer=letter, received_on=TODAY)
    _refused(_post(street_admin, f"/members/transfers/{letter.pk}/receive/", {"received_on": str(TODAY)}),
             "不能再办理")


def test_return_a_letter(community_admin, letter, veteran):
    response = _post(community_admin, f"/members/transfers/{letter.pk}/return/",
                     {"returned_on": str(TODAY), "note": "接收方不符"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == TransferStatus.RETURNED and letter.note == "接收方不符"


def test_return_in_the_future_is_refused(community_admin, letter):
    _refused(_post(community_admin, f"/members/transfers/{letter.pk}/return/", {"returned_on": str(TOMORROW)}),
             "退回日期不能晚于今天")


def test_return_of_a_received_letter_is_refused(superuser, street_admin, letter):
    services.member_transfer_receive(actor=superuser, transfer=letter, received_on=TODAY)
    _refused(_post(street_admin, f"/members/transfers/{letter.pk}/return/", {"returned_on": str(TODAY)}),
             "不能再办理")


# ---------------------------------------------------------------- floating out / in


def _outflow(**overrides):
    data = {"place": "广东省深圳市", "reason": "务工", "card_number": "LD2026001", "contact": "13700001111",
            "started_on": str(TODAY - datetime.timedelta(days=10))}
    data.update(overrides)
    return data


def test_float_out(community_admin, veteran):
    assert _post(community_admin, f"/members/{veteran.pk}/float-out/", _outflow()).status_code == 302
    record = FloatingRecord.objects.get(member=veteran)
    assert record.direction == FloatingDirection.OUTFLOW and record.place == "广东省深圳市"


def test_float_out_twice_is_refused(superuser, community_admin, veteran):
    services.member_float_out(actor=superuser, member=veteran, place="上海", started_on=TODAY)
    _refused(_post(community_admin, f"/members/{veteran.pk}/float-out/", _outflow()), "已有未结束的流出登记")
    assert FloatingRecord.objects.count() == 1


def test_float_out_in_the_future_is_refused(community_admin, veteran):
    _refused(_post(community_admin, f"/members/{veteran.pk}/float-out/", _outflow(started_on=str(TOMORROW))),
             "外出日期不能晚于今天")
    assert not FloatingRecord.objects.exists()


def _inflow(branch, **overrides):
    data = {"host_organization": branch.pk, "source": "outside", "id_number": "", "outside_name": "外来党员",
            "outside_organization": "安徽省合肥市某村党支部", "origin": "安徽省合肥市", "reason": "务工",
            "card_number": "", "contact": "", "started_on": str(TODAY)}
    data.update(overrides)
    return data


def test_float_in_from_outside_the_system(community_admin, branch):
    assert _post(community_admin, "/members/floating/in/", _inflow(branch)).status_code == 302
    record = FloatingRecord.objects.get()
    assert record.direction == FloatingDirection.INFLOW and record.outside_name == "外来党员"
    assert record.host_organization == branch


def test_float_in_of_an_in_system_member_by_id_number_and_name(city, superuser, community_admin, branch):
    number = valid_id_number(birth=datetime.date(1990, 2, 3))
    far = member(actor=superuser, organization=city.org(city.fuzimiao), name="远方来", id_number=number,
                 birth=datetime.date(1990, 2, 3), joined_on=datetime.date(2015, 7, 1),
                 full_member_on=datetime.date(2016, 7, 1))
    response = _post(community_admin, "/members/floating/in/",
                     _inflow(branch, source="inside", id_number=number, outside_name="远方来"))
    assert response.status_code == 302
    assert FloatingRecord.objects.get().member == far


def test_float_in_with_a_name_that_does_not_match_is_refused(city, superuser, community_admin, branch):
    number = valid_id_number(birth=datetime.date(1990, 2, 3))
    member(actor=superuser, organization=city.org(city.fuzimiao), name="远方来", id_number=number,
           birth=datetime.date(1990, 2, 3), joined_on=datetime.date(2015, 7, 1), full_member_on=datetime.date(2016, 7, 1))
    response = _post(community_admin, "/members/floating/in/",
                     _inflow(branch, source="inside", id_number=number, outside_name="别人"))
    _refused(response, "未找到身份证号码与姓名一致的在册党员")
    assert "秦淮" not in response.content.decode().split('data-testid="step-form"', 1)[1]
    assert not FloatingRecord.objects.exists()


def test_float_in_with_a_malformed_id_number_never_searches_by_phone(community_admin, branch, veteran):
    # the veteran's phone prefix and name: an in-system lookup must not fall back to a phone search
    response = _post(community_admin, "/members/floating/in/",
                     _inflow(branch, source="inside", id_number="1391234", outside_name=veteran.name))
    assert response.status_code == 200
    assert not FloatingRecord.objects.exists()


def test_float_in_of_a_member_of_the_host_itself_is_refused(community_admin, branch, veteran):
    # the veteran's ID number is not known in clear here: reveal it as an administrator would
    number = services.member_reveal_id_number(actor=community_admin, member=veteran)
    response = _post(community_admin, "/members/floating/in/",
                     _inflow(branch, source="inside", id_number=number, outside_name=veteran.name))
    _refused(response, "不属于流入党员")
    assert not FloatingRecord.objects.exists()


@pytest.fixture
def outflow(superuser, veteran):
    return services.member_float_out(actor=superuser, member=veteran, place="上海",
                                     started_on=TODAY - datetime.timedelta(days=30))


def test_floating_contact_and_end(community_admin, outflow):
    response = _post(community_admin, f"/members/floating/{outflow.pk}/contact/",
                     {"contacted_on": str(TODAY), "contact": "微信 abc", "place": ""})
    assert response.status_code == 302
    outflow.refresh_from_db()
    assert outflow.last_contact_on == TODAY and outflow.contact == "微信 abc"
    assert _post(community_admin, f"/members/floating/{outflow.pk}/end/", {"ended_on": str(TODAY)}).status_code == 302
    outflow.refresh_from_db()
    assert outflow.ended_on == TODAY


def test_floating_contact_in_the_future_is_refused(community_admin, outflow):
    _refused(_post(community_admin, f"/members/floating/{outflow.pk}/contact/", {"contacted_on": str(TOMORROW)}),
             "联系日期不能晚于今天")


def test_floating_end_before_its_start_is_refused(community_admin, outflow):
    before = outflow.started_on - datetime.timedelta(days=1)
    _refused(_post(community_admin, f"/members/floating/{outflow.pk}/end/", {"ended_on": str(before)}),
             "结束日期不能早于开始日期")


def test_floating_end_twice_is_refused(superuser, community_admin, outflow):
    services.floating_end(actor=superuser, record=outflow, ended_on=TODAY)
    _refused(_post(community_admin, f"/members/floating/{outflow.pk}/end/", {"ended_on": str(TODAY)}), "已结束")


# ---------------------------------------------------------------- lost contact, closing, visits


def test_lost_contact_and_restore(community_admin, veteran):
    since = TODAY - datetime.timedelta(days=200)
    assert _post(community_admin, f"/members/{veteran.pk}/lost-contact/", {"since": str(since)}).status_code == 302
    veteran.refresh_from_db()
    assert veteran.lost_contact_since == since
    assert _post(community_admin, f"/members/{veteran.pk}/restore-contact/",
                 {"restored_on": str(TODAY)}).status_code == 302
    veteran.refresh_from_db()
    assert veteran.lost_contact_since is None


def test_lost_contact_twice_is_refused(superuser, community_admin, veteran):
    services.member_mark_lost_contact(actor=superuser, member=veteran, since=TODAY)
    _refused(_post(community_admin, f"/members/{veteran.pk}/lost-contact/", {"since": str(TODAY)}), "已登记为失联")


def test_lost_contact_in_the_future_is_refused(community_admin, veteran):
    _refused(_post(community_admin, f"/members/{veteran.pk}/lost-contact/", {"since": str(TOMORROW)}),
             "失联日期不能晚于今天")


def test_restore_contact_of_a_member_in_contact_is_refused(community_admin, veteran):
    _refused(_post(community_admin, f"/members/{veteran.pk}/restore-contact/", {"restored_on": str(TODAY)}),
             "未登记为失联")


def test_restore_before_the_loss_is_refused(superuser, community_admin, veteran):
    services.member_mark_lost_contact(actor=superuser, member=veteran, since=TODAY - datetime.timedelta(days=5))
    _refused(_post(community_admin, f"/members/{veteran.pk}/restore-contact/",
                   {"restored_on": str(TODAY - datetime.timedelta(days=6))}), "恢复联系日期不能早于失联日期")


def test_close_keeps_the_member_as_history(community_admin, veteran):
    response = _post(community_admin, f"/members/{veteran.pk}/close/",
                     {"standing": Standing.DECEASED, "left_on": str(TODAY), "reason": "病故"})
    assert response.status_code == 302
    veteran.refresh_from_db()
    assert veteran.standing == Standing.DECEASED and "病故" in veteran.notes
    assert Member.objects.filter(pk=veteran.pk).exists()


def test_close_with_a_letter_in_transit_is_refused(community_admin, letter, veteran):
    _refused(_post(community_admin, f"/members/{veteran.pk}/close/",
                   {"standing": Standing.WITHDRAWN, "left_on": str(TODAY)}), "有在途的组织关系介绍信")
    veteran.refresh_from_db()
    assert veteran.standing == Standing.ACTIVE


def test_close_in_the_future_is_refused(community_admin, veteran):
    _refused(_post(community_admin, f"/members/{veteran.pk}/close/",
                   {"standing": Standing.DECEASED, "left_on": str(TOMORROW)}), "日期不能晚于今天")


def test_care_visit(community_admin, veteran):
    response = _post(community_admin, f"/members/{veteran.pk}/visit/",
                     {"visited_on": str(TODAY), "visitor": "张书记", "findings": "独居，腿脚不便",
                      "help_kinds": ["money", "goods"], "amount": "500", "help_detail": "米、油"})
    assert response.status_code == 302
    visit = CareVisit.objects.get(member=veteran)
    assert visit.help_kinds == ["money", "goods"] and visit.amount == 500


def test_care_visit_with_money_but_no_amount_is_refused(community_admin, veteran):
    _refused(_post(community_admin, f"/members/{veteran.pk}/visit/",
                   {"visited_on": str(TODAY), "visitor": "张书记", "help_kinds": ["money"]}), "发放慰问金请填写金额")
    assert not CareVisit.objects.exists()


def test_care_visit_in_the_future_is_refused(community_admin, veteran):
    _refused(_post(community_admin, f"/members/{veteran.pk}/visit/",
                   {"visited_on": str(TOMORROW), "visitor": "张书记"}), "走访日期不能晚于今天")


# ---------------------------------------------------------------- scope and read-only


MEMBER_STEPS = ["make-full", "transfer", "float-out", "lost-contact", "restore-contact", "close", "visit"]


@pytest.mark.parametrize("step", MEMBER_STEPS)
def test_member_steps_outside_the_scope_are_404(community_admin, outsider, step):
    client = _client(community_admin)
    assert client.get(f"/members/{outsider.pk}/{step}/").status_code == 404
    response = client.post(f"/members/{outsider.pk}/{step}/", {"since": str(TODAY)})
    assert response.status_code == 404
    assert "秦外人" not in response.content.decode()


def test_transfer_and_floating_steps_outside_the_scope_are_404(city, superuser, community_admin, outsider):
    far_letter = services.member_transfer_issue(actor=superuser, member=outsider, letter_number="秦001",
                                                issued_on=TODAY, to_outside="外地")
    far_record = services.member_float_out(actor=superuser, member=outsider, place="外地", started_on=TODAY)
    client = _client(community_admin)
    for url in (f"/members/transfers/{far_letter.pk}/receive/", f"/members/transfers/{far_letter.pk}/return/",
                f"/members/floating/{far_record.pk}/end/", f"/members/floating/{far_record.pk}/contact/"):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"received_on": str(TODAY), "ended_on": str(TODAY)}).status_code == 404, url
    far_letter.refresh_from_db()
    far_record.refresh_from_db()
    assert far_letter.status == TransferStatus.ISSUED and far_record.ended_on is None


@pytest.mark.parametrize(("step", "data"), [
    ("make-full", {"full_member_on": str(TODAY)}), ("float-out", _outflow()),
    ("lost-contact", {"since": str(TODAY)}), ("close", {"standing": "deceased", "left_on": str(TODAY)}),
    ("visit", {"visited_on": str(TODAY), "visitor": "领导"}), ("transfer", _letter(destination="outside",
                                                                                   to_outside="外地")),
])
def test_leader_gets_403_and_nothing_is_written(leader, probationer, step, data):
    client = _client(leader)
    before = AuditEntry.objects.count()
    response = client.post(f"/members/{probationer.pk}/{step}/", data)
    assert response.status_code == 403
    assert AuditEntry.objects.count() == before
    probationer.refresh_from_db()
    assert probationer.status == MemberStatus.PROBATIONARY and probationer.standing == Standing.ACTIVE
    assert not Transfer.objects.exists() and not FloatingRecord.objects.exists() and not CareVisit.objects.exists()


def test_leader_gets_403_on_letters_and_inflows(leader, letter, branch):
    assert _post(leader, f"/members/transfers/{letter.pk}/receive/", {"received_on": str(TODAY)}).status_code == 403
    assert _post(leader, "/members/floating/in/", _inflow(branch)).status_code == 403
    letter.refresh_from_db()
    assert letter.status == TransferStatus.ISSUED and not FloatingRecord.objects.exists()


def test_leader_sees_the_transfer_board_read_only(leader, letter):
    response = _client(leader).get("/members/transfers/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "玄组转001" in page and f"/members/transfers/{letter.pk}/receive/" not in page


def test_pages_need_a_signed_in_user_with_a_role(veteran):
    assert Client().get(f"/members/{veteran.pk}/visit/").status_code == 302
