"""Revising a scheme on the page: a draft changes in place, a published one becomes a new
version; every refusal says why in Chinese and writes nothing."""

from decimal import Decimal

import pytest
from django.test import Client

from dangjian.accounts.models import AuditEntry
from dangjian.evaluation import services
from dangjian.evaluation.models import AssessmentScheme, Indicator
from dangjian.evaluation.tests.factories import scheme, score_all_manual

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _revision(name="先进城区考核", **rows):
    """Two indicator rows (A1 automatic 60, M1 manual 40) with ``rows`` overriding their fields."""
    data = {"name": name, "title_label": "先进", "title_top_share": "50", "title_min_score": "",
            "indicators-TOTAL_FORMS": "5", "indicators-INITIAL_FORMS": "2"}
    a1 = {"code": "A1", "name": "党组织数量", "kind": "automatic", "weight": "60", "metric_key": "organizations.total",
          "target": "10", "baseline": "0", "curve": "linear"}
    m1 = {"code": "M1", "name": "党建工作创新", "kind": "manual", "weight": "40", "curve": "linear",
          "evidence_required": "on"}
    a1.update(rows.get("a1", {}))
    m1.update(rows.get("m1", {}))
    for index, row in enumerate((a1, m1)):
        data.update({f"indicators-{index}-{key}": value for key, value in row.items()})
    return data


def _published(actor, city):
    created = scheme(actor, city)
    score_all_manual(actor, created, city.districts, {city.xuanwu.code: "30", city.qinhuai.code: "35"})
    run = services.assessment_scoring_start(actor=actor, scheme=created)
    services.assessment_results_publish(actor=actor, run=run)
    return created


def test_the_revision_page_starts_from_the_scheme_s_indicators(city_admin, city):
    created = scheme(city_admin, city)
    page = _client(city_admin).get(f"/evaluation/{created.pk}/revise/").content.decode()
    assert 'value="党组织数量"' in page and 'value="党建工作创新"' in page and "保存修改" in page


def test_a_draft_scheme_is_changed_in_place(city_admin, city):
    created = scheme(city_admin, city)
    response = _client(city_admin).post(f"/evaluation/{created.pk}/revise/",
                                        _revision(a1={"weight": "65"}, m1={"weight": "35"}))
    assert response.status_code == 302 and response.url == f"/evaluation/{created.pk}/"
    assert dict(created.indicators.values_list("code", "weight")) == {"A1": Decimal(65), "M1": Decimal(35)}
    assert AssessmentScheme.objects.count() == 1


@pytest.mark.parametrize(("rows", "message"), [
    ({"a1": {"weight": "50"}}, "各项指标权重之和须为100，现为90"),
    ({"m1": {"name": "党员APP登录率"}}, "整治形式主义为基层减负若干规定"),
    ({"m1": {"name": "党员总数"}}, "不得要求基层重复填报"),
    ({"m1": {"code": "A1"}}, "编号“A1”重复"),
])
def test_a_refused_revision_says_why_and_changes_nothing(city_admin, city, rows, message):
    created = scheme(city_admin, city)
    before = list(Indicator.objects.order_by("pk").values_list("pk", "code", "name", "weight"))
    response = _client(city_admin).post(f"/evaluation/{created.pk}/revise/", _revision(**rows))
    assert response.status_code == 400 and message in response.content.decode()
    assert list(Indicator.objects.order_by("pk").values_list("pk", "code", "name", "weight")) == before
    assert not AuditEntry.objects.filter(object_type="evaluation.AssessmentScheme", action="update").exists()


def test_a_published_scheme_is_revised_into_a_new_version(city_admin, city):
    published = _published(city_admin, city)
    client = _client(city_admin)
    assert "保存为新版本" in client.get(f"/evaluation/{published.pk}/revise/").content.decode()
    response = client.post(f"/evaluation/{published.pk}/revise/", _revision(a1={"weight": "70"}, m1={"weight": "30"}))
    revised = AssessmentScheme.objects.get(version=2)
    assert response.status_code == 302 and response.url == f"/evaluation/{revised.pk}/"
    assert revised.supersedes_id == published.pk and not revised.is_published
    assert dict(published.indicators.values_list("code", "weight")) == {"A1": Decimal(60), "M1": Decimal(40)}
    assert published.runs.get().published  # the published ranking stays as it was
    detail = client.get(f"/evaluation/{published.pk}/").content.decode()
    assert "第2版</a>取代" in detail
    # the old version cannot be revised again: the page sends to the newest
    again = client.get(f"/evaluation/{published.pk}/revise/", follow=True)
    assert again.redirect_chain[-1][0] == f"/evaluation/{revised.pk}/" and "已有新版本" in again.content.decode()


def test_a_refused_revision_of_a_published_scheme_writes_no_version(city_admin, city):
    published = _published(city_admin, city)
    response = _client(city_admin).post(f"/evaluation/{published.pk}/revise/", _revision(a1={"weight": "61"}))
    assert response.status_code == 400 and "现为101" in response.content.decode()
    assert AssessmentScheme.objects.count() == 1


@pytest.mark.parametrize("role", ["district_admin", "leader"])
def test_evaluated_areas_and_leaders_cannot_revise(city_admin, city, request, role):
    created = scheme(city_admin, city)
    client = _client(request.getfixturevalue(role))
    assert client.get(f"/evaluation/{created.pk}/revise/").status_code == 403
    assert client.post(f"/evaluation/{created.pk}/revise/", _revision(a1={"weight": "65"}, m1={"weight": "35"})
                       ).status_code == 403
    assert created.indicators.get(code="A1").weight == 60
