"""The API's changes: the same services as the edit pages; a refusal is 422 in Chinese with
nothing written, another school's record 404 (PUT/DELETE too), a read-only role 403."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.notices.models import Notice
from dangjian.school.models import ClassSession, PartySchool, PlannedClass, SchoolOfficer, Venue
from dangjian.school.tests.factories import at, school_of
from dangjian.school.tests.test_edit_pages import _mine, _records

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _send(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body or {}, default=str), content_type="application/json")


def _bodies(records, setup):
    """A valid body for every PUT route (and the DELETE), keyed by URL suffix."""
    return {
        f"{records['edit'].pk}": ("put", {"name": records["edit"].name, "notes": "新备注"}),
        f"venues/{records['venues'].pk}": ("put", {"name": "新报告厅", "capacity": 40}),
        f"officers/{records['officers'].pk}": ("put", {"name": "孙校长", "position": "principal",
                                                       "term_start": "2024-01-01", "term_end": "2026-01-01"}),
        f"teachers/{records['teachers'].pk}": ("put", {"name": "新名字"}),
        f"courses/{records['courses'].pk}": ("put", {"title": "新课程", "hours": "2"}),
        f"plans/{records['plans'].pk}": ("put", {"title": "新计划", "target_hours": "36"}),
        f"planned/{records['planned'].pk}": ("put", {"month": 12, "course": records["courses"].pk}),
        f"classes/{records['classes'].pk}": ("put", {"venue": records["venues"].pk,
                                                     "starts_at": at(TOMORROW, 18), "ends_at": at(TOMORROW, 20)}),
    }


def test_other_schools_records_are_404_and_leaders_403(setup, superuser, school_admin, leader, city):
    mine = _mine(setup, superuser)
    theirs = _records(superuser, school_of(city.fuzimiao, "夫子庙街道党校"))
    admin, reader = _client(school_admin), _client(leader)
    for suffix, (method, body) in _bodies(theirs, setup).items():
        response = _send(admin, method, f"/api/v1/schools/{suffix}", body)
        assert response.status_code == 404 and "夫子庙" not in response.content.decode(), suffix
    for suffix, (method, body) in _bodies(mine, setup).items():
        assert _send(reader, method, f"/api/v1/schools/{suffix}", body).status_code == 403, suffix
    for client, status in ((admin, 404), (reader, 403)):
        records = theirs if status == 404 else mine
        assert _send(client, "delete", f"/api/v1/schools/planned/{records['planned'].pk}").status_code == status
        assert _send(client, "post", f"/api/v1/schools/classes/{records['classes'].pk}/cancel").status_code == status
        assert _send(client, "post", f"/api/v1/schools/{records['edit'].pk}/officers",
                     {"name": "x", "position": "member", "term_start": "2025-01-01"}).status_code == status
    assert ClassSession.objects.filter(status="scheduled").count() == 2
    assert PlannedClass.objects.count() == 2 and SchoolOfficer.objects.count() == 2


def test_school_admin_changes_everything_through_the_api(setup, superuser, school_admin):
    mine = _mine(setup, superuser)
    admin = _client(school_admin)
    for suffix, (method, body) in _bodies(mine, setup).items():
        response = _send(admin, method, f"/api/v1/schools/{suffix}", body)
        assert response.status_code == 200, (suffix, response.content)
    assert Venue.objects.get(pk=setup.venue.pk).capacity == 40
    assert SchoolOfficer.objects.get().term_end == datetime.date(2026, 1, 1)
    assert PlannedClass.objects.get().month == 12
    moved = ClassSession.objects.get(pk=mine["classes"].pk)
    assert timezone.localtime(moved.starts_at).hour == 18 and "改期" in Notice.objects.order_by("-pk")[0].title
    officers = admin.get(f"/api/v1/schools/{setup.school.pk}/officers").json()
    assert [row["name"] for row in officers] == ["孙校长"]
    planned = admin.get(f"/api/v1/schools/plans/{setup.plan.pk}/classes").json()
    assert [row["month"] for row in planned] == [12]
    cancelled = _send(admin, "post", f"/api/v1/schools/classes/{moved.pk}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert "停课" in Notice.objects.order_by("-pk")[0].title
    assert _send(admin, "delete", f"/api/v1/schools/planned/{mine['planned'].pk}").status_code == 204
    added = _send(admin, "post", f"/api/v1/schools/plans/{setup.plan.pk}/classes", {"month": 3,
                                                                                  "course": setup.course.pk})
    assert added.status_code == 201 and added.json()["month"] == 3


def test_refusals_are_422_in_chinese_and_write_nothing(setup, superuser, school_admin):
    mine = _mine(setup, superuser)
    blocker = setup.schedule(actor=superuser, starts_at=at(TOMORROW, 14))
    admin = _client(school_admin)
    clash = _send(admin, "put", f"/api/v1/schools/classes/{mine['classes'].pk}",
                  {"venue": setup.venue.pk, "starts_at": at(TOMORROW, 15), "ends_at": at(TOMORROW, 17)})
    assert clash.status_code == 422 and "该场所在此时段已安排" in json.dumps(clash.json(), ensure_ascii=False)
    closing = _send(admin, "put", f"/api/v1/schools/venues/{setup.venue.pk}",
                    {"name": setup.venue.name, "capacity": 30, "is_active": False})
    assert closing.status_code == 422 and "未举办的排课" in json.dumps(closing.json(), ensure_ascii=False)
    removing = _send(admin, "delete", f"/api/v1/schools/planned/{mine['planned'].pk}")
    assert removing.status_code == 422 and "已排课" in json.dumps(removing.json(), ensure_ascii=False)
    early = _send(admin, "post", f"/api/v1/schools/classes/{blocker.pk}/held", {"feedback_score": "4"})
    assert early.status_code == 422 and "尚未开始" in json.dumps(early.json(), ensure_ascii=False)
    assert timezone.localtime(ClassSession.objects.get(pk=mine["classes"].pk).starts_at).hour == 9
    assert Venue.objects.get(pk=setup.venue.pk).is_active and PlannedClass.objects.exists()
    assert ClassSession.objects.get(pk=blocker.pk).status == "scheduled"


def test_founding_a_school_through_the_api(city, street_admin, leader, school_admin):
    admin = _client(street_admin)
    made = _send(admin, "post", "/api/v1/schools", {"area": city.meiyuan.pk, "name": "街道党校"})
    assert made.status_code == 201 and made.json()["area"] == city.meiyuan.name
    district = _send(_client(street_admin), "post", "/api/v1/schools", {"area": city.xuanwu.pk, "name": "区党校"})
    assert district.status_code == 404  # the district is above the street administrator's scope
    assert _send(_client(leader), "post", "/api/v1/schools", {"area": city.meiyuan.pk, "name": "x"}).status_code == 403
    assert _send(_client(school_admin), "post", "/api/v1/schools",
                 {"area": city.meiyuan.pk, "name": "x"}).status_code == 404
    assert not PartySchool.objects.filter(name__in=["区党校", "x"]).exists()
