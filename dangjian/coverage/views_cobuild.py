"""Co-construction pages at /coverage/: pairings (list, new, an agreement with its activities and
reviews) and in-service members serving their community (posts, reports, hours, confirmation).
Same shape as ``coverage.views``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.coverage import forms, selectors, services, services_cobuild
from dangjian.coverage.models import ServicePost
from dangjian.coverage.views import PAGE_SIZE, _render, _run, errors_text
from dangjian.members.models import Employment, Member, Standing
from dangjian.members.views import role_required
from dangjian.organizations.metrics import COMMUNITY_PATH_LENGTH
from dangjian.organizations.models import Area, AreaLevel, PartyOrganization

CHOICES_MAX = 300


def _pairable(user):
    """Organizations the actor sees that can pair: communities' organizations and units' ones."""
    return list(scoping.narrow(user, PartyOrganization.objects.filter(is_active=True).filter(
        area__level__in=(AreaLevel.COMMUNITY, AreaLevel.GRID))).order_by("name_pinyin")[:CHOICES_MAX])


@role_required
def pairing_list(request):
    user = request.user
    may_write = scoping.may_write_anything(user)
    form = forms.PairingForm(request.POST or None, organizations=_pairable(user)) if may_write else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(services.CANNOT_WRITE)
        organizations = {o.pk: o for o in _pairable(user)}

        def call(data):
            services_cobuild.pairing_create(
                actor=user, community_organization=organizations[data.pop("community_organization")],
                unit_organization=organizations[data.pop("unit_organization")], request=request, **data)

        if _run(form, call):
            messages.success(request, "已登记结对共建。")
            return redirect("coverage:pairings")
    page = Paginator(selectors.pairings_for(user).order_by("-signed_on", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return _render(request, "coverage/pairings.html", {
        "title": "结对共建", "page": page, "form": form, "today": timezone.localdate()},
        400 if form is not None and form.errors else 200)


def pairing_page(request, pairing, *, activity_form=None, review_form=None, end_form=None, status=200):
    may_write = scoping.can_write(request.user, pairing)
    still_open = may_write and pairing.ended_on is None
    return _render(request, "coverage/pairing.html", {
        "title": str(pairing), "pairing": pairing, "may_write": may_write, "today": timezone.localdate(),
        "activities": list(pairing.activities.all()), "reviews": list(pairing.reviews.order_by("-year", "side")),
        "activity_form": (activity_form or forms.ActivityForm()) if still_open else None,
        "review_form": (review_form or forms.ReviewForm()) if may_write else None,
        "end_form": (end_form or forms.pairing_end_form()) if still_open else None,
        "end_error": errors_text(end_form)}, status)


@role_required
def pairing_detail(request, pairing_id):
    return pairing_page(request, selectors.pairing_get_for(request.user, pairing_id))


def _pairing_step(request, pairing_id, form_class, form_name, call, done):
    pairing = selectors.pairing_get_for(request.user, pairing_id)
    if not scoping.can_write(request.user, pairing):
        raise PermissionDenied(services.CANNOT_WRITE)
    if request.method != "POST":
        return redirect("coverage:pairing", pairing.pk)
    form = form_class(request.POST)
    if _run(form, lambda data: call(pairing, data)):
        messages.success(request, done)
        return redirect("coverage:pairing", pairing.pk)
    return pairing_page(request, pairing, status=400, **{form_name: form})


@role_required
def pairing_activity(request, pairing_id):
    return _pairing_step(request, pairing_id, forms.ActivityForm, "activity_form", done="已登记共建活动。",
                         call=lambda pairing, data: services_cobuild.pairing_activity_record(
                             actor=request.user, pairing=pairing, request=request, **data))


@role_required
def pairing_review(request, pairing_id):
    return _pairing_step(request, pairing_id, forms.ReviewForm, "review_form", done="已提交年度评价。",
                         call=lambda pairing, data: services_cobuild.pairing_review(
                             actor=request.user, pairing=pairing, request=request, **data))


# ---------------------------------------------------------------- in-service members


def _communities(user):
    return list(scoping.narrow(user, Area.objects.filter(level=AreaLevel.COMMUNITY), write=True)
                .order_by("path")[:CHOICES_MAX])


def _registrable(user):
    """Employed members the actor sees who have a residence community on file."""
    return list(scoping.narrow(user, Member.objects.filter(
        employment=Employment.EMPLOYED, standing=Standing.ACTIVE, residence_area__isnull=False), write=True)
        .select_related("residence_area").order_by("name_pinyin")[:CHOICES_MAX])


def _open_posts(user):
    """Open posts of the communities where the members the actor may register live: a member's
    organization registers them in their residence community, which may lie outside its own area;
    posts elsewhere are not shown."""
    homes = {member.residence_area.path[:COMMUNITY_PATH_LENGTH] for member in _registrable(user)}
    return list(ServicePost.objects.filter(is_open=True, community__path__in=homes).select_related("community")
                .order_by("community__path", "name")[:CHOICES_MAX])


@role_required
def service_list(request):
    """在职党员到社区报到: posts, who reported and their hours; unconfirmed service records."""
    user = request.user
    may_write = scoping.may_write_anything(user)
    post_form = register_form = None
    if may_write:
        post_form = forms.PostForm(request.POST if request.POST.get("form") == "post" else None,
                                   communities=_communities(user), prefix="post")
        register_form = forms.RegisterForm(request.POST if request.POST.get("form") == "register" else None,
                                           members=_registrable(user), posts=_open_posts(user), prefix="register")
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied(services.CANNOT_WRITE)
        if request.POST.get("form") == "post":
            def call(data):
                community = next(c for c in _communities(user) if c.pk == data.pop("community"))
                services_cobuild.service_post_create(actor=user, community=community, request=request, **data)
            form, done = post_form, "已新增服务岗位。"
        else:
            def call(data):
                member = next(m for m in _registrable(user) if m.pk == data.pop("member"))
                post = next(p for p in _open_posts(user) if p.pk == data.pop("post"))
                services_cobuild.service_register(actor=user, member=member, post=post, request=request, **data)
            form, done = register_form, "已登记报到。"
        if _run(form, call):
            messages.success(request, done)
            return redirect("coverage:services")
    registrations = Paginator(selectors.registrations_for(user).order_by("community__path", "member__name_pinyin"),
                              PAGE_SIZE).get_page(request.GET.get("page"))
    unconfirmed = list(selectors.service_records_for(user).filter(confirmed_on=None).order_by("served_on")[:50])
    for record in unconfirmed:
        record.may_confirm = scoping.can_write(user, record.registration.community)
    return _render(request, "coverage/services.html", {
        "title": "在职党员到社区报到", "posts": list(selectors.service_posts_for(user).order_by("community__path",
                                                                                              "name")[:100]),
        "registrations": registrations, "unconfirmed": unconfirmed, "post_form": post_form,
        "register_form": register_form, "record_form": forms.ServiceRecordForm() if may_write else None},
        400 if (post_form and post_form.errors) or (register_form and register_form.errors) else 200)


@role_required
def service_record(request, registration_id):
    registration = selectors.registration_get_for(request.user, registration_id)
    if not (scoping.can_write(request.user, registration.community)
            or scoping.can_write(request.user, registration.member)):
        raise PermissionDenied(services.CANNOT_WRITE)
    if request.method == "POST":
        form = forms.ServiceRecordForm(request.POST)
        if _run(form, lambda data: services_cobuild.service_record(actor=request.user, registration=registration,
                                                                   request=request, **data)):
            messages.success(request, "已登记服务记录，待社区确认。")
        else:
            messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("coverage:services")


@role_required
def service_confirm(request, record_id):
    record = selectors.service_record_get_for(request.user, record_id)
    if request.method == "POST":
        try:
            services_cobuild.service_confirm(actor=request.user, record=record, request=request)
            messages.success(request, "已确认服务时长。")
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
    return redirect("coverage:services")
