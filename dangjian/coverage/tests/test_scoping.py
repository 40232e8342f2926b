"""The scoping matrix for every coverage page and API route (COVERAGE_ROUTES in the matrix), as
every role: an out-of-scope id answers 404 to GET and POST and its text never appears; a list
holds nothing of another area. And the instructor role: its scope is its assigned units."""

import datetime
import io

import pytest
from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.accounts import scoping
from dangjian.accounts.models import Role
from dangjian.accounts.tests.factories import superuser
from dangjian.accounts.tests.test_scoping_matrix import (
    ROLES,
    _classify,
    _client,
    _fill,
    _hidden_names,
    _out_of_scope,
    _route_strings,
)
from dangjian.coverage import services, services_cobuild
from dangjian.coverage.models import InstructorVisit, Pairing, ServiceRecord
from dangjian.coverage.tests.factories import instructor
from dangjian.members.tests.factories import member
from dangjian.organizations.models import Area, Unit

pytestmark = pytest.mark.usefixtures("module_city")  # the city built once (dangjian/conftest.py)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def coverage_records(city_users, city):
    """In every street: an instructor with a visit, a pairing with an activity, a post, a reported
    member with a service record; the blank spots recorded."""
    actor = superuser()
    today = timezone.localdate()
    for street in city.streets:
        community, unit_community = [a for a in city.communities if a.path.startswith(street.path)]
        appointed = instructor(city, area=street, name=f"{street.name}指导员")
        uncovered = city.uncovered_unit(street)
        services.instructor_assign(actor=actor, instructor=appointed, unit=uncovered)
        services.visit_record(actor=actor, instructor=appointed, unit=uncovered, visited_on=today,
                              topic=f"{street.name}走访指导建组")
        pairing = services_cobuild.pairing_create(
            actor=actor, community_organization=city.org(unit_community), unit_organization=city.unit_branch(street),
            signed_on=today - 30 * DAY, commitments=f"{street.name}共建承诺")
        services_cobuild.pairing_activity_record(actor=actor, pairing=pairing, held_on=today,
                                                 content=f"{street.name}共建活动")
        post = services_cobuild.service_post_create(actor=actor, community=community, name="文明劝导", capacity=5)
        worker = member(actor=actor, organization=city.unit_branch(street), name=f"{street.name[:2]}在职党员",
                        employment="employed", residence_area=community)
        registration = services_cobuild.service_register(actor=actor, member=worker, post=post)
        services_cobuild.service_record(actor=actor, registration=registration, served_on=today, hours=2,
                                        content=f"{street.name}服务记录")
    services.blank_spots_sync()


def _board_outsider(user):
    """An area outside the scope that is not above it either (the board of an area above one's own
    may be opened and shows only one's own figures: tested below)."""
    if scoping.is_city_admin(user):
        return None
    roots = [grant.area_path for grant in scoping.grants_for(user) if grant.is_general and grant.area_path]
    above = Q(pk__in=[])
    for root in roots:
        above |= Q(path__in=[root[:end] for end in range(Area.steplen, len(root) + 1, Area.steplen)])
    visible = scoping.narrow(user, Area.objects.all()).values("pk")
    return Area.objects.exclude(pk__in=visible).exclude(above).order_by("pk").first()


def _body(response) -> str:
    """The response's text; a downloaded workbook's every cell (the exports leak nothing either)."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
                         for value in row if value is not None)
    return response.content.decode()


def _model(value):
    return apps.get_model(value) if isinstance(value, str) else value


def _text_of(obj) -> str:
    if isinstance(obj, InstructorVisit):
        return obj.topic
    if isinstance(obj, Pairing):
        return obj.commitments
    if isinstance(obj, ServiceRecord):
        return obj.content
    return str(obj)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_coverage_routes_answer_404_outside_scope(coverage_records, city_users, role):
    user = getattr(city_users, role)
    client = _client(user)
    hidden = _hidden_names(user, Unit)
    hidden += [_text_of(obj) for model in (InstructorVisit, Pairing, ServiceRecord)
               for obj in model.objects.exclude(pk__in=scoping.narrow(user, model.objects.all()).values("pk"))]
    # An instructor's own units are theirs to see, though Unit declares no unit anchor of its own.
    own_units = frozenset().union(*(grant.unit_ids for grant in scoping.grants_for(user)))
    allowed = set(Unit.objects.filter(pk__in=own_units).values_list("name", flat=True))
    hidden = [text for text in hidden if text not in allowed]
    if scoping.is_city_admin(user):
        hidden = []
    checked = 0
    for route in _route_strings():
        kind = _classify(route)
        if not (isinstance(kind, tuple) and kind[0] == "coverage"):
            continue
        model = _model(kind[1])
        if model is None:
            response = client.get(_fill(route, ""))
            assert response.status_code in (200, 403, 404, 405), (role, route, response.status_code)
            body = _body(response)
            for text in hidden:
                assert text not in body, (role, route, text)
            checked += 1
            continue
        outsider = _board_outsider(user) if model is Area else _out_of_scope(user, model)
        if outsider is None:
            continue
        for method in ("get", "post"):
            url = _fill(route, outsider.pk)
            response = (client.get(url) if method == "get"
                        else client.post(url, data="{}", content_type="application/json") if route.startswith("api/")
                        else client.post(url))
            body = response.content.decode()
            if response.status_code == 405 or (response.status_code == 422 and '"missing"' in body):
                continue
            assert response.status_code == 404, (role, method, route, response.status_code)
            assert _text_of(outsider) not in body, (role, route)
            checked += 1
    assert checked


@pytest.mark.django_db
def test_instructor_role_reaches_only_its_assigned_units(coverage_records, city_users, city):
    user = city_users.instructor
    assert scoping.holds_role(user, Role.INSTRUCTOR) and not scoping.has_any_role(user)
    assigned = city.uncovered_unit(city.meiyuan)
    assert [grant.unit_ids for grant in scoping.grants_for(user)] == [frozenset({assigned.pk})]
    visits = scoping.narrow(user, InstructorVisit.objects.all())
    assert set(visits.values_list("unit", flat=True)) == {assigned.pk}
    client = _client(user)
    assert client.get("/coverage/mine/").status_code == 200
    assert client.get("/coverage/").status_code == 404
    assert client.get("/api/v1/coverage/board").status_code == 404
    mine = client.get("/api/v1/coverage/mine").json()
    assert [row["unit"]["name"] for row in mine] == [assigned.name]


@pytest.mark.django_db
def test_ended_appointment_removes_the_role(city_users, city):
    user = city_users.instructor
    appointment = services.instructor_of(user)
    services.instructor_end(actor=superuser(), instructor=appointment, ended_on=timezone.localdate())
    scoping.forget_grants(user)
    assert not scoping.holds_role(user, Role.INSTRUCTOR)
    assert _client(user).get("/coverage/mine/").status_code == 404


@pytest.mark.django_db
def test_street_admin_opens_the_district_board_and_sees_only_its_street(coverage_records, city_users, city):
    body = _client(city_users.street_admin).get(f"/coverage/areas/{city.xuanwu.pk}/").content.decode()
    assert "玄武区覆盖情况" in body and "梅园新村街道" in body
    assert "新街口街道" not in body and city.uncovered_unit(city.xinjiekou).name not in body
