"""The project page (status, milestones), the resource availability switch and the seat row's
post and leave forms: each success, its refusal (Chinese, nothing written), 404 outside scope,
403 for read-only roles; the lead unit's liaison marks its own project's milestones done."""

import datetime

import pytest
from django.test import Client

from dangjian.conference import services_lists
from dangjian.conference.models import Demand, Project, ProjectMilestone, Resource, Seat
from dangjian.conference.tests.factories import START, project, qinhuai_conference, street_conference

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]
TODAY = datetime.date.today()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_office_moves_a_project_on_to_completed(city, street_admin):
    street = street_conference(city, actor=street_admin)
    made = project(street, street.tech, actor=street_admin, milestones=[("确定场地",)])
    client = _client(street_admin)
    url = f"/conference/projects/{made.pk}/status/"
    response = client.post(url, {"status": "completed", "outcome": ""})
    assert response.status_code == 400 and "完成项目须填写成效" in response.content.decode()
    assert Project.objects.get(pk=made.pk).status == "planned"
    assert client.post(url, {"status": "active"}).status_code == 302
    response = client.post(url, {"status": "completed", "outcome": "每月开放四次", "on_date": "2025-05-01"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.status, made.completed_on, made.demand.status) == ("completed", datetime.date(2025, 5, 1), "met")
    page = client.get(f"/conference/projects/{made.pk}/").content.decode()
    assert "每月开放四次" in page and "project-status-form" not in page and "milestone-form" not in page
    response = client.post(url, {"status": "cancelled"})
    assert response.status_code == 400 and "不能改为该状态" in response.content.decode()
    assert Project.objects.get(pk=made.pk).status == "completed"


def test_the_office_plans_and_edits_milestones_from_the_page(city, street_admin):
    street = street_conference(city, actor=street_admin)
    made = project(street, street.tech, actor=street_admin, milestones=[("确定场地",)])
    client = _client(street_admin)
    response = client.post(f"/conference/projects/{made.pk}/milestones/new/", {"title": "开班", "due_on": "2024-01-01"})
    assert response.status_code == 400 and "计划完成日期不能早于项目开始日期" in response.content.decode()
    assert made.milestones.count() == 1
    assert client.post(f"/conference/projects/{made.pk}/milestones/new/",
                       {"title": "开班", "due_on": "2025-03-01"}).status_code == 302
    opened = made.milestones.get(title="开班")
    response = client.post(f"/conference/milestones/{opened.pk}/edit/", {
        f"e{opened.pk}-title": "开班仪式", f"e{opened.pk}-due_on": "2025-03-08", f"e{opened.pk}-position": "1"})
    assert response.status_code == 302
    assert [(m.position, m.title) for m in made.milestones.all()] == [(1, "开班仪式"), (2, "确定场地")]
    response = client.post(f"/conference/milestones/{opened.pk}/edit/", {
        f"e{opened.pk}-title": "", f"e{opened.pk}-due_on": "", f"e{opened.pk}-position": ""})
    assert response.status_code == 400 and "请填写进度节点的名称" in response.content.decode()
    step = made.milestones.get(title="确定场地")
    response = client.post(f"/conference/milestones/{step.pk}/done/", {f"m{step.pk}-done_on": "2024-12-31"})
    assert response.status_code == 400 and "完成日期不能早于项目开始日期" in response.content.decode()
    assert client.post(f"/conference/milestones/{step.pk}/done/", {f"m{step.pk}-done_on": "2025-02-01"}).status_code == 302
    assert ProjectMilestone.objects.get(pk=step.pk).done_on == datetime.date(2025, 2, 1)
    assert client.post(f"/conference/milestones/{step.pk}/done/", {f"m{step.pk}-reopen": "True"}).status_code == 302
    assert ProjectMilestone.objects.get(pk=step.pk).done_on is None


def test_a_project_set_up_from_the_lists_page_gets_its_dated_milestones(city, street_admin):
    street = street_conference(city, actor=street_admin)
    demand = services_lists.demand_create(actor=street_admin, conference=street.conference, community=city.dahanggong,
                                          kind="venue", title="活动场地", description="需要场地")
    client = _client(street_admin)
    form = {"demand": demand.pk, "title": "共享会议室", "owner_unit": street.tech.unit.pk,
            "milestones": f"确定场地 {TODAY.year}-13-01"}
    response = client.post(f"/conference/{street.conference.pk}/lists/projects/new/", form)
    assert response.status_code == 400 and "第1行的日期" in response.content.decode()
    assert not Project.objects.exists() and Demand.objects.get(pk=demand.pk).status == "open"
    form["milestones"] = f"确定场地 {TODAY:%Y-%m-%d}\n开放使用"
    assert client.post(f"/conference/{street.conference.pk}/lists/projects/new/", form).status_code == 302
    made = Project.objects.get()
    assert [(m.title, m.due_on) for m in made.milestones.all()] == [("确定场地", TODAY), ("开放使用", None)]
    lists = client.get(f"/conference/{street.conference.pk}/lists/").content.decode()
    assert f"/conference/projects/{made.pk}/" in lists and "进度节点 0/2 已完成" in lists


def test_the_lead_units_liaison_ticks_its_milestones_and_nothing_else(city, street_admin, liaison):
    street = street_conference(city, actor=street_admin)
    mine = project(street, street.tech, actor=street_admin, title="本单位项目",
                   milestones=[("逾期节点", START + datetime.timedelta(days=30))])
    theirs = project(street, street.care, actor=street_admin, title="他单位项目", milestones=[("乙",)])
    client = _client(liaison)
    home = client.get("/conference/liaison/").content.decode()
    assert "项目进度节点超期" in home and "本单位项目·逾期节点" in home and "他单位项目" not in home
    page = client.get(f"/conference/projects/{mine.pk}/").content.decode()
    assert "milestone-done-form" in page and "milestone-edit-form" not in page and "project-status-form" not in page
    step = mine.milestones.get()
    assert client.post(f"/conference/milestones/{step.pk}/done/", {f"m{step.pk}-done_on": TODAY.isoformat()}
                       ).status_code == 302
    assert ProjectMilestone.objects.get(pk=step.pk).done_on == TODAY
    other = theirs.milestones.get()
    assert client.get(f"/conference/projects/{theirs.pk}/").status_code == 404
    assert client.post(f"/conference/milestones/{other.pk}/done/", {f"m{other.pk}-done_on": "2025-02-01"}
                       ).status_code == 404
    assert client.post(f"/conference/projects/{mine.pk}/status/", {"status": "active"}).status_code == 403
    assert client.post(f"/conference/milestones/{step.pk}/edit/", {f"e{step.pk}-title": "改"}).status_code == 403
    assert ProjectMilestone.objects.get(pk=other.pk).done_on is None and Project.objects.get(pk=mine.pk).status == "planned"


def test_a_leader_reads_projects_and_is_refused_every_write(city, street_admin, leader):
    street = street_conference(city, actor=street_admin)
    made = project(street, street.tech, actor=street_admin, milestones=[("甲",)])
    step, room = made.milestones.get(), Resource.objects.get()
    client = _client(leader)
    page = client.get(f"/conference/projects/{made.pk}/").content.decode()
    assert "甲" in page and "milestone-done-form" not in page
    for url, data in ((f"/conference/projects/{made.pk}/status/", {"status": "active"}),
                      (f"/conference/projects/{made.pk}/milestones/new/", {"title": "越权"}),
                      (f"/conference/milestones/{step.pk}/edit/", {f"e{step.pk}-title": "越权"}),
                      (f"/conference/milestones/{step.pk}/done/", {f"m{step.pk}-done_on": "2025-02-01"}),
                      (f"/conference/resources/{room.pk}/availability/", {"available": "0"}),
                      (f"/conference/seats/{street.care.pk}/post/", {"post": "vice_chair"}),
                      (f"/conference/seats/{street.care.pk}/leave/", {"on_date": "2025-06-01"})):
        assert client.post(url, data).status_code == 403, url
    assert made.milestones.count() == 1 and Resource.objects.get().is_available
    assert Seat.objects.get(pk=street.care.pk).post == "member" and Seat.objects.get(pk=street.care.pk).left_on is None


def test_another_districts_projects_resources_and_seats_are_not_there(city, district_admin):
    other = qinhuai_conference(city)
    made = project(other, other.chair, milestones=[("外区节点",)])
    step, room = made.milestones.get(), Resource.objects.get()
    client = _client(district_admin)
    assert client.get(f"/conference/projects/{made.pk}/").status_code == 404
    for url in (f"/conference/projects/{made.pk}/status/", f"/conference/projects/{made.pk}/milestones/new/",
                f"/conference/milestones/{step.pk}/edit/", f"/conference/milestones/{step.pk}/done/",
                f"/conference/resources/{room.pk}/availability/", f"/conference/seats/{other.tech.pk}/post/",
                f"/conference/seats/{other.tech.pk}/leave/"):
        response = client.post(url, {"available": "0", "post": "vice_chair", "on_date": "2025-06-01"})
        assert response.status_code == 404 and "外区节点" not in response.content.decode(), url
    assert Resource.objects.get().is_available and Seat.objects.get(pk=other.tech.pk).left_on is None


def test_a_resource_is_taken_off_the_list_from_the_lists_page(city, street_admin):
    street = street_conference(city, actor=street_admin)
    room = services_lists.resource_create(actor=street_admin, conference=street.conference, unit=street.tech.unit,
                                          kind="venue", title="会议室")
    client = _client(street_admin)
    url = f"/conference/resources/{room.pk}/availability/"
    response = client.post(url, {"available": "1"})
    assert response.status_code == 400 and "该资源已是“可提供”状态" in response.content.decode()
    assert client.post(url, {"available": "0"}).status_code == 302
    assert not Resource.objects.get(pk=room.pk).is_available
    assert "恢复可提供" in client.get(f"/conference/{street.conference.pk}/lists/").content.decode()
    assert client.post(url, {"available": "1"}).status_code == 302 and Resource.objects.get(pk=room.pk).is_available


def test_a_seats_post_changes_and_a_unit_leaves_from_the_seat_row(city, street_admin):
    street = street_conference(city, actor=street_admin)
    client = _client(street_admin)
    home = f"/conference/{street.conference.pk}/"
    response = client.post(f"/conference/seats/{street.care.pk}/post/", {"post": "chair"}, follow=True)
    assert "同一时间只能有一位会长" in response.content.decode()
    assert Seat.objects.get(pk=street.care.pk).post == "member"
    assert client.post(f"/conference/seats/{street.care.pk}/post/", {"post": "vice_chair"})["Location"] == home
    assert Seat.objects.get(pk=street.care.pk).post == "vice_chair"
    response = client.post(f"/conference/seats/{street.care.pk}/leave/", {"on_date": "2024-01-01"}, follow=True)
    assert "退出日期不能早于加入日期" in response.content.decode()
    assert Seat.objects.get(pk=street.care.pk).left_on is None
    client.post(f"/conference/seats/{street.care.pk}/leave/", {"on_date": "2025-06-30"})
    left = Seat.objects.get(pk=street.care.pk)
    assert left.left_on == datetime.date(2025, 6, 30) and left.terms.get().ends_on == datetime.date(2025, 6, 30)
    seats = client.get(home).content.decode().split('data-testid="seats"')[1].split("</table>")[0]
    assert "长江路社区梅园新村养老服务中心" not in seats and "梅园新村街道办事处" in seats


def test_the_project_page_keeps_its_query_count(city, street_admin, django_assert_max_num_queries):
    street = street_conference(city, actor=street_admin)
    made = project(street, street.tech, actor=street_admin, milestones=[(f"节点{i}",) for i in range(8)])
    client = _client(street_admin)
    with django_assert_max_num_queries(25):
        assert client.get(f"/conference/projects/{made.pk}/").status_code == 200
