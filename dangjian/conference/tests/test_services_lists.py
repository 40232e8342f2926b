"""The three lists' services and the remaining seat and library steps: each success, and the
refusals with a Chinese message and nothing written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.conference import services, services_lists
from dangjian.conference.models import Demand, Project, Resource, Seat
from dangjian.conference.tests.factories import START, street_conference
from dangjian.organizations.tests.factories import UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]


def _message(error) -> str:
    return "；".join(error.value.messages)


def test_a_second_chair_is_refused(city, street_admin):
    street = street_conference(city, actor=street_admin)
    newcomer = UnitFactory(area=city.dahanggong, name="南京大行宫文化有限公司")
    with pytest.raises(ValidationError) as error:
        services.seat_create(actor=street_admin, conference=street.conference, unit=newcomer, post="chair",
                             holder_name="某人", starts_on=START)
    assert "本联席会已有会长（梅园新村街道办事处）" in _message(error)
    assert not Seat.objects.filter(unit=newcomer).exists()


def test_a_unit_that_left_keeps_its_history_and_the_seat_can_be_taken_again(city, street_admin):
    street = street_conference(city, actor=street_admin)
    services.seat_leave(actor=street_admin, seat=street.care, on_date=datetime.date(2025, 12, 31))
    assert street.care.terms.get().ends_on == datetime.date(2025, 12, 31)
    again = services.seat_create(actor=street_admin, conference=street.conference, unit=street.care.unit,
                                 post="member", holder_name="新主任", starts_on=datetime.date(2026, 1, 5))
    assert again.pk != street.care.pk and Seat.objects.filter(unit=street.care.unit).count() == 2


def test_a_need_must_come_from_a_community_of_the_conferences_area(city, street_admin):
    street = street_conference(city, actor=street_admin)
    with pytest.raises(ValidationError) as error:
        services_lists.demand_create(actor=street_admin, conference=street.conference, community=city.areas[
            "320102003001"], kind="venue", title="场地", description="需要场地")
    assert "请选择梅园新村街道范围内的社区" in _message(error)
    with pytest.raises(ValidationError) as error:
        services_lists.demand_create(actor=street_admin, conference=street.conference, community=city.dahanggong,
                                     kind="rocket", title="场地", description="需要场地")
    assert "请选择类别" in _message(error)
    assert not Demand.objects.exists()


def test_resources_come_from_member_units_and_projects_meet_needs(city, street_admin, leader):
    street = street_conference(city, actor=street_admin)
    with pytest.raises(ValidationError) as error:
        services_lists.resource_create(actor=street_admin, conference=street.conference,
                                       unit=city.unit(city.xinjiekou), kind="venue", title="会议室")
    assert "只有本联席会的成员单位" in _message(error)
    room = services_lists.resource_create(actor=street_admin, conference=street.conference, unit=street.tech.unit,
                                          kind="venue", title="会议室")
    demand = services_lists.demand_create(actor=street_admin, conference=street.conference, community=city.dahanggong,
                                          kind="venue", title="活动场地", description="需要场地")
    with pytest.raises(ValidationError) as error:
        services_lists.project_create(actor=street_admin, demand=demand, title="共享会议室",
                                      owner_unit=city.unit(city.xinjiekou), resources=[room])
    assert "牵头单位须是本联席会的成员单位" in _message(error)
    with pytest.raises(PermissionDenied):
        services_lists.project_create(actor=leader, demand=demand, title="共享会议室", owner_unit=street.tech.unit)
    assert not Project.objects.exists() and Demand.objects.get(pk=demand.pk).status == "open"
    project = services_lists.project_create(actor=street_admin, demand=demand, title="共享会议室",
                                            owner_unit=street.tech.unit, resources=[room])
    assert Demand.objects.get(pk=demand.pk).status == "matched"
    with pytest.raises(ValidationError) as error:
        services_lists.project_set_status(actor=street_admin, project=project, status="completed")
    assert "完成项目须填写成效" in _message(error)
    services_lists.project_set_status(actor=street_admin, project=project, status="completed", outcome="每月开放四次")
    assert Demand.objects.get(pk=demand.pk).status == "met"
    services_lists.resource_set_available(actor=street_admin, resource=room, available=False)
    assert not Resource.objects.get(pk=room.pk).is_available


def test_a_document_is_repealed_and_stays_in_the_library(city, street_admin):
    street = street_conference(city, actor=street_admin)
    rule = services.document_create(actor=street_admin, conference=street.conference, kind="rule", title="旧办法",
                                    issuer="党工委", effective_on=START, text="正文")
    services.document_set_status(actor=street_admin, document=rule, status="repealed")
    rule.refresh_from_db()
    assert rule.status == "repealed"
    with pytest.raises(ValidationError) as error:
        services.document_revise(actor=street_admin, document=rule, title="旧办法", text="新正文",
                                 effective_on=START, note="修订")
    assert "只有现行有效的文件可以修订" in _message(error)
    assert rule.versions.count() == 1
