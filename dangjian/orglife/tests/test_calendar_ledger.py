"""The branch calendar (due vs held, generated from the LIFE frequencies) and the year's ledger,
read back from the .docx and .xlsx files the pages hand out."""

import datetime
import io

import pytest
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.members.tests.factories import member
from dangjian.organizations.models import PartyOrganization
from dangjian.orglife import services
from dangjian.orglife.compliance import CellState, branch_calendar, branch_facts, checked_periods
from dangjian.orglife.models import OrgLifeMeeting
from dangjian.orglife.tests.factories import held

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

YEAR = datetime.date.today().year - 1  # a whole year in the past: every period has ended
TODAY = datetime.date.today()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def branch_year(superuser, city):
    """大行宫社区党支部 last year: theme days in 10 months, members' meetings in 3 quarters, one
    organizational life meeting, no democratic review; a member absent with a reason."""
    branch = city.org(city.dahanggong)
    person = member(actor=superuser, organization=branch, name="张缺席")
    for month in range(1, 11):
        held(actor=superuser, organization=branch, kind="theme_day", held_on=datetime.date(YEAR, month, 8),
             topic=f"{month}月主题党日")
    for month in (2, 5, 8):
        held(actor=superuser, organization=branch, kind="members_meeting", held_on=datetime.date(YEAR, month, 20),
             topic="支部党员大会")
    life = held(actor=superuser, organization=branch, kind="life_meeting", held_on=datetime.date(YEAR, 12, 15),
                topic="年度组织生活会", minutes="对照检查，开展批评和自我批评。")
    services.meeting_record_attendance(actor=superuser, meeting=life,
                                       entries=[{"member": person, "status": "absent", "reason": "出差"}])
    return branch


def _rows(branch, year=YEAR, today=TODAY):
    return {row.kind: row for row in branch_calendar(branch_facts(PartyOrganization.objects.filter(pk=branch.pk))[0],
                                                     year, today)}


def test_the_calendar_counts_due_held_and_missed_from_the_frequencies(branch_year):
    rows = _rows(branch_year)
    assert (rows["theme_day"].due, rows["theme_day"].held, rows["theme_day"].missed) == (12, 10, 2)
    assert (rows["members_meeting"].due, rows["members_meeting"].held, rows["members_meeting"].missed) == (4, 3, 1)
    assert (rows["life_meeting"].held, rows["democratic_review"].missed) == (1, 1)
    assert (rows["party_lecture"].due, rows["party_lecture"].missed) == (4, 4)
    # no committee (fewer than 7 full members, ORG-04) and no party groups: not due at all
    assert "committee_meeting" not in rows and "group_meeting" not in rows
    assert [cell.state for cell in rows["theme_day"].cells][-2:] == [CellState.MISSED, CellState.MISSED]


def test_the_current_year_has_open_and_upcoming_periods(city):
    rows = _rows(city.org(city.dahanggong), year=2026, today=datetime.date(2026, 5, 10))
    states = [cell.state for cell in rows["theme_day"].cells]
    assert states[:4] == [CellState.MISSED] * 4 and states[4] == CellState.OPEN
    assert set(states[5:]) == {CellState.UPCOMING}


def test_a_branch_founded_mid_year_owes_nothing_before(superuser, city):
    from dangjian.organizations import services as organization_services

    branch = organization_services.organization_update(actor=superuser, organization=city.org(city.dahanggong),
                                                       founded_on=datetime.date(2026, 7, 1))
    rows = _rows(branch, year=2026, today=datetime.date(2026, 12, 31))
    assert rows["theme_day"].due == 6 and rows["members_meeting"].due == 2


def test_committee_meetings_are_due_from_seven_full_members_and_group_meetings_where_groups_exist(superuser, city):
    from dangjian.organizations import services as organization_services

    branch = city.org(city.dahanggong)
    for index in range(7):
        member(actor=superuser, organization=branch, name=f"正式{index}")
    organization_services.organization_create(actor=superuser, parent=branch, name="第一党小组",
                                              kind="party_group", area=branch.area)
    rows = _rows(PartyOrganization.objects.get(pk=branch.pk))
    assert rows["committee_meeting"].due == 12 and rows["group_meeting"].due == 12


def test_checked_periods_are_the_last_twelve_months_of_whole_periods():
    months = checked_periods("month", datetime.date(2026, 3, 1))
    assert (months[0].start, months[-1].end, len(months)) == (datetime.date(2025, 3, 1), datetime.date(2026, 2, 28), 12)
    quarters = checked_periods("quarter", datetime.date(2026, 3, 31))
    assert [q.label for q in quarters] == ["2025年第1季度", "2025年第2季度", "2025年第3季度", "2025年第4季度"]
    assert [y.label for y in checked_periods("year", datetime.date(2026, 1, 1))] == ["2025年"]


def test_the_calendar_page_shows_due_vs_held(branch_year, community_admin, django_assert_max_num_queries):
    client = _client(community_admin)
    with django_assert_max_num_queries(16):
        html = client.get(f"/orglife/branches/{branch_year.pk}/calendar/?year={YEAR}").content.decode()
    assert 'data-kind="theme_day"' in html and "LIFE-05" in html
    assert html.count('data-state="missed"') == 2 + 1 + 4 + 1  # theme days, members' meeting, lectures, review


def test_the_xlsx_ledger_reads_back(branch_year, community_admin):
    response = _client(community_admin).get(f"/orglife/branches/{branch_year.pk}/ledger.xlsx?year={YEAR}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["应开与实开", "会议", "出勤"]
    summary = {row[0]: row[3:] for row in workbook["应开与实开"].iter_rows(min_row=3, values_only=True)}
    assert summary["主题党日"] == (12, 10, 2) and summary["支部党员大会"] == (4, 3, 1)
    meetings = list(workbook["会议"].iter_rows(min_row=2, values_only=True))
    assert len(meetings) == OrgLifeMeeting.objects.filter(organization=branch_year).count() == 14
    assert meetings[-1][1] == "组织生活会" and meetings[-1][9] == 1  # one absent
    attendance = list(workbook["出勤"].iter_rows(min_row=2, values_only=True))
    assert attendance == [(f"{YEAR}-12-15", "组织生活会", "年度组织生活会", "张缺席", "缺席", "出差", None)]
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=community_admin).exists()


def test_the_docx_ledger_reads_back(branch_year, community_admin):
    response = _client(community_admin).get(f"/orglife/branches/{branch_year.pk}/ledger.docx?year={YEAR}")
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == f"大行宫社区党支部{YEAR}年组织生活台账"
    summary, meetings, attendance = document.tables
    rows = {row.cells[0].text: [c.text for c in row.cells[3:]] for row in summary.rows[1:]}
    assert rows["主题党日"] == ["12", "10", "2"]
    assert len(meetings.rows) == 1 + 14
    assert [c.text for c in attendance.rows[1].cells][3:6] == ["张缺席", "缺席", "出差"]
    assert any("对照检查" in p.text for p in document.paragraphs)


def test_a_ledger_outside_scope_is_404(branch_year, city, org_admin):
    assert _client(org_admin).get(f"/orglife/branches/{branch_year.pk}/ledger.xlsx").status_code == 404
