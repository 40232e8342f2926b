"""The organizational-life pages and API: scoped lists with pinned query counts, recording a
meeting and its attendance through the page, refusals put back in Chinese, 403 for leaders."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dangjian.members.tests.factories import member
from dangjian.orglife.models import Attendance, OrgLifeMeeting
from dangjian.orglife.tests.factories import held

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

TODAY = datetime.date.today()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_the_scope_only(superuser, city, community_admin, django_assert_max_num_queries):
    for index in range(5):
        held(actor=superuser, organization=city.org(city.dahanggong), topic=f"本社区第{index}次")
    held(actor=superuser, organization=city.unit_branch(city.fuzimiao), topic="外区的会议")
    client = _client(community_admin)
    with django_assert_max_num_queries(14):
        html = client.get("/orglife/").content.decode()
    assert "本社区第4次" in html and "外区的会议" not in html


def test_recording_a_meeting_and_attendance_through_the_pages(city, community_admin):
    branch = city.org(city.dahanggong)
    person = member(actor=community_admin, organization=branch, name="赵出席")
    client = _client(community_admin)
    response = client.post("/orglife/new/", {"organization": branch.pk, "kind": "members_meeting", "status": "held",
                                              "held_on": TODAY.isoformat(), "topic": "发展党员表决", "host": "书记"})
    meeting = OrgLifeMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orglife/{meeting.pk}/"
    page = client.get(f"/orglife/{meeting.pk}/").content.decode()
    assert f'name="status_{person.pk}"' in page
    response = client.post(f"/orglife/{meeting.pk}/attendance/", {f"status_{person.pk}": "present"})
    assert response.status_code == 302
    assert Attendance.objects.get().member == person


def test_a_future_held_meeting_is_refused_on_the_page(city, community_admin):
    client = _client(community_admin)
    response = client.post("/orglife/new/", {
        "organization": city.org(city.dahanggong).pk, "kind": "theme_day", "status": "held",
        "held_on": (TODAY + datetime.timedelta(days=2)).isoformat(), "topic": "主题党日", "host": "书记"})
    assert response.status_code == 200 and "不能登记为“已召开”" in response.content.decode()
    assert not OrgLifeMeeting.objects.exists()


def test_a_forged_attendance_for_another_branch_is_refused(superuser, city, community_admin):
    meeting = held(actor=superuser, organization=city.org(city.dahanggong))
    stranger = member(actor=superuser, organization=city.unit_branch(city.meiyuan), name="钱外人")
    response = _client(community_admin).post(f"/orglife/{meeting.pk}/attendance/", {f"status_{stranger.pk}": "present"})
    assert response.status_code == 400 and "钱外人不是" in response.content.decode()
    assert not Attendance.objects.exists()


def test_upload_and_download_an_attachment(superuser, city, community_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = held(actor=superuser, organization=city.org(city.dahanggong))
    client = _client(community_admin)
    response = client.post(f"/orglife/{meeting.pk}/attachments/",
                           {"file": SimpleUploadedFile("记录.pdf", b"%PDF-1.7 minutes", "application/pdf")})
    assert response.status_code == 302
    attachment = meeting.attachments.get()
    download = client.get(f"/orglife/{meeting.pk}/attachments/{attachment.pk}/")
    assert b"".join(download.streaming_content) == b"%PDF-1.7 minutes"
    refused = client.post(f"/orglife/{meeting.pk}/attachments/",
                          {"file": SimpleUploadedFile("a.exe", b"MZ", "application/octet-stream")})
    assert refused.status_code == 400 and "不支持该文件类型" in refused.content.decode()


def test_a_leader_reads_but_cannot_write(superuser, city, leader):
    meeting = held(actor=superuser, organization=city.org(city.dahanggong))
    client = _client(leader)
    assert client.get(f"/orglife/{meeting.pk}/").status_code == 200
    assert client.get("/orglife/new/").status_code == 403
    assert client.post(f"/orglife/{meeting.pk}/attendance/", {}).status_code == 403


def test_api_records_lists_and_refuses(superuser, city, community_admin, django_assert_max_num_queries):
    branch = city.org(city.dahanggong)
    person = member(actor=superuser, organization=branch, name="孙接口")
    client = _client(community_admin)
    created = client.post("/api/v1/orglife/meetings", {
        "organization": branch.pk, "kind": "party_lecture", "held_on": TODAY.isoformat(), "topic": "专题党课",
        "host": "书记"}, content_type="application/json")
    assert created.status_code == 201, created.content
    meeting_id = created.json()["id"]
    future = client.post("/api/v1/orglife/meetings", {
        "organization": branch.pk, "kind": "party_lecture", "held_on": (TODAY + datetime.timedelta(days=5)).isoformat(),
        "topic": "专题党课", "host": "书记"}, content_type="application/json")
    assert future.status_code == 422 and "已召开" in future.content.decode()
    done = client.post(f"/api/v1/orglife/meetings/{meeting_id}/attendance",
                       [{"member": person.pk, "status": "leave", "reason": "外出"}], content_type="application/json")
    assert done.status_code == 200 and done.json()["attendance"][0]["status"] == "leave"
    for index in range(3):
        held(actor=superuser, organization=branch, topic=f"第{index}次")
    with django_assert_max_num_queries(8):
        listed = client.get("/api/v1/orglife/meetings")
    assert listed.json()["count"] == 4
    calendar = client.get(f"/api/v1/orglife/branches/{branch.pk}/calendar?year={TODAY.year}").json()
    assert {row["rule_code"] for row in calendar["rows"]} >= {"LIFE-01", "LIFE-05"}
    outside = city.unit_branch(city.fuzimiao)
    assert client.get(f"/api/v1/orglife/branches/{outside.pk}/calendar").status_code == 404
