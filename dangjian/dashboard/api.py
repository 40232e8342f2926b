"""API for the statistics and the rule findings: /dashboard (the figures of an area and period,
as the back office's dashboard shows them) and /dashboard/rules (every rule with its citation
and count, and one rule's findings page by page).

Every figure is generated from the records of the work (the registry's metrics and rules); none
is typed in. The same selectors as the pages: an area outside the caller's scope is a 404, and
the counts and findings cover the caller's scope within it only.
"""

import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from dangjian.accounts.scoping import Scope
from dangjian.core.registry import Severity
from dangjian.dashboard.selectors import (
    RuleFindings,
    dashboard_for,
    focus_for,
    period_for,
    rule_get,
    rules_in_order,
)

router = Router(tags=["统计与组织体检"])
MAX_FINDINGS_PAGE = 200


class DashboardQuery(Schema):
    area: int | None = Field(None, description="区域（市、区、街道、社区）；不填为本人管辖范围")
    period: Literal["month", "quarter", "year"] = Field("year", description="统计周期")
    on: datetime.date | None = Field(None, description="周期内的任一天，默认今天")
    live: bool = Field(False, description="不用夜间预先统计的结果，现在重新计算（较慢）")


class HeadlineOut(Schema):
    key: str
    label: str
    unit: str
    value: float | int | str | None
    previous: float | int | str | None = Field(description="上一周期")


class BreakdownOut(Schema):
    label: str
    unit: str
    rows: list[tuple[str, float | int | None]]


class ChildOut(Schema):
    area_id: int
    area_name: str
    values: list[float | int | None]


class RuleCountOut(Schema):
    code: str
    title: str
    severity: str
    severity_label: str
    citation: str
    action: str
    count: int


class DashboardOut(Schema):
    area_id: int | None
    area_name: str
    period: str
    period_start: datetime.date
    period_end: datetime.date
    computed_at: datetime.datetime | None = Field(description="预先统计的时间；为空表示刚刚实时计算")
    headlines: list[HeadlineOut]
    breakdowns: list[BreakdownOut]
    comparison_labels: list[str] = Field(description="下级区域对比的各项指标")
    children: list[ChildOut] = Field(description="下级区域的对比数字，顺序同 comparison_labels")
    finding_count: int
    rules_with_findings: list[RuleCountOut]


class FindingOut(Schema):
    message: str
    anchor: str = Field(description="所在党组织或区域")
    subject_type: str
    subject_id: int | str | None


def _rule_out(rule, count: int) -> dict:
    return {"code": rule.code, "title": str(rule.title), "severity": rule.severity,
            "severity_label": str(Severity.LABELS[rule.severity]), "citation": rule.citation,
            "action": str(rule.action), "count": count}


@router.get("", response=DashboardOut, summary="统计看板：一个区域、一个周期的各项数字和组织体检问题数")
def dashboard(request: HttpRequest, query: Query[DashboardQuery]):
    focus = focus_for(request.auth, query.area)
    period = period_for(query.period, query.on.isoformat() if query.on else None)
    board = dashboard_for(request.auth, focus=focus, period=period, live=query.live)
    return {
        "area_id": focus.pk if focus else None, "area_name": focus.name if focus else "本人管辖范围",
        "period": period.kind, "period_start": period.start, "period_end": period.end,
        "computed_at": board.rollup_computed_at,
        "headlines": [{"key": item.key, "label": str(item.label), "unit": str(item.unit), "value": item.value,
                       "previous": item.previous} for item in board.headlines],
        "breakdowns": [{"label": str(item["label"]), "unit": str(item["unit"]),
                        "rows": [(str(key), value) for key, value in item["rows"]]} for item in board.breakdowns],
        "comparison_labels": board.comparison_labels,
        "children": [{"area_id": row["area"].pk, "area_name": row["area"].name, "values": row["values"]}
                     for row in board.comparison_rows],
        "finding_count": board.finding_count,
        "rules_with_findings": [_rule_out(item.rule, item.count)
                                for group in board.findings_by_severity for item in group["items"]],
    }


class RulesQuery(Schema):
    area: int | None = Field(None, description="区域；不填为本人管辖范围")


@router.get("/rules", response=list[RuleCountOut], summary="组织体检：每条规则（依据、建议做法）及其问题数")
def rule_list(request: HttpRequest, query: Query[RulesQuery]):
    scope = Scope(actor=request.auth, focus_area=focus_for(request.auth, query.area))
    today = timezone.localdate()
    return [_rule_out(rule, rule.count(scope, today)) for rule in rules_in_order()]


class FindingsQuery(RulesQuery):
    limit: int = Field(50, ge=1, le=MAX_FINDINGS_PAGE)
    offset: int = Field(0, ge=0)


class FindingsOut(Schema):
    rule: RuleCountOut
    items: list[FindingOut]


@router.get("/rules/{code}/findings", response=FindingsOut, summary="一条规则发现的问题（分页）")
def rule_findings(request: HttpRequest, code: str, query: Query[FindingsQuery]):
    rule = rule_get(code)
    scope = Scope(actor=request.auth, focus_area=focus_for(request.auth, query.area))
    found = RuleFindings(rule, scope, timezone.localdate())
    page = found[query.offset:query.offset + query.limit]
    return {"rule": _rule_out(rule, found.count()),
            "items": [{"message": str(finding.message), "anchor": finding.anchor_label,
                       "subject_type": finding.subject._meta.label if finding.subject is not None else "",
                       "subject_id": getattr(finding.subject, "pk", None)} for finding in page]}
