"""The back office's dues pages at /dues/: the branches in scope with the month's collection,
the treasurer's month screen (tick who paid), a branch's arrears and its ledger export, a
member's dues (declare the base, record payments ahead or back, record an exemption), the rate
table.

Thin: selector (outside scope: 404), write check (403 for leaders and anyone who only reads),
one service call, its Chinese refusal back on the form (nothing written).
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts import audit, scoping
from dangjian.core.form_errors import put_service_errors_on
from dangjian.dues import forms, selectors, services
from dangjian.dues.amounts import month_start, shift_month
from dangjian.dues.ledger import ledger_xlsx
from dangjian.dues.models import DuesCategory
from dangjian.members.views import role_required

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _render(request, template: str, context: dict, status: int = 200):
    response = render(request, template, {**admin.site.each_context(request), **context})
    response.status_code = status
    return response


def _month(request, today):
    return forms.parse_month(request.GET.get("month")) or month_start(today)


@role_required
def dues_index(request):
    """党费收缴: the organizations in scope with the month's on-roll and paid counts."""
    today = timezone.localdate()
    month = _month(request, today)
    page = Paginator(selectors.branch_list_for(request.user, month=month), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "dues/index.html", {
        "title": "党费收缴", "page": page, "month": month, "previous": shift_month(month, -1),
        "next": shift_month(month, 1)})


@role_required
def dues_rates(request):
    return _render(request, "dues/rates.html", {"title": "党费交纳标准", "rates": list(selectors.rate_list())})


def _branch_page(request, organization, month, *, form=None, status=200):
    today = timezone.localdate()
    rows = selectors.branch_month(organization, month=month, today=today)
    may_write = scoping.can_write(request.user, organization)
    payable = [row.member for row in rows if row.state.status in (selectors.MonthStatus.DUE,
                                                                  selectors.MonthStatus.UNPAID,
                                                                  selectors.MonthStatus.UPCOMING)
               and row.state.due is not None]
    if may_write and form is None:
        form = forms.BranchMonthForm(payable=payable, initial={"paid_on": today})
    paid = [row for row in rows if row.state.status == selectors.MonthStatus.PAID]
    return _render(request, "dues/branch.html", {
        "title": f"{organization.name} {month.year}年{month.month}月党费", "organization": organization, "rows": rows,
        "month": month, "previous": shift_month(month, -1), "next": shift_month(month, 1), "form": form,
        "may_write": may_write, "payable_ids": {m.pk for m in payable}, "paid_count": len(paid),
        "paid_total": sum((row.state.paid for row in paid), 0)}, status)


@role_required
def branch_month(request, organization_id):
    """The treasurer's month: every member with the computed amount; tick who paid."""
    organization = selectors.branch_get_for(request.user, organization_id)
    today = timezone.localdate()
    month = forms.parse_month(request.POST.get("month") or request.GET.get("month")) or month_start(today)
    if request.method != "POST":
        return _branch_page(request, organization, month)
    if not scoping.can_write(request.user, organization):
        raise PermissionDenied("您没有权限登记该党组织的党费。")
    rows = selectors.branch_month(organization, month=month, today=today)
    form = forms.BranchMonthForm(request.POST, payable=[row.member for row in rows])
    if form.is_valid():
        chosen = set(form.cleaned_data["members"])
        try:
            made = services.dues_record_branch_month(
                actor=request.user, organization=organization, month=month, paid_on=form.cleaned_data["paid_on"],
                members=[row.member for row in rows if row.member.pk in chosen], request=request)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, f"已登记{len(made)}名党员{month.year}年{month.month}月的党费，"
                                       f"共{sum(p.amount for p in made)}元。")
            return redirect(f"{reverse('dues:branch', args=[organization.pk])}?month={month:%Y-%m}")
    return _branch_page(request, organization, month, form=form, status=200)


@role_required
def branch_arrears(request, organization_id):
    """欠交名单: who is behind, how many months, and who has reached the DUES-10 threshold."""
    organization = selectors.branch_get_for(request.user, organization_id)
    rules = settings.DANGJIAN_RULES
    return _render(request, "dues/arrears.html", {
        "title": f"{organization.name} 党费欠交名单", "organization": organization,
        "rows": selectors.branch_arrears(organization, today=timezone.localdate()),
        "warn": int(rules["DUES_ARREARS_WARN_MONTHS"]), "finding": int(rules["DUES_ARREARS_FINDING_MONTHS"])})


@role_required
def branch_ledger(request, organization_id):
    organization = selectors.branch_get_for(request.user, organization_id)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    content, rows = ledger_xlsx(organization, year=year, today=today)
    audit.record_export(actor=request.user, what="dues_ledger", rows=rows, request=request,
                        organization=organization.pk, year=year)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''dues-ledger-{organization.pk}-{year}.xlsx"
    return response


def _member_page(request, member, *, declare_form=None, pay_form=None, exempt_form=None, status=200):
    today = timezone.localdate()
    may_write = scoping.can_write(request.user, member) and member.standing == "active"
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    context = {
        "title": f"{member.name} 的党费", "member": member, "may_write": may_write, "year": year,
        "months": selectors.member_year(member, year=year, today=today),
        "declarations": list(selectors.declaration_list_for(request.user).filter(member=member)),
        "exemptions": list(selectors.exemption_list_for(request.user).filter(member=member)),
        "categories": DuesCategory,
    }
    if may_write:
        context["declare_form"] = declare_form or forms.DeclareForm(initial={"effective_from": f"{today:%Y-%m}"})
        context["pay_form"] = pay_form or forms.PayForm(initial={"from_month": f"{today:%Y-%m}", "paid_on": today})
        context["exempt_form"] = exempt_form or forms.ExemptForm()
    return _render(request, "dues/member.html", context, status)


@role_required
def member_dues(request, member_id):
    return _member_page(request, selectors.member_get_for(request.user, member_id))


def _writable_member(request, member_id):
    member = selectors.member_get_for(request.user, member_id)
    if not scoping.can_write(request.user, member):
        raise PermissionDenied(services.CANNOT_WRITE)
    return member


def _step(request, member, form, form_name: str, call, done: str):
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, done)
            return redirect(reverse("dues:member", args=[member.pk]))
    return _member_page(request, member, **{form_name: form})


@role_required
@require_POST
def member_declare(request, member_id):
    member = _writable_member(request, member_id)
    return _step(request, member, forms.DeclareForm(request.POST), "declare_form", lambda data: services.dues_declare(
        actor=request.user, member=member, category=data["category"], income_base=data["income_base"],
        agreed_amount=data["agreed_amount"], effective_from=data["effective_from"], note=data["note"],
        request=request), "已登记党费基数。")


@role_required
@require_POST
def member_pay(request, member_id):
    member = _writable_member(request, member_id)
    return _step(request, member, forms.PayForm(request.POST), "pay_form", lambda data: services.dues_pay_range(
        actor=request.user, member=member, from_month=data["from_month"],
        to_month=data["to_month"] or data["from_month"], paid_on=data["paid_on"], amount=data["amount"],
        request=request), "已登记党费交纳。")


@role_required
@require_POST
def member_exempt(request, member_id):
    member = _writable_member(request, member_id)
    return _step(request, member, forms.ExemptForm(request.POST), "exempt_form", lambda data: services.dues_exempt(
        actor=request.user, member=member, from_month=data["from_month"], to_month=data["to_month"],
        reason=data["reason"], approval=data["approval"], request=request), "已登记减免（缓交）。")
