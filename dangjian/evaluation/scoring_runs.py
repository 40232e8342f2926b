"""Executing a queued scoring run (called by ``tasks.assessment_scoring_run``): every automatic
indicator from the metric registry (one ``compute_by_area`` per indicator over all peers), the
manual scores as the office entered them, totals, ranks, titles and the change since the last
published scoring of the previous year's scheme. Progress is saved outside the result's
transaction so a polling page sees it; the results are written in one transaction.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dangjian.accounts.scoping import Scope
from dangjian.core.periods import Period
from dangjian.core.registry import metrics
from dangjian.evaluation import scoring
from dangjian.evaluation.models import (
    AssessmentScheme,
    IndicatorKind,
    IndicatorScore,
    ManualScore,
    Score,
    ScoringRun,
)
from dangjian.evaluation.services import evaluated_areas


def _report(run: ScoringRun, **changes) -> None:
    for name, value in changes.items():
        setattr(run, name, value)
    ScoringRun.objects.filter(pk=run.pk).update(**changes)


def _previous_results(scheme: AssessmentScheme) -> dict:
    """{area id: (total, rank)} from the published scoring of last year's scheme, same office and level."""
    previous = (ScoringRun.objects.filter(scheme__evaluator_area=scheme.evaluator_area, scheme__level=scheme.level,
                                          scheme__year=scheme.year - 1, published=True)
                .order_by("-queued_at").first())
    if previous is None:
        return {}
    return {area_id: (total, rank) for area_id, total, rank in previous.scores.values_list("area_id", "total", "rank")}


def assessment_scoring_execute(*, run_id: int) -> ScoringRun:
    run = ScoringRun.objects.select_related("scheme__evaluator_area", "started_by").get(pk=run_id)
    if run.state != ScoringRun.State.QUEUED:
        return run
    _report(run, state=ScoringRun.State.RUNNING, progress=1, message="正在计算各项指标……")
    try:
        lines = _compute(run)
        _save(run, lines)
    except Exception:
        _report(run, state=ScoringRun.State.FAILED, progress=0, message="评分失败（系统错误），请联系系统管理员。",
                finished_at=timezone.now())
        raise
    return run


def _compute(run: ScoringRun) -> dict:
    """{area: [(indicator, value, points, note)]}."""
    scheme = run.scheme
    areas = list(evaluated_areas(scheme))
    indicators = list(scheme.indicators.all())
    period = Period.containing(datetime.date(scheme.year, 6, 30), "year")
    actor = run.started_by
    office = Scope(actor=actor, focus_area=scheme.evaluator_area)
    manual = {(score.indicator_id, score.area_id): score
              for score in ManualScore.objects.filter(indicator__scheme=scheme)}
    lines: dict = {area: [] for area in areas}
    for position, indicator in enumerate(indicators, start=1):
        if indicator.kind == IndicatorKind.AUTOMATIC:
            metric = metrics.get(indicator.metric_key)
            values = metric.compute_by_area(office, period, areas, lambda area: Scope(actor=actor, focus_area=area))
            for area in areas:
                value = values.get(area.pk)
                points = scoring.automatic_points(value=value, weight=indicator.weight, target=indicator.target,
                                                  baseline=indicator.baseline, curve=indicator.curve)
                note = "无记录，计0分" if value is None else ""
                lines[area].append((indicator, None if value is None else Decimal(str(value)), points, note))
        else:
            for area in areas:
                entered = manual.get((indicator.pk, area.pk))
                points = entered.points if entered is not None else Decimal(0)
                lines[area].append((indicator, None, points, entered.note[:300] if entered else "未评分"))
        _report(run, progress=min(95, 1 + 94 * position // max(len(indicators), 1)),
                message=f"已计算{position}/{len(indicators)}项指标……")
    return lines


@transaction.atomic
def _save(run: ScoringRun, lines: dict) -> None:
    scheme = run.scheme
    totals = {area.pk: sum((points for _i, _v, points, _n in area_lines), Decimal(0))
              for area, area_lines in lines.items()}
    ranks = scoring.competition_ranks(totals)
    previous = _previous_results(scheme)
    scores = []
    for area in lines:
        earned = scoring.titled(rank=ranks[area.pk], total=totals[area.pk], peers=len(totals),
                                top_share=scheme.title_top_share, min_score=scheme.title_min_score)
        before = previous.get(area.pk, (None, None))
        scores.append(Score(run=run, area=area, total=totals[area.pk], rank=ranks[area.pk],
                            title=scheme.title_label if earned else "", previous_total=before[0],
                            previous_rank=before[1]))
    Score.objects.bulk_create(scores)
    by_area = {score.area_id: score for score in Score.objects.filter(run=run)}
    IndicatorScore.objects.bulk_create([
        IndicatorScore(score=by_area[area.pk], indicator=indicator, value=value, points=points, note=note)
        for area, area_lines in lines.items() for indicator, value, points, note in area_lines
    ])
    _report(run, state=ScoringRun.State.DONE, progress=100, finished_at=timezone.now(),
            message=f"已完成：{len(scores)}个区域。")
