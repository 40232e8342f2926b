"""The scoping matrix for the assessment routes (classified in accounts/tests/test_scoping_matrix.py):
every role, GET and POST, on objects outside its reach → 404 that names nothing; lists leak no
other scheme; an evaluated district sees the public ranking and only its own breakdown and evidence."""

import pytest
from django.test import Client

from dangjian.accounts import scoping
from dangjian.accounts.tests.test_scoping_matrix import EVALUATION_ROUTES, ROLES, _fill
from dangjian.evaluation import selectors, services
from dangjian.evaluation.models import AssessmentScheme, Evidence, Indicator, ManualScore, Score, ScoringRun
from dangjian.evaluation.tests.factories import AUTO, pdf, scheme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)


@pytest.fixture
def schemes(city_users, city):
    actor = city_users.city_admin
    districts = scheme(actor, city, name="先进城区考核")
    for district in city.districts:
        services.manual_score_record(actor=actor, indicator=districts.indicators.get(code="M1"), area=district,
                                     points="30", files=[pdf(f"{district.name}材料.pdf")])
    run = services.assessment_scoring_start(actor=actor, scheme=districts)
    services.assessment_results_publish(actor=actor, run=run)
    streets = scheme(actor, city, name="秦淮区街道考核", evaluator_area=city.qinhuai, level="street",
                     indicators=[dict(AUTO, weight="100")])
    services.assessment_scoring_start(actor=actor, scheme=streets)  # done, not published
    return districts, streets


def _hidden(user, model):
    visible_schemes = selectors.scheme_list_for(user)
    if model is AssessmentScheme:
        return AssessmentScheme.objects.exclude(pk__in=visible_schemes.values("pk"))
    if model is Indicator:
        return Indicator.objects.exclude(scheme__in=visible_schemes)
    if model is ScoringRun:
        return [run for run in ScoringRun.objects.all()
                if run.scheme_id not in set(visible_schemes.values_list("pk", flat=True))
                or (not run.published and not selectors.is_office(user, run.scheme))]
    if model is Score:
        return [score for score in Score.objects.all()
                if not scoping.can_see(user, score)
                or (not score.run.published and not selectors.is_office(user, score.run.scheme))]
    if model is ManualScore:
        return ManualScore.objects.exclude(pk__in=selectors.manual_score_list_for(user).values("pk"))
    return Evidence.objects.exclude(pk__in=scoping.narrow(user, Evidence.objects.all()).values("pk"))


def _label(obj) -> str:
    if isinstance(obj, AssessmentScheme | Indicator):
        return (obj if isinstance(obj, AssessmentScheme) else obj.scheme).name
    if isinstance(obj, Evidence):
        return obj.file_name
    return ""


@pytest.mark.parametrize("role", ROLES)
def test_assessment_routes_answer_404_outside_scope(schemes, city_users, role):
    user = getattr(city_users, role)
    client = Client()
    client.force_login(user)
    hidden_names = set(AssessmentScheme.objects.exclude(
        pk__in=selectors.scheme_list_for(user).values("pk")).values_list("name", flat=True))
    checked = 0
    for route, model in EVALUATION_ROUTES.items():
        if model is None:
            response = client.get(_fill(route, ""))
            assert response.status_code in (200, 403, 404, 405), (role, route, response.status_code)
            for name in hidden_names:
                assert name not in response.content.decode(), (role, route, name)
            continue
        for outsider in _hidden(user, model):
            url = _fill(route, outsider.pk)
            for method in ("get", "post"):
                response = (client.get(url) if method == "get"
                            else client.post(url, data="{}", content_type="application/json"))
                body = response.content.decode()
                if response.status_code == 405 or (response.status_code == 422 and '"missing"' in body):
                    continue
                assert response.status_code == 404, (role, method, url, response.status_code)
                if _label(outsider):
                    assert _label(outsider) not in body, (role, url)
                checked += 1
    assert checked or role in ("superuser", "city_admin")


def test_a_district_sees_the_ranking_and_only_its_own_breakdown_and_evidence(schemes, district_admin, city):
    districts, _streets = schemes
    client = Client()
    client.force_login(district_admin)
    run = districts.runs.get(published=True)
    own, peer = run.scores.get(area=city.xuanwu), run.scores.get(area=city.qinhuai)
    # the public ranking names both districts
    page = client.get(f"/evaluation/{districts.pk}/").content.decode()
    assert "玄武区" in page and "秦淮区" in page
    ranking = client.get(f"/api/v1/evaluation/runs/{run.pk}/ranking").json()
    assert {row["area"]["name"] for row in ranking} == {"玄武区", "秦淮区"}
    # its own breakdown and evidence, not the peer's
    assert client.get(f"/evaluation/scores/{own.pk}/").status_code == 200
    assert "玄武区材料.pdf" in client.get(f"/evaluation/scores/{own.pk}/").content.decode()
    assert client.get(f"/evaluation/scores/{peer.pk}/").status_code == 404
    assert client.get(f"/api/v1/evaluation/scores/{peer.pk}").status_code == 404
    manual = client.get(f"/api/v1/evaluation/schemes/{districts.pk}/manual-scores").json()
    assert [row["area"]["name"] for row in manual] == ["玄武区"]
    peer_evidence = Evidence.objects.get(manual_score__area=city.qinhuai)
    assert client.get(f"/evaluation/evidence/{peer_evidence.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["district_admin", "leader", "street_admin"])
def test_evaluated_areas_and_leaders_cannot_change_the_office_s_scheme(schemes, city_users, role):
    districts, _streets = schemes
    client = Client()
    client.force_login(getattr(city_users, role))
    assert client.post(f"/evaluation/{districts.pk}/score/").status_code == 403
    assert client.post(f"/api/v1/evaluation/schemes/{districts.pk}/score").status_code == 403
    indicator = districts.indicators.get(code="M1")
    assert client.get(f"/evaluation/indicators/{indicator.pk}/manual/").status_code == 403


def test_the_office_lists_cost_a_fixed_number_of_queries(schemes, city_admin, django_assert_max_num_queries):
    client = Client()
    client.force_login(city_admin)
    districts, _streets = schemes
    with django_assert_max_num_queries(25):
        assert client.get("/evaluation/").status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(f"/evaluation/{districts.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/evaluation/schemes").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(f"/api/v1/evaluation/schemes/{districts.pk}/manual-scores").status_code == 200
