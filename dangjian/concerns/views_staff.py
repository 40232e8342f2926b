"""The back office's concern pages at /concerns/: the scoped list with its filters, the detail
page with the full timeline and the actions (assign, note, resolve), and staff intake.

Thin like the member pages: look up through the selector (outside scope: 404), check the actor
may write (otherwise 403, read-only leaders too), call one service, put its Chinese refusal back
on the form. Services are atomic, so a refused step writes nothing.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts import audit, scoping
from dangjian.concerns import forms, selectors, services
from dangjian.core.form_errors import put_service_errors_on
from dangjian.members.models import Member
from dangjian.members.views import role_required
from dangjian.organizations.models import PartyOrganization, Unit

PAGE_SIZE = 50


def _render(request, template: str, context: dict):
    return render(request, template, {**admin.site.each_context(request), **context})


def _detail_url(concern) -> str:
    return reverse("concerns:detail", args=[concern.pk])


@role_required
def concern_list(request):
    """群众诉求: the concerns in the actor's scope, newest first, with the list's filters."""
    areas = list(selectors.areas_for_filter(request.user))
    form = forms.ListFilterForm(request.GET or None, areas=areas)
    concerns = selectors.concern_list_for(request.user)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        area = next((a for a in areas if a.pk == data["area"]), None)
        filters = {"status": data["status"], "category": data["category"], "overdue": data["overdue"],
                   "unassigned": data["unassigned"], "area": area, "code": data["code"]}
        concerns = selectors.concern_filter(concerns, **filters)
    page = Paginator(concerns, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _render(request, "concerns/list.html", {
        "title": "群众诉求", "form": form, "page": page, "today": timezone.localdate(), "query": query.urlencode(),
        "may_write": scoping.may_write_anything(request.user),
    })


def _detail(request, concern, *, assign_form=None, note_form=None, resolve_form=None, phone=None, status=200):
    may_write = scoping.can_write(request.user, concern)
    context = {"title": f"群众诉求第{concern.pk}号", "concern": concern, "may_write": may_write,
               "events": list(selectors.concern_timeline(concern, public_only=False)),
               "today": timezone.localdate(), "phone": phone}
    if may_write and concern.is_open:
        choices = selectors.assignee_choices(request.user, concern)
        context["assign_form"] = assign_form or forms.AssignForm(**choices)
        context["note_form"] = note_form or forms.NoteForm()
        if concern.status != "received":
            context["resolve_form"] = resolve_form or forms.ResolveForm()
    response = _render(request, "concerns/detail.html", context)
    response.status_code = status
    return response


@role_required
def concern_detail(request, concern_id):
    return _detail(request, selectors.concern_get_for(request.user, concern_id))


def _writable(request, concern_id):
    concern = selectors.concern_get_for(request.user, concern_id)
    if not scoping.can_write(request.user, concern):
        raise PermissionDenied("您没有权限办理该诉求。")
    return concern


def _step(request, concern, form, form_name: str, call, done: str):
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, done)
            return redirect(_detail_url(concern))
    return _detail(request, concern, **{form_name: form})


def _in_scope(actor, model, pk):
    """The chosen assignee, looked up within the actor's scope (None when not there)."""
    if pk is None:
        return None
    found = scoping.narrow(actor, model.objects.filter(pk=pk)).first()
    if found is None:
        raise ValidationError({"assignee": "所选承办对象不存在或不在您的管辖范围内。"})
    return found


@role_required
@require_POST
def concern_assign(request, concern_id):
    concern = _writable(request, concern_id)
    form = forms.AssignForm(request.POST, **selectors.assignee_choices(request.user, concern))

    def call(data):
        services.concern_assign(
            actor=request.user, concern=concern,
            organization=_in_scope(request.user, PartyOrganization, data["organization"]),
            unit=_in_scope(request.user, Unit, data["unit"]), member=_in_scope(request.user, Member, data["member"]),
            note=data["note"], request=request)

    return _step(request, concern, form, "assign_form", call, "已交办。")


@role_required
@require_POST
def concern_note(request, concern_id):
    concern = _writable(request, concern_id)
    return _step(request, concern, forms.NoteForm(request.POST), "note_form", lambda data: services.concern_add_note(
        actor=request.user, concern=concern, text=data["text"], public=data["public"], request=request),
        "已记录办理情况。")


@role_required
@require_POST
def concern_resolve(request, concern_id):
    concern = _writable(request, concern_id)
    return _step(request, concern, forms.ResolveForm(request.POST), "resolve_form",
                 lambda data: services.concern_resolve(actor=request.user, concern=concern, reply=data["reply"],
                                                       request=request),
                 "已办结，居民可凭查询码查看答复并评价。")


@role_required
@require_POST
def concern_reveal_phone(request, concern_id):
    """The full phone number for a call-back: only for those who handle it, always audited."""
    concern = _writable(request, concern_id)
    audit.record_reveal(actor=request.user, obj=concern, field="resident_phone", purpose="回访居民", request=request)
    return _detail(request, concern, phone=concern.resident_phone)


@role_required
def concern_intake(request):
    """登记诉求: a phone call, a visit or something found on a round, taken down by staff."""
    if not scoping.may_write_anything(request.user):
        raise PermissionDenied("您没有权限登记诉求。")
    communities = selectors.communities_by_street(writable_by=request.user)
    form = forms.StaffIntakeForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = services.concern_intake(
                actor=request.user, category=data["category"], description=data["description"],
                community=selectors.community_for_public(data["community"]), channel=data["channel"],
                grid=data["grid"], location=data["location"], resident_name=data["resident_name"],
                resident_phone=data["resident_phone"], request=request)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, f"已登记。请告知居民查询码：{concern.display_code}（凭码查询进度和评价）。")
            return redirect(_detail_url(concern))
    return _render(request, "concerns/intake.html", {"title": "登记诉求", "form": form})
