"""The /api/v1/members roster: list with filters and search, detail, add, edit, reveal an ID
number, and who is due for a care visit — as each role sees them.

The city comes from ``dangjian/conftest.py``: ``street_admin`` holds 梅园新村街道 (玄武区),
``district_admin`` and the read-only ``leader`` hold 玄武区. Members in 新街口街道 or 秦淮区
are outside the street administrator's scope and must answer 404 — also when an id sits in a
request body. Members are built through the real services (``factories.member``).
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.accounts.tests.factories import client_for
from dangjian.members import services
from dangjian.members.models import Employment, Member, MemberStatus
from dangjian.members.tests.factories import member, valid_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

API = "/api/v1"


def post(client: Client, url: str, data: dict | None = None):
    return client.post(url, data or {}, content_type="application/json")


def patch(client: Client, url: str, data: dict):
    return client.patch(url, data, content_type="application/json")


def ids(response) -> set[int]:
    return {item["id"] for item in response.json()["items"]}


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


class Unchanged:
    """Counts members and audit entries before a refused write, to assert nothing was written."""

    def __init__(self, *models):
        self.models = (*models, AuditEntry)
        self.before = self._counts()

    def _counts(self):
        return [model.objects.count() for model in self.models]

    def __bool__(self):
        return self._counts() == self.before


@pytest.fixture
def as_street_admin(street_admin):
    return client_for(street_admin)


@pytest.fixture
def as_leader(leader):
    return client_for(leader)


@pytest.fixture
def roster(city, superuser):
    """One member in each of four places: two inside 梅园新村街道, one in 新街口街道, one in 秦淮区."""
    return {
        "dahanggong": member(actor=superuser, organization=city.org(city.dahanggong), name="王建国",
                             phone="13912345678", employment=Employment.RETIRED),
        "changjianglu": member(actor=superuser, organization=city.org(city.changjianglu), name="李秀英",
                               birth=datetime.date(1996, 2, 3), joined_on=datetime.date(2020, 7, 1),
                               full_member_on=None, education="大学本科"),
        "xinjiekou": member(actor=superuser, organization=city.org(city.xinjiekou), name="赵新街"),
        "fuzimiao": member(actor=superuser, organization=city.org(city.fuzimiao), name="孙夫子"),
    }


def create_body(city, **overrides) -> dict:
    body = {"name": "陈静", "id_number": valid_id_number(birth=datetime.date(1985, 7, 1), female=True),
            "ethnicity": "汉族", "education": "21", "phone": "13800001111", "joined_on": "2010-07-01",
            "full_member_on": "2011-07-01", "employment": "employed", "organization": city.org(city.dahanggong).pk,
            "residence_area": city.dahanggong.pk}
    body.update(overrides)
    return body


# ---------------------------------------------------------------- the API document


def test_openapi_lists_the_member_routes_with_chinese_descriptions():
    """Every member, transfer and floating route is documented; the member schema names the
    masked number and has no field for the full one."""
    document = Client().get(f"{API}/openapi.json").json()

    assert {
        f"{API}/members", f"{API}/members/{{member_id}}", f"{API}/members/{{member_id}}/reveal-id",
        f"{API}/members/{{member_id}}/make-full", f"{API}/members/{{member_id}}/transfers",
        f"{API}/members/{{member_id}}/float-out", f"{API}/members/{{member_id}}/floating",
        f"{API}/members/{{member_id}}/lost-contact", f"{API}/members/{{member_id}}/restore-contact",
        f"{API}/members/{{member_id}}/close", f"{API}/members/{{member_id}}/care-visits",
        f"{API}/members/visits-due", f"{API}/transfers", f"{API}/transfers/{{transfer_id}}",
        f"{API}/transfers/{{transfer_id}}/receive", f"{API}/transfers/{{transfer_id}}/return",
        f"{API}/floating", f"{API}/floating/{{record_id}}", f"{API}/floating/{{record_id}}/end",
        f"{API}/floating/{{record_id}}/contact",
    } <= set(document["paths"])
    member_out = document["components"]["schemas"]["MemberDetailOut"]["properties"]
    assert "脱敏" in member_out["id_number_masked"]["description"]
    assert "id_number" not in member_out
    assert document["paths"][f"{API}/members"]["get"]["summary"] == "党员花名册"


# ---------------------------------------------------------------- list


def test_list_shows_only_members_in_scope_with_a_count(as_street_admin, roster):
    response = as_street_admin.get(f"{API}/members")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert ids(response) == {roster["dahanggong"].pk, roster["changjianglu"].pk}
    assert "赵新街" not in response.content.decode() and "孙夫子" not in response.content.decode()


def test_list_items_carry_the_masked_number_only(as_street_admin, superuser, roster):
    number = services.member_reveal_id_number(actor=superuser, member=roster["dahanggong"])

    response = as_street_admin.get(f"{API}/members", {"q": "wjg"})

    item = response.json()["items"][0]
    assert item["id_number_masked"] == f"{number[:6]}********{number[-4:]}"
    assert number not in response.content.decode()


@pytest.mark.parametrize(("params", "expected"), [
    ({"status": "probationary"}, {"changjianglu"}),
    ({"status": "full"}, {"dahanggong"}),
    ({"employment": "retired"}, {"dahanggong"}),
    ({"care_group": "off_post"}, {"dahanggong"}),
    ({"age_band": "18-35"}, {"changjianglu"}),
    ({"age_band": "40-"}, {"dahanggong"}),
    ({"standing_years": "10-"}, {"dahanggong"}),
    ({"education": "21"}, {"changjianglu"}),
    ({"q": "wjg"}, {"dahanggong"}),
    ({"q": "lixiu"}, {"changjianglu"}),
    ({"q": "秀英"}, {"changjianglu"}),
    ({"q": "1391234"}, {"dahanggong"}),
])
def test_list_filters_and_search(as_street_admin, roster, params, expected):
    response = as_street_admin.get(f"{API}/members", params)

    assert response.status_code == 200, response.content
    assert ids(response) == {roster[key].pk for key in expected}


def test_list_filters_by_organization_subtree(as_street_admin, city, roster):
    # the street's working committee reaches both community organizations below it
    street_org = city.org(city.meiyuan)
    assert ids(as_street_admin.get(f"{API}/members", {"organization": street_org.pk})) == {
        roster["dahanggong"].pk, roster["changjianglu"].pk}
    assert ids(as_street_admin.get(f"{API}/members", {"organization": city.org(city.dahanggong).pk})) == {
        roster["dahanggong"].pk}


def test_list_by_an_organization_outside_scope_is_404(as_street_admin, city, roster):
    response = as_street_admin.get(f"{API}/members", {"organization": city.org(city.fuzimiao).pk})

    assert response.status_code == 404
    assert "孙夫子" not in response.content.decode()


def test_list_search_by_full_id_number_finds_only_in_scope(as_street_admin, city, superuser):
    number, outside_number = valid_id_number(), valid_id_number()
    inside = member(actor=superuser, organization=city.org(city.dahanggong), id_number=number)
    member(actor=superuser, organization=city.org(city.fuzimiao), id_number=outside_number)

    assert ids(as_street_admin.get(f"{API}/members", {"q": number.lower()})) == {inside.pk}
    assert ids(as_street_admin.get(f"{API}/members", {"q": outside_number})) == set()


def test_list_leaves_out_members_who_left_unless_asked(as_street_admin, street_admin, roster):
    services.member_close(actor=street_admin, member=roster["dahanggong"], standing="deceased",
                          left_on=days_ago(1))

    assert ids(as_street_admin.get(f"{API}/members")) == {roster["changjianglu"].pk}
    assert roster["dahanggong"].pk in ids(as_street_admin.get(f"{API}/members", {"include_left": True}))


def test_list_sorts_by_joining_date(as_street_admin, roster):
    response = as_street_admin.get(f"{API}/members", {"sort": "-joined_on"})

    assert [item["name"] for item in response.json()["items"]] == ["李秀英", "王建国"]


@pytest.mark.parametrize("params", [{"age_band": "old"}, {"status": "member"}, {"care_group": "rich"}])
def test_list_rejects_malformed_filters_with_422_in_chinese(as_street_admin, roster, params):
    response = as_street_admin.get(f"{API}/members", params)

    assert response.status_code == 422
    assert response.json()["detail"] == "请求参数格式不正确，请对照接口文档检查后重试。"


def test_list_pages_with_limit_and_offset(as_street_admin, city, superuser):
    for index in range(5):
        member(actor=superuser, organization=city.org(city.dahanggong), name=f"测试{'一二三四五'[index]}")

    response = as_street_admin.get(f"{API}/members", {"limit": 2, "offset": 2})

    assert response.json()["count"] == 5
    assert len(response.json()["items"]) == 2


def test_list_query_count_does_not_grow_with_rows(as_street_admin, city, superuser, django_assert_max_num_queries):
    """Organization, sex, ethnicity, education, unit and residence come with the rows (no N+1)."""
    unit = city.unit(city.meiyuan)
    for index in range(12):
        member(actor=superuser, organization=city.org(city.dahanggong if index % 2 else city.changjianglu),
               name=f"成员{index}", education="21", workplace_unit=unit, residence_area=city.dahanggong)
    as_street_admin.get(f"{API}/members")  # warm the session

    with django_assert_max_num_queries(6):
        response = as_street_admin.get(f"{API}/members", {"limit": 50})

    assert response.json()["count"] == 12


# ---------------------------------------------------------------- detail


def test_detail_shows_the_masked_number_and_whether_it_may_be_revealed(as_street_admin, as_leader, roster):
    target = roster["dahanggong"]

    response = as_street_admin.get(f"{API}/members/{target.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "王建国"
    assert body["id_number_masked"] == target.id_number_masked
    assert "********" in body["id_number_masked"]
    assert body["organization"]["name"] == "大行宫社区党支部"
    assert body["may_reveal_id_number"] is True
    assert as_leader.get(f"{API}/members/{target.pk}").json()["may_reveal_id_number"] is False


def test_detail_outside_scope_is_404_without_data(as_street_admin, roster):
    response = as_street_admin.get(f"{API}/members/{roster['fuzimiao'].pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": "党员不存在。"}


# ---------------------------------------------------------------- create


def test_create_registers_a_member_with_derived_birth_date_and_sex(as_street_admin, city):
    body = create_body(city)

    response = post(as_street_admin, f"{API}/members", body)

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["birth_date"] == "1985-07-01"
    assert created["sex"]["name"] == "女"
    assert created["status"] == MemberStatus.FULL
    assert created["education"]["code"] == "21"
    assert created["residence_area"]["id"] == city.dahanggong.pk
    assert body["id_number"] not in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(created["id"]),
                                     object_type="members.Member").exists()


def test_create_with_an_invalid_id_number_is_422_and_writes_nothing(as_street_admin, city):
    number = valid_id_number()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    unchanged = Unchanged(Member)

    response = post(as_street_admin, f"{API}/members", create_body(city, id_number=wrong))

    assert response.status_code == 422
    assert response.json()["errors"] == {"id_number": ["身份证号码校验位不正确，请核对后重新填写。"]}
    assert unchanged


def test_create_with_full_membership_before_joining_is_422_and_writes_nothing(as_street_admin, city):
    unchanged = Unchanged(Member)

    response = post(as_street_admin, f"{API}/members",
                    create_body(city, joined_on="2010-07-01", full_member_on="2009-07-01"))

    assert response.status_code == 422
    assert response.json()["errors"]["full_member_on"] == ["转正时间不能早于入党时间。"]
    assert unchanged


def test_create_with_a_number_already_registered_elsewhere_does_not_say_where(as_street_admin, city, superuser,
                                                                            roster):
    number = services.member_reveal_id_number(actor=superuser, member=roster["fuzimiao"])
    unchanged = Unchanged(Member)

    response = post(as_street_admin, f"{API}/members", create_body(city, id_number=number))

    assert response.status_code == 422
    assert "已登记" in response.json()["detail"]
    assert "孙夫子" not in response.content.decode() and "夫子庙" not in response.content.decode()
    assert unchanged


@pytest.mark.parametrize("field", ["organization", "residence_area", "workplace_unit"])
def test_create_with_an_id_outside_scope_is_404_and_writes_nothing(as_street_admin, city, field):
    outside = {"organization": city.org(city.fuzimiao).pk, "residence_area": city.fuzimiao.pk,
               "workplace_unit": city.unit(city.fuzimiao).pk}[field]
    unchanged = Unchanged(Member)

    response = post(as_street_admin, f"{API}/members", create_body(city, **{field: outside}))

    assert response.status_code == 404
    assert unchanged


def test_create_by_a_leader_is_403_and_writes_nothing(as_leader, city):
    unchanged = Unchanged(Member)

    response = post(as_leader, f"{API}/members", create_body(city))

    assert response.status_code == 403
    assert response.json()["detail"]
    assert unchanged


def test_create_with_a_missing_field_is_422(as_street_admin, city):
    body = create_body(city)
    del body["joined_on"]

    response = post(as_street_admin, f"{API}/members", body)

    assert response.status_code == 422
    assert ("body", "data", "joined_on") in {tuple(error["loc"]) for error in response.json()["errors"]}


# ---------------------------------------------------------------- update


def test_patch_changes_only_the_given_fields(as_street_admin, roster):
    target = roster["dahanggong"]

    response = patch(as_street_admin, f"{API}/members/{target.pk}",
                     {"phone": "13700002222", "has_difficulty": True, "difficulty_reason": "大病"})

    assert response.status_code == 200, response.content
    target.refresh_from_db()
    assert (target.phone, target.has_difficulty, target.difficulty_reason) == ("13700002222", True, "大病")
    assert target.name == "王建国" and target.employment == Employment.RETIRED
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(target.pk)).exists()


def test_patch_with_a_new_id_number_updates_the_birth_date(as_street_admin, roster):
    number = valid_id_number(birth=datetime.date(1970, 1, 2))

    response = patch(as_street_admin, f"{API}/members/{roster['dahanggong'].pk}", {"id_number": number})

    assert response.status_code == 200, response.content
    assert response.json()["birth_date"] == "1970-01-02"
    assert number not in response.content.decode()


@pytest.mark.parametrize(("body", "message"), [
    ({"id_number": "320102198005171234"}, "校验位"),
    ({"full_member_on": "2001-01-01"}, "转正时间不能早于入党时间"),
    ({"name": ""}, "请填写姓名"),
])
def test_patch_with_bad_data_is_422_and_writes_nothing(as_street_admin, roster, body, message):
    target = roster["dahanggong"]
    unchanged = Unchanged(Member)
    before = Member.objects.values().get(pk=target.pk)

    response = patch(as_street_admin, f"{API}/members/{target.pk}", body)

    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert Member.objects.values().get(pk=target.pk) == before
    assert unchanged


def test_patch_cannot_move_a_member_to_another_organization(as_street_admin, city, roster):
    target = roster["dahanggong"]

    response = patch(as_street_admin, f"{API}/members/{target.pk}", {"organization": city.org(city.changjianglu).pk})

    assert response.status_code == 422
    assert "转接" in response.json()["detail"]
    target.refresh_from_db()
    assert target.organization_id == city.org(city.dahanggong).pk


def test_patch_to_an_organization_outside_scope_is_404(as_street_admin, city, roster):
    response = patch(as_street_admin, f"{API}/members/{roster['dahanggong'].pk}",
                     {"organization": city.org(city.fuzimiao).pk})

    assert response.status_code == 404


def test_patch_outside_scope_is_404(as_street_admin, roster):
    unchanged = Unchanged(Member)

    response = patch(as_street_admin, f"{API}/members/{roster['xinjiekou'].pk}", {"phone": "13700002222"})

    assert response.status_code == 404
    assert unchanged


def test_patch_by_a_leader_is_403_and_changes_nothing(as_leader, roster):
    target = roster["dahanggong"]
    unchanged = Unchanged(Member)

    response = patch(as_leader, f"{API}/members/{target.pk}", {"phone": "13700002222"})

    assert response.status_code == 403
    target.refresh_from_db()
    assert target.phone == "13912345678"
    assert unchanged


# ---------------------------------------------------------------- reveal the ID number


def test_reveal_returns_the_full_number_and_is_audited(as_street_admin, superuser, roster):
    target = roster["dahanggong"]
    number = services.member_reveal_id_number(actor=superuser, member=target)
    reveals = AuditEntry.objects.filter(action=AuditAction.REVEAL, object_id=str(target.pk))
    before = reveals.count()

    response = post(as_street_admin, f"{API}/members/{target.pk}/reveal-id", {"purpose": "核对身份"})

    assert response.status_code == 200
    assert response.json() == {"member_id": target.pk, "id_number": number}
    assert reveals.count() == before + 1
    assert reveals.first().detail.get("purpose") == "核对身份"


def test_reveal_needs_no_body(as_street_admin, roster):
    response = as_street_admin.generic("POST", f"{API}/members/{roster['dahanggong'].pk}/reveal-id")

    assert response.status_code == 200


def test_reveal_by_a_leader_is_403_without_the_number(as_leader, roster):
    target = roster["dahanggong"]
    unchanged = Unchanged()

    response = post(as_leader, f"{API}/members/{target.pk}/reveal-id")

    assert response.status_code == 403
    assert response.json() == {"detail": "您没有查看完整身份证号码的权限。"}
    assert unchanged


def test_reveal_outside_scope_is_404_and_not_audited(as_street_admin, roster):
    unchanged = Unchanged()

    response = post(as_street_admin, f"{API}/members/{roster['fuzimiao'].pk}/reveal-id")

    assert response.status_code == 404
    assert unchanged


# ---------------------------------------------------------------- visits due


def test_visits_due_lists_care_group_members_in_scope(as_street_admin, street_admin, city, superuser, roster):
    # given a retired member never visited (roster), a laid-off member visited last week,
    # and a retired member in 秦淮区
    visited = member(actor=superuser, organization=city.org(city.changjianglu), name="刘下岗",
                     employment=Employment.LAID_OFF)
    services.care_visit_record(actor=street_admin, member=visited, visited_on=days_ago(7), visitor="社区书记")
    member(actor=superuser, organization=city.org(city.fuzimiao), name="钱退休", employment=Employment.RETIRED)

    response = as_street_admin.get(f"{API}/members/visits-due")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["member"]["id"] for item in items] == [roster["dahanggong"].pk]
    assert items[0]["groups"] == ["retired"]
    assert items[0]["group_labels"] == "离退休党员"
    assert items[0]["last_visit_on"] is None
    assert items[0]["every_months"] == 6


def test_visits_due_as_of_a_later_date_includes_the_visited_member(as_street_admin, street_admin, city, superuser):
    visited = member(actor=superuser, organization=city.org(city.changjianglu), name="刘下岗",
                     employment=Employment.LAID_OFF)
    services.care_visit_record(actor=street_admin, member=visited, visited_on=days_ago(7), visitor="社区书记")

    response = as_street_admin.get(f"{API}/members/visits-due",
                                   {"on_date": str(timezone.localdate() + datetime.timedelta(days=200))})

    item = next(item for item in response.json()["items"] if item["member"]["id"] == visited.pk)
    assert item["last_visit_on"] == str(days_ago(7))
    assert item["days_overdue"] > 0


def test_visits_due_filters_by_organization_and_group(as_street_admin, city, superuser, roster):
    member(actor=superuser, organization=city.org(city.changjianglu), name="周困难", has_difficulty=True,
           difficulty_reason="大病")

    by_org = as_street_admin.get(f"{API}/members/visits-due", {"organization": city.org(city.dahanggong).pk})
    by_group = as_street_admin.get(f"{API}/members/visits-due", {"care_group": "difficulty"})

    assert [item["member"]["name"] for item in by_org.json()["items"]] == ["王建国"]
    assert [item["member"]["name"] for item in by_group.json()["items"]] == ["周困难"]
    assert as_street_admin.get(f"{API}/members/visits-due",
                               {"organization": city.org(city.fuzimiao).pk}).status_code == 404


def test_visits_due_query_count_does_not_grow_with_rows(as_street_admin, city, superuser,
                                                        django_assert_max_num_queries):
    for index in range(10):
        member(actor=superuser, organization=city.org(city.dahanggong), name=f"退休{index}",
               employment=Employment.RETIRED)
    as_street_admin.get(f"{API}/members/visits-due")

    with django_assert_max_num_queries(6):
        response = as_street_admin.get(f"{API}/members/visits-due", {"limit": 50})

    assert response.json()["count"] == 10


def test_the_history_says_who_changed_what_and_when(city, street_admin, superuser, org_admin):
    someone = member(actor=superuser, organization=city.org(city.dahanggong), name="历史党员", phone="13800000001")
    services.member_update(actor=street_admin, member=someone, phone="13900000002", notes="搬家后更新电话")
    client = client_for(street_admin)
    entries = client.get(f"{API}/members/{someone.pk}/history").json()
    assert [entry["type"] for entry in entries] == ["~", "+"]  # newest first
    changed = {change["field"]: (change["old"], change["new"]) for change in entries[0]["changes"]}
    assert changed["phone"] == ("13800000001", "13900000002") and changed["notes"] == ("", "搬家后更新电话")
    assert entries[0]["by"] in (street_admin.get_full_name(), street_admin.get_username())
    assert entries[1]["changes"] == [] and entries[1]["type_label"] == "新增"
    assert "id_number_ciphertext" not in str(entries) and "id_number_digest" not in str(entries)
    # outside the caller's scope the member does not exist
    assert client_for(org_admin).get(f"{API}/members/{someone.pk}/history").status_code == 404
