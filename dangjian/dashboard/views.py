"""The first dashboard (the admin index) and the organization health check page."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.accounts.scoping import Scope
from dangjian.core.registry import Severity, rules
from dangjian.dashboard.selectors import PERIOD_KINDS, dashboard_for, focus_for, period_for


def admin_index_context(request, context):
    """unfold's DASHBOARD_CALLBACK: the admin index is the dashboard of the user's scope."""
    if not scoping.has_any_role(request.user):
        return context
    try:
        focus = focus_for(request.user, request.GET.get("area"))
    except Http404:
        focus = focus_for(request.user, None)
    period = period_for(request.GET.get("period"))
    context.update({
        "board": dashboard_for(request.user, focus=focus, period=period),
        "period_kinds": PERIOD_KINDS,
        "focus": focus,
    })
    return context


@staff_member_required
def health_check(request):
    """组织体检: every registered rule's findings for the scope, with its citation."""
    if not scoping.has_any_role(request.user):
        raise Http404
    focus = focus_for(request.user, request.GET.get("area"))
    scope = Scope(actor=request.user, focus_area=focus)
    results = []
    for rule, findings in rules.findings(scope, timezone.localdate()):
        results.append({"rule": rule, "severity_label": Severity.LABELS[rule.severity], "findings": findings})
    results.sort(key=lambda item: (Severity.ORDER[item["rule"].severity], item["rule"].code))
    context = {
        **admin.site.each_context(request),
        "title": "组织体检",
        "results": results,
        "focus": focus,
        "finding_total": sum(len(item["findings"]) for item in results),
    }
    return render(request, "dashboard/health_check.html", context)
