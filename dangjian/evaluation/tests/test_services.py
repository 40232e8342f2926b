"""Schemes, manual scores, scoring runs and publishing, through the services."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts.models import AuditEntry
from dangjian.evaluation import services
from dangjian.evaluation.models import AssessmentScheme, Evidence, Indicator, IndicatorScore, ScoringRun
from dangjian.evaluation.models import ManualScore as ManualScoreModel
from dangjian.evaluation.tests.factories import AUTO, MANUAL, pdf, scheme, score_all_manual
from dangjian.organizations.models import PartyOrganization

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)


def _organizations_in(area) -> int:
    return PartyOrganization.objects.filter(area__path__startswith=area.path).count()


def test_a_scheme_is_created_with_its_indicators_and_audited(city_admin, city):
    # when
    created = scheme(city_admin, city)
    # then
    assert [i.code for i in created.indicators.all()] == ["A1", "M1"]
    assert AuditEntry.objects.filter(object_type="evaluation.AssessmentScheme", object_id=str(created.pk)).exists()


@pytest.mark.parametrize(("indicators", "message"), [
    ([dict(AUTO, weight="50"), dict(MANUAL)], "权重之和须为100，现为90"),
    ([dict(AUTO, metric_key="members.logins"), dict(MANUAL)], "统计指标“members.logins”不存在"),
    ([dict(AUTO, metric_key="members.by_sex"), dict(MANUAL)], "分类统计"),
    ([dict(AUTO), dict(MANUAL, name="党员APP登录率")], "整治形式主义为基层减负若干规定"),
    ([dict(AUTO), dict(MANUAL, name="上传活动照片数")], "照片"),
    ([dict(AUTO), dict(MANUAL, name="党员总数")], "不得要求基层重复填报"),
    ([dict(AUTO), dict(MANUAL, code="A1")], "编号“A1”重复"),
    ([], "至少需要一项指标"),
])
def test_bad_schemes_are_refused_and_nothing_is_written(city_admin, city, indicators, message):
    with pytest.raises(ValidationError) as refusal:
        scheme(city_admin, city, indicators=indicators)
    assert message in str(refusal.value)
    assert not AssessmentScheme.objects.exists() and not Indicator.objects.exists()


def test_a_scheme_must_evaluate_a_lower_level(district_admin, city):
    with pytest.raises(ValidationError, match="只能考核其下级区域"):
        scheme(district_admin, city, evaluator_area=city.xuanwu, level="district")


@pytest.mark.parametrize("role", ["district_admin", "leader"])
def test_only_a_writer_over_the_evaluating_area_makes_a_scheme(request, city, role):
    with pytest.raises(PermissionDenied):
        scheme(request.getfixturevalue(role), city)


def test_manual_scores_are_checked(city_admin, city):
    created = scheme(city_admin, city)
    manual = created.indicators.get(code="M1")
    auto = created.indicators.get(code="A1")
    with pytest.raises(ValidationError, match="得分须在0到40分之间"):
        services.manual_score_record(actor=city_admin, indicator=manual, area=city.xuanwu, points="41", files=[pdf()])
    with pytest.raises(ValidationError, match="须附佐证材料"):
        services.manual_score_record(actor=city_admin, indicator=manual, area=city.xuanwu, points="30")
    with pytest.raises(ValidationError, match="不以照片作为佐证"):
        services.manual_score_record(actor=city_admin, indicator=manual, area=city.xuanwu, points="30",
                                     files=[pdf("现场.jpg")])
    with pytest.raises(ValidationError, match="不能人工评分"):
        services.manual_score_record(actor=city_admin, indicator=auto, area=city.xuanwu, points="30")
    with pytest.raises(ValidationError, match="不是该方案的考核对象"):
        services.manual_score_record(actor=city_admin, indicator=manual, area=city.meiyuan, points="30",
                                     files=[pdf()])
    assert not Evidence.objects.exists()


def test_an_oversized_evidence_file_is_refused(city_admin, city, settings):
    settings.DANGJIAN_RULES = {**settings.DANGJIAN_RULES, "EVALUATION_EVIDENCE_MAX_MB": 1}
    manual = scheme(city_admin, city).indicators.get(code="M1")
    with pytest.raises(ValidationError, match="超过1MB"):
        services.manual_score_record(actor=city_admin, indicator=manual, area=city.xuanwu, points="30",
                                     files=[pdf(content=b"x" * (1024 * 1024 + 1))])


def test_scoring_refuses_while_manual_scores_are_missing(city_admin, city):
    created = scheme(city_admin, city)
    with pytest.raises(ValidationError, match="人工指标尚未评分"):
        services.assessment_scoring_start(actor=city_admin, scheme=created)
    assert not ScoringRun.objects.exists()


def test_scoring_ranks_the_districts_with_the_breakdown(city_admin, city):
    """Organizations: 60 × count/10 each; manual 30 (玄武) and 35 (秦淮); top half earns 先进."""
    # given
    created = scheme(city_admin, city)
    score_all_manual(city_admin, created, city.districts, {city.xuanwu.code: "30", city.qinhuai.code: "35"})
    # when
    run = services.assessment_scoring_start(actor=city_admin, scheme=created)
    # then
    run.refresh_from_db()
    assert run.state == ScoringRun.State.DONE and run.progress == 100
    totals = {}
    for district, manual in ((city.xuanwu, 30), (city.qinhuai, 35)):
        count = _organizations_in(district)
        totals[district.pk] = min(Decimal(60), Decimal(60) * count / 10) + manual
    scores = {score.area_id: score for score in run.scores.all()}
    assert {pk: score.total for pk, score in scores.items()} == totals
    winner = max(totals, key=totals.get)
    assert scores[winner].rank == 1 and scores[winner].title == "先进"
    assert [s.title for s in scores.values() if s.area_id != winner] == [""]
    lines = IndicatorScore.objects.filter(score=scores[city.xuanwu.pk]).select_related("indicator")
    assert {line.indicator.code: line.value for line in lines}["A1"] == _organizations_in(city.xuanwu)


def test_publishing_freezes_the_scheme_and_a_revision_is_a_new_version(city_admin, city):
    created = scheme(city_admin, city)
    score_all_manual(city_admin, created, city.districts, {city.xuanwu.code: "30", city.qinhuai.code: "35"})
    run = services.assessment_scoring_start(actor=city_admin, scheme=created)
    services.assessment_results_publish(actor=city_admin, run=run)
    with pytest.raises(ValidationError, match="已发布"):
        services.manual_score_record(actor=city_admin, indicator=created.indicators.get(code="M1"),
                                     area=city.xuanwu, points="10", files=[pdf()])
    with pytest.raises(ValidationError, match="已发布"):
        services.assessment_scoring_start(actor=city_admin, scheme=created)
    # when
    revised = services.assessment_scheme_revise(actor=city_admin, scheme=created,
                                                indicators=[dict(AUTO, weight="70"), dict(MANUAL, weight="30")])
    # then
    created.refresh_from_db()
    assert revised.pk != created.pk and revised.version == 2 and revised.supersedes == created
    assert created.indicators.get(code="A1").weight == 60  # the published version is unchanged
    assert not created.is_current
    with pytest.raises(ValidationError, match="已有新版本"):
        services.assessment_scheme_revise(actor=city_admin, scheme=created, indicators=[dict(AUTO, weight="100")])


def test_a_refused_revision_changes_nothing(city_admin, city):
    created = scheme(city_admin, city)
    with pytest.raises(ValidationError, match="权重之和"):
        services.assessment_scheme_revise(actor=city_admin, scheme=created, indicators=[dict(AUTO, weight="99")])
    assert created.indicators.count() == 2


def test_the_change_since_last_year_is_recorded(city_admin, city):
    for year, points in ((2025, ("20", "40")), (2026, ("30", "35"))):
        created = scheme(city_admin, city, year=year)
        score_all_manual(city_admin, created, city.districts, {city.xuanwu.code: points[0], city.qinhuai.code: points[1]})
        run = services.assessment_scoring_start(actor=city_admin, scheme=created)
        services.assessment_results_publish(actor=city_admin, run=run)
    xuanwu = run.scores.get(area=city.xuanwu)
    assert xuanwu.change == Decimal(10)
    assert xuanwu.previous_rank is not None


def test_revising_before_publishing_keeps_the_manual_scores_that_still_fit(city_admin, city):
    """M1 goes from 40 to 35 points: 玄武区's 30 (with its evidence) stays, 秦淮区's 38 goes."""
    created = scheme(city_admin, city)
    score_all_manual(city_admin, created, city.districts, {city.xuanwu.code: "30", city.qinhuai.code: "38"})
    services.assessment_scoring_start(actor=city_admin, scheme=created)
    # when
    revised = services.assessment_scheme_revise(actor=city_admin, scheme=created,
                                                indicators=[dict(AUTO, weight="65"), dict(MANUAL, weight="35")])
    # then
    assert revised.pk == created.pk and revised.version == 1
    assert not ScoringRun.objects.filter(scheme=created).exists()  # the old run scored old weights
    kept = ManualScoreModel.objects.get(indicator__scheme=created)
    assert (kept.area_id, kept.points, kept.evidence.count()) == (city.xuanwu.pk, Decimal(30), 1)
    assert created.indicators.get(code="M1").weight == 35
