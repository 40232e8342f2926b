"""Care lists per community (离岗, 流出, 流入, 失联, 困难), visit reminders and the visiting cadence."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.members import services
from dangjian.members.models import CareCadence, Employment, Member
from dangjian.members.tests.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

TODAY = timezone.localdate()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _list(response) -> str:
    assert response.status_code == 200
    return response.content.decode().split('data-testid="care-list"', 1)[1]


def _backdate(someone: Member, days: int) -> None:
    """As if registered ``days`` ago (visits are due from registration when never made)."""
    Member.objects.filter(pk=someone.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))


@pytest.fixture
def people(city, superuser):
    dahanggong, changjianglu = city.org(city.dahanggong), city.org(city.changjianglu)
    retired = member(actor=superuser, organization=dahanggong, name="周退休", employment=Employment.RETIRED,
                     phone="13511112222")
    laid_off = member(actor=superuser, organization=changjianglu, name="吴下岗", employment=Employment.LAID_OFF)
    employed = member(actor=superuser, organization=dahanggong, name="郑在职")
    poor = member(actor=superuser, organization=dahanggong, name="冯困难", has_difficulty=True,
                  difficulty_reason="子女重病")
    lost = member(actor=superuser, organization=dahanggong, name="卫失联")
    services.member_mark_lost_contact(actor=superuser, member=lost, since=TODAY - datetime.timedelta(days=100))
    away = member(actor=superuser, organization=dahanggong, name="蒋外出")
    outflow = services.member_float_out(actor=superuser, member=away, place="浙江省杭州市",
                                        started_on=TODAY - datetime.timedelta(days=300), contact="13600002222")
    services.member_float_in(actor=superuser, host_organization=dahanggong, origin="安徽省阜阳市",
                             started_on=TODAY - datetime.timedelta(days=20), outside_name="沈流入",
                             outside_organization="阜阳市某村党支部")
    far = member(actor=superuser, organization=city.org(city.fuzimiao), name="韩秦淮", employment=Employment.RETIRED)
    return {"retired": retired, "laid_off": laid_off, "employed": employed, "poor": poor, "lost": lost,
            "away": away, "outflow": outflow, "far": far}


def test_off_post_list_with_last_visit(people, superuser, street_admin, django_assert_max_num_queries):
    services.care_visit_record(actor=superuser, member=people["retired"], visited_on=TODAY - datetime.timedelta(days=9),
                               visitor="社区书记")
    client = _client(street_admin)
    with django_assert_max_num_queries(10):
        response = client.get("/members/care/?group=off_post")
    rows = _list(response)
    assert "周退休" in rows and "吴下岗" in rows and "郑在职" not in rows and "韩秦淮" not in rows
    assert str(TODAY - datetime.timedelta(days=9)) in rows
    assert "135****2222" in rows and "13511112222" not in rows


def test_one_community_at_a_time(people, city, street_admin):
    rows = _list(_client(street_admin).get(f"/members/care/?group=off_post&area={city.dahanggong.pk}"))
    assert "周退休" in rows and "吴下岗" not in rows


def test_a_community_outside_the_scope_is_404(people, city, community_admin):
    client = _client(community_admin)
    for url in ("/members/care/", "/members/care/due/", "/members/care/cadence/"):
        assert client.get(f"{url}?area={city.changjianglu.pk}").status_code == 404, url
        assert client.get(f"{url}?area=abc").status_code == 404, url


def test_floating_out_and_in_with_last_contact(people, street_admin):
    client = _client(street_admin)
    out_rows = _list(client.get("/members/care/?group=floating_out"))
    assert "蒋外出" in out_rows and "浙江省杭州市" in out_rows
    # no contact for over six months is flagged (MEM-04)
    assert "text-red-600" in out_rows.split("蒋外出", 1)[1].split("</tr>", 1)[0]
    in_rows = _list(client.get("/members/care/?group=floating_in"))
    assert "沈流入" in in_rows and "阜阳市某村党支部" in in_rows and "蒋外出" not in in_rows


def test_lost_contact_and_difficulty_lists(people, street_admin):
    client = _client(street_admin)
    lost_rows = _list(client.get("/members/care/?group=lost_contact"))
    assert "卫失联" in lost_rows and str(TODAY - datetime.timedelta(days=100)) in lost_rows
    assert "周退休" not in lost_rows
    poor_rows = _list(client.get("/members/care/?group=difficulty"))
    assert "冯困难" in poor_rows and "子女重病" in poor_rows and "卫失联" not in poor_rows


def test_leader_sees_the_lists_without_buttons(people, leader):
    rows = _list(_client(leader).get("/members/care/?group=off_post"))
    assert "周退休" in rows and "登记走访" not in rows


# ---------------------------------------------------------------- visit reminders


def _due(client, query="") -> str:
    response = client.get(f"/members/care/due/{query}")
    assert response.status_code == 200
    return response.content.decode().split('data-testid="visits-due"', 1)[1]


def test_visits_due_lists_the_never_visited_and_the_overdue(people, superuser, community_admin):
    _backdate(people["retired"], 400)
    _backdate(people["poor"], 400)
    services.care_visit_record(actor=superuser, member=people["poor"], visited_on=TODAY - datetime.timedelta(days=10),
                               visitor="社区书记")
    rows = _due(_client(community_admin))
    # 周退休 was never visited; 冯困难 was visited ten days ago (difficulty: every 3 months)
    assert "周退休" in rows and "冯困难" not in rows and "郑在职" not in rows
    assert "离退休党员" in rows and "未走访" in rows


def test_cadence_set_by_the_community_moves_the_due_date(people, superuser, community_admin, city):
    someone = people["poor"]
    services.care_visit_record(actor=superuser, member=someone, visited_on=TODAY - datetime.timedelta(days=45),
                               visitor="社区书记")
    client = _client(community_admin)
    assert "冯困难" not in _due(client)  # three-month default
    response = client.post(f"/members/care/cadence/?area={city.dahanggong.pk}",
                           {"retired": 6, "laid_off": 6, "floating": 3, "difficulty": 1})
    assert response.status_code == 302
    assert CareCadence.objects.get(area=city.dahanggong, group="difficulty").every_months == 1
    assert "冯困难" in _due(client)


def test_cadence_out_of_range_is_refused(city, community_admin):
    response = _client(community_admin).post(f"/members/care/cadence/?area={city.dahanggong.pk}",
                                             {"retired": 0, "laid_off": 6, "floating": 3, "difficulty": 30})
    assert response.status_code == 200
    assert "确保该值大于或等于" in response.content.decode()
    assert not CareCadence.objects.exists()


def test_cadence_is_set_by_a_community_not_by_a_street(city, street_admin):
    response = _client(street_admin).post(f"/members/care/cadence/?area={city.meiyuan.pk}",
                                          {"retired": 3, "laid_off": 3, "floating": 3, "difficulty": 3})
    assert response.status_code == 404  # only communities can be chosen
    assert not CareCadence.objects.exists()


def test_leader_cannot_set_the_cadence(city, leader):
    client = _client(leader)
    page = client.get(f"/members/care/cadence/?area={city.dahanggong.pk}")
    assert page.status_code == 200 and 'data-testid="cadence-table"' in page.content.decode()
    response = client.post(f"/members/care/cadence/?area={city.dahanggong.pk}",
                           {"retired": 3, "laid_off": 3, "floating": 3, "difficulty": 3})
    assert response.status_code == 403
    assert not CareCadence.objects.exists()


def test_a_large_scope_chooses_an_area_first(people, city_admin, city, monkeypatch):
    from dangjian.members import views

    monkeypatch.setattr(views, "VISITS_DUE_MAX_MEMBERS", 3)
    client = _client(city_admin)
    response = client.get("/members/care/due/")
    assert 'data-testid="needs-focus"' in response.content.decode()
    _backdate(people["far"], 400)
    assert "韩秦淮" in _due(client, f"?area={city.fuzimiao.pk}")
