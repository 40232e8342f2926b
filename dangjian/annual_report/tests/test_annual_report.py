"""The annual statistics: figures as they stood on the as-of date, from the kept history.

The city is built, given members, a meeting and an outside transfer letter, and its history
rows are dated back to mid-2025 (as if entered then). Then, in 2026, members are added, an
organization is closed, another moves to the other district and a member is transferred out.
The 2025 report as of 31 December must still show 2025's figures, computed in the test from
the records before the changes."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.accounts.models import AuditEntry
from dangjian.members import services as member_services
from dangjian.members.models import Member, MemberStatus, Standing
from dangjian.members.tests.factories import member
from dangjian.organizations import services as organization_services
from dangjian.organizations.models import NEW_ORGANIZATION_SECTORS, PartyOrganization, Unit
from dangjian.orglife import services as orglife_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)

ENTERED = timezone.make_aware(datetime.datetime(2025, 6, 1, 9, 0))
AS_OF = datetime.date(2025, 12, 31)


def _backdate_everything() -> None:
    """As if every record so far had been entered on 1 June 2025."""
    for model in (Member, PartyOrganization, Unit):
        model.history.model.objects.update(history_date=ENTERED)
    Member.objects.update(created_at=ENTERED)


def _expected_now(city) -> dict:
    """What 玄武区's 2025 report must say, counted from the live records (= 2025's state)."""
    by_street = {}
    for street in (city.meiyuan, city.xinjiekou):
        organizations = PartyOrganization.objects.filter(area__path__startswith=street.path, is_active=True)
        members = Member.objects.filter(organization__area__path__startswith=street.path, standing=Standing.ACTIVE)
        units = Unit.objects.filter(area__path__startswith=street.path, sector__in=NEW_ORGANIZATION_SECTORS,
                                    is_operating=True)
        by_street[street.name] = {
            "党组织总数": organizations.count(),
            "党员总数": members.count(),
            "预备党员": members.filter(status=MemberStatus.PROBATIONARY).count(),
            "两新组织数": units.count(),
            "单独建立党组织": units.filter(party_organizations__is_active=True).distinct().count(),
        }
    return by_street


@pytest.fixture
def history(city, superuser):
    """(expected figures, the member transferred out later, the records changed later)."""
    meiyuan_org, xinjiekou_org = city.org(city.changjianglu), city.org(city.areas["320102003001"])
    for index in range(3):
        member(actor=superuser, organization=meiyuan_org, name=f"梅园党员{index}")
    member(actor=superuser, organization=meiyuan_org, name="预备党员甲", joined_on=datetime.date(2025, 3, 1),
           full_member_on=None)
    for index in range(2):
        member(actor=superuser, organization=xinjiekou_org, name=f"华侨路党员{index}")
    leaving = member(actor=superuser, organization=city.org(city.dahanggong), name="将转出者")
    orglife_services.meeting_record(actor=superuser, organization=city.org(city.dahanggong), kind="members_meeting",
                                    held_on=datetime.date(2025, 5, 10), topic="学习党章", host="王书记")
    orglife_services.meeting_record(actor=superuser, organization=city.org(city.dahanggong), kind="party_lecture",
                                    held_on=datetime.date(2026, 3, 1), topic="党课", host="王书记")
    letter = member_services.member_transfer_issue(actor=superuser, member=leaving, to_outside="中共上海市黄浦区委组织部",
                                                   letter_number="宁组转〔2026〕2号", issued_on=timezone.localdate())
    _backdate_everything()
    expected = _expected_now(city)
    # 2026: two more members, the unit's branch closed, 华侨路's organization moved to 秦淮区, one
    # member transferred out of the system.
    for index in range(2):
        member(actor=superuser, organization=meiyuan_org, name=f"新党员{index}")
    organization_services.organization_update(actor=superuser, organization=city.unit_branch(city.meiyuan),
                                              is_active=False)
    organization_services.organization_update(actor=superuser, organization=xinjiekou_org,
                                              area=city.areas["320104001001"])
    member_services.member_transfer_receive(actor=superuser, transfer=letter, received_on=timezone.localdate())
    return expected


def _workbook(client, area, **params):
    response = client.get("/annual-report/workbook.xlsx", {"area": area.pk, "year": 2025, **params})
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(response.content))


def _row(sheet, label) -> dict:
    header = [cell.value for cell in sheet[2]]
    for row in sheet.iter_rows(min_row=3, values_only=True):
        if row[0] == label:
            return dict(zip(header, row, strict=False))
    raise AssertionError(f"no row {label}")


def test_the_workbook_shows_the_year_as_it_stood_on_the_as_of_date(history, city, district_admin):
    # given the changes of 2026 (fixture); when 玄武区 downloads its 2025 report
    client = Client()
    client.force_login(district_admin)
    book = _workbook(client, city.xuanwu)
    # then one sheet per topic, and 2025's figures
    assert book.sheetnames == ["说明", "党组织", "党员", "两新组织覆盖", "联席会", "社区党校", "组织生活", "群众诉求",
                               "社区活动", "党费"]
    for street, figures in history.items():
        organizations, members, coverage = (_row(book[name], street) for name in ("党组织", "党员", "两新组织覆盖"))
        assert organizations["党组织总数"] == figures["党组织总数"]
        assert members["党员总数"] == figures["党员总数"]
        assert members["预备党员"] == figures["预备党员"]
        assert coverage["两新组织数"] == figures["两新组织数"]
        assert coverage["单独建立党组织"] == figures["单独建立党组织"]
    assert _row(book["党员"], "梅园新村街道")["年内入党"] == 1
    assert _row(book["党员"], "合计")["党员总数"] == sum(f["党员总数"] for f in history.values())
    # 2025's one meeting counts; 2026's lecture does not
    assert _row(book["组织生活"], "梅园新村街道")["召开会议合计"] == 1
    assert _row(book["组织生活"], "合计")["党课"] == 0
    assert AuditEntry.objects.filter(action="export", detail__what="年度统计").exists()


def test_today_s_report_shows_the_changes(history, city, district_admin):
    """The same report as of today: the moved organization and its members left, the new
    members came, the closed branch and the transferred member are gone."""
    client = Client()
    client.force_login(district_admin)
    today = timezone.localdate()
    figures = client.get("/api/v1/annual-report/figures",
                         {"area": city.xuanwu.pk, "year": today.year, "as_of": today.isoformat()}).json()
    members = next(sheet for sheet in figures["sheets"] if sheet["key"] == "members")
    rows = {row["area"]: dict(zip(members["columns"], row["values"], strict=True)) for row in members["rows"]}
    assert rows["梅园新村街道"]["党员总数"] == history["梅园新村街道"]["党员总数"] + 2 - 1
    assert rows["新街口街道"]["党员总数"] == history["新街口街道"]["党员总数"] - 2
    assert rows["梅园新村街道"]["年内减少（去世、出党、转出本系统）"] == 1


def test_the_api_gives_the_workbook_s_figures(history, city, district_admin):
    client = Client()
    client.force_login(district_admin)
    figures = client.get("/api/v1/annual-report/figures", {"area": city.xuanwu.pk, "year": 2025}).json()
    assert figures["as_of"] == "2025-12-31"
    book = _workbook(client, city.xuanwu)
    for sheet in figures["sheets"]:
        for row in sheet["rows"]:
            assert list(_row(book[sheet["title"]], row["area"]).values())[1:] == row["values"]
    download = client.get("/api/v1/annual-report/workbook", {"area": city.xuanwu.pk, "year": 2025})
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("role", ["district_admin", "street_admin", "org_admin", "liaison", "school_admin"])
def test_nobody_reports_on_an_area_outside_their_reach(city, request, role):
    client = Client()
    client.force_login(request.getfixturevalue(role))
    outside = city.qinhuai
    assert client.get("/annual-report/", {"area": outside.pk, "year": 2025}).status_code == 404
    assert client.get("/annual-report/workbook.xlsx", {"area": outside.pk, "year": 2025}).status_code == 404
    assert client.get("/api/v1/annual-report/figures", {"area": outside.pk, "year": 2025}).status_code == 404
    assert client.get("/api/v1/annual-report/workbook", {"area": outside.pk, "year": 2025}).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_a_street_reports_on_its_communities_and_a_leader_reads(city, street_admin, leader):
    client = Client()
    client.force_login(street_admin)
    page = client.get("/annual-report/", {"area": city.meiyuan.pk, "year": 2025}).content.decode()
    assert "长江路社区" in page and "大行宫社区" in page and "梅园新村街道本级" in page
    client.force_login(leader)
    assert client.get("/annual-report/", {"area": city.xuanwu.pk, "year": 2025}).status_code == 200


@pytest.mark.parametrize(("as_of", "message"), [
    ("2024-12-31", "不能早于2025年1月1日"),
    ("2099-01-01", "不能晚于今天"),
])
def test_an_impossible_date_is_refused_in_chinese(city, district_admin, as_of, message):
    client = Client()
    client.force_login(district_admin)
    page = client.get("/annual-report/", {"area": city.xuanwu.pk, "year": 2025, "as_of": as_of})
    assert page.status_code == 400 and message in page.content.decode()
    api = client.get("/api/v1/annual-report/figures", {"area": city.xuanwu.pk, "year": 2025, "as_of": as_of})
    assert api.status_code == 422 and message in api.json()["detail"]


def test_the_report_costs_the_same_number_of_queries_however_many_organizations(
        history, city, city_admin, superuser, django_assert_num_queries):
    client = Client()
    client.force_login(city_admin)
    params = {"area": city.nanjing.pk, "year": 2025}
    client.get("/api/v1/annual-report/figures", params)  # warm the session and grants

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/annual-report/figures", params).status_code == 200
        return len(captured)

    before = queries()
    for index in range(5):
        organization_services.organization_create(actor=superuser, parent=city.org(city.meiyuan),
                                                  name=f"新建党支部{index}", kind="branch", area=city.changjianglu)
    assert queries() == before
    assert before <= 30
