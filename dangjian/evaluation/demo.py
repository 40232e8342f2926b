"""Demo assessment: the city's 先进城区 scheme for the demo year and the year before, over the
districts, with automatic indicators from the records and one manual indicator with evidence,
scored and published (比学赶超). Idempotent: a scheme already there is left alone.

The automatic indicators are taken from the metrics registered at the time the demo runs (the
preferred ones below when present); whatever is registered, the weights add up to 100.
"""

from django.core.files.base import ContentFile
from django.utils import timezone

from dangjian.core.demo import DemoContext, demo_builder
from dangjian.core.registry import metrics
from dangjian.dashboard.findings import findings_record
from dangjian.evaluation import services
from dangjian.evaluation.models import AssessmentScheme, IndicatorKind
from dangjian.evaluation.scoring_runs import assessment_scoring_execute
from dangjian.organizations.models import Area, AreaLevel

SCHEME_NAME = "先进城区党建工作考核"
# (metric key, target, baseline): full points at the target, none at the baseline.
PREFERRED = (
    ("organizations.community_coverage_rate", "100", "80"),
    ("concerns.satisfaction_rate", "95", "60"),
    ("concerns.overdue", "0", "20"),
    ("concerns.median_resolution_days", "5", "20"),
)
AUTOMATIC_WEIGHT, MANUAL_WEIGHT = 70, 30
# A one-page PDF: the demo's evidence file (a summary of the district's innovation).
EVIDENCE = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")
MANUAL_NOTES = ("“红色物业”联建机制成效明显", "网格党建做法被市级推广", "区域化党建联席会议运转规范，但案例材料不够完整")


def _indicators() -> list[dict]:
    chosen = [(key, target, baseline) for key, target, baseline in PREFERRED if key in metrics]
    rows = []
    for position, (key, target, baseline) in enumerate(chosen, start=1):
        share = AUTOMATIC_WEIGHT // len(chosen) + (AUTOMATIC_WEIGHT % len(chosen) if position == 1 else 0)
        rows.append({"code": f"A{position}", "name": str(metrics.get(key).label), "kind": IndicatorKind.AUTOMATIC,
                     "weight": share, "metric_key": key, "target": target, "baseline": baseline})
    manual_weight = MANUAL_WEIGHT if rows else 100
    rows.append({"code": "M1", "name": "党建工作创新与品牌建设", "kind": IndicatorKind.MANUAL, "weight": manual_weight,
                 "evidence_required": True, "guidance": "考核办根据各区报送的创新案例评定（附案例材料）"})
    return rows


def _score_year(ctx: DemoContext, city: Area, year: int) -> AssessmentScheme | None:
    if AssessmentScheme.objects.filter(evaluator_area=city, year=year, name=SCHEME_NAME).exists():
        return None
    scheme = services.assessment_scheme_create(
        actor=ctx.actor, name=SCHEME_NAME, year=year, level=AreaLevel.DISTRICT, evaluator_area=city,
        indicators=_indicators(), title_top_share=30, title_min_score=60)
    manual = scheme.indicators.get(code="M1")
    for position, district in enumerate(services.evaluated_areas(scheme)):
        points = manual.weight * (60 + ctx.rng.randint(0, 40)) / 100
        evidence = ContentFile(EVIDENCE, name=f"{district.name}{year}年党建创新案例.pdf")
        services.manual_score_record(actor=ctx.actor, indicator=manual, area=district, points=round(points, 1),
                                     note=MANUAL_NOTES[position % len(MANUAL_NOTES)], files=[evidence])
    run = services.assessment_scoring_start(actor=ctx.actor, scheme=scheme)
    run = assessment_scoring_execute(run_id=run.pk)
    services.assessment_results_publish(actor=ctx.actor, run=run)
    return scheme


@demo_builder(order=100)
def build_assessment(ctx: DemoContext) -> None:
    city = Area.objects.filter(depth=1).order_by("path").first()
    if city is None:
        return
    year = timezone.localdate().year
    made = [scheme for scheme in (_score_year(ctx, city, year - 1), _score_year(ctx, city, year)) if scheme]
    ctx.log(f"  考核方案 {len(made)} 个（{city.name}考核各区，已评分并发布）")
    run = findings_record()
    ctx.log(f"  组织体检记录：问题{run.open_findings}项")
