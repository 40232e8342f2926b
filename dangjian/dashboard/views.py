"""The first dashboard (the admin index) and the organization health check page."""

from urllib.parse import quote

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import Role
from dangjian.accounts.scoping import Scope
from dangjian.core.registry import Severity
from dangjian.dashboard import findings
from dangjian.dashboard.export import dashboard_workbook
from dangjian.dashboard.selectors import (
    PERIOD_KINDS,
    RuleFindings,
    dashboard_for,
    focus_for,
    period_for,
    rule_get,
    rules_in_order,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# The landing pages of the roles that have no dashboard (function and duty roles): role → (title, url name).
DUTY_PAGES = {
    Role.LIAISON: ("联席会工作（本单位任务、需求与项目）", "conference:liaison_home"),
    Role.SCHOOL_ADMIN: ("社区党校（排课、签到、学时）", "school:list"),
    Role.INSTRUCTOR: ("我的联系单位（走访记录）", "coverage:mine"),
    Role.SYSTEM_ADMIN: ("系统状态", "system-status"),
    Role.SECURITY_ADMIN: ("角色授权", "admin:accounts_roleassignment_changelist"),
    Role.AUDIT_ADMIN: ("审计日志", "admin:accounts_auditentry_changelist"),
}


def admin_index_context(request, context):
    """unfold's DASHBOARD_CALLBACK: the admin index is the dashboard of the user's scope; a user
    holding only function or duty roles gets the links to their own work instead."""
    if not scoping.has_any_role(request.user):
        held = {grant.role for grant in scoping.grants_for(request.user)}
        context["duty_pages"] = [
            {"title": title, "url": reverse(url_name), "role": Role(role).label}
            for role, (title, url_name) in DUTY_PAGES.items() if role in held
        ]
        return context
    try:
        focus = focus_for(request.user, request.GET.get("area"))
    except Http404:
        focus = focus_for(request.user, None)
    period = period_for(request.GET.get("period"))
    context.update({
        # ?live=1 computes the figures now instead of reading the nightly rollup.
        "board": dashboard_for(request.user, focus=focus, period=period, live=request.GET.get("live") == "1"),
        "period_kinds": PERIOD_KINDS,
        "focus": focus,
    })
    return context


FINDINGS_PER_PAGE = 50


RESOLVED_SHOWN = 50


def _recorded_context(actor, focus) -> dict:
    """What the weekly record adds to the health check: score cards, the trend, what was fixed."""
    run = findings.latest_run()
    if run is None:
        return {"recorded": None}
    resolved = findings.resolved_since(actor, focus, run)
    return {"recorded": run, "score_cards": findings.score_cards(actor, focus, run),
            "trend": findings.findings_trend(actor, focus), "resolved": list(resolved[:RESOLVED_SHOWN]),
            "resolved_count": resolved.count(), "severity_labels": Severity.LABELS}


@staff_member_required
def dashboard_export(request):
    """The dashboard shown for ``?area=&period=`` as .xlsx (audited)."""
    if not scoping.has_any_role(request.user):
        raise Http404
    focus = focus_for(request.user, request.GET.get("area"))  # 404 outside scope
    board = dashboard_for(request.user, focus=focus, period=period_for(request.GET.get("period")),
                          live=request.GET.get("live") == "1")
    content, rows = dashboard_workbook(board)
    audit.record_export(actor=request.user, what="dashboard", rows=rows, request=request,
                        area=focus.name if focus else "", period=board.period.label)
    response = HttpResponse(content, content_type=XLSX)
    name = f"统计看板-{focus.name if focus else '本人负责'}-{board.period.label}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@staff_member_required
def health_check(request):
    """组织体检: every registered rule's findings for the scope, with its citation, a page of
    FINDINGS_PER_PAGE per rule (``?rule=CODE&page=N`` pages through one rule)."""
    if not scoping.has_any_role(request.user):
        raise Http404
    focus = focus_for(request.user, request.GET.get("area"))
    scope = Scope(actor=request.user, focus_area=focus)
    only = request.GET.get("rule")
    today = timezone.localdate()
    results = []
    for rule in [rule_get(only)] if only else rules_in_order():
        page = Paginator(RuleFindings(rule, scope, today), FINDINGS_PER_PAGE).get_page(
            request.GET.get("page") if only else 1)
        # A page of findings grouped by the organization (or area) each is about.
        page_findings = sorted(page.object_list, key=lambda finding: finding.anchor_label)
        results.append({"rule": rule, "severity_label": Severity.LABELS[rule.severity], "page": page,
                        "findings": page_findings, "count": page.paginator.count})
    context = {
        **admin.site.each_context(request),
        "title": "组织体检",
        "results": results,
        "focus": focus,
        "only": only,
        "finding_total": sum(item["count"] for item in results),
        **_recorded_context(request.user, focus),
    }
    return render(request, "dashboard/health_check.html", context)
