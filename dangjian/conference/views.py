"""The conference pages at /conference/: the list, a conference's home (seats and holders,
meetings, library, the three lists), the task board, the library, and the liaison's home.

Thin like the concern pages: read through a selector (outside scope: 404), check the actor
writes to the conference (otherwise 403: leaders and liaisons read), call one service, put its
Chinese refusal back on the form. Meetings and tasks are in ``views_meetings``.
"""

from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts import scoping
from dangjian.accounts.models import Role
from dangjian.accounts.scoping import Scope
from dangjian.conference import forms, selectors, services, services_lists, services_meetings
from dangjian.conference.models import DemandStatus, SeatPost
from dangjian.core.form_errors import form_step
from dangjian.core.periods import Period
from dangjian.core.registry import metrics
from dangjian.organizations.models import Area, AreaLevel, Unit


def conference_page(view):
    """Signed in (else the admin login), and an office role or a liaison (else 404)."""

    @staff_member_required(login_url="admin:login")
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.may_use_conference_pages(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def render_page(request, template: str, context: dict, status: int = 200):
    response = render(request, template, {**admin.site.each_context(request), **context})
    response.status_code = status
    return response


def may_write(actor, conference) -> bool:
    return scoping.can_write(actor, conference.area)


def writable_conference(request, conference_id):
    conference = selectors.conference_get_for(request.user, conference_id)
    if not may_write(request.user, conference):
        raise PermissionDenied(services.CANNOT_WRITE)
    return conference


@conference_page
def conference_list(request):
    if scoping.holds_role(request.user, Role.LIAISON) and not scoping.has_any_role(request.user):
        return redirect("conference:liaison_home")
    conferences = list(selectors.conference_list_for(request.user).order_by("area__path", "pk"))
    may_found = scoping.may_write_anything(request.user) and selectors.areas_to_found_in(request.user).exists()
    return render_page(request, "conference/list.html", {"title": "社区党建联席会", "conferences": conferences,
                                                         "may_found": may_found})


@conference_page
def conference_new(request):
    """Found the joint conference of a district or street the actor writes to (一个班子)."""
    areas = list(selectors.areas_to_found_in(request.user)) if scoping.may_write_anything(request.user) else []
    if not areas:
        raise PermissionDenied("您管辖的区、街道都已设立联席会，或您没有设立联席会的权限。")
    form = forms.ConferenceForm(request.POST or None, areas=areas)

    def page_again(form, status=400):
        return render_page(request, "conference/new.html", {"title": "设立社区党建联席会", "form": form}, status)

    if request.method != "POST":
        return page_again(form, status=200)
    return form_step(request, form, lambda data: services.conference_create(
        actor=request.user, area=next((area for area in areas if area.pk == data["area"]), None), name=data["name"],
        established_on=data["established_on"], request=request),
        done=lambda conference: f"已设立{conference.name}。下一步：增加成员单位席位。",
        success_url=lambda conference: reverse("conference:home", args=[conference.pk]), page_again=page_again)


def _units_for_seat(actor, conference):
    taken = conference.seats.filter(left_on__isnull=True).values("unit")
    return (scoping.narrow(actor, Unit.objects.filter(is_operating=True))
            .filter(area__path__startswith=conference.area.path).exclude(pk__in=taken).order_by("name_pinyin", "pk")[:300])


def _figures(actor, conference) -> list[dict]:
    """This year's conference metrics for this conference alone (the focus on its area: one
    conference per area) — the same computations the dashboard rolls up the Area tree."""
    scope, period = Scope(actor=actor, focus_area=conference.area), Period.current("year")
    return [{"label": metric.label, "unit": metric.unit, "value": metric.compute(scope, period)}
            for metric in metrics.all() if metric.key.startswith("conference.")]


def _home(request, conference, *, seat_form=None, meeting_form=None, status=200):
    writer = may_write(request.user, conference)
    today = timezone.localdate()
    meetings = list(selectors.meeting_list_for(request.user).filter(conference=conference)[:20])
    documents = list(selectors.document_list_for(request.user).filter(conference=conference, status="in_force"))
    tasks = selectors.task_list_for(request.user).filter(conference=conference)
    plenary, research = selectors.meetings_per_year(conference)
    context = {
        "title": conference.name, "conference": conference, "may_write": writer, "today": today,
        "seats": selectors.seats_of(conference), "meetings": meetings, "documents": documents,
        "reminders": selectors.task_reminders(tasks, on_date=today), "task_count": tasks.count(),
        "overdue_milestones": selectors.milestones_overdue(
            selectors.milestone_list_for(request.user).filter(project__conference=conference), on_date=today),
        "plenary_per_year": plenary, "research_per_year": research, "figures": _figures(request.user, conference),
        "held_this_year": {kind: sum(1 for m in meetings if m.kind == kind and m.held_on.year == today.year
                                     and m.held_on <= today) for kind in ("plenary", "research")},
    }
    if writer:
        context["seat_form"] = seat_form or forms.SeatForm(units=_units_for_seat(request.user, conference),
                                                           initial={"starts_on": today})
        context["meeting_form"] = meeting_form or forms.MeetingForm(documents=documents,
                                                                    initial={"held_on": today, "kind": "plenary"})
        context["handover_form"] = forms.HandoverForm(initial={"on_date": today})
        context["leave_form"] = forms.SeatLeaveForm(initial={"on_date": today})
        context["post_choices"] = SeatPost.choices
    return render_page(request, "conference/home.html", context, status)


@conference_page
def conference_home(request, conference_id):
    return _home(request, selectors.conference_get_for(request.user, conference_id))


@conference_page
@require_POST
def seat_new(request, conference_id):
    conference = writable_conference(request, conference_id)
    form = forms.SeatForm(request.POST, units=_units_for_seat(request.user, conference))
    return form_step(request, form, lambda data: services.seat_create(
        actor=request.user, conference=conference,
        unit=scoping.narrow(request.user, Unit.objects.filter(pk=data["unit"])).first(), post=data["post"],
        holder_name=data["holder_name"], holder_title=data["holder_title"], starts_on=data["starts_on"],
        term_ends_on=data["term_ends_on"], request=request),
        done="已增加席位。", success_url=reverse("conference:home", args=[conference.pk]),
        page_again=lambda form: _home(request, conference, seat_form=form, status=400))


@conference_page
@require_POST
def seat_handover(request, seat_id):
    return _seat_step(request, seat_id, forms.HandoverForm, lambda seat, data: services.seat_handover(
        actor=request.user, seat=seat, holder_name=data["holder_name"], holder_title=data["holder_title"],
        on_date=data["on_date"], term_ends_on=data["term_ends_on"], request=request),
        "已完成交接，原任职记录已保留。")


def _seat_step(request, seat_id, form_class, call, done: str):
    """A small form on one seat's row (post, leaving): refusals come back as messages."""
    seat = selectors.seat_get_for(request.user, seat_id)
    if not may_write(request.user, seat.conference):
        raise PermissionDenied(services.CANNOT_WRITE)
    home = reverse("conference:home", args=[seat.conference_id])

    def refused(form):
        for error in form.non_field_errors() or [e for errors in form.errors.values() for e in errors]:
            messages.error(request, error)
        return redirect(home)

    return form_step(request, form_class(request.POST), lambda data: call(seat, data), done=done, success_url=home,
                     page_again=refused)


@conference_page
@require_POST
def seat_post(request, seat_id):
    return _seat_step(request, seat_id, forms.SeatPostForm, lambda seat, data: services.seat_change_post(
        actor=request.user, seat=seat, post=data["post"], request=request), "已调整职务。")


@conference_page
@require_POST
def seat_leave(request, seat_id):
    return _seat_step(request, seat_id, forms.SeatLeaveForm, lambda seat, data: services.seat_leave(
        actor=request.user, seat=seat, on_date=data["on_date"], request=request), "该单位已退出联席会，席位记录保留。")


@conference_page
@require_POST
def meeting_new(request, conference_id):
    conference = writable_conference(request, conference_id)
    documents = list(selectors.document_list_for(request.user).filter(conference=conference, status="in_force"))
    form = forms.MeetingForm(request.POST, documents=documents)
    return form_step(request, form, lambda data: services_meetings.meeting_schedule(
        actor=request.user, conference=conference, kind=data["kind"], title=data["title"], held_on=data["held_on"],
        place=data["place"], agenda=data["agenda"].splitlines(),
        work_report=next((d for d in documents if d.pk == data["work_report"]), None), request=request),
        done="已安排会议。", success_url=lambda meeting: reverse("conference:meeting", args=[meeting.pk]),
        page_again=lambda form: _home(request, conference, meeting_form=form, status=400))


@conference_page
def task_board(request, conference_id):
    conference = selectors.conference_get_for(request.user, conference_id)
    columns = selectors.task_board(request.user, conference)
    total = sum(len(tasks) for tasks in columns.values())
    done = columns["done"]
    return render_page(request, "conference/task_board.html", {
        "title": f"{conference.name} · 任务督办", "conference": conference, "columns": [
            ("已超期", columns["overdue"]), ("未开始", columns["open"]), ("推进中", columns["in_progress"]),
            ("已完成", done)],
        "total": total, "done_rate": round(100 * len(done) / total, 1) if total else None,
        "on_time": sum(1 for task in done if task.on_time)})


# ---------------------------------------------------------------- the three lists


def lists_page(request, conference, *, demand_form=None, resource_form=None, project_form=None, resource_error="",
               status=200):
    actor = request.user
    writer = may_write(actor, conference)
    demands = list(selectors.demand_list_for(actor).filter(conference=conference))
    chosen = next((d for d in demands if str(d.pk) == request.GET.get("demand")), None)
    if project_form is not None:
        chosen = next((d for d in demands if str(d.pk) == str(project_form.data.get("demand"))), chosen)
    context = {
        "title": f"{conference.name} · 三张清单", "conference": conference, "may_write": writer,
        "demands": demands, "resources": list(selectors.resource_list_for(actor).filter(conference=conference)),
        "projects": list(selectors.project_list_for(actor).filter(conference=conference).annotate(
            milestones_total=Count("milestones", distinct=True),
            milestones_done=Count("milestones", filter=Q(milestones__done_on__isnull=False), distinct=True))),
        "chosen": chosen, "resource_error": resource_error,
        "suggestions": selectors.resource_suggestions(actor, chosen) if chosen else [],
    }
    if writer:
        units = [seat.unit for seat in selectors.seats_of(conference)]
        communities = Area.objects.filter(level=AreaLevel.COMMUNITY, path__startswith=conference.area.path)
        context["demand_form"] = demand_form or forms.DemandForm(communities=communities)
        context["resource_form"] = resource_form or forms.ResourceForm(units=units)
        if chosen is not None and chosen.status == DemandStatus.OPEN:
            context["project_form"] = project_form or forms.ProjectForm(
                units=units, resources=[item["resource"] for item in context["suggestions"]],
                initial={"demand": chosen.pk, "title": chosen.title})
    return render_page(request, "conference/lists.html", context, status)


@conference_page
def conference_lists(request, conference_id):
    return lists_page(request, selectors.conference_get_for(request.user, conference_id))


@conference_page
@require_POST
def demand_new(request, conference_id):
    conference = writable_conference(request, conference_id)
    communities = Area.objects.filter(level=AreaLevel.COMMUNITY, path__startswith=conference.area.path)
    form = forms.DemandForm(request.POST, communities=communities)
    return form_step(request, form, lambda data: services_lists.demand_create(
        actor=request.user, conference=conference, community=communities.filter(pk=data["community"]).first(),
        kind=data["kind"], title=data["title"], description=data["description"],
        expected_help=data["expected_help"], request=request),
        done="已登记需求。", success_url=reverse("conference:lists", args=[conference.pk]),
        page_again=lambda form: lists_page(request, conference, demand_form=form, status=400))


@conference_page
@require_POST
def resource_new(request, conference_id):
    conference = writable_conference(request, conference_id)
    units = [seat.unit for seat in selectors.seats_of(conference)]
    form = forms.ResourceForm(request.POST, units=units)
    return form_step(request, form, lambda data: services_lists.resource_create(
        actor=request.user, conference=conference, unit=next((u for u in units if u.pk == data["unit"]), None),
        kind=data["kind"], title=data["title"], quantity=data["quantity"], availability=data["availability"],
        request=request),
        done="已登记资源。", success_url=reverse("conference:lists", args=[conference.pk]),
        page_again=lambda form: lists_page(request, conference, resource_form=form, status=400))


@conference_page
@require_POST
def project_new(request, conference_id):
    conference = writable_conference(request, conference_id)
    units = [seat.unit for seat in selectors.seats_of(conference)]
    resources = list(selectors.resource_list_for(request.user).filter(conference=conference))
    form = forms.ProjectForm(request.POST, units=units, resources=resources)

    def create(data):
        demand = selectors.demand_list_for(request.user).filter(conference=conference, pk=data["demand"]).first()
        if demand is None:
            raise ValidationError({"demand": "需求不存在。"})
        return services_lists.project_create(
            actor=request.user, demand=demand, title=data["title"],
            owner_unit=next((u for u in units if u.pk == data["owner_unit"]), None),
            resources=[r for r in resources if r.pk in data["resources"]], milestones=data["milestones"],
            request=request)

    return form_step(request, form, create, done="已立项。", success_url=reverse("conference:lists", args=[conference.pk]),
                     page_again=lambda form: lists_page(request, conference, project_form=form, status=400))


# ---------------------------------------------------------------- the liaison


@conference_page
def liaison_home(request):
    """成员单位联络员的首页: its conferences, coming meetings, its unit's tasks with reminders."""
    if not scoping.holds_role(request.user, Role.LIAISON):
        raise Http404
    return render_page(request, "conference/liaison_home.html", {
        "title": "联席会工作（成员单位）", **selectors.liaison_home(request.user)})


