"""The instructor role follows the appointment for every staff user, an administrator included:
a street administrator appointed as the district's instructor for an enterprise in another
street holds both scopes. The appointment is consulted once per user per request, however many
checks a page makes: inside the role-row query (an EXISTS probe) for everyone holding role rows,
plus the grant lookup only for an actual instructor (pinned on an admin page, a coverage page
and the instructor's own page)."""

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.accounts.models import Role
from dangjian.coverage import services
from dangjian.coverage.models import InstructorVisit, UnitProfile
from dangjian.coverage.tests.factories import instructor

pytestmark = [pytest.mark.usefixtures("module_city"), pytest.mark.django_db]

# The grant source's query: the appointment joined to its assignments.
GRANT_LOOKUP = 'FROM "coverage_instructor" LEFT OUTER JOIN "coverage_instructorassignment"'


def _grant_lookups(captured) -> int:
    return sum(1 for query in captured.captured_queries if GRANT_LOOKUP in query["sql"])


@pytest.fixture
def admin_instructor(city, street_admin, superuser):
    """梅园新村街道's administrator, also appointed by 玄武区 as the instructor of an enterprise in
    新街口街道 (outside their street)."""
    appointed = instructor(city, area=city.xuanwu, user=street_admin, name="街道书记兼指导员")
    elsewhere = city.uncovered_unit(city.xinjiekou)
    services.instructor_assign(actor=superuser, instructor=appointed, unit=elsewhere)
    services.visit_record(actor=superuser, instructor=appointed, unit=elsewhere, visited_on=timezone.localdate(),
                          topic="新街口企业建组指导")
    scoping.forget_grants(street_admin)
    return appointed, elsewhere


def test_street_admin_appointed_instructor_holds_both_scopes(city, street_admin, admin_instructor):
    appointed, elsewhere = admin_instructor
    assert scoping.has_any_role(street_admin) and scoping.holds_role(street_admin, Role.AREA_ADMIN)
    assert scoping.holds_role(street_admin, Role.INSTRUCTOR)
    assert {grant.role: grant.unit_ids for grant in scoping.grants_for(street_admin)}[Role.INSTRUCTOR] == {elsewhere.pk}
    # The street's records (area grant) and the assigned unit's records elsewhere (instructor grant).
    UnitProfile.objects.get_or_create(unit=elsewhere)
    own_street = city.uncovered_unit(city.meiyuan)
    UnitProfile.objects.get_or_create(unit=own_street)
    profiles = set(scoping.narrow(street_admin, UnitProfile.objects.all()).values_list("unit", flat=True))
    assert {elsewhere.pk, own_street.pk} <= profiles
    assert scoping.narrow(street_admin, InstructorVisit.objects.filter(unit=elsewhere)).exists()
    assert not scoping.can_see(street_admin, city.uncovered_unit(city.xinjiekou).area)  # no area reach there

    client = Client()
    client.force_login(street_admin)
    mine = client.get("/coverage/mine/")
    assert mine.status_code == 200 and elsewhere.name in mine.content.decode()
    response = client.post("/coverage/mine/", {"unit": elsewhere.pk, "visited_on": timezone.localdate().isoformat(),
                                               "topic": "指导成立工会", "outcome": ""})
    assert response.status_code == 302
    assert InstructorVisit.objects.filter(instructor=appointed, unit=elsewhere, topic="指导成立工会").exists()
    assert [row["unit"]["id"] for row in client.get("/api/v1/coverage/mine").json()] == [elsewhere.pk]
    board = client.get("/coverage/")
    assert board.status_code == 200 and "梅园新村街道" in board.content.decode()
    # Ending the appointment takes the instructor reach away and leaves the administrator's.
    services.instructor_end(actor=city_superuser(), instructor=appointed, ended_on=timezone.localdate())
    scoping.forget_grants(street_admin)
    assert not scoping.holds_role(street_admin, Role.INSTRUCTOR) and scoping.has_any_role(street_admin)
    assert client.get("/coverage/mine/").status_code == 404


def city_superuser():
    from dangjian.accounts.tests.factories import superuser

    return superuser()


def test_admin_page_pays_one_appointment_lookup(street_admin, admin_instructor, django_assert_max_num_queries):
    client = Client()
    client.force_login(street_admin)
    client.get("/admin/organizations/unit/")
    # session, user, role rows, the appointment lookup (once), the changelist's count and page,
    # and the sidebar's permission lookups: 8, whatever the number of scope checks
    with django_assert_max_num_queries(8) as captured:
        response = client.get("/admin/organizations/unit/")
    assert response.status_code == 200
    assert _grant_lookups(captured) == 1


def test_admin_without_appointment_pays_no_extra_query(district_admin, django_assert_max_num_queries):
    """Consulted all the same: the appointment probe rides on the role-row query."""
    client = Client()
    client.force_login(district_admin)
    client.get("/coverage/instructors/")
    with django_assert_max_num_queries(8) as captured:
        assert client.get("/coverage/instructors/").status_code == 200
    assert _grant_lookups(captured) == 0
    role_rows = [query["sql"] for query in captured.captured_queries if 'FROM "accounts_roleassignment"' in query["sql"]]
    assert len(role_rows) == 1 and '"coverage_instructor"' in role_rows[0]


def test_instructor_page_pays_one_appointment_lookup(instructor, django_assert_max_num_queries):
    client = Client()
    client.force_login(instructor)
    client.get("/coverage/mine/")
    with django_assert_max_num_queries(10) as captured:
        assert client.get("/coverage/mine/").status_code == 200
    assert _grant_lookups(captured) == 1
