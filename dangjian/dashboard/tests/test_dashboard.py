"""The dashboard (admin index) and the organization health check, for the user's scope."""

import pytest
from django.db import connection
from django.test import Client

from dangjian.organizations import services

pytestmark = pytest.mark.django_db

# Measured with the district administrator on the fixture city: session, user and grants;
# breadcrumbs and children; code tables; one member summary (both periods, the floating
# share and MEM-01/03 in the same pass); the concern figures (13, since the concerns app);
# the organization figures; one GROUP BY per compared figure; one COUNT per other rule; the dues
# figures for both periods (collected; collection rate: due, exempt and paid member-months;
# members behind) and DUES-10's COUNT (9, since the dues app); the latest weekly findings record
# (none here: the rules are counted live); the joint conference figures (meetings, attendance,
# tasks, projects: 4 a period, 8) and its four rule counts (12, since the conference app); the
# party school figures (8 with no school: plans and classes of both periods, planned classes,
# and the rules EDU-01, SCH-01, SCH-02).
# and the coverage figures and rules (21, since the coverage app).
# and organizational life and activities figures (15, since those apps);
# and one COUNT each for the school's EDU-02 and EDU-03 (2);
# and the look-up of the nightly rollup (1: no job has run here, so everything is live).
PINNED_DASHBOARD_QUERIES = 112
# On PostgreSQL the board runs in its own transaction (a savepoint inside the test's) that sets
# jit and work_mem: SAVEPOINT, two SET LOCAL, RELEASE — statements, not data queries.
POSTGRESQL_TRANSACTION_STATEMENTS = 4


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_district_dashboard_compares_its_streets_and_drills_down(city, district_admin):
    client = _client(district_admin)
    html = client.get("/admin/").content.decode()
    board = html.split('id="dashboard"', 1)[1]
    assert "梅园新村街道" in board and "新街口街道" in board
    assert "夫子庙街道" not in board
    # clicking a street shows its communities
    drilled = client.get(f"/admin/?area={city.meiyuan.pk}").content.decode().split('id="dashboard"', 1)[1]
    assert "大行宫社区" in drilled and "新街口街道" not in drilled.split('data-testid="comparison"', 1)[1]


def test_dashboard_period_selector_and_change(city, district_admin):
    html = _client(district_admin).get("/admin/?period=quarter").content.decode()
    assert "季度" in html
    assert "较上期" in html


def test_dashboard_figures_link_to_their_records(city, district_admin):
    html = _client(district_admin).get("/admin/").content.decode()
    assert 'data-metric="organizations.total"' in html
    assert "/admin/organizations/partyorganization/" in html


def test_health_check_lists_findings_with_citations(city, superuser, district_admin, street_admin):
    services.area_create(actor=superuser, parent=city.meiyuan, name="无组织社区", code="320102002008")
    html = _client(district_admin).get("/dashboard/health/").content.decode()
    assert "无组织社区" in html and "ORG-08" in html and "党章" in html
    # another district's administrator does not see it
    services.area_create(actor=superuser, parent=city.fuzimiao, name="秦淮空白社区", code="320104001008")
    assert "秦淮空白社区" not in _client(street_admin).get("/dashboard/health/").content.decode()


def test_user_without_role_sees_no_figures(db, django_user_model):
    nobody = django_user_model.objects.create_user(username="nobody", is_staff=True)
    html = _client(nobody).get("/admin/").content.decode()
    assert 'id="dashboard"' not in html
    assert _client(nobody).get("/dashboard/health/").status_code == 404


def test_dashboard_queries_do_not_grow_with_the_data(city, superuser, district_admin):
    """The number of queries depends on the metrics and the children shown, never on rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(district_admin)
    client.get("/admin/")  # warm the session
    with CaptureQueriesContext(connection) as before:
        client.get(f"/admin/?area={city.xuanwu.pk}")
    # more rows under the district (communities), the same children (its two streets)
    for number in range(3, 8):
        services.area_create(actor=superuser, parent=city.meiyuan, name=f"社区{number}", code=f"32010200200{number}")
    with CaptureQueriesContext(connection) as after:
        client.get(f"/admin/?area={city.xuanwu.pk}")
    assert len(after) == len(before)


def test_dashboard_query_count_is_pinned(city, district_admin, django_assert_max_num_queries):
    """The district dashboard: a summary query per figure family, one COUNT per rule, one
    GROUP BY per compared figure over all the children — never a query per child or finding."""
    client = _client(district_admin)
    client.get("/admin/")  # the session and the user's grants
    extra = POSTGRESQL_TRANSACTION_STATEMENTS if connection.vendor == "postgresql" else 0
    with django_assert_max_num_queries(PINNED_DASHBOARD_QUERIES + extra):
        client.get(f"/admin/?area={city.xuanwu.pk}")


def test_dashboard_shows_each_rules_count_and_links_to_its_findings(city, superuser, district_admin):
    services.area_create(actor=superuser, parent=city.meiyuan, name="无组织社区", code="320102002008")
    html = _client(district_admin).get("/admin/").content.decode()
    findings = html.split('data-testid="findings"', 1)[1]
    assert 'data-rule="ORG-08"' in findings and "社区未建立党组织" in findings
    assert "/dashboard/health/?rule=ORG-08" in findings
    page = _client(district_admin).get("/dashboard/health/?rule=ORG-08").content.decode()
    assert "无组织社区" in page and 'data-rule="MEM-08"' not in page
    assert _client(district_admin).get("/dashboard/health/?rule=NOPE").status_code == 404
