"""The assessment pages at /evaluation/: schemes, a scheme with its ranking, a new scheme,
manual scoring with evidence, a run's progress, an area's breakdown, evidence downloads.

Thin: look up through the selectors (outside scope: 404), check the actor manages the scheme
(otherwise 403), call one service, put its Chinese refusal back on the form.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dangjian.accounts import scoping
from dangjian.core.form_errors import put_service_errors_on
from dangjian.evaluation import forms, selectors, services
from dangjian.evaluation.models import IndicatorKind, ScoringRun
from dangjian.members.views import role_required
from dangjian.organizations.models import AreaLevel
from dangjian.organizations.selectors import area_list_for


def _render(request, template: str, context: dict, status: int = 200):
    response = render(request, template, {**admin.site.each_context(request), **context})
    response.status_code = status
    return response


def _managed(request, scheme_id):
    scheme = selectors.scheme_get_for(request.user, scheme_id)
    if not selectors.may_manage(request.user, scheme):
        raise PermissionDenied(services.CANNOT_WRITE)
    return scheme


@role_required
def scheme_list(request):
    schemes = list(selectors.scheme_list_for(request.user))
    return _render(request, "evaluation/list.html", {
        "title": "考核评价（比学赶超）", "schemes": schemes,
        "may_create": scoping.may_write_anything(request.user),
    })


def _evaluator_areas(actor):
    writable = scoping.narrow(actor, area_list_for(actor), write=True)
    return list(writable.exclude(level__in=[AreaLevel.COMMUNITY, AreaLevel.GRID]))


@role_required
def scheme_create(request):
    if not scoping.may_write_anything(request.user):
        raise PermissionDenied
    areas = _evaluator_areas(request.user)
    form = forms.SchemeForm(request.POST or None, areas=areas)
    formset = forms.IndicatorFormSet(request.POST or None, prefix="indicators")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        area = next(area for area in areas if area.pk == data["evaluator_area"])
        try:
            scheme = services.assessment_scheme_create(
                actor=request.user, name=data["name"], year=data["year"], level=data["level"], evaluator_area=area,
                indicators=forms.indicator_rows(formset), title_label=data["title_label"],
                title_top_share=data["title_top_share"], title_min_score=data["title_min_score"], request=request)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, "考核方案已创建。")
            return redirect("evaluation:detail", scheme.pk)
    return _render(request, "evaluation/create.html", {"title": "新建考核方案", "form": form, "formset": formset},
                   status=400 if request.method == "POST" else 200)


@role_required
def scheme_revise(request, scheme_id):
    """Change a scheme: in place before its results are published, as a new version after
    (``services.assessment_scheme_revise`` decides and refuses; a refusal writes nothing)."""
    scheme = _managed(request, scheme_id)
    if not scheme.is_current:
        messages.error(request, "该方案已有新版本，请修改最新版本。")
        return redirect("evaluation:detail", scheme.superseded_by.pk)
    form = forms.ReviseForm(request.POST or None, initial={
        "name": scheme.name, "title_label": scheme.title_label, "title_top_share": scheme.title_top_share,
        "title_min_score": scheme.title_min_score})
    formset = forms.RevisionFormSet(request.POST or None, prefix="indicators",
                                    initial=forms.indicator_initial(selectors.indicators_of(scheme)))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            revised = services.assessment_scheme_revise(
                actor=request.user, scheme=scheme, indicators=forms.indicator_rows(formset), name=data["name"],
                title_label=data["title_label"], title_top_share=data["title_top_share"],
                title_min_score=data["title_min_score"], request=request)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, f"已生成第{revised.version}版，原版本及其已发布的结果原样保留。"
                             if revised.pk != scheme.pk else "考核方案已修改。")
            return redirect("evaluation:detail", revised.pk)
    published = scheme.is_published
    return _render(request, "evaluation/create.html", {
        "title": f"{'修订' if published else '修改'} · {scheme}", "form": form, "formset": formset,
        "submit_label": "保存为新版本" if published else "保存修改",
        "intro": (f"该方案的考核结果已发布，不能再改动。保存后生成第{scheme.version + 1}版，原版本和已发布的排名原样保留。"
                  if published else "结果发布前可以直接修改；修改后需要重新评分（原有评分记录作废，编号不变的人工指标保留已评的分数）。"),
    }, status=400 if request.method == "POST" else 200)


@role_required
def scheme_detail(request, scheme_id):
    actor = request.user
    scheme = selectors.scheme_get_for(actor, scheme_id)
    office = selectors.is_office(actor, scheme)
    run = selectors.shown_run(actor, scheme)
    ranking = selectors.ranking(actor, run) if run is not None else []
    openable = {score.pk for score in selectors.own_scores(actor, run)} if run is not None else set()
    return _render(request, "evaluation/detail.html", {
        "title": str(scheme), "scheme": scheme, "indicators": selectors.indicators_of(scheme), "office": office,
        "may_manage": selectors.may_manage(actor, scheme), "run": run, "ranking": ranking, "openable": openable,
        "runs": list(selectors.run_list_for(actor, scheme)[:5]) if office else [],
    })


@role_required
@require_POST
def scheme_score(request, scheme_id):
    scheme = _managed(request, scheme_id)
    try:
        run = services.assessment_scoring_start(actor=request.user, scheme=scheme, request=request)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("evaluation:detail", scheme.pk)
    return redirect("evaluation:run", run.pk)


@role_required
def run_detail(request, run_id):
    run = selectors.run_get_for(request.user, run_id)
    return _render(request, "evaluation/run.html", {
        "title": f"评分进度 · {run.scheme}", "run": run,
        "working": run.state in (ScoringRun.State.QUEUED, ScoringRun.State.RUNNING),
        "may_manage": selectors.may_manage(request.user, run.scheme),
    })


@role_required
@require_POST
def run_publish(request, run_id):
    run = selectors.run_get_for(request.user, run_id)
    _managed(request, run.scheme_id)
    try:
        services.assessment_results_publish(actor=request.user, run=run, request=request)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "考核结果已发布，各被考核区域可查看排名和本区域得分明细。")
    return redirect("evaluation:detail", run.scheme_id)


@role_required
def manual_scoring(request, indicator_id):
    indicator = get_object_or_404(selectors.indicator_list_for(request.user), pk=indicator_id)
    scheme = _managed(request, indicator.scheme_id)
    if indicator.kind != IndicatorKind.MANUAL:
        raise PermissionDenied
    areas = list(services.evaluated_areas(scheme))
    form = forms.ManualScoreForm(request.POST or None, request.FILES or None, areas=areas,
                                 initial={"area": request.GET.get("area")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = next(area for area in areas if area.pk == data["area"])
        try:
            services.manual_score_record(actor=request.user, indicator=indicator, area=area, points=data["points"],
                                         note=data["note"], files=data["evidence"], request=request)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, f"已记录{area.name}的得分。")
            return redirect(reverse("evaluation:manual", args=[indicator.pk]))
    scores = {score.area_id: score for score in selectors.manual_scores_for(request.user, scheme)
              if score.indicator_id == indicator.pk}
    return _render(request, "evaluation/manual.html", {
        "title": f"人工评分 · {indicator.name}", "scheme": scheme, "indicator": indicator, "form": form,
        "rows": [(area, scores.get(area.pk)) for area in areas],
    }, status=400 if request.method == "POST" else 200)


@role_required
def score_detail(request, score_id):
    score = selectors.score_get_for(request.user, score_id)
    scheme = score.run.scheme
    return _render(request, "evaluation/score.html", {
        "title": f"{score.area.name} · {scheme}", "score": score, "scheme": scheme, "lines": selectors.breakdown(score),
        "manual": list(selectors.manual_scores_for(request.user, scheme, area=score.area)),
    })


@role_required
def evidence_download(request, evidence_id):
    evidence = selectors.evidence_get_for(request.user, evidence_id)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.file_name)
