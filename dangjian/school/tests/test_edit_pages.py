"""The edit pages: each changes its record through its service, puts a refusal on the form in
Chinese with nothing written, answers 404 for another school's record and 403 to a read-only role."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.notices.models import Notice
from dangjian.school import services
from dangjian.school.models import ClassSession, ClassStatus, PartySchool, PlannedClass, SchoolOfficer
from dangjian.school.tests.factories import at, school_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)

TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)
LOCAL = "%Y-%m-%dT%H:%M"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _records(actor, school, *, venue=None, teacher=None, course=None, plan=None):
    """Every kind of record an edit page changes, for ``school`` (its own venue… when not given)."""
    venue = venue or services.venue_save(actor=actor, school=school, name="报告厅", capacity=30)
    teacher = teacher or services.teacher_save(actor=actor, school=school, name="吴老师")
    course = course or services.course_save(actor=actor, school=school, title="党史", hours="2", teacher=teacher)
    plan = plan or services.plan_create(actor=actor, school=school, year=TODAY.year, title="计划")
    officer = services.officer_save(actor=actor, school=school, name="孙校长", position="principal",
                                    term_start=datetime.date(2024, 1, 1))
    planned = services.plan_add_class(actor=actor, plan=plan, month=TOMORROW.month, course=course)
    session = services.session_schedule(actor=actor, school=school, course=course, venue=venue, teacher=teacher,
                                        starts_at=at(TOMORROW, 9), ends_at=at(TOMORROW, 11), plan=plan,
                                        planned=planned, expected_attendees=20)
    return {"edit": school, "venues": venue, "officers": officer, "teachers": teacher, "courses": course,
            "plans": plan, "planned": planned, "classes": session}


def _mine(setup, superuser):
    return _records(superuser, setup.school, venue=setup.venue, teacher=setup.teacher, course=setup.course,
                    plan=setup.plan)


def _url(kind, record):
    return f"/school/{record.pk}/edit/" if kind == "edit" else f"/school/{kind}/{record.pk}/edit/"


def test_every_edit_page_is_404_for_another_school_and_403_read_only(setup, superuser, school_admin, leader, city):
    mine = _mine(setup, superuser)
    theirs = _records(superuser, school_of(city.fuzimiao, "夫子庙街道党校"))
    admin, reader = _client(school_admin), _client(leader)
    for kind, record in theirs.items():
        assert admin.get(_url(kind, record)).status_code == 404, kind
        assert admin.post(_url(kind, record), {"name": "x"}).status_code == 404, kind
    assert admin.post(f"/school/planned/{theirs['planned'].pk}/remove/").status_code == 404
    for kind, record in mine.items():
        assert admin.get(_url(kind, record)).status_code == 200, kind
        assert reader.get(_url(kind, record)).status_code == 403, kind
        assert reader.post(_url(kind, record), {"name": "x"}).status_code == 403, kind
    assert reader.post(f"/school/planned/{mine['planned'].pk}/remove/").status_code == 403
    assert PlannedClass.objects.filter(pk=mine["planned"].pk).exists()
    assert PartySchool.objects.get(pk=theirs["edit"].pk).name == "夫子庙街道党校"


def test_school_rename_and_duplicate_name_refused(setup, school_admin, city, superuser):
    PartySchool.objects.create(name="同名党校", area=setup.school.area)
    client = _client(school_admin)
    refused = client.post(f"/school/{setup.school.pk}/edit/", {"name": "同名党校"})
    assert refused.status_code == 400 and "本区域已有同名党校" in refused.content.decode()
    assert PartySchool.objects.get(pk=setup.school.pk).name == "梅园新村街道党校"
    done = client.post(f"/school/{setup.school.pk}/edit/", {"name": "梅园新村街道党校", "founded_on": "2019-07-01",
                                                            "notes": "设在街道党群服务中心"})
    assert done.status_code == 302
    setup.school.refresh_from_db()
    assert setup.school.founded_on == datetime.date(2019, 7, 1) and setup.school.notes == "设在街道党群服务中心"


def test_venue_deactivate_refused_while_classes_ahead_then_allowed(setup, school_admin, superuser):
    mine = _mine(setup, superuser)
    client, url = _client(school_admin), _url("venues", setup.venue)
    body = {"name": setup.venue.name, "address": "", "capacity": "30"}  # is_active unticked: deactivate
    refused = client.post(url, body)
    assert refused.status_code == 400 and "该场所还有未举办的排课" in refused.content.decode()
    shrink = client.post(url, {**body, "capacity": "10", "is_active": "on"})
    assert shrink.status_code == 400 and "预计20人" in shrink.content.decode()
    setup.venue.refresh_from_db()
    assert setup.venue.is_active and setup.venue.capacity == 30
    services.session_cancel(actor=superuser, session=mine["classes"])
    assert client.post(url, body).status_code == 302
    setup.venue.refresh_from_db()
    assert not setup.venue.is_active


def test_officer_term_ends_and_a_term_ending_before_it_starts_is_refused(setup, school_admin, superuser):
    officer = _mine(setup, superuser)["officers"]
    client = _client(school_admin)
    body = {"name": "孙校长", "position": "principal", "term_start": "2024-01-01"}
    refused = client.post(_url("officers", officer), {**body, "term_end": "2023-12-31"})
    assert refused.status_code == 400 and "任期结束日期不能早于开始日期" in refused.content.decode()
    assert SchoolOfficer.objects.get(pk=officer.pk).term_end is None
    assert client.post(_url("officers", officer), {**body, "term_end": f"{TODAY:%Y-%m-%d}"}).status_code == 302
    officer.refresh_from_db()
    assert officer.term_end == TODAY and not officer.serving_on(TOMORROW)


def test_teacher_dismissal_refused_while_teaching_ahead(setup, school_admin, superuser):
    mine = _mine(setup, superuser)
    client, url = _client(school_admin), _url("teachers", setup.teacher)
    body = {"name": "周教授", "title": "教授", "expertise": "党史"}
    refused = client.post(url, body)
    assert refused.status_code == 400 and "还有未举办的排课" in refused.content.decode()
    setup.teacher.refresh_from_db()
    assert setup.teacher.is_active and setup.teacher.expertise == "党史、基层治理"
    services.session_cancel(actor=superuser, session=mine["classes"])
    assert client.post(url, body).status_code == 302
    setup.teacher.refresh_from_db()
    assert not setup.teacher.is_active and setup.teacher.expertise == "党史"


def test_course_and_plan_edits_refuse_zero_hours(setup, school_admin):
    client = _client(school_admin)
    refused = client.post(_url("courses", setup.course), {"title": "学习党章", "hours": "0"})
    assert refused.status_code == 400 and "学时须大于0" in refused.content.decode()
    assert client.post(_url("courses", setup.course), {"title": "学习新党章", "hours": "1.5"}).status_code == 302
    setup.course.refresh_from_db()
    assert setup.course.title == "学习新党章" and setup.course.hours == Decimal("1.5") and setup.course.teacher is None
    refused = client.post(_url("plans", setup.plan), {"title": "计划", "target_hours": "0"})
    assert refused.status_code == 400 and "学时须大于0" in refused.content.decode()
    assert client.post(_url("plans", setup.plan), {"title": "新计划", "target_hours": "40"}).status_code == 302
    setup.plan.refresh_from_db()
    assert setup.plan.target_hours == Decimal("40") and setup.plan.title == "新计划"


def test_planned_class_moves_month_but_keeps_its_scheduled_course_and_is_removed_only_unscheduled(
        setup, school_admin, superuser):
    planned = _mine(setup, superuser)["planned"]
    other = services.course_save(actor=superuser, school=setup.school, title="基层治理", hours="2")
    client = _client(school_admin)
    refused = client.post(_url("planned", planned), {"month": "12", "course": other.pk})
    assert refused.status_code == 400 and "该计划课程已排课，不能更换课程" in refused.content.decode()
    assert client.post(_url("planned", planned), {"month": "12", "course": setup.course.pk}).status_code == 302
    planned.refresh_from_db()
    assert planned.month == 12 and planned.course == setup.course
    client.post(f"/school/planned/{planned.pk}/remove/")
    assert PlannedClass.objects.filter(pk=planned.pk).exists()  # a class is scheduled for it
    services.session_cancel(actor=superuser, session=planned.sessions.get())
    assert client.post(f"/school/planned/{planned.pk}/remove/").status_code == 302
    assert not PlannedClass.objects.filter(pk=planned.pk).exists()


def test_reschedule_checks_like_scheduling_and_notifies(setup, school_admin, superuser):
    session = _mine(setup, superuser)["classes"]
    blocker = setup.schedule(actor=superuser, starts_at=at(TOMORROW, 14))
    client, url = _client(school_admin), _url("classes", session)
    notices = Notice.objects.count()
    body = {"venue": setup.venue.pk, "teacher": setup.teacher.pk, "expected_attendees": "20",
            "starts_at": at(TOMORROW, 15).strftime(LOCAL), "ends_at": at(TOMORROW, 17).strftime(LOCAL)}
    clash = client.post(url, body)
    assert clash.status_code == 400 and "该场所在此时段已安排" in clash.content.decode()
    crowded = client.post(url, {**body, "starts_at": at(TOMORROW, 18).strftime(LOCAL),
                                "ends_at": at(TOMORROW, 20).strftime(LOCAL), "expected_attendees": "31"})
    assert crowded.status_code == 400 and "超过街道党群服务中心报告厅的容纳人数" in crowded.content.decode()
    session.refresh_from_db()
    assert timezone.localtime(session.starts_at).hour == 9 and Notice.objects.count() == notices
    moved = client.post(url, {**body, "starts_at": at(TOMORROW, 18).strftime(LOCAL),
                              "ends_at": at(TOMORROW, 20).strftime(LOCAL)})
    assert moved.status_code == 302
    session.refresh_from_db()
    assert timezone.localtime(session.starts_at).hour == 18
    notice = Notice.objects.order_by("-pk").first()
    assert Notice.objects.count() == notices + 1 and "改期" in notice.title and "18:00" in notice.body
    # a held class is not moved
    ClassSession.objects.filter(pk=blocker.pk).update(status=ClassStatus.HELD)
    held = client.post(_url("classes", blocker), {**body, "starts_at": at(TOMORROW, 7).strftime(LOCAL),
                                                  "ends_at": at(TOMORROW, 8).strftime(LOCAL)})
    assert held.status_code == 400 and "已举办，不能改期" in held.content.decode()


def test_founding_a_school_where_the_actor_writes(city, street_admin, leader, school_admin, superuser):
    client = _client(street_admin)
    community = next(area for area in city.communities if area.path.startswith(city.meiyuan.path))
    page = client.get("/school/new/").content.decode()
    assert community.name in page and city.fuzimiao.name not in page
    created = client.post("/school/new/", {"area": community.pk, "name": "社区党校", "founded_on": "2020-07-01"})
    assert created.status_code == 302
    assert PartySchool.objects.get(name="社区党校").area == community
    again = client.post("/school/new/", {"area": community.pk, "name": "社区党校"})
    assert again.status_code == 400 and "本区域已有同名党校" in again.content.decode()
    elsewhere = client.post("/school/new/", {"area": city.fuzimiao.pk, "name": "越界党校"})
    assert elsewhere.status_code == 400 and not PartySchool.objects.filter(name="越界党校").exists()
    assert _client(leader).get("/school/new/").status_code == 403
    assert _client(school_admin).post("/school/new/", {"area": community.pk, "name": "x"}).status_code == 403
    assert not PartySchool.objects.filter(name="x").exists()
