"""Exporting the filtered roster: scope, masking, full ID numbers only where they may be revealed, audit."""

import datetime
import io

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from dangjian.accounts.models import AuditAction, AuditEntry, Role
from dangjian.accounts.tests.factories import client_for, grant
from dangjian.members import services
from dangjian.members.tests.factories import member, valid_id_number

pytestmark = pytest.mark.django_db


def export(user, query: str = "", *, client: Client | None = None, **form) -> list[list]:
    response = (client or client_for(user)).post(f"/members/import/export/?{query}", form)
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment")
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


@pytest.fixture
def people(city, superuser):
    """Two members in 梅园新村街道 (one probationary), one in 新街口街道 (玄武区), one in 秦淮区."""
    def add(area, name, **fields):
        number = valid_id_number(birth=datetime.date(1970, 3, 4))
        created = member(actor=superuser, organization=city.org(area), name=name, id_number=number,
                         birth=datetime.date(1970, 3, 4), **fields)
        return created, number

    return {
        "wang": add(city.dahanggong, "王建国"),
        "li": add(city.changjianglu, "李秀英", full_member_on=None, joined_on=datetime.date(2025, 9, 1)),
        "zhao": add(city.areas["320102003001"], "赵德明"),  # 华侨路社区
        "sun": add(city.fuzimiao, "孙外区"),
    }


def names(rows) -> set[str]:
    return {row[0] for row in rows[1:]}


def test_export_is_the_scoped_roster_with_masked_numbers_and_is_audited(people, street_admin):
    rows = export(street_admin)
    assert rows[0][:4] == ["姓名", "性别", "民族", "身份证号码"]
    assert names(rows) == {"王建国", "李秀英"}
    number = people["wang"][1]
    wang = next(row for row in rows if row[0] == "王建国")
    assert wang[3] == f"{number[:6]}********{number[-4:]}" and number not in str(rows)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == street_admin and entry.detail["rows"] == 2 and entry.detail["filters"]["id_numbers"] == "脱敏"


def test_full_numbers_on_request_for_members_the_user_may_reveal_only(people, street_admin, city):
    # given the street administrator also reads the whole district as a leader
    grant(street_admin, role=Role.LEADER, area=city.xuanwu)
    rows = export(street_admin, full_id_numbers="on")
    by_name = {row[0]: row[3] for row in rows[1:]}
    assert set(by_name) == {"王建国", "李秀英", "赵德明"}
    # then numbers are full where the reveal service would reveal them, masked elsewhere
    assert by_name["王建国"] == people["wang"][1]
    assert services.may_reveal_id_number(street_admin, people["wang"][0])
    assert not services.may_reveal_id_number(street_admin, people["zhao"][0])
    assert by_name["赵德明"] != people["zhao"][1] and "*" in by_name["赵德明"]
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.detail["filters"]["id_numbers"] == "完整" and entry.detail["filters"]["revealed"] == "2"


def test_read_only_roles_never_get_full_numbers(people, leader):
    page = client_for(leader).get("/members/import/export/").content.decode()
    assert "含完整身份证号" not in page and "将导出<strong" in page
    rows = export(leader, full_id_numbers="on")
    assert names(rows) == {"王建国", "李秀英", "赵德明"}
    assert all("*" in row[3] for row in rows[1:])
    assert AuditEntry.objects.get(action=AuditAction.EXPORT).detail["filters"]["id_numbers"] == "脱敏"


def test_export_applies_the_rosters_filters_and_search(people, street_admin, city):
    assert names(export(street_admin, "status=probationary")) == {"李秀英"}
    assert names(export(street_admin, "q=wjg")) == {"王建国"}
    assert names(export(street_admin, f"organization__id__exact={city.org(city.dahanggong).pk}")) == {"王建国"}
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("-id").first()
    assert entry.detail["filters"]["organization"] == city.org(city.dahanggong).name
    page = client_for(street_admin).get("/members/import/export/?status=probationary").content.decode()
    assert 'data-testid="export-count">1<' in page and "党员类别：预备党员" in page


def test_organization_outside_scope_is_404(people, street_admin, city):
    outside = city.org(city.fuzimiao).pk
    client = client_for(street_admin)
    assert client.get(f"/members/import/export/?organization__id__exact={outside}").status_code == 404
    assert client.post(f"/members/import/export/?organization__id__exact={outside}").status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_export_asks_the_same_few_queries_whatever_the_size(people, street_admin, city, superuser,
                                                            django_assert_max_num_queries):
    for index in range(30):
        member(actor=superuser, organization=city.org(city.dahanggong), name=f"批量{index}",
               id_number=valid_id_number())
    client = client_for(street_admin)
    with django_assert_max_num_queries(12):
        rows = export(street_admin, client=client, full_id_numbers="on")
    assert len(rows) == 1 + 32
