"""The /api/v1/schools endpoints: the same services and refusals as the pages."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.school.models import Attendance, ClassSession
from dangjian.school.tests.factories import at, school_of

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, body):
    return client.post(url, data=json.dumps(body, default=str), content_type="application/json")


def test_school_admin_schedules_marks_and_reads_hours(setup, school_admin, django_assert_max_num_queries):
    client = _client(school_admin)
    base = f"/api/v1/schools/{setup.school.pk}"
    response = _post(client, f"{base}/classes", {"course": setup.course.pk, "venue": setup.venue.pk,
                                                 "starts_at": at(YESTERDAY, 9), "ends_at": at(YESTERDAY, 11)})
    assert response.status_code == 201, response.content
    session_id = response.json()["id"]
    clash = _post(client, f"{base}/classes", {"course": setup.course.pk, "venue": setup.venue.pk,
                                              "starts_at": at(YESTERDAY, 10), "ends_at": at(YESTERDAY, 12)})
    assert clash.status_code == 422 and "该场所在此时段已安排" in clash.json()["detail"] + json.dumps(
        clash.json(), ensure_ascii=False)
    outsider = _post(client, f"/api/v1/schools/classes/{session_id}/attendance",
                     {"member_ids": [setup.members["在职"].pk, setup.members["外区"].pk]})
    assert outsider.status_code == 422 and not Attendance.objects.exists()
    marked = _post(client, f"/api/v1/schools/classes/{session_id}/attendance",
                   {"member_ids": [setup.members["在职"].pk]})
    assert marked.status_code == 200 and len(marked.json()["attendance"]) == 1
    with django_assert_max_num_queries(8):
        rows = client.get(f"{base}/members?below=32").json()["items"]
    assert {row["name"]: row["study_hours"] for row in rows}["李在职"] in ("2.0", 2.0)
    assert "钱外区" not in json.dumps(rows, ensure_ascii=False)
    progress = client.get(f"/api/v1/schools/plans/{setup.plan.pk}").json()
    assert progress["target_hours"] in ("32.0", 32.0, "32") and progress["members"] == 3


def test_leader_reads_and_is_refused_writes_other_school_404(setup, leader, school_admin, city):
    client = _client(leader)
    assert client.get(f"/api/v1/schools/{setup.school.pk}/plans").status_code == 200
    assert _post(client, f"/api/v1/schools/{setup.school.pk}/venues", {"name": "x", "capacity": 5}).status_code == 403
    other = school_of(city.fuzimiao)
    assert _client(school_admin).get(f"/api/v1/schools/{other.pk}").status_code == 404
    assert _post(_client(school_admin), f"/api/v1/schools/{other.pk}/plans", {"year": 2026}).status_code == 404
    listed = _client(school_admin).get("/api/v1/schools").json()["items"]
    assert [row["name"] for row in listed] == ["梅园新村街道党校"]
    assert not ClassSession.objects.exists()
