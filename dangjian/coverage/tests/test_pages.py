"""The coverage pages: the board's drill-down, a unit's fixes, instructors, pairings and service,
with pinned query counts on every list (no N+1) and read-only leaders refused (403)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.accounts.tests.factories import superuser
from dangjian.coverage import services, services_cobuild
from dangjian.coverage.models import Instructor, InstructorAssignment, InstructorVisit, Pairing
from dangjian.coverage.tests.factories import gap_community, instructor
from dangjian.members.tests.factories import member
from dangjian.organizations.models import OrganizationKind

pytestmark = pytest.mark.usefixtures("module_city")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_board_drills_from_district_to_unit(city, district_admin, django_assert_max_num_queries):
    gap = gap_community(city)
    client = _client(district_admin)
    with django_assert_max_num_queries(25):
        top = client.get("/coverage/").content.decode()
    assert "玄武区覆盖情况" in top and "梅园新村街道" in top and "秦淮区" not in top
    street = client.get(f"/coverage/areas/{city.meiyuan.pk}/").content.decode()
    assert "玄武新村社区" in street and "南京玄武新村丁有限公司" in street  # in the uncovered list
    with django_assert_max_num_queries(25):
        community = client.get(f"/coverage/areas/{gap.community.pk}/").content.decode()
    assert f'data-unit="{gap.empty.pk}"' in community and "未覆盖" in community
    unit_page = client.get(f"/coverage/units/{gap.small.pk}/").content.decode()
    assert "南京玄武新村丙有限公司" in unit_page  # the candidate neighbour for a joint branch
    assert client.get(f"/coverage/areas/{city.fuzimiao.pk}/").status_code == 404


@pytest.mark.django_db
def test_street_admin_assigns_an_instructor_and_joins_a_joint_branch(city, street_admin):
    gap = gap_community(city)
    appointed = instructor(city)
    client = _client(street_admin)
    response = client.post(f"/coverage/units/{gap.empty.pk}/assign/",
                           {"instructor": appointed.pk, "started_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert InstructorAssignment.objects.filter(instructor=appointed, unit=gap.empty, ended_on=None).exists()
    from dangjian.organizations import services as organization_services

    joint = organization_services.organization_create(
        actor=superuser(), parent=city.org(city.meiyuan), name="玄武新村联合党支部", kind=OrganizationKind.JOINT_BRANCH,
        area=gap.community)
    assert client.post(f"/coverage/units/{gap.small.pk}/joint/", {"organization": joint.pk}).status_code == 302
    assert joint.covered_units.filter(pk=gap.small.pk).exists()
    refused = client.post(f"/coverage/units/{gap.small.pk}/profile/", {"members_registered_elsewhere": 99})
    assert refused.status_code == 400 and "不能超过单位从业人员数" in refused.content.decode()


@pytest.mark.django_db
def test_leader_reads_but_cannot_write(city, leader):
    gap = gap_community(city)
    client = _client(leader)
    assert client.get(f"/coverage/units/{gap.empty.pk}/").status_code == 200
    assert client.post(f"/coverage/units/{gap.empty.pk}/assign/", {"instructor": 1}).status_code == 403
    assert client.post("/coverage/instructors/", {"name": "x"}).status_code == 403
    assert client.post("/coverage/pairings/", {}).status_code == 403


@pytest.mark.django_db
def test_appoint_with_an_account_and_the_instructor_records_a_visit(city, street_admin):
    client = _client(street_admin)
    response = client.post("/coverage/instructors/", {
        "name": "孙指导", "area": city.meiyuan.pk, "appointed_by": "梅园新村街道党工委",
        "appointed_on": timezone.localdate().isoformat(), "term_months": 24, "phone": "",
        "username": "sun_zhidao", "password": "Zhidao-2026-pass"})
    assert response.status_code == 302, response.content.decode()[:2000]
    appointed = Instructor.objects.get(name="孙指导")
    unit = city.uncovered_unit(city.meiyuan)
    services.instructor_assign(actor=street_admin, instructor=appointed, unit=unit)
    mine = _client(appointed.user)
    assert unit.name in mine.get("/coverage/mine/").content.decode()
    response = mine.post("/coverage/mine/", {"unit": unit.pk, "visited_on": timezone.localdate().isoformat(),
                                             "topic": "指导建立党小组", "outcome": "已确定联络人"})
    assert response.status_code == 302
    assert InstructorVisit.objects.filter(instructor=appointed, unit=unit, topic="指导建立党小组").exists()


@pytest.mark.django_db
def test_lists_keep_their_query_counts(city, street_admin, django_assert_max_num_queries):
    today = timezone.localdate()
    for index in range(3):
        appointed = instructor(city, name=f"指导员{index}")
        services.instructor_assign(actor=street_admin, instructor=appointed, unit=city.uncovered_unit(city.meiyuan))
        pairing = services_cobuild.pairing_create(
            actor=street_admin, community_organization=city.org(city.changjianglu),
            unit_organization=city.unit_branch(city.meiyuan), signed_on=today - datetime.timedelta(days=index),
            commitments=f"承诺{index}")
        services_cobuild.pairing_activity_record(actor=street_admin, pairing=pairing, held_on=today, content="活动")
        services_cobuild.pairing_end(actor=street_admin, pairing=pairing, ended_on=today)
        post = services_cobuild.service_post_create(actor=street_admin, community=city.changjianglu,
                                                    name=f"岗位{index}", capacity=3)
        worker = member(actor=superuser(), organization=city.org(city.changjianglu), name=f"报到{index}",
                        employment="employed", residence_area=city.changjianglu)
        registration = services_cobuild.service_register(actor=street_admin, member=worker, post=post)
        services_cobuild.service_record(actor=street_admin, registration=registration, served_on=today, hours=2,
                                        content="服务")
    services.blank_spots_sync()
    client = _client(street_admin)
    for url in ("/coverage/instructors/", "/coverage/pairings/", "/coverage/services/", "/coverage/blank-spots/",
                f"/coverage/pairings/{Pairing.objects.first().pk}/"):
        with django_assert_max_num_queries(30):
            response = client.get(url)
        assert response.status_code == 200, url
    services_page = client.get("/coverage/services/").content.decode()
    assert "报到0" in services_page and "待社区确认" in services_page


@pytest.mark.django_db
def test_api_board_units_and_assignment(city, street_admin, django_assert_max_num_queries):
    gap = gap_community(city)
    services.blank_spots_sync()
    client = _client(street_admin)
    with django_assert_max_num_queries(20):
        board = client.get(f"/api/v1/coverage/board?area={gap.community.pk}").json()
    assert board["totals"]["units"] == 4 and board["totals"]["work_rate"] == 0.0
    with django_assert_max_num_queries(20):
        units = client.get(f"/api/v1/coverage/units?area={gap.community.pk}&uncovered=true").json()
    assert {row["name"] for row in units["items"]} == {u.name for u in (gap.own, gap.small, gap.neighbour, gap.empty)}
    appointed = instructor(city)
    response = client.post(f"/api/v1/coverage/units/{gap.empty.pk}/instructor", {"instructor": appointed.pk},
                           content_type="application/json")
    assert response.status_code == 201
    assert client.get(f"/api/v1/coverage/units/{gap.empty.pk}").json()["coverage"] == "instructor"
    refused = client.post("/api/v1/coverage/pairings", {
        "community_organization": city.org(city.changjianglu).pk, "unit_organization": city.org(city.dahanggong).pk,
        "signed_on": timezone.localdate().isoformat(), "commitments": "共建"}, content_type="application/json")
    assert refused.status_code == 422 and "同一类组织" in refused.json()["detail"]
    spots = client.get("/api/v1/coverage/blank-spots").json()
    assert any(row["rule_code"] == "COV-02" and row["resolved_on"] for row in spots["items"])
