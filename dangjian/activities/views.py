"""The back office's activity pages at /activities/: the scoped list, announcing an activity,
its page with the registrations and waiting list, the check-in QR code to show on the spot,
the number of places, and the short report and photos afterwards.

Thin: selectors (outside scope: 404), a writing role (else 403), one service, its refusal back
on the form.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts import scoping
from dangjian.activities import forms, selectors, services
from dangjian.core import checkin
from dangjian.core.form_errors import put_service_errors_on
from dangjian.members.views import role_required
from dangjian.organizations.models import PartyOrganization, Unit

PAGE_SIZE = 50


def _render(request, template: str, context: dict, status: int = 200):
    response = render(request, template, {**admin.site.each_context(request), **context})
    response.status_code = status
    return response


@role_required
def activity_list(request):
    """社区活动: the activities in the actor's scope, newest first."""
    page = Paginator(selectors.activity_list_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "activities/list.html", {"title": "社区活动", "page": page, "now": timezone.now(),
                                                     "may_write": scoping.may_write_anything(request.user)})


def _choices(actor):
    organizations = scoping.narrow(actor, PartyOrganization.objects.filter(is_active=True), write=True)
    units = scoping.narrow(actor, Unit.objects.filter(is_operating=True))
    return {"communities": list(selectors.communities_for(actor)),
            "organizations": list(organizations.only("pk", "name").order_by("path")[:forms.CHOICES_MAX]),
            "units": list(units.only("pk", "name").order_by("name_pinyin", "pk")[:forms.CHOICES_MAX])}


def _pick(items, pk):
    return next((item for item in items if item.pk == pk), None)


@role_required
def activity_create(request):
    if not scoping.may_write_anything(request.user):
        raise PermissionDenied("您没有权限发布活动。")
    choices = _choices(request.user)
    form = forms.ActivityForm(request.POST or None, **choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = services.activity_create(
                actor=request.user, title=data["title"], kind=data["kind"],
                community=_pick(choices["communities"], data["community"]),
                organizer_organization=_pick(choices["organizations"], data["organizer_organization"]),
                organizer_unit=_pick(choices["units"], data["organizer_unit"]), starts_at=data["starts_at"],
                ends_at=data["ends_at"], place=data["place"], capacity=data["capacity"],
                keeps_waitlist=data["keeps_waitlist"], description=data["description"], request=request)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, "已发布活动，党员可在手机上报名。")
            return redirect("activities:detail", activity.pk)
    return _render(request, "activities/form.html", {"title": "发布活动", "form": form})


def _detail(request, activity, *, report_form=None, photo_form=None, capacity_form=None, status=200):
    may_write = scoping.can_write(request.user, activity)
    now = timezone.now()
    context = {"title": activity.title, "activity": activity, "may_write": may_write, "now": now,
               "registrations": list(selectors.activity_registrations(activity)),
               "photos": list(activity.photos.all())}
    if may_write:
        window = checkin.checkin_window(starts_at=activity.starts_at, ends_at=activity.ends_at)
        if now <= window.closes_at:
            url = request.build_absolute_uri(reverse("activities:checkin")) + "?t=" + services.checkin_token(activity)
            context.update(qr_svg=checkin.qr_svg(url), checkin_url=url, window=window)
        context["capacity_form"] = capacity_form or forms.CapacityForm(initial={"capacity": activity.capacity})
        if activity.ends_at <= now:
            context["report_form"] = report_form or forms.ReportForm(initial={"report": activity.report})
            context["photo_form"] = photo_form or forms.PhotoForm()
    return _render(request, "activities/detail.html", context, status=status)


@role_required
def activity_detail(request, activity_id):
    return _detail(request, selectors.activity_get_for(request.user, activity_id))


def _writable(request, activity_id):
    activity = selectors.activity_get_for(request.user, activity_id)
    if not scoping.can_write(request.user, activity):
        raise PermissionDenied(services.CANNOT_WRITE)
    return activity


def _step(request, activity, form, form_name, call, done):
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, done)
            return redirect("activities:detail", activity.pk)
    return _detail(request, activity, status=400, **{form_name: form})


@role_required
@require_POST
def activity_report(request, activity_id):
    activity = _writable(request, activity_id)
    return _step(request, activity, forms.ReportForm(request.POST), "report_form", lambda data: services.activity_report(
        actor=request.user, activity=activity, report=data["report"], request=request), "已保存活动小结。")


@role_required
@require_POST
def activity_photo(request, activity_id):
    activity = _writable(request, activity_id)
    return _step(request, activity, forms.PhotoForm(request.POST, request.FILES), "photo_form",
                 lambda data: services.photo_add(actor=request.user, activity=activity, upload=data["file"],
                                                 request=request), "已上传照片。")


@role_required
@require_POST
def activity_capacity(request, activity_id):
    activity = _writable(request, activity_id)
    return _step(request, activity, forms.CapacityForm(request.POST), "capacity_form",
                 lambda data: services.activity_set_capacity(actor=request.user, activity=activity,
                                                             capacity=data["capacity"], request=request),
                 "已修改名额；有空位时候补党员已依次递补。")
