"""Schemes built through the real services for the tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.evaluation import services

AUTO = {"code": "A1", "name": "党组织数量", "kind": "automatic", "weight": "60", "metric_key": "organizations.total",
        "target": "10", "baseline": "0", "curve": "linear"}
MANUAL = {"code": "M1", "name": "党建工作创新", "kind": "manual", "weight": "40", "evidence_required": True}


def scheme(actor, city, *, indicators=None, **fields):
    return services.assessment_scheme_create(
        actor=actor, name=fields.pop("name", "先进城区考核"), year=fields.pop("year", 2026),
        level=fields.pop("level", "district"), evaluator_area=fields.pop("evaluator_area", city.nanjing),
        indicators=indicators if indicators is not None else [dict(AUTO), dict(MANUAL)],
        title_top_share=fields.pop("title_top_share", 50), **fields)


def pdf(name="材料.pdf", content=b"%PDF-1.4 evidence"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def score_all_manual(actor, scheme_, areas, points_by_area: dict):
    for indicator in scheme_.indicators.filter(kind="manual"):
        for area in areas:
            services.manual_score_record(actor=actor, indicator=indicator, area=area,
                                         points=points_by_area[area.code], files=[pdf()])
