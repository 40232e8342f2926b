"""API for assessment (比学赶超) at /api/v1/evaluation.

Thin handlers over the selectors (outside scope: 404, also for an area or indicator id in a
body) and the services (refusals: 422 in Chinese; a read-only leader or an evaluated area: 403).
Manual scores travel as JSON; evidence files as multipart to ``/manual-scores/{id}/evidence``
(an indicator that requires evidence needs its first file with the score: on the staff page).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Router, Schema, UploadedFile
from ninja.responses import Status

from dangjian.evaluation import selectors, services
from dangjian.evaluation.models import AssessmentScheme, Curve, IndicatorKind, ScoringRun
from dangjian.organizations import selectors as organization_selectors

router = Router(tags=["考核评价"])


class AreaRef(Schema):
    id: int
    name: str


class IndicatorIn(Schema):
    code: str = Field("", max_length=20)
    name: str = Field(max_length=120)
    kind: IndicatorKind
    weight: Decimal = Field(description="权重（本项满分），各项之和须为100")
    metric_key: str = Field("", description="自动指标：系统登记的统计指标键")
    target: Decimal | None = None
    baseline: Decimal | None = Field(None, description="得0分的值（默认0）；低于目标值表示越低越好")
    curve: Curve = Curve.LINEAR
    evidence_required: bool = False
    guidance: str = Field("", max_length=500)


class IndicatorOut(IndicatorIn):
    id: int


class SchemeIn(Schema):
    name: str = Field(max_length=120)
    year: int = Field(ge=2000, le=2100)
    level: str = Field(pattern="^(district|street|community)$")
    evaluator_area: int = Field(description="考核单位所在区域 id")
    title_label: str = Field("先进", max_length=20)
    title_top_share: int | None = Field(None, description="称号授予前百分之几")
    title_min_score: Decimal | None = Field(None, description="称号最低得分")
    indicators: list[IndicatorIn]


class ReviseIn(Schema):
    name: str | None = Field(None, max_length=120)
    title_label: str | None = Field(None, max_length=20)
    title_top_share: int | None = None
    title_min_score: Decimal | None = None
    indicators: list[IndicatorIn]


class SchemeOut(Schema):
    id: int
    name: str
    year: int
    level: str
    version: int
    evaluator_area: AreaRef
    title_label: str
    title_top_share: int | None
    title_min_score: Decimal | None
    published_at: datetime.datetime | None
    superseded: bool

    @staticmethod
    def resolve_superseded(obj) -> bool:
        return not obj.is_current


class SchemeDetailOut(SchemeOut):
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(obj) -> list:
        return list(obj.indicators.all())


class RunOut(Schema):
    id: int
    scheme_id: int
    state: ScoringRun.State
    progress: int
    message: str
    queued_at: datetime.datetime
    finished_at: datetime.datetime | None
    published: bool


class RankOut(Schema):
    area: AreaRef
    total: Decimal
    rank: int
    title: str
    previous_total: Decimal | None
    previous_rank: int | None


class LineOut(Schema):
    indicator: IndicatorOut
    value: Decimal | None
    points: Decimal
    lost: Decimal
    note: str


class ScoreDetailOut(RankOut):
    id: int
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        # Where points were lost first; ``lines`` is the reverse relation and cannot be assigned.
        return selectors.breakdown(obj)


class ManualScoreIn(Schema):
    indicator: int
    area: int
    points: Decimal
    note: str = Field("", max_length=500)


class ManualScoreOut(Schema):
    id: int
    indicator_id: int
    area: AreaRef
    points: Decimal
    note: str
    evidence: list[str] = Field(description="佐证材料文件名")

    @staticmethod
    def resolve_evidence(obj) -> list[str]:
        return [item.file_name for item in obj.evidence.all()]


def _managed(actor, scheme_id: int) -> AssessmentScheme:
    scheme = selectors.scheme_get_for(actor, scheme_id)
    if not selectors.may_manage(actor, scheme):
        raise PermissionDenied(services.CANNOT_WRITE)
    return scheme


@router.get("/schemes", response=list[SchemeOut], summary="考核方案")
def scheme_list(request: HttpRequest):
    return list(selectors.scheme_list_for(request.auth))


@router.post("/schemes", response={201: SchemeDetailOut}, summary="新建考核方案")
def scheme_create(request: HttpRequest, data: SchemeIn):
    actor = request.auth
    area = organization_selectors.area_get_for(actor, data.evaluator_area)
    scheme = services.assessment_scheme_create(
        actor=actor, name=data.name, year=data.year, level=data.level, evaluator_area=area,
        indicators=[row.dict() for row in data.indicators], title_label=data.title_label,
        title_top_share=data.title_top_share, title_min_score=data.title_min_score, request=request)
    return Status(201, scheme)


@router.get("/schemes/{int:scheme_id}", response=SchemeDetailOut, summary="考核方案及指标")
def scheme_detail(request: HttpRequest, scheme_id: int):
    return selectors.scheme_get_for(request.auth, scheme_id)


@router.post("/schemes/{int:scheme_id}/revise", response=SchemeDetailOut,
             summary="修订方案（结果已发布的生成新版本）")
def scheme_revise(request: HttpRequest, scheme_id: int, data: ReviseIn):
    actor = request.auth
    return services.assessment_scheme_revise(
        actor=actor, scheme=_managed(actor, scheme_id), indicators=[row.dict() for row in data.indicators],
        name=data.name, title_label=data.title_label, title_top_share=data.title_top_share,
        title_min_score=data.title_min_score, request=request)


@router.post("/schemes/{int:scheme_id}/score", response={202: RunOut}, summary="开始评分（后台任务）")
def scheme_score(request: HttpRequest, scheme_id: int):
    actor = request.auth
    run = services.assessment_scoring_start(actor=actor, scheme=_managed(actor, scheme_id), request=request)
    run.refresh_from_db()
    return Status(202, run)


@router.get("/schemes/{int:scheme_id}/manual-scores", response=list[ManualScoreOut],
            summary="人工评分（考核单位看全部，被考核区域只看自己的）")
def manual_score_list(request: HttpRequest, scheme_id: int):
    actor = request.auth
    return list(selectors.manual_scores_for(actor, selectors.scheme_get_for(actor, scheme_id)))


@router.post("/manual-scores", response={201: ManualScoreOut}, summary="人工评分（考核单位）")
def manual_score_record(request: HttpRequest, data: ManualScoreIn):
    actor = request.auth
    indicator = get_object_or_404(selectors.indicator_list_for(actor), pk=data.indicator)
    _managed(actor, indicator.scheme_id)
    area = organization_selectors.area_get_for(actor, data.area)
    score = services.manual_score_record(actor=actor, indicator=indicator, area=area, points=data.points,
                                         note=data.note, request=request)
    return Status(201, selectors.manual_scores_for(actor, indicator.scheme).get(pk=score.pk))


@router.post("/manual-scores/{int:manual_score_id}/evidence", response={201: ManualScoreOut},
             summary="上传佐证材料（multipart，字段名 files；PDF、Word、Excel）")
def manual_score_evidence(request: HttpRequest, manual_score_id: int, files: File[list[UploadedFile]]):
    actor = request.auth
    score = get_object_or_404(selectors.manual_score_list_for(actor), pk=manual_score_id)
    _managed(actor, score.indicator.scheme_id)
    services.manual_score_add_evidence(actor=actor, manual_score=score, files=files, request=request)
    return Status(201, selectors.manual_score_list_for(actor).get(pk=score.pk))


@router.get("/runs/{int:run_id}", response=RunOut, summary="评分进度")
def run_detail(request: HttpRequest, run_id: int):
    return selectors.run_get_for(request.auth, run_id)


@router.post("/runs/{int:run_id}/publish", response=RunOut, summary="发布考核结果")
def run_publish(request: HttpRequest, run_id: int):
    actor = request.auth
    run = selectors.run_get_for(actor, run_id)
    _managed(actor, run.scheme_id)
    return services.assessment_results_publish(actor=actor, run=run, request=request)


@router.get("/runs/{int:run_id}/ranking", response=list[RankOut], summary="排名（同级区域公开）")
def run_ranking(request: HttpRequest, run_id: int):
    actor = request.auth
    return selectors.ranking(actor, selectors.run_get_for(actor, run_id))


@router.get("/scores/{int:score_id}", response=ScoreDetailOut, summary="得分明细（本区域及考核单位）")
def score_detail(request: HttpRequest, score_id: int):
    return selectors.score_get_for(request.auth, score_id)
