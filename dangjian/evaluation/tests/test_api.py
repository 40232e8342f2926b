"""The assessment API: thin handlers over the same services."""

import pytest
from django.test import Client

from dangjian.evaluation.models import AssessmentScheme, ManualScore
from dangjian.evaluation.tests.factories import AUTO, MANUAL, scheme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _body(city, indicators):
    return {"name": "先进城区考核", "year": 2026, "level": "district", "evaluator_area": city.nanjing.pk,
            "title_top_share": 50, "indicators": indicators}


def test_a_scheme_is_created_scored_and_published_through_the_api(city_admin, city):
    client = _client(city_admin)
    manual = dict(MANUAL, evidence_required=False)
    response = client.post("/api/v1/evaluation/schemes", _body(city, [AUTO, manual]), content_type="application/json")
    assert response.status_code == 201, response.content
    scheme_id = response.json()["id"]
    indicator_id = next(row["id"] for row in response.json()["indicators"] if row["code"] == "M1")
    for district, points in ((city.xuanwu, "30"), (city.qinhuai, "20")):
        scored = client.post("/api/v1/evaluation/manual-scores",
                             {"indicator": indicator_id, "area": district.pk, "points": points},
                             content_type="application/json")
        assert scored.status_code == 201, scored.content
    run = client.post(f"/api/v1/evaluation/schemes/{scheme_id}/score")
    assert run.status_code == 202 and run.json()["state"] == "done"
    run_id = run.json()["id"]
    assert client.post(f"/api/v1/evaluation/runs/{run_id}/publish").json()["published"] is True
    ranking = client.get(f"/api/v1/evaluation/runs/{run_id}/ranking").json()
    assert [row["rank"] for row in ranking] == [1, 2]


@pytest.mark.parametrize(("indicators", "message"), [
    ([AUTO], "权重之和须为100，现为60"),
    ([dict(AUTO, metric_key="nothing.here", weight="100")], "不存在"),
    ([dict(MANUAL, name="党员每日打卡率", weight="100")], "减负"),
])
def test_bad_schemes_are_refused_with_422_in_chinese(city_admin, city, indicators, message):
    response = _client(city_admin).post("/api/v1/evaluation/schemes", _body(city, indicators),
                                        content_type="application/json")
    assert response.status_code == 422 and message in response.content.decode()
    assert not AssessmentScheme.objects.exists()


def test_a_manual_score_out_of_range_is_refused(city_admin, city):
    created = scheme(city_admin, city, indicators=[AUTO, dict(MANUAL, evidence_required=False)])
    indicator = created.indicators.get(code="M1")
    response = _client(city_admin).post("/api/v1/evaluation/manual-scores",
                                        {"indicator": indicator.pk, "area": city.xuanwu.pk, "points": "-1"},
                                        content_type="application/json")
    assert response.status_code == 422 and "得分须在0到40分之间" in response.content.decode()
    assert not ManualScore.objects.exists()


def test_a_district_cannot_score_in_the_city_s_scheme(district_admin, city_admin, city):
    created = scheme(city_admin, city, indicators=[AUTO, dict(MANUAL, evidence_required=False)])
    response = _client(district_admin).post(
        "/api/v1/evaluation/manual-scores",
        {"indicator": created.indicators.get(code="M1").pk, "area": city.xuanwu.pk, "points": "40"},
        content_type="application/json")
    assert response.status_code == 403


def test_evidence_is_uploaded_as_multipart_and_checked(city_admin, district_admin, city):
    from dangjian.evaluation import services
    from dangjian.evaluation.tests.factories import pdf

    created = scheme(city_admin, city, indicators=[AUTO, dict(MANUAL, evidence_required=False)])
    score = services.manual_score_record(actor=city_admin, indicator=created.indicators.get(code="M1"),
                                         area=city.xuanwu, points="30")
    url = f"/api/v1/evaluation/manual-scores/{score.pk}/evidence"
    response = _client(city_admin).post(url, {"files": [pdf("案例.pdf")]})
    assert response.status_code == 201 and response.json()["evidence"] == ["案例.pdf"]
    refused = _client(city_admin).post(url, {"files": [pdf("现场.png")]})
    assert refused.status_code == 422 and "不以照片作为佐证" in refused.content.decode()
    # the evaluated district sees its score but may not add to it
    assert _client(district_admin).post(url, {"files": [pdf("补充.pdf")]}).status_code == 403
    assert score.evidence.count() == 1
