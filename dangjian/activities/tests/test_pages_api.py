"""The activity pages: the staff list (scoped, query count pinned), announcing, the QR code on
the activity page; the member's phone pages: sign up, waiting list, cancel, check in by the
code; the API; the portal card."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.activities.models import Activity, Registration
from dangjian.activities.services import checkin_token
from dangjian.activities.tests.factories import announced
from dangjian.members.tests.factories import member
from dangjian.portal.tests.factories import activated

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _member_client(superuser, organization, name, phone):
    person = member(actor=superuser, organization=organization, name=name, phone=phone)
    return person, _client(activated(actor=superuser, member=person).user)


def test_the_staff_list_is_scoped(superuser, city, community_admin, django_assert_max_num_queries):
    for index in range(4):
        announced(actor=superuser, city=city, title=f"本社区活动{index}")
    announced(actor=superuser, city=city, community=city.areas["320104002001"], title="外区活动")
    client = _client(community_admin)
    with django_assert_max_num_queries(12):
        html = client.get("/activities/").content.decode()
    assert "本社区活动3" in html and "外区活动" not in html


def test_announcing_through_the_page_and_the_qr_code(city, community_admin):
    client = _client(community_admin)
    start = timezone.localtime() + datetime.timedelta(days=1)
    response = client.post("/activities/new/", {
        "title": "义诊进社区", "kind": "activity", "community": city.dahanggong.pk,
        "organizer_organization": city.org(city.dahanggong).pk, "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "place": "社区卫生站",
        "capacity": 20, "keeps_waitlist": "on"})
    activity = Activity.objects.get()
    assert response.status_code == 302 and activity.capacity == 20
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert "<svg" in page and "现场签到码" in page


def test_a_member_signs_up_waits_is_promoted_and_checks_in(superuser, city):
    branch = city.org(city.dahanggong)
    first, first_client = _member_client(superuser, branch, "报名甲", "13900000001")
    second, second_client = _member_client(superuser, branch, "报名乙", "13900000002")
    # starts in ten minutes: sign-up is still open and the check-in window (30 minutes ahead) too
    activity = announced(actor=superuser, city=city, capacity=1, starts_in=datetime.timedelta(minutes=10))
    listing = first_client.get("/activities/m/").content.decode()
    assert activity.title in listing
    assert first_client.post(f"/activities/m/{activity.pk}/sign-up/").status_code == 302
    second_client.post(f"/activities/m/{activity.pk}/sign-up/")
    assert Registration.objects.get(member=second).status == "waitlisted"
    first_client.post(f"/activities/m/{activity.pk}/cancel/")
    assert Registration.objects.get(member=second).status == "registered"
    assert "<svg" in _client(superuser).get(f"/activities/{activity.pk}/").content.decode()
    token = checkin_token(activity)
    confirm = second_client.get(f"/activities/m/checkin/?t={token}")
    assert confirm.status_code == 200 and Registration.objects.get(member=second).checked_in_at is None
    done = second_client.post("/activities/m/checkin/", {"t": token})
    assert "签到成功" in done.content.decode() and "志愿服务时长 2.0 小时" in done.content.decode()
    refused = first_client.post("/activities/m/checkin/", {"t": token})
    assert refused.status_code == 400


def test_the_member_pages_show_nothing_of_elsewhere_and_turn_staff_away(superuser, city, community_admin):
    _person, client = _member_client(superuser, city.org(city.dahanggong), "本地党员", "13900000003")
    far = announced(actor=superuser, city=city, community=city.areas["320104002001"], title="秦虹的活动",
                    organizer=city.org(city.areas["320104002001"]))
    assert "秦虹的活动" not in client.get("/activities/m/").content.decode()
    assert client.get(f"/activities/m/{far.pk}/").status_code == 404
    assert client.post(f"/activities/m/{far.pk}/sign-up/").status_code == 404
    assert _client(community_admin).get("/activities/m/").status_code == 404
    assert Client().get("/activities/m/").status_code == 302


def test_the_portal_card_lists_activities_to_sign_up_for(superuser, city):
    _person, client = _member_client(superuser, city.org(city.dahanggong), "卡片党员", "13900000004")
    announced(actor=superuser, city=city, title="周末清洁行动")
    html = client.get("/m/").content.decode()
    assert 'data-testid="card-activities.upcoming"' in html and "可报名" in html and "周末清洁行动" in html


def test_api_lists_creates_and_refuses(superuser, city, community_admin, leader, django_assert_max_num_queries):
    client = _client(community_admin)
    start = timezone.now() + datetime.timedelta(days=2)
    body = {"title": "接口活动", "kind": "volunteer", "community": city.dahanggong.pk,
            "organizer_organization": city.org(city.dahanggong).pk, "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(hours=1)).isoformat(), "place": "广场", "capacity": 5}
    created = client.post("/api/v1/activities", body, content_type="application/json")
    assert created.status_code == 201, created.content
    activity_id = created.json()["id"]
    bad = client.post("/api/v1/activities", {**body, "ends_at": start.isoformat()}, content_type="application/json")
    assert bad.status_code == 422 and "结束时间" in bad.content.decode()
    assert _client(leader).post(f"/api/v1/activities/{activity_id}/capacity", {"capacity": 9},
                                content_type="application/json").status_code == 403
    for index in range(3):
        announced(actor=superuser, city=city, title=f"第{index}场")
    with django_assert_max_num_queries(8):
        listed = client.get("/api/v1/activities")
    assert listed.json()["count"] == 4
