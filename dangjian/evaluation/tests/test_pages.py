"""The assessment pages, as the city's evaluating office."""

import pytest
from django.test import Client

from dangjian.evaluation.models import AssessmentScheme, Evidence, ManualScore, ScoringRun
from dangjian.evaluation.tests.factories import pdf, scheme

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _scheme_post(city, **indicator_overrides):
    data = {"name": "先进城区考核", "year": "2026", "level": "district", "evaluator_area": str(city.nanjing.pk),
            "title_label": "先进", "title_top_share": "50", "title_min_score": "",
            "indicators-TOTAL_FORMS": "6", "indicators-INITIAL_FORMS": "0"}
    rows = [{"code": "A1", "name": "党组织数量", "kind": "automatic", "weight": "60", "metric_key": "organizations.total",
             "target": "10", "baseline": "0", "curve": "linear"},
            {"code": "M1", "name": "党建工作创新", "kind": "manual", "weight": "40", "curve": "linear",
             "evidence_required": "on"}]
    rows[0].update(indicator_overrides)
    for index, row in enumerate(rows):
        data.update({f"indicators-{index}-{key}": value for key, value in row.items()})
    return data


def test_the_office_creates_a_scheme_on_the_page(city_admin, city):
    response = _client(city_admin).post("/evaluation/new/", _scheme_post(city))
    created = AssessmentScheme.objects.get()
    assert response.status_code == 302 and response.url == f"/evaluation/{created.pk}/"
    assert created.indicators.count() == 2


def test_weights_not_adding_to_100_are_refused_on_the_page(city_admin, city):
    response = _client(city_admin).post("/evaluation/new/", _scheme_post(city, weight="50"))
    assert response.status_code == 400
    assert "各项指标权重之和须为100，现为90" in response.content.decode()
    assert not AssessmentScheme.objects.exists()


def test_a_read_only_leader_cannot_open_the_new_scheme_page(leader):
    assert _client(leader).get("/evaluation/new/").status_code == 403


def test_manual_scoring_with_evidence_then_scoring_and_publishing(city_admin, city):
    created = scheme(city_admin, city)
    indicator = created.indicators.get(code="M1")
    client = _client(city_admin)
    # a photo is refused, nothing written
    refused = client.post(f"/evaluation/indicators/{indicator.pk}/manual/",
                          {"area": city.xuanwu.pk, "points": "30", "evidence": pdf("现场.jpg")})
    assert refused.status_code == 400 and "不以照片作为佐证" in refused.content.decode()
    assert not ManualScore.objects.exists()
    for district in city.districts:
        response = client.post(f"/evaluation/indicators/{indicator.pk}/manual/",
                               {"area": district.pk, "points": "30", "note": "创新做法一项",
                                "evidence": pdf(f"{district.name}.pdf")})
        assert response.status_code == 302
    assert Evidence.objects.count() == 2
    # scoring (the immediate task backend runs it at once) and the progress page
    response = client.post(f"/evaluation/{created.pk}/score/")
    run = ScoringRun.objects.get()
    assert response.url == f"/evaluation/runs/{run.pk}/"
    assert "已完成" in client.get(response.url).content.decode()
    assert client.post(f"/evaluation/runs/{run.pk}/publish/").status_code == 302
    created.refresh_from_db()
    assert created.is_published
    page = client.get(f"/evaluation/{created.pk}/").content.decode()
    assert "先进" in page and "玄武区" in page
    score = run.scores.get(area=city.xuanwu)
    breakdown = client.get(f"/evaluation/scores/{score.pk}/").content.decode()
    assert "玄武区.pdf" in breakdown and "创新做法一项" in breakdown
    download = client.get(f"/evaluation/evidence/{Evidence.objects.first().pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_starting_a_scoring_with_missing_manual_scores_says_why(city_admin, city):
    created = scheme(city_admin, city)
    response = _client(city_admin).post(f"/evaluation/{created.pk}/score/", follow=True)
    assert "人工指标尚未评分" in response.content.decode()
    assert not ScoringRun.objects.exists()
