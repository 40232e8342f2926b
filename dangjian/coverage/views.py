"""Coverage pages at /coverage/: the board (district → street → community → unit), a unit's page
with the fixes (assign an instructor, bring it into a joint branch, the manual member figure),
the blank-spot history, instructors, and the instructor's own page (their units and visit form).

Thin: look up through the selectors (outside scope: 404), check the actor may write (403
otherwise: read-only leaders too), call one service, put its refusal back on the form.
"""

from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.accounts.models import Role
from dangjian.core.form_errors import put_service_errors_on
from dangjian.coverage import blank_spots, forms, selectors, services
from dangjian.coverage.models import CoverageStatus
from dangjian.coverage.rules import visit_every_months
from dangjian.members.views import role_required
from dangjian.organizations.models import NEW_ORGANIZATION_SECTORS, Area, AreaLevel

PAGE_SIZE = 50


def _render(request, template: str, context: dict, status: int = 200):
    response = render(request, template, {**admin.site.each_context(request), **context})
    response.status_code = status
    return response


def instructor_required(view):
    """Signed in and holding the instructor role (a current appointment); else 404."""

    @staff_member_required(login_url="admin:login")
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not scoping.holds_role(request.user, Role.INSTRUCTOR):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def errors_text(form) -> str:
    """A refused form's messages in one line (an end form whose object is already ended is no
    longer on the page, so its refusal is shown above the list)."""
    if form is None or not form.errors:
        return ""
    return "；".join(str(error) for errors in form.errors.values() for error in errors)


def _run(form, call) -> bool:
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        put_service_errors_on(form, error)
        return False
    return True


# ---------------------------------------------------------------- the board


@role_required
def board(request, area_id=None):
    """覆盖情况: rates of an area and its children; at community level its units."""
    area = (selectors.board_area_get_for(request.user, area_id) if area_id is not None
            else selectors.top_area_for(request.user))
    if area is None:
        raise Http404
    data = selectors.board(request.user, area)
    uncovered = Paginator(selectors.uncovered_units_for(request.user, area), PAGE_SIZE).get_page(
        request.GET.get("page"))
    ancestors = list(Area.objects.get_ancestors(area))  # each one the actor may board too
    return _render(request, "coverage/board.html", {
        "title": f"{area.name}覆盖情况", "board": data, "ancestors": ancestors, "uncovered": uncovered,
        "statuses": CoverageStatus, "community_level": area.level in (AreaLevel.COMMUNITY, AreaLevel.GRID),
    })


# ---------------------------------------------------------------- a unit


def unit_page(request, unit, *, assign_form=None, joint_form=None, profile_form=None, end_form=None, status=200):
    user = request.user
    may_write = scoping.can_write(user, unit)
    assignments = list(selectors.assignments_for(user).filter(unit=unit).order_by("-started_on"))
    if may_write:  # each open assignment carries its own end form (the refused one keeps its errors)
        for assignment in assignments:
            if assignment.ended_on is None:
                assignment.end_form = (end_form if end_form is not None and end_form.prefix == f"end{assignment.pk}"
                                       else forms.assignment_end_form(assignment=assignment))
    context = {
        "title": unit.name, "unit": unit, "may_write": may_write, "end_error": errors_text(end_form),
        "organizations": list(selectors.covering_organizations(unit)),
        "assignments": assignments,
        "visits": list(selectors.visits_for(user).filter(unit=unit)[:20]),
        "spots": list(selectors.blank_spot_records_for(user).filter(unit=unit)),
        "counted": unit.sector in NEW_ORGANIZATION_SECTORS and unit.is_operating,
    }
    if context["counted"] and unit.member_total and unit.member_total < blank_spots.own_from() and not (
            unit.has_own or unit.has_joint):
        context["candidates"] = blank_spots.joint_candidates_by_unit([unit]).get(unit.pk, [])
    if may_write:
        context["assign_form"] = assign_form or forms.AssignInstructorForm(
            instructors=selectors.assignable_instructors_for(user, unit))
        context["joint_form"] = joint_form or forms.JointBranchForm(branches=selectors.joint_branches_for(user, unit))
        profile = getattr(unit, "coverage_profile", None)
        context["profile_form"] = profile_form or forms.ProfileForm(initial={
            "members_registered_elsewhere": profile.members_registered_elsewhere if profile else 0,
            "note": profile.note if profile else ""})
    return _render(request, "coverage/unit.html", context, status)


@role_required
def unit_detail(request, unit_id):
    return unit_page(request, selectors.unit_get_for(request.user, unit_id))


def _writable_unit(request, unit_id):
    unit = selectors.unit_get_for(request.user, unit_id)
    if not scoping.can_write(request.user, unit):
        raise PermissionDenied(services.CANNOT_WRITE)
    return unit


def _unit_step(request, unit_id, *, form_name: str, make_form, call, done: str):
    unit = _writable_unit(request, unit_id)
    if request.method != "POST":
        return redirect("coverage:unit", unit.pk)
    form = make_form(unit)
    if _run(form, lambda data: call(unit, data)):
        messages.success(request, done)
        return redirect("coverage:unit", unit.pk)
    return unit_page(request, selectors.unit_get_for(request.user, unit.pk), status=400, **{form_name: form})


@role_required
def unit_assign(request, unit_id):
    user = request.user

    def call(unit, data):
        instructor = selectors.assignable_instructors_for(user, unit).filter(pk=data["instructor"]).first()
        if instructor is None:
            raise ValidationError({"instructor": "请选择在聘的指导员。"})
        services.instructor_assign(actor=user, instructor=instructor, unit=unit, started_on=data["started_on"],
                                   request=request)

    return _unit_step(request, unit_id, form_name="assign_form", call=call, done="已指派指导员。",
                      make_form=lambda unit: forms.AssignInstructorForm(
                          request.POST, instructors=selectors.assignable_instructors_for(user, unit)))


@role_required
def unit_joint(request, unit_id):
    user = request.user

    def call(unit, data):
        branch = selectors.joint_branches_for(user, unit).filter(pk=data["organization"]).first()
        if branch is None:
            raise ValidationError({"organization": "请选择本街道的联合党支部。"})
        services.joint_branch_add_unit(actor=user, organization=branch, unit=unit, request=request)

    return _unit_step(request, unit_id, form_name="joint_form", call=call, done="已纳入联合党支部。",
                      make_form=lambda unit: forms.JointBranchForm(
                          request.POST, branches=selectors.joint_branches_for(user, unit)))


@role_required
def unit_profile(request, unit_id):
    return _unit_step(
        request, unit_id, form_name="profile_form", done="已保存。", make_form=lambda unit: forms.ProfileForm(request.POST),
        call=lambda unit, data: services.unit_profile_update(actor=request.user, unit=unit, request=request, **data))


# ---------------------------------------------------------------- blank spots


@role_required
def blank_spot_list(request):
    """空白点: open ones first, then the history (found on, resolved on, how)."""
    open_only = request.GET.get("open") == "on"
    records = selectors.blank_spot_records_for(request.user, open_only=open_only).order_by(
        "resolved_on", "-found_on", "pk")
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    from dangjian.core.registry import rules

    codes = [*blank_spots.UNIT_RULES, blank_spots.COMMUNITY]
    return _render(request, "coverage/blank_spots.html", {
        "title": "空白点", "page": page, "open_only": open_only,
        "rules": [rules.get(code) for code in codes if code in rules]})


# ---------------------------------------------------------------- instructors


def _appoint_areas(user):
    return list(scoping.narrow(user, Area.objects.filter(level__in=(AreaLevel.STREET, AreaLevel.DISTRICT)),
                               write=True).order_by("path")[:300])


@role_required
def instructor_list(request):
    user = request.user
    may_appoint = services.may_appoint(user)
    form = None
    if may_appoint:
        form = forms.AppointForm(request.POST or None, areas=_appoint_areas(user))
        if request.method == "POST":
            def call(data):
                area = next(a for a in _appoint_areas(user) if a.pk == data.pop("area"))
                services.instructor_appoint(actor=user, area=area, request=request, **data)

            if _run(form, call):
                messages.success(request, "已聘任指导员。")
                return redirect("coverage:instructors")
    elif request.method == "POST":
        raise PermissionDenied(services.CANNOT_WRITE)
    page = Paginator(selectors.instructors_for(user).order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "coverage/instructors.html", {"title": "党建工作指导员", "page": page, "form": form,
                                                          "today": timezone.localdate()},
                   400 if form is not None and form.errors else 200)


def instructor_page(request, instructor, *, end_form=None, status=200):
    may_end = instructor.ended_on is None and scoping.can_write(request.user, instructor)
    return _render(request, "coverage/instructor.html", {
        "title": f"指导员 {instructor.name}", "instructor": instructor,
        "assignments": list(selectors.assignments_for(request.user).filter(instructor=instructor)
                            .order_by("ended_on", "unit__name_pinyin")),
        "visits": list(selectors.visits_for(request.user).filter(instructor=instructor)[:50]),
        "end_form": (end_form or forms.instructor_end_form()) if may_end else None,
        "end_error": errors_text(end_form)}, status)


@role_required
def instructor_detail(request, instructor_id):
    return instructor_page(request, selectors.instructor_get_for(request.user, instructor_id))


@instructor_required
def my_units(request):
    """我的联系单位: the signed-in instructor's units, last visits, and the visit form."""
    instructor = services.instructor_of(request.user)
    if instructor is None:
        raise Http404
    assignments = selectors.my_units(request.user, instructor)
    form = forms.VisitForm(request.POST or None, units=[a.unit for a in assignments])
    if request.method == "POST":
        def call(data):
            unit = next(a.unit for a in assignments if a.unit_id == data.pop("unit"))
            services.visit_record(actor=request.user, unit=unit, request=request, **data)

        if _run(form, call):
            messages.success(request, "走访已登记。")
            return redirect("coverage:mine")
    visits = list(selectors.visits_for(request.user).filter(instructor=instructor)[:30])
    return _render(request, "coverage/mine.html", {
        "title": "我的联系单位", "instructor_page": True, "instructor": instructor, "assignments": assignments, "form": form,
        "visits": visits, "every": visit_every_months()},
        400 if form.errors else 200)
