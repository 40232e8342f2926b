"""The school pages: what the school administrator sees and does, refusals, the two exports
read back, and the member's phone pages."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from dangjian.accounts.models import AuditEntry
from dangjian.portal.tests.factories import activated
from dangjian.school import services
from dangjian.school.models import Attendance, ClassSession
from dangjian.school.tests.factories import at, school_of

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_school_admin_sees_plan_progress_and_members_below_target(setup, superuser, school_admin,
                                                                  django_assert_max_num_queries):
    session = setup.schedule(actor=superuser, starts_at=at(YESTERDAY, 9))
    services.plan_add_class(actor=superuser, plan=setup.plan, month=YESTERDAY.month, course=setup.course)
    services.attendance_mark(actor=superuser, session=session, members=[setup.members["在职"]])
    client = _client(school_admin)
    assert "梅园新村街道党校" in client.get("/school/").content.decode()
    page = client.get(f"/school/{setup.school.pk}/").content.decode()
    assert "计划课程1次" in page and "教育对象3人" in page
    with django_assert_max_num_queries(16):
        members = client.get(f"/school/{setup.school.pk}/members/?below=1").content.decode()
    assert "李在职" in members and "王退休" in members and "钱外区" not in members
    assert "320102" not in members  # no ID numbers
    off_post = client.get(f"/school/{setup.school.pk}/members/?group=off_post").content.decode()
    assert "王退休" in off_post and "李在职" not in off_post
    plan = client.get(f"/school/plans/{setup.plan.pk}/").content.decode()
    assert "已举办" in plan


def test_schedule_and_mark_through_the_pages(setup, school_admin):
    client = _client(school_admin)
    response = client.post(f"/school/{setup.school.pk}/classes/new/", {
        "course": setup.course.pk, "venue": setup.venue.pk, "starts_at": f"{YESTERDAY:%Y-%m-%d}T14:00",
        "ends_at": f"{YESTERDAY:%Y-%m-%d}T16:00", "expected_attendees": "10"})
    assert response.status_code == 302
    session = ClassSession.objects.get()
    clash = client.post(f"/school/{setup.school.pk}/classes/new/", {
        "course": setup.course.pk, "venue": setup.venue.pk, "starts_at": f"{YESTERDAY:%Y-%m-%d}T15:00",
        "ends_at": f"{YESTERDAY:%Y-%m-%d}T17:00"})
    assert clash.status_code == 400 and "该场所在此时段已安排" in clash.content.decode()
    detail = client.get(f"/school/classes/{session.pk}/").content.decode()
    assert "<svg" in detail and "/m/school/checkin/?t=" in detail
    response = client.post(f"/school/classes/{session.pk}/attendance/",
                           {"members": [setup.members["在职"].pk, setup.members["退休"].pk]})
    assert response.status_code == 302
    assert Attendance.objects.count() == 2


def test_leader_reads_but_cannot_write_and_other_schools_are_404(setup, leader, school_admin, city, superuser):
    session = setup.schedule(actor=superuser, starts_at=at(YESTERDAY, 9))
    client = _client(leader)
    assert client.get(f"/school/classes/{session.pk}/").status_code == 200
    assert client.post(f"/school/classes/{session.pk}/attendance/",
                       {"members": [setup.members["在职"].pk]}).status_code == 403
    assert client.get(f"/school/{setup.school.pk}/venues/new/").status_code == 403
    other = school_of(city.fuzimiao)
    assert _client(school_admin).get(f"/school/{other.pk}/").status_code == 404
    assert _client(school_admin).get(f"/school/{other.pk}/members/").status_code == 404


def test_attendance_sheet_and_year_ledger_read_back(setup, superuser, school_admin):
    session = setup.schedule(actor=superuser, starts_at=at(YESTERDAY, 9))
    services.attendance_mark(actor=superuser, session=session, members=[setup.members["在职"], setup.members["退休"]])
    client = _client(school_admin)
    response = client.get(f"/school/classes/{session.pk}/attendance.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert [(row[1], row[5]) for row in rows] == [("李在职", 2), ("王退休", 2)]
    assert rows[0][3] == "139****0001"
    response = client.get(f"/school/{setup.school.pk}/ledger.docx?year={YESTERDAY.year}")
    document = Document(io.BytesIO(response.content))
    hours_table = document.tables[-1]
    cells = {row.cells[0].text: row.cells[3].text for row in hours_table.rows[1:]}
    assert cells == {"李在职": "2.0", "王退休": "2.0", "赵预备": "0.0"}
    assert AuditEntry.objects.filter(action="export").count() == 2


def test_member_checks_in_on_the_phone_once_and_sees_the_hours(setup, superuser):
    session = setup.schedule(actor=superuser, starts_at=timezone.now() + datetime.timedelta(minutes=5))
    account = activated(actor=superuser, member=setup.members["在职"])
    client = _client(account.user)
    assert "学习党章" in client.get("/m/school/").content.decode()  # the notice of an upcoming class
    url = f"/m/school/checkin/?t={services.checkin_token_for(session)}"
    assert "确认签到" in client.get(url).content.decode()
    response = client.post(url, {"t": services.checkin_token_for(session)}, follow=True)
    assert "签到成功" in response.content.decode() and "2.0" in response.content.decode()
    again = client.post(url, {"t": services.checkin_token_for(session)})
    assert again.status_code == 409 and "您已签到" in again.content.decode()
    assert "2.0学时" in client.get("/m/").content.decode()


def test_portal_pages_refuse_strangers_and_staff(setup, superuser, school_admin):
    assert Client().get("/m/school/").status_code == 302
    assert _client(school_admin).get("/m/school/").status_code == 404
    outsider = activated(actor=superuser, member=setup.members["外区"])
    session = setup.schedule(actor=superuser, starts_at=timezone.now())
    client = _client(outsider.user)
    response = client.post("/m/school/checkin/", {"t": services.checkin_token_for(session)})
    assert "不面向您开放" in response.content.decode()
    assert "签到码无效" in client.get("/m/school/checkin/?t=forged").content.decode()
    assert not Attendance.objects.exists()
