"""Reads of assessment that reach a user, narrowed by accounts.scoping.

Who sees what:
* the evaluating office (a writer or leader over the evaluating area) sees its schemes, every
  run, every area's breakdown, manual scores and evidence;
* an evaluated area (an area grant at or under one of the peers) sees the scheme, the published
  ranking of its peers (area, total, rank, title, change) and its own breakdown, manual scores
  and evidence — never another area's breakdown or evidence (404);
* anyone else: 404.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from dangjian.accounts import scoping
from dangjian.evaluation.models import (
    AssessmentScheme,
    Evidence,
    Indicator,
    IndicatorScore,
    ManualScore,
    Score,
    ScoringRun,
)


def _ancestor_paths(actor) -> list[str]:
    """Every ancestor path of the actor's area grants (an area's path prefixes, 4 characters a step)."""
    paths = set()
    for grant in scoping.grants_for(actor):
        if grant.is_general and grant.area_path:
            paths.update(grant.area_path[:end] for end in range(4, len(grant.area_path) + 1, 4))
    return sorted(paths)


def scheme_list_for(actor) -> QuerySet:
    """Schemes of the actor's offices and the schemes that evaluate an area the actor works in."""
    if not scoping.has_any_role(actor):
        return AssessmentScheme.objects.none()
    own = scoping.narrow(actor, AssessmentScheme.objects.all())
    evaluating_me = AssessmentScheme.objects.filter(evaluator_area__path__in=_ancestor_paths(actor))
    return (AssessmentScheme.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=evaluating_me.values("pk")))
            .select_related("evaluator_area", "superseded_by"))


def scheme_get_for(actor, pk) -> AssessmentScheme:
    return get_object_or_404(scheme_list_for(actor), pk=pk)


def is_office(actor, scheme: AssessmentScheme) -> bool:
    """Is the actor the evaluating office (sees every peer's details)?"""
    return scoping.can_see(actor, scheme.evaluator_area)


def may_manage(actor, scheme: AssessmentScheme) -> bool:
    return scoping.can_write(actor, scheme.evaluator_area)


def indicators_of(scheme: AssessmentScheme) -> list[Indicator]:
    return list(scheme.indicators.all())


def indicator_list_for(actor) -> QuerySet:
    return Indicator.objects.filter(scheme__in=scheme_list_for(actor)).select_related("scheme__evaluator_area")


def run_list_for(actor, scheme: AssessmentScheme) -> QuerySet:
    """The office sees every run; evaluated areas only the published one."""
    runs = scheme.runs.all()
    return runs if is_office(actor, scheme) else runs.filter(published=True)


def run_get_for(actor, pk) -> ScoringRun:
    run = get_object_or_404(ScoringRun.objects.select_related("scheme__evaluator_area"), pk=pk)
    scheme_get_for(actor, run.scheme_id)
    if not run.published and not is_office(actor, run.scheme):
        raise Http404
    return run


def shown_run(actor, scheme: AssessmentScheme) -> ScoringRun | None:
    """The run whose ranking a page shows: the published one, or for the office the latest done."""
    runs = run_list_for(actor, scheme).filter(state=ScoringRun.State.DONE)
    return runs.filter(published=True).first() or runs.first()


def ranking(actor, run: ScoringRun) -> list[Score]:
    """The public ranking: every peer's total, rank, title and change (no breakdown)."""
    if not run.published and not is_office(actor, run.scheme):
        raise Http404
    return list(run.scores.select_related("area").order_by("rank", "area__path"))


def score_get_for(actor, pk) -> Score:
    """One area's breakdown: the office, or the evaluated area itself (404 for a peer)."""
    score = get_object_or_404(scoping.narrow(actor, Score.objects.select_related("area", "run__scheme__evaluator_area")),
                              pk=pk)
    if not score.run.published and not is_office(actor, score.run.scheme):
        raise Http404
    return score


def own_scores(actor, run: ScoringRun) -> list[Score]:
    """The scores in ``run`` whose breakdown the actor may open."""
    return list(scoping.narrow(actor, run.scores.all()).select_related("area"))


def breakdown(score: Score) -> list[IndicatorScore]:
    """The lines of a score, where points were lost first (what to work on)."""
    lines = IndicatorScore.objects.filter(score=score).select_related("indicator")
    return sorted(lines, key=lambda line: (-line.lost, line.indicator.code))


def manual_scores_for(actor, scheme: AssessmentScheme, *, area=None) -> QuerySet:
    scores = scoping.narrow(actor, ManualScore.objects.filter(indicator__scheme=scheme))
    if area is not None:
        scores = scores.filter(area=area)
    return scores.select_related("indicator", "area").prefetch_related("evidence")


def manual_score_list_for(actor) -> QuerySet:
    """Manual scores the actor may see (the office's, or its own area's)."""
    if not scoping.has_any_role(actor):
        return ManualScore.objects.none()
    return scoping.narrow(actor, ManualScore.objects.all()).select_related("indicator", "area").prefetch_related(
        "evidence")


def evidence_get_for(actor, pk) -> Evidence:
    return get_object_or_404(scoping.narrow(actor, Evidence.objects.select_related("manual_score__area")), pk=pk)
