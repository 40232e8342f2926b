"""Every write to assessment: schemes (create, revise as a new version once published), the
evaluating office's manual scores with evidence, scoring runs (a background task) and publishing.

Keyword-only and atomic; a Chinese ValidationError before anything is written; the actor must
be able to write the evaluating area (PermissionDenied otherwise, read-only leaders too); one
audit entry per change. The admin, the pages, the API, the command and the demo call these.

《整治形式主义为基层减负若干规定》(2024) forbids scoring grassroots work on logins, clicks,
check-ins, app activity or uploaded photos, and asking a community to report a figure the
system already holds: a scheme that tries is refused with that reason (``_refuse_formalism``).
"""

from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import AuditAction
from dangjian.core.registry import metrics
from dangjian.core.uploads import check_upload
from dangjian.evaluation.models import (
    EVALUATED_LEVELS,
    AssessmentScheme,
    Curve,
    Evidence,
    Indicator,
    IndicatorKind,
    ManualScore,
    ScoringRun,
)
from dangjian.organizations.models import Area, AreaLevel

CANNOT_WRITE = "您没有权限管理该考核方案。"
BURDEN_RULE = "《整治形式主义为基层减负若干规定》"
# Words naming activity on screens rather than work done: never scored (RULES.md, burden rule).
FORMALISM_TERMS = ("登录", "点击", "打卡", "签到", "照片", "拍照", "积分", "浏览", "阅读量", "在线时长", "活跃度",
                   "login", "click", "checkin", "check_in", "photo", "points", "pageview", "online")
EVIDENCE_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx")
LEVEL_DEPTH = {AreaLevel.CITY: 0, AreaLevel.DISTRICT: 1, AreaLevel.STREET: 2, AreaLevel.COMMUNITY: 3}


# ---------------------------------------------------------------- shared checks


def _require_writer(actor, scheme_or_area) -> None:
    area = scheme_or_area.evaluator_area if isinstance(scheme_or_area, AssessmentScheme) else scheme_or_area
    if not scoping.can_write(actor, area):
        raise PermissionDenied(CANNOT_WRITE)


def evaluated_areas(scheme: AssessmentScheme):
    """The peers a scheme ranks: the areas of its level under the evaluating area."""
    return Area.objects.filter(path__startswith=scheme.evaluator_area.path, level=scheme.level).order_by("path")


def _number(value, *, field: str, label: str, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: f"请填写{label}。"})
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({field: f"{label}必须是数字。"}) from None


def _refuse_formalism(text: str, *, field: str) -> None:
    lowered = text.lower()
    for term in FORMALISM_TERMS:
        if term in lowered:
            raise ValidationError({field: (
                f"“{text}”涉及“{term}”：按照{BURDEN_RULE}，不得以登录、点击、打卡、应用活跃度或上传照片"
                "等考核基层，请改用来自工作记录的指标。")})


def _clean_indicators(raw: list[dict]) -> list[Indicator]:
    """Unsaved indicators from the form rows, every rule of the scheme checked; weights add to 100."""
    if not raw:
        raise ValidationError({"indicators": "考核方案至少需要一项指标。"})
    labels = {str(metric.label): metric.key for metric in metrics.all()}
    indicators, codes = [], set()
    for position, row in enumerate(raw, start=1):
        where = f"第{position}项指标"
        code = (row.get("code") or f"{position:02d}").strip()
        name = (row.get("name") or "").strip()
        if not name:
            raise ValidationError({"indicators": f"{where}：请填写指标名称。"})
        if code in codes:
            raise ValidationError({"indicators": f"{where}：编号“{code}”重复。"})
        codes.add(code)
        kind = row.get("kind")
        if kind not in IndicatorKind.values:
            raise ValidationError({"indicators": f"{where}：请选择指标类型。"})
        _refuse_formalism(name, field="indicators")
        weight = _number(row.get("weight"), field="indicators", label=f"{where}的权重")
        if weight <= 0:
            raise ValidationError({"indicators": f"{where}：权重必须大于0。"})
        indicator = Indicator(code=code, name=name, kind=kind, weight=weight,
                              evidence_required=bool(row.get("evidence_required")),
                              guidance=(row.get("guidance") or "").strip())
        if kind == IndicatorKind.AUTOMATIC:
            key = (row.get("metric_key") or "").strip()
            if key not in metrics:
                raise ValidationError({"indicators": f"{where}：统计指标“{key}”不存在，请从系统已登记的统计指标中选择。"})
            metric = metrics.get(key)
            _refuse_formalism(f"{key} {metric.label}", field="indicators")
            if metric.breakdown:
                raise ValidationError({"indicators": f"{where}：“{metric.label}”是分类统计，不能直接计分，请选择单个数值的指标。"})
            indicator.metric_key = key
            indicator.target = _number(row.get("target"), field="indicators", label=f"{where}的目标值")
            indicator.baseline = _number(row.get("baseline"), field="indicators", label="基准值", required=False) or 0
            indicator.curve = row.get("curve") or Curve.LINEAR
            if indicator.curve not in Curve.values:
                raise ValidationError({"indicators": f"{where}：计分方式不正确。"})
            if indicator.evidence_required:
                raise ValidationError({"indicators": f"{where}：自动指标取自业务记录，不需要佐证材料。"})
        elif name in labels:
            raise ValidationError({"indicators": (
                f"{where}：“{name}”系统中已有记录（统计指标 {labels[name]}），按照{BURDEN_RULE}，"
                "不得要求基层重复填报，请改为自动指标。")})
        indicators.append(indicator)
    total = sum(indicator.weight for indicator in indicators)
    if total != 100:
        raise ValidationError({"indicators": f"各项指标权重之和须为100，现为{total.normalize():f}。"})
    return indicators


def _scheme_fields(*, name, year, level, evaluator_area, title_label, title_top_share, title_min_score) -> dict:
    if level not in [value for value in EVALUATED_LEVELS]:
        raise ValidationError({"level": "考核对象只能是区、街道或社区。"})
    if LEVEL_DEPTH.get(evaluator_area.level, 9) >= LEVEL_DEPTH[level]:
        raise ValidationError({"level": f"{evaluator_area.name}只能考核其下级区域。"})
    share = None if title_top_share in (None, "") else int(title_top_share)
    if share is not None and not 1 <= share <= 100:
        raise ValidationError({"title_top_share": "称号比例须在1到100之间。"})
    minimum = _number(title_min_score, field="title_min_score", label="称号最低得分", required=False)
    if minimum is not None and not 0 <= minimum <= 100:
        raise ValidationError({"title_min_score": "称号最低得分须在0到100之间。"})
    return {"name": (name or "").strip(), "year": int(year), "level": level, "evaluator_area": evaluator_area,
            "title_label": (title_label or "先进").strip(), "title_top_share": share, "title_min_score": minimum}


def _save_indicators(scheme: AssessmentScheme, indicators: list[Indicator]) -> None:
    for indicator in indicators:
        indicator.scheme = scheme
        indicator.full_clean()
    Indicator.objects.bulk_create(indicators)


# ---------------------------------------------------------------- schemes


@transaction.atomic
def assessment_scheme_create(*, actor, name: str, year: int, level: str, evaluator_area: Area,
                             indicators: list[dict], title_label: str = "先进", title_top_share=None,
                             title_min_score=None, request=None) -> AssessmentScheme:
    """A new scheme with its indicators, all checked before anything is written."""
    _require_writer(actor, evaluator_area)
    fields = _scheme_fields(name=name, year=year, level=level, evaluator_area=evaluator_area, title_label=title_label,
                            title_top_share=title_top_share, title_min_score=title_min_score)
    cleaned = _clean_indicators(indicators)
    scheme = AssessmentScheme(**fields, created_by=actor)
    scheme.full_clean()
    scheme.save()
    _save_indicators(scheme, cleaned)
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=scheme, request=request,
                        indicators=len(cleaned))
    return scheme


@transaction.atomic
def assessment_scheme_revise(*, actor, scheme: AssessmentScheme, indicators: list[dict], name: str | None = None,
                             title_label: str | None = None, title_top_share=None, title_min_score=None,
                             request=None) -> AssessmentScheme:
    """Change a scheme. Before its results are published it changes in place (its unpublished
    runs are discarded: they scored the old indicators); afterwards the published version stays
    as it was and the revision is a new version that supersedes it."""
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    _require_writer(actor, scheme)
    if not scheme.is_current:
        raise ValidationError("该方案已有新版本，请修改最新版本。")
    fields = _scheme_fields(name=name or scheme.name, year=scheme.year, level=scheme.level,
                            evaluator_area=scheme.evaluator_area, title_label=title_label or scheme.title_label,
                            title_top_share=title_top_share, title_min_score=title_min_score)
    cleaned = _clean_indicators(indicators)
    if scheme.is_published:
        revised = AssessmentScheme(**fields, created_by=actor, version=scheme.version + 1, supersedes=scheme)
        revised.full_clean()
        revised.save()
        _save_indicators(revised, cleaned)
        audit.record_change(actor=actor, action=AuditAction.CREATE, obj=revised, request=request,
                            supersedes=scheme.pk)
        return revised
    scheme.runs.all().delete()
    for field, value in fields.items():
        setattr(scheme, field, value)
    scheme.full_clean()
    scheme.save()
    _replace_indicators(scheme, cleaned)
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=scheme, request=request,
                        indicators=len(cleaned))
    return scheme


INDICATOR_FIELDS = ("name", "kind", "weight", "metric_key", "target", "baseline", "curve", "evidence_required",
                    "guidance")


def _replace_indicators(scheme: AssessmentScheme, cleaned: list[Indicator]) -> None:
    """Indicators matched by code are updated in place, so the manual scores and evidence of an
    indicator that stays manual survive a revision (unless now above its weight); the others
    are removed with their scores."""
    existing = {indicator.code: indicator for indicator in scheme.indicators.all()}
    wanted = {indicator.code for indicator in cleaned}
    scheme.indicators.exclude(code__in=wanted).delete()
    for indicator in cleaned:
        current = existing.get(indicator.code)
        if current is None:
            _save_indicators(scheme, [indicator])
            continue
        for name in INDICATOR_FIELDS:
            setattr(current, name, getattr(indicator, name))
        current.full_clean()
        current.save()
        stale = ManualScore.objects.filter(indicator=current)
        if current.kind == IndicatorKind.MANUAL:
            stale = stale.filter(points__gt=current.weight)
        stale.delete()


# ---------------------------------------------------------------- manual scores


def _check_file(upload) -> None:
    """Evidence is a document (PDF, Word, Excel), never a photo (no photo-as-proof): core/uploads.py."""
    check_upload(upload, extensions=EVIDENCE_EXTENSIONS, field="evidence", what="佐证材料", why_these_types="（不以照片作为佐证）",
                 max_bytes=int(settings.DANGJIAN_RULES.get("EVALUATION_EVIDENCE_MAX_MB", 10)) * 1024 * 1024)


@transaction.atomic
def manual_score_record(*, actor, indicator: Indicator, area: Area, points, note: str = "",
                        files=(), request=None) -> ManualScore:
    """The evaluating office scores a manual indicator for one area (again: replaces the score,
    adds the files to its evidence)."""
    scheme = AssessmentScheme.objects.select_for_update().get(pk=indicator.scheme_id)
    _require_writer(actor, scheme)
    if scheme.is_published or not scheme.is_current:
        raise ValidationError("考核结果已发布，方案不能再修改；如需调整，请修订方案（生成新版本）。")
    if indicator.kind != IndicatorKind.MANUAL:
        raise ValidationError("自动指标由系统根据业务记录计分，不能人工评分。")
    if not evaluated_areas(scheme).filter(pk=area.pk).exists():
        raise ValidationError({"area": f"{area.name}不是该方案的考核对象。"})
    value = _number(points, field="points", label="得分")
    if not 0 <= value <= indicator.weight:
        raise ValidationError({"points": f"得分须在0到{indicator.weight.normalize():f}分之间。"})
    for upload in files:
        _check_file(upload)
    score = ManualScore.objects.filter(indicator=indicator, area=area).first() or ManualScore(
        indicator=indicator, area=area)
    had_evidence = score.pk is not None and score.evidence.exists()
    if indicator.evidence_required and not files and not had_evidence:
        raise ValidationError({"evidence": f"“{indicator.name}”须附佐证材料。"})
    score.points, score.note, score.scored_by, score.scored_at = value, (note or "").strip(), actor, timezone.now()
    score.full_clean()
    score.save()
    for upload in files:
        Evidence.objects.create(manual_score=score, file=upload, file_name=PurePath(upload.name).name[:200],
                                size=upload.size)
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=score, request=request,
                        points=str(value), evidence=len(files))
    return score


@transaction.atomic
def manual_score_add_evidence(*, actor, manual_score: ManualScore, files, request=None) -> ManualScore:
    """Attach more evidence files to a manual score (the API's multipart upload)."""
    scheme = AssessmentScheme.objects.select_for_update().get(pk=manual_score.indicator.scheme_id)
    _require_writer(actor, scheme)
    if scheme.is_published or not scheme.is_current:
        raise ValidationError("考核结果已发布，方案不能再修改；如需调整，请修订方案（生成新版本）。")
    if not files:
        raise ValidationError({"evidence": "请选择要上传的佐证材料。"})
    for upload in files:
        _check_file(upload)
    for upload in files:
        Evidence.objects.create(manual_score=manual_score, file=upload, file_name=PurePath(upload.name).name[:200],
                                size=upload.size)
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=manual_score, request=request,
                        evidence=len(files))
    return manual_score


# ---------------------------------------------------------------- scoring and publishing


@transaction.atomic
def assessment_scoring_start(*, actor, scheme: AssessmentScheme, request=None) -> ScoringRun:
    """Queue the scoring of a scheme (``tasks.assessment_scoring_run``)."""
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    _require_writer(actor, scheme)
    if scheme.is_published:
        raise ValidationError("考核结果已发布，不能重新评分；如需调整，请修订方案（生成新版本）。")
    if scheme.runs.filter(state__in=[ScoringRun.State.QUEUED, ScoringRun.State.RUNNING]).exists():
        raise ValidationError("该方案正在评分，请等待完成。")
    areas = list(evaluated_areas(scheme))
    if not areas:
        raise ValidationError(f"{scheme.evaluator_area.name}下没有可考核的区域。")
    manual = list(scheme.indicators.filter(kind=IndicatorKind.MANUAL))
    scored = set(ManualScore.objects.filter(indicator__in=manual).values_list("indicator_id", "area_id"))
    missing = [f"{indicator.name}（{area.name}）" for indicator in manual for area in areas
               if (indicator.pk, area.pk) not in scored]
    if missing:
        more = f"等{len(missing)}项" if len(missing) > 3 else ""
        raise ValidationError(f"人工指标尚未评分：{'、'.join(missing[:3])}{more}。")
    run = ScoringRun.objects.create(scheme=scheme, started_by=actor, message="排队等待评分……")
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=run, request=request)
    from dangjian.evaluation.tasks import assessment_scoring_run

    # The database backend writes the task row in this transaction: queued exactly if the run is.
    assessment_scoring_run.enqueue(run_id=run.pk)
    return run


@transaction.atomic
def assessment_results_publish(*, actor, run: ScoringRun, request=None) -> ScoringRun:
    """Publish a finished run: peers see the ranking, and the scheme is frozen from now on."""
    scheme = AssessmentScheme.objects.select_for_update().get(pk=run.scheme_id)
    run = ScoringRun.objects.get(pk=run.pk)
    _require_writer(actor, scheme)
    if scheme.is_published:
        raise ValidationError("该方案的考核结果已经发布。")
    if run.state != ScoringRun.State.DONE:
        raise ValidationError("评分尚未完成，不能发布。")
    if scheme.runs.filter(state=ScoringRun.State.DONE, queued_at__gt=run.queued_at).exists():
        raise ValidationError("已有更新的评分结果，请发布最新一次评分。")
    run.published = True
    run.save(update_fields=["published"])
    scheme.published_at = timezone.now()
    scheme.save(update_fields=["published_at"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=scheme, request=request, published_run=run.pk)
    return run
