"""Founding a joint conference (一个班子) from its page and the API: only for a district or street
the actor writes to, one per area; refusals in Chinese with nothing written; 404 for an area
outside scope, 403 for read-only roles."""

import pytest
from django.test import Client

from dangjian.conference.models import JointConference
from dangjian.conference.tests.factories import street_conference

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]
JSON = "application/json"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_street_office_founds_its_conference_on_the_page(city, street_admin):
    client = _client(street_admin)
    assert 'data-testid="found-conference"' in client.get("/conference/").content.decode()
    page = client.get("/conference/new/").content.decode()
    assert "梅园新村街道" in page and "新街口街道" not in page  # only the areas it writes to
    response = client.post("/conference/new/", {"area": city.meiyuan.pk, "established_on": "2025-01-10"})
    conference = JointConference.objects.get(area=city.meiyuan)
    assert response.status_code == 302 and response["Location"] == f"/conference/{conference.pk}/"
    assert conference.name == "梅园新村街道社区党建联席会" and conference.level == "street"
    # founded: nothing left to found here, so the page refuses
    assert client.get("/conference/new/").status_code == 403


def test_bad_input_on_the_page_writes_nothing(city, district_admin):
    client = _client(district_admin)
    response = client.post("/conference/new/", {"area": city.meiyuan.pk, "established_on": "2025-13-40"})
    assert response.status_code == 400 and "日期格式不正确" in response.content.decode()
    response = client.post("/conference/new/", {"area": city.fuzimiao.pk, "established_on": "2025-01-10"})
    assert response.status_code == 400  # another district's street is not a choice
    assert not JointConference.objects.exists()


def test_read_only_roles_cannot_found(city, leader):
    assert _client(leader).get("/conference/new/").status_code == 403
    assert _client(leader).post("/api/v1/conferences", {"area": city.meiyuan.pk, "established_on": "2025-01-10"},
                                content_type=JSON).status_code == 403
    assert not JointConference.objects.exists()


def test_founding_through_the_api(city, district_admin):
    client = _client(district_admin)
    response = client.post("/api/v1/conferences", {"area": city.xuanwu.pk, "name": "",
                                                   "established_on": "2024-06-01"}, content_type=JSON)
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "玄武区社区党建联席会" and response.json()["level"] == "district"
    # a second one for the same district, a community, another district's street
    again = client.post("/api/v1/conferences", {"area": city.xuanwu.pk, "established_on": "2024-06-01"},
                        content_type=JSON)
    assert again.status_code == 422 and "已设立" in again.content.decode()
    community = client.post("/api/v1/conferences", {"area": city.dahanggong.pk, "established_on": "2024-06-01"},
                            content_type=JSON)
    assert community.status_code == 422 and "区或街道" in community.content.decode()
    outside = client.post("/api/v1/conferences", {"area": city.fuzimiao.pk, "established_on": "2024-06-01"},
                          content_type=JSON)
    assert outside.status_code == 404
    assert JointConference.objects.count() == 1


def test_an_area_with_a_conference_is_not_offered_again(city, street_admin, district_admin):
    street_conference(city, actor=street_admin)
    page = _client(district_admin).get("/conference/new/").content.decode()
    assert "玄武区" in page and f'value="{city.meiyuan.pk}"' not in page
