"""/api/v1/conferences: the conference with its seats and their history, the searchable library,
meetings with attendance, resolutions and tasks; the liaison's task list and progress; refusals
in Chinese (422) with nothing written; 404 outside scope, 403 for read-only roles."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dangjian.conference import services, services_lists
from dangjian.conference.models import Attendance, ConferenceTask, TaskProgress
from dangjian.conference.tests.factories import meeting, pdf, qinhuai_conference, street_conference, task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]
JSON = "application/json"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def care_liaison(city, street):
    from dangjian.accounts.models import Role
    from dangjian.accounts.tests.factories import user_with_role

    return user_with_role(role=Role.LIAISON, unit=street.care.unit, username="care-liaison")


def test_the_conference_lists_its_seats_with_their_history(city, street_admin):
    street = street_conference(city, actor=street_admin)
    services.seat_handover(actor=street_admin, seat=street.tech, holder_name="周总", on_date=datetime.date(2025, 9, 1))
    body = _client(street_admin).get(f"/api/v1/conferences/{street.conference.pk}").json()
    tech = next(seat for seat in body["seats"] if seat["unit"]["name"] == "南京梅园新村科技有限公司")
    assert tech["current"]["holder_name"] == "周总" and [t["holder_name"] for t in tech["past"]] == ["李总"]
    assert body["plenary_per_year"] == 2 and body["seats"][0]["post"] == "chair"


def test_meetings_attendance_resolutions_and_tasks_through_the_api(city, street_admin):
    street = street_conference(city, actor=street_admin)
    client = _client(street_admin)
    response = client.post(f"/api/v1/conferences/{street.conference.pk}/meetings", {
        "kind": "plenary", "title": "全体成员大会", "held_on": "2025-03-05", "place": "党群服务中心",
        "agenda": ["听取工作报告"]}, content_type=JSON)
    assert response.status_code == 201
    meeting_id = response.json()["id"]
    response = client.post(f"/api/v1/conferences/meetings/{meeting_id}/attendance",
                           {"seat": street.tech.pk, "status": "absent"}, content_type=JSON)
    assert response.status_code == 422 and "请假须写明事由" in response.content.decode()
    assert not Attendance.objects.exists()
    client.post(f"/api/v1/conferences/meetings/{meeting_id}/attendance",
                {"seat": street.tech.pk, "status": "absent", "reason": "出差"}, content_type=JSON)
    resolution = client.post(f"/api/v1/conferences/meetings/{meeting_id}/resolutions", {"text": "推进助老服务。"},
                             content_type=JSON).json()["resolutions"][0]
    response = client.post(f"/api/v1/conferences/meetings/{meeting_id}/tasks", {
        "resolution": resolution["id"], "seat": street.tech.pk, "title": "助老", "deadline": "2025-03-01"},
        content_type=JSON)
    assert response.status_code == 422 and "不能早于会议日期" in response.content.decode()
    response = client.post(f"/api/v1/conferences/meetings/{meeting_id}/tasks", {
        "resolution": resolution["id"], "seat": street.tech.pk, "title": "助老", "deadline": "2025-06-01"},
        content_type=JSON)
    assert response.status_code == 201 and response.json()["unit"]["name"] == "南京梅园新村科技有限公司"
    detail = client.get(f"/api/v1/conferences/meetings/{meeting_id}").json()
    assert detail["attendance"][0]["reason"] == "出差" and detail["resolutions"][0]["tasks"][0]["title"] == "助老"


def test_the_liaison_lists_and_reports_on_its_own_tasks_only(city, street_admin, liaison):
    street = street_conference(city, actor=street_admin)
    held = meeting(street, actor=street_admin)
    mine = task(street, street.tech, actor=street_admin, meeting_=held, title="本单位任务")
    other = task(street, street.care, actor=street_admin, meeting_=held, title="他单位任务")
    client = _client(liaison)
    assert [t["title"] for t in client.get("/api/v1/conferences/tasks").json()["items"]] == ["本单位任务"]
    assert client.post(f"/api/v1/conferences/tasks/{other.pk}/progress", {"text": "冒报"}).status_code == 404
    # progress is sent as a form, so that an attachment (type- and size-checked) can come with it
    response = client.post(f"/api/v1/conferences/tasks/{mine.pk}/progress", {
        "text": "已完成", "done": True, "attachment": SimpleUploadedFile("照片.gif", b"GIF89a", "image/gif")})
    assert response.status_code == 422 and "附件" in response.json()["detail"]
    assert not TaskProgress.objects.exists() and ConferenceTask.objects.get(pk=mine.pk).status == "open"
    response = client.post(f"/api/v1/conferences/tasks/{mine.pk}/progress", {
        "text": "已完成", "done": True, "attachment": pdf("总结.pdf")})
    assert response.status_code == 201 and response.json()["status"] == "done"
    assert response.json()["progress"][0]["attachment"].endswith(".pdf")
    # the task page offers the attachment for download to those who see the task, and to nobody else
    progress = TaskProgress.objects.get(task=mine)
    download = client.get(f"/conference/tasks/progress/{progress.pk}/attachment/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert _client(care_liaison(city, street)).get(
        f"/conference/tasks/progress/{progress.pk}/attachment/").status_code == 404
    assert client.post(f"/api/v1/conferences/meetings/{held.pk}/resolutions", {"text": "越权"},
                       content_type=JSON).status_code == 403
    assert not TaskProgress.objects.filter(task=other).exists()


def test_a_leader_reads_and_is_refused_writes(city, street_admin, leader):
    street = street_conference(city, actor=street_admin)
    client = _client(leader)
    assert client.get(f"/api/v1/conferences/{street.conference.pk}").status_code == 200
    response = client.post(f"/api/v1/conferences/{street.conference.pk}/meetings", {
        "kind": "plenary", "title": "会", "held_on": "2025-03-05", "place": "某处"}, content_type=JSON)
    assert response.status_code == 403


def test_outside_scope_is_404_and_lists_hold_only_the_scope(city, street_admin, django_assert_max_num_queries):
    street = street_conference(city, actor=street_admin)
    other = qinhuai_conference(city)
    for index in range(3):
        task(street, street.tech, actor=street_admin, title=f"任务{index}")
    task(other, other.chair, title="秦淮任务")
    client = _client(street_admin)
    assert client.get(f"/api/v1/conferences/{other.conference.pk}").status_code == 404
    with django_assert_max_num_queries(12):
        tasks = client.get("/api/v1/conferences/tasks").json()
    assert tasks["count"] == 3 and "秦淮任务" not in str(tasks)
    names = [c["name"] for c in client.get("/api/v1/conferences").json()["items"]]
    assert names == ["梅园新村街道社区党建联席会"]
    assert ConferenceTask.objects.count() == 4


def test_library_search_and_suggestions(city, street_admin):
    street = street_conference(city, actor=street_admin)
    services.document_create(actor=street_admin, conference=street.conference, kind="rule", title="离岗党员教育管理办法",
                             issuer="街道党工委", effective_on=datetime.date(2025, 1, 1), text="每季度组织一次集中学习。")
    client = _client(street_admin)
    found = client.get(f"/api/v1/conferences/{street.conference.pk}/documents?q=集中学习").json()["items"]
    assert [d["title"] for d in found] == ["离岗党员教育管理办法"]
    demand = services_lists.demand_create(actor=street_admin, conference=street.conference, community=city.changjianglu,
                                          kind="expertise", title="法律咨询", description="居民需要法律咨询。")
    services_lists.resource_create(actor=street_admin, conference=street.conference, unit=street.care.unit,
                                   kind="expertise", title="社工咨询")
    services_lists.resource_create(actor=street_admin, conference=street.conference, unit=street.tech.unit,
                                   kind="expertise", title="法务志愿者")
    ranked = client.get(f"/api/v1/conferences/demands/{demand.pk}/suggestions").json()
    # both of the kind asked for; the one in the same community first
    assert [r["resource"] for r in ranked] == ["社工咨询", "法务志愿者"]
    assert ranked[0]["distance"] == 0 and "同一街道" in ranked[1]["reason"]


def test_a_meeting_takes_its_work_report_from_the_conferences_own_library(city, street_admin):
    from dangjian.accounts.tests.factories import superuser
    from dangjian.conference.models import ConferenceMeeting

    street = street_conference(city, actor=street_admin)
    other = qinhuai_conference(city)
    report = services.document_create(actor=street_admin, conference=street.conference, kind="plan",
                                      title="年度工作报告", issuer="联席会办公室", effective_on=datetime.date(2025, 1, 1),
                                      text="一年来的工作。")
    foreign = services.document_create(actor=superuser(), conference=other.conference, kind="plan", title="外区报告",
                                       issuer="联席会办公室", effective_on=datetime.date(2025, 1, 1), text="外区。")
    client = _client(street_admin)
    body = {"kind": "plenary", "title": "全体成员大会", "held_on": "2025-03-05", "place": "党群服务中心",
            "work_report": foreign.pk}
    url = f"/api/v1/conferences/{street.conference.pk}/meetings"
    response = client.post(url, body, content_type=JSON)
    assert response.status_code == 422 and "工作报告须是本联席会文库中的文件" in response.json()["detail"]
    assert not ConferenceMeeting.objects.exists()
    assert client.post(url, {**body, "work_report": report.pk}, content_type=JSON).status_code == 201
    assert ConferenceMeeting.objects.get().work_report == report
