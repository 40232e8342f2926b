"""A community's visiting cadence per care group through /api/v1/care-cadences (MEM-08)."""

import pytest
from django.test import Client

from dangjian.accounts import scoping
from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.accounts.tests.factories import client_for
from dangjian.members.models import CareCadence, CareGroup

pytestmark = pytest.mark.django_db
API = "/api/v1/care-cadences"


def put(client: Client, area_id: int, data: dict):
    return client.put(f"{API}/{area_id}", data, content_type="application/json")


def test_a_community_sets_its_cadence_and_reads_it_back(city, street_admin):
    client = client_for(street_admin)
    rows = client.get(f"{API}/{city.dahanggong.pk}").json()
    assert {row["group"] for row in rows} == set(CareGroup.values) and all(row["is_default"] for row in rows)
    response = put(client, city.dahanggong.pk, {"group": "retired", "every_months": 2})
    assert response.status_code == 200, response.content.decode()
    row = next(row for row in response.json() if row["group"] == "retired")
    assert (row["every_months"], row["is_default"]) == (2, False)
    assert CareCadence.objects.get(area=city.dahanggong, group="retired").every_months == 2
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="members.CareCadence").exists()


@pytest.mark.parametrize(("data", "field"), [({"group": "retired", "every_months": 0}, "every_months"),
                                             ({"group": "retired", "every_months": 25}, "every_months"),
                                             ({"group": "nobody", "every_months": 3}, "group")])
def test_a_cadence_outside_the_rules_is_refused_and_nothing_changes(city, street_admin, data, field):
    response = put(client_for(street_admin), city.dahanggong.pk, data)
    assert response.status_code == 422 and field in str(response.json())
    assert not CareCadence.objects.exists()


def test_only_communities_in_scope_and_writers_set_it(city, street_admin, leader):
    client = client_for(street_admin)
    # a street is not where the cadence is set; a community outside the scope does not exist
    response = client.get(f"{API}/{city.meiyuan.pk}")
    assert response.status_code == 422 and "社区" in response.json()["detail"] + str(response.json())
    outside = next(area for area in city.communities if not scoping.can_see(street_admin, area))
    assert client.get(f"{API}/{outside.pk}").status_code == 404
    assert put(client, outside.pk, {"group": "retired", "every_months": 2}).status_code == 404
    # a read-only leader reads it but may not change it
    reader = client_for(leader)
    assert reader.get(f"{API}/{city.dahanggong.pk}").status_code == 200
    assert put(reader, city.dahanggong.pk, {"group": "retired", "every_months": 2}).status_code == 403
    assert not CareCadence.objects.exists()
