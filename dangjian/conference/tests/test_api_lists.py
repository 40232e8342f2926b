"""/api/v1/conferences three lists and milestones: needs and resources listed and registered, a
resource taken off the list, a project set up with milestones and moved on, milestones planned,
edited and ticked. Refusals 422 in Chinese with nothing written; 404 for another district's
administrator; the liaison reads its own unit's resources and projects, ticks its own
project's milestones and writes nothing else."""

import datetime

import pytest
from django.test import Client

from dangjian.accounts.tests.factories import superuser
from dangjian.conference import services_lists
from dangjian.conference.models import Demand, Project, ProjectMilestone, Resource
from dangjian.conference.tests.factories import project, qinhuai_conference, street_conference

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]
JSON = "application/json"
TODAY = datetime.date.today()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_needs_and_resources_are_registered_and_listed(city, street_admin):
    street = street_conference(city, actor=street_admin)
    client = _client(street_admin)
    api = f"/api/v1/conferences/{street.conference.pk}"
    need = {"community": city.areas["320102003001"].pk, "kind": "venue", "title": "活动场地", "description": "需要场地"}
    response = client.post(f"{api}/demands", need, content_type=JSON)
    assert response.status_code == 422 and "请选择梅园新村街道范围内的社区" in response.json()["detail"]
    response = client.post(f"{api}/demands", {**need, "community": city.dahanggong.pk, "kind": "rocket"},
                           content_type=JSON)
    assert response.status_code == 422 and "请选择类别" in response.json()["detail"]
    assert not Demand.objects.exists()
    response = client.post(f"{api}/demands", {**need, "community": city.dahanggong.pk}, content_type=JSON)
    assert response.status_code == 201 and response.json()["community"]["name"] == city.dahanggong.name
    resource = {"unit": city.unit(city.xinjiekou).pk, "kind": "venue", "title": "会议室", "quantity": "1间"}
    response = client.post(f"{api}/resources", resource, content_type=JSON)
    assert response.status_code == 422 and "只有本联席会的成员单位才能登记资源" in response.json()["detail"]
    assert not Resource.objects.exists()
    response = client.post(f"{api}/resources", {**resource, "unit": street.tech.unit_id}, content_type=JSON)
    assert response.status_code == 201 and response.json()["is_available"] is True
    room = response.json()["id"]
    response = client.post(f"/api/v1/conferences/resources/{room}/availability", {"available": True}, content_type=JSON)
    assert response.status_code == 422 and "该资源已是“可提供”状态" in response.json()["detail"]
    response = client.post(f"/api/v1/conferences/resources/{room}/availability", {"available": False},
                           content_type=JSON)
    assert response.status_code == 200 and not Resource.objects.get(pk=room).is_available
    assert [r["title"] for r in client.get(f"{api}/resources?available=false").json()["items"]] == ["会议室"]
    assert client.get(f"{api}/resources?available=true").json()["items"] == []
    assert [d["title"] for d in client.get(f"{api}/demands?status=open").json()["items"]] == ["活动场地"]


def test_a_project_with_milestones_is_set_up_and_moved_on(city, street_admin):
    street = street_conference(city, actor=street_admin)
    client = _client(street_admin)
    api = f"/api/v1/conferences/{street.conference.pk}"
    demand = services_lists.demand_create(actor=street_admin, conference=street.conference, community=city.dahanggong,
                                          kind="venue", title="活动场地", description="需要场地")
    room = services_lists.resource_create(actor=street_admin, conference=street.conference, unit=street.tech.unit,
                                          kind="venue", title="会议室")
    body = {"demand": demand.pk, "title": "共享会议室", "owner_unit": street.tech.unit_id, "resources": [room.pk],
            "starts_on": "2025-03-01", "milestones": [{"title": "确定场地", "due_on": "2025-02-01"}]}
    response = client.post(f"{api}/projects", body, content_type=JSON)
    assert response.status_code == 422 and "计划完成日期不能早于项目开始日期" in response.json()["detail"]
    response = client.post(f"{api}/projects", {**body, "owner_unit": city.unit(city.xinjiekou).pk}, content_type=JSON)
    assert response.status_code == 422 and "牵头单位须是本联席会的成员单位" in response.json()["detail"]
    assert not Project.objects.exists() and Demand.objects.get(pk=demand.pk).status == "open"
    body["milestones"] = [{"title": "确定场地", "due_on": "2025-03-10"}, {"title": "开放使用"}]
    response = client.post(f"{api}/projects", body, content_type=JSON)
    assert response.status_code == 201
    made = response.json()
    assert [(m["position"], m["title"], m["due_on"]) for m in made["milestones"]] == [
        (1, "确定场地", "2025-03-10"), (2, "开放使用", None)]
    assert made["resources"][0]["title"] == "会议室" and Demand.objects.get(pk=demand.pk).status == "matched"
    project_api = f"/api/v1/conferences/projects/{made['id']}"
    response = client.post(f"{project_api}/milestones", {"title": ""}, content_type=JSON)
    assert response.status_code == 422 and "请填写进度节点的名称" in response.json()["detail"]
    response = client.post(f"{project_api}/milestones", {"title": "总结", "due_on": "2025-06-30"}, content_type=JSON)
    assert response.status_code == 201 and [m["title"] for m in response.json()["milestones"]][-1] == "总结"
    last = ProjectMilestone.objects.get(title="总结")
    response = client.post(f"/api/v1/conferences/milestones/{last.pk}",
                           {"title": "半年总结", "due_on": "2025-06-30", "position": 1}, content_type=JSON)
    assert response.status_code == 200 and response.json()["position"] == 1
    first = ProjectMilestone.objects.get(title="确定场地")
    response = client.post(f"/api/v1/conferences/milestones/{first.pk}/done", {"done_on": "2025-03-08"},
                           content_type=JSON)
    assert response.status_code == 200 and response.json()["status_label"] == "已完成"
    response = client.post(f"{project_api}/status", {"status": "completed"}, content_type=JSON)
    assert response.status_code == 422 and "完成项目须填写成效" in response.json()["detail"]
    response = client.post(f"{project_api}/status", {"status": "completed", "outcome": "每月开放四次",
                                                      "on_date": "2025-07-01"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["completed_on"] == "2025-07-01"
    assert Demand.objects.get(pk=demand.pk).status == "met"
    response = client.post(f"/api/v1/conferences/milestones/{last.pk}/done", {"done_on": "2025-06-30"},
                           content_type=JSON)
    assert response.status_code == 422 and "项目已完成或已终止" in response.json()["detail"]
    assert ProjectMilestone.objects.get(pk=last.pk).done_on is None


def test_the_liaison_reads_its_own_and_ticks_its_own_milestones(city, street_admin, liaison):
    street = street_conference(city, actor=street_admin)
    mine = project(street, street.tech, actor=street_admin, title="本单位项目", milestones=[("甲",)])
    theirs = project(street, street.care, actor=street_admin, title="他单位项目", milestones=[("乙",)])
    client = _client(liaison)
    api = f"/api/v1/conferences/{street.conference.pk}"
    assert len(client.get(f"{api}/demands").json()["items"]) == 2
    assert [p["title"] for p in client.get(f"{api}/projects").json()["items"]] == ["本单位项目"]
    assert [r["unit"]["id"] for r in client.get(f"{api}/resources").json()["items"]] == [street.tech.unit_id]
    assert client.get(f"/api/v1/conferences/projects/{theirs.pk}").status_code == 404
    other = theirs.milestones.get()
    assert client.post(f"/api/v1/conferences/milestones/{other.pk}/done", {"done_on": TODAY.isoformat()},
                       content_type=JSON).status_code == 404
    step = mine.milestones.get()
    response = client.post(f"/api/v1/conferences/milestones/{step.pk}/done", {"done_on": TODAY.isoformat()},
                           content_type=JSON)
    assert response.status_code == 200
    room = Resource.objects.get(unit=street.tech.unit)
    for url, body in ((f"{api}/demands", {"community": city.dahanggong.pk, "kind": "venue", "title": "越权",
                                          "description": "越权"}),
                      (f"{api}/resources", {"unit": street.tech.unit_id, "kind": "venue", "title": "越权"}),
                      (f"/api/v1/conferences/resources/{room.pk}/availability", {"available": False}),
                      (f"/api/v1/conferences/projects/{mine.pk}/status", {"status": "active"}),
                      (f"/api/v1/conferences/projects/{mine.pk}/milestones", {"title": "越权"})):
        assert client.post(url, body, content_type=JSON).status_code == 403, url
    assert Demand.objects.count() == 2 and Resource.objects.count() == 2 and room.is_available
    assert ProjectMilestone.objects.get(pk=other.pk).done_on is None and mine.milestones.count() == 1


def test_another_districts_lists_are_not_there(city, district_admin, django_assert_max_num_queries):
    other = qinhuai_conference(city)
    made = project(other, other.chair, actor=superuser(), title="夫子庙项目", milestones=[("夫子庙节点",)])
    step, room = made.milestones.get(), Resource.objects.get()
    client = _client(district_admin)
    for url in (f"/api/v1/conferences/{other.conference.pk}/demands", f"/api/v1/conferences/{other.conference.pk}/resources",
                f"/api/v1/conferences/{other.conference.pk}/projects", f"/api/v1/conferences/projects/{made.pk}"):
        assert client.get(url).status_code == 404, url
    for url, body in ((f"/api/v1/conferences/resources/{room.pk}/availability", {"available": False}),
                      (f"/api/v1/conferences/projects/{made.pk}/status", {"status": "active"}),
                      (f"/api/v1/conferences/projects/{made.pk}/milestones", {"title": "越权"}),
                      (f"/api/v1/conferences/milestones/{step.pk}", {"title": "越权", "due_on": None}),
                      (f"/api/v1/conferences/milestones/{step.pk}/done", {"done_on": "2025-03-01"})):
        response = client.post(url, body, content_type=JSON)
        assert response.status_code == 404 and "夫子庙" not in response.content.decode(), url
    assert Resource.objects.get().is_available and made.milestones.get().title == "夫子庙节点"


def test_the_list_endpoints_keep_their_query_counts(city, street_admin, django_assert_max_num_queries):
    street = street_conference(city, actor=street_admin)
    for index in range(4):
        project(street, street.tech if index % 2 else street.care, actor=street_admin, title=f"项目{index}",
                milestones=[("甲",), ("乙",)])
    client = _client(street_admin)
    api = f"/api/v1/conferences/{street.conference.pk}"
    for url in (f"{api}/demands", f"{api}/resources", f"{api}/projects"):
        with django_assert_max_num_queries(12):
            assert client.get(url).json()["count"] == 4, url
    with django_assert_max_num_queries(12):
        assert len(client.get(f"/api/v1/conferences/projects/{Project.objects.first().pk}").json()["milestones"]) == 2
