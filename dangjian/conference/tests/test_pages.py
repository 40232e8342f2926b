"""The conference pages: the street office schedules a meeting, marks attendance, records a
resolution and gives tasks; the liaison sees only its unit's task and reports progress; the
minutes .docx reads back with the attendance and the resolutions. 404 outside scope, 403 for
read-only roles, query counts pinned on the lists."""

import datetime
import io

import pytest
from django.test import Client
from docx import Document as DocxDocument

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.conference import services_lists, services_meetings
from dangjian.conference.models import Attendance, ConferenceMeeting, ConferenceTask, Resolution, TaskProgress
from dangjian.conference.tests.factories import meeting, qinhuai_conference, street_conference, task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_street_office_runs_a_meeting_from_its_pages(city, street_admin):
    street = street_conference(city, actor=street_admin)
    client = _client(street_admin)
    today = datetime.date.today()
    response = client.post(f"/conference/{street.conference.pk}/meetings/new/", {
        "kind": "plenary", "title": "全体成员大会", "held_on": today.isoformat(), "place": "党群服务中心",
        "agenda": "听取工作报告\n审议项目"})
    held = ConferenceMeeting.objects.get(title="全体成员大会")
    assert response.status_code == 302 and response["Location"] == f"/conference/meetings/{held.pk}/"
    seat = street.tech.pk
    response = client.post(f"/conference/meetings/{held.pk}/attendance/", {
        "seat_id": seat, f"seat{seat}-seat": seat, f"seat{seat}-status": "absent", f"seat{seat}-reason": ""})
    assert response.status_code == 400 and "请假须写明事由" in response.content.decode()
    assert not Attendance.objects.exists()
    client.post(f"/conference/meetings/{held.pk}/attendance/", {
        "seat_id": seat, f"seat{seat}-seat": seat, f"seat{seat}-status": "absent", f"seat{seat}-reason": "外出培训"})
    client.post(f"/conference/meetings/{held.pk}/resolutions/", {"text": "共同开展助老服务。"})
    resolution = Resolution.objects.get(meeting=held)
    response = client.post(f"/conference/meetings/{held.pk}/tasks/", {
        "resolution": resolution.pk, "seat": "", "title": "组织志愿者", "deadline": today.isoformat()})
    assert "请选择负责落实的成员单位" in response.content.decode() and not ConferenceTask.objects.exists()
    client.post(f"/conference/meetings/{held.pk}/tasks/", {
        "resolution": resolution.pk, "seat": street.tech.pk, "title": "组织志愿者", "deadline": today.isoformat()})
    client.post(f"/conference/meetings/{held.pk}/minutes/", {"minutes": "会议听取了工作报告。"})
    html = client.get(f"/conference/meetings/{held.pk}/").content.decode()
    assert "请假：外出培训" in html and "组织志愿者" in html and "会议听取了工作报告" in html


def test_the_minutes_docx_holds_the_attendance_and_the_resolutions(city, street_admin):
    street = street_conference(city, actor=street_admin)
    held = meeting(street, actor=street_admin)
    services_meetings.meeting_record_attendance(actor=street_admin, meeting=held, seat=street.chair, status="present",
                                                attendee_name="王书记")
    services_meetings.meeting_record_attendance(actor=street_admin, meeting=held, seat=street.tech, status="absent",
                                                reason="出差在外")
    services_meetings.meeting_record_attendance(actor=street_admin, meeting=held, seat=street.care, status="delegate",
                                                delegate_name="孙副主任")
    task(street, street.tech, actor=street_admin, meeting_=held)
    response = _client(street_admin).get(f"/conference/meetings/{held.pk}/minutes.docx")
    assert response.status_code == 200
    doc = DocxDocument(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    rows = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
    assert ["梅园新村街道办事处", "会长", "出席", "王书记"] in rows
    assert ["南京梅园新村科技有限公司", "副会长", "请假", "出差在外"] in rows
    assert ["长江路社区梅园新村养老服务中心", "成员", "委托出席", "委托孙副主任出席"] in rows
    assert "应到3个成员单位，实到2个" in text
    assert "决议1：共同推进为老服务。" in text and "任务：开展助老志愿服务（负责单位：南京梅园新村科技有限公司" in text
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, detail__what="会议纪要").exists()


def test_the_notice_docx_lists_agenda_and_seats(city, street_admin):
    street = street_conference(city, actor=street_admin)
    held = meeting(street, actor=street_admin)
    response = _client(street_admin).get(f"/conference/meetings/{held.pk}/notice.docx")
    doc = DocxDocument(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于召开2025年第一次全体成员大会的通知" in text and "1. 听取年度工作报告" in text
    assert ["南京梅园新村科技有限公司", "副会长", "李总"] in [[c.text for c in r.cells] for r in doc.tables[0].rows]


def test_the_liaison_sees_only_its_units_task_and_reports_progress(city, street_admin, liaison):
    street = street_conference(city, actor=street_admin)
    held = meeting(street, actor=street_admin)
    mine = task(street, street.tech, actor=street_admin, meeting_=held, title="组织志愿者上门服务")
    other = task(street, street.care, actor=street_admin, meeting_=held, title="开放日间照料场地")
    client = _client(liaison)
    home = client.get("/conference/liaison/").content.decode()
    assert "组织志愿者上门服务" in home and "开放日间照料场地" not in home and "已超期" in home
    page = client.get(f"/conference/meetings/{held.pk}/").content.decode()
    assert "组织志愿者上门服务" in page and "开放日间照料场地" not in page and "attendance-form" not in page
    assert client.get(f"/conference/tasks/{other.pk}/").status_code == 404
    assert client.post(f"/conference/tasks/{other.pk}/progress/", {"text": "冒报"}).status_code == 404
    response = client.post(f"/conference/tasks/{mine.pk}/progress/", {"text": "已上门服务12户。", "done": "on"})
    assert response.status_code == 302
    assert TaskProgress.objects.get(task=mine).reporter_label == str(liaison)
    assert client.post(f"/conference/meetings/{held.pk}/resolutions/", {"text": "越权"}).status_code == 403
    assert client.get("/conference/").status_code == 302  # to the liaison's own home


def test_a_leader_reads_but_never_writes(city, street_admin, leader):
    street = street_conference(city, actor=street_admin)
    held = meeting(street, actor=street_admin)
    client = _client(leader)
    assert client.get(f"/conference/{street.conference.pk}/").status_code == 200
    assert client.post(f"/conference/meetings/{held.pk}/minutes/", {"minutes": "越权"}).status_code == 403
    assert "meeting-form" not in client.get(f"/conference/{street.conference.pk}/").content.decode()


def test_another_streets_conference_is_not_there(city, street_admin, liaison, community_admin):
    other = qinhuai_conference(city)
    held = meeting(other)
    for user in (street_admin, liaison, community_admin):
        client = _client(user)
        assert client.get(f"/conference/{other.conference.pk}/").status_code == 404
        assert client.get(f"/conference/meetings/{held.pk}/minutes.docx").status_code == 404
        assert other.conference.name not in client.get("/conference/").content.decode()


def test_the_library_searches_title_and_text(city, street_admin):
    from dangjian.conference import services

    street = street_conference(city, actor=street_admin)
    for title, text in (("关于加强社区党建工作的意见", "推进区域化党建。"), ("结对共建工作办法", "机关与社区结对，每季度开展活动。")):
        services.document_create(actor=street_admin, conference=street.conference, kind="opinion", title=title,
                                 issuer="街道党工委", effective_on=datetime.date(2025, 1, 1), text=text)
    client = _client(street_admin)
    found = client.get(f"/conference/{street.conference.pk}/documents/?q=每季度").content.decode()
    assert "结对共建工作办法" in found and "关于加强社区党建工作的意见" not in found
    by_title = client.get(f"/conference/{street.conference.pk}/documents/?q=党建+意见").content.decode()
    assert "关于加强社区党建工作的意见" in by_title and "结对共建工作办法" not in by_title


def test_the_lists_page_explains_its_suggestions(city, street_admin):
    street = street_conference(city, actor=street_admin)
    demand = services_lists.demand_create(actor=street_admin, conference=street.conference, community=city.dahanggong,
                                          kind="volunteers", title="独居老人探访", description="每周探访独居老人。")
    services_lists.resource_create(actor=street_admin, conference=street.conference, unit=street.chair.unit,
                                   kind="venue", title="街道会议室")
    services_lists.resource_create(actor=street_admin, conference=street.conference, unit=street.tech.unit,
                                   kind="volunteers", title="青年志愿者", quantity="20人")
    html = _client(street_admin).get(f"/conference/{street.conference.pk}/lists/?demand={demand.pk}").content.decode()
    suggestions = html.split('data-testid="suggestions"', 1)[1]
    assert suggestions.index("青年志愿者") < suggestions.index("街道会议室")
    assert "类别相符（志愿者）；提供单位就在本社区" in suggestions


def test_list_pages_keep_their_query_counts(city, street_admin, django_assert_max_num_queries):
    street = street_conference(city, actor=street_admin)
    for day in (5, 6, 7):
        held = meeting(street, actor=street_admin, held_on=datetime.date(2025, 3, day), title=f"会议{day}")
        task(street, street.tech, actor=street_admin, meeting_=held)
        task(street, street.care, actor=street_admin, meeting_=held)
    client = _client(street_admin)
    for url in (f"/conference/{street.conference.pk}/", f"/conference/{street.conference.pk}/tasks/",
                "/conference/", f"/conference/meetings/{held.pk}/", f"/conference/{street.conference.pk}/lists/"):
        with django_assert_max_num_queries(30):
            assert client.get(url).status_code == 200
