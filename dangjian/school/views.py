"""The school pages at /school/: the schools in scope, a school's page (plans and their progress,
classes, venues, leadership, teachers, courses), adding those, a plan's page and the audience's
study hours (who is below target, by care group).

Open to the general roles (in their scope) and to a school's administrator (their school,
``scoping.holds_role``); anyone else gets 404. Thin: look up through a selector (outside scope:
404), check write access (403; leaders read only), call one service, put its refusal on the form.
"""

from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.accounts.models import Role
from dangjian.core.form_errors import put_service_errors_on
from dangjian.school import forms, selectors, services
from dangjian.school.models import Audience, PlannedClass

PAGE_SIZE = 50


def school_role_required(view):
    """Signed in to the back office, holding a general role or the school administrator's."""

    @staff_member_required(login_url="admin:login")
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (scoping.has_any_role(request.user) or scoping.holds_role(request.user, Role.SCHOOL_ADMIN)):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def render_page(request, template: str, context: dict, status: int = 200):
    response = render(request, template, {**admin.site.each_context(request), **context})
    response.status_code = status
    return response


def require_write(actor, school) -> None:
    if not scoping.can_write(actor, school):
        raise PermissionDenied(services.CANNOT_WRITE)


def in_school(queryset, pk, field: str):
    """A record chosen on a form, looked up among the school's own (refused otherwise)."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: "所选对象不存在或不属于本党校。"})
    return found


@school_role_required
def school_list(request):
    """社区党校: the schools in the actor's scope."""
    schools = selectors.school_list_for(request.user)
    page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "school/list.html", {"title": "社区党校", "page": page,
                                                      "may_found": bool(selectors.school_areas_for(request.user))})


@school_role_required
def school_detail(request, school_id):
    school = selectors.school_get_for(request.user, school_id)
    today = timezone.localdate()
    plans = list(selectors.plan_list_for(request.user, school).filter(year__gte=today.year - 1))
    return render_page(request, "school/detail.html", {
        "title": school.name, "school": school, "today": today,
        "may_write": scoping.can_write(request.user, school),
        "progress": [(plan, selectors.plan_progress(plan, on_date=today)) for plan in plans],
        "sessions": list(selectors.session_list_for(request.user, school)[:20]),
        "venues": list(selectors.venue_list_for(request.user, school)),
        "officers": list(selectors.officer_list_for(request.user, school)),
        "teachers": list(selectors.teacher_list_for(request.user, school)),
        "courses": list(selectors.course_list_for(request.user, school)),
    })


def _add(request, school_id, *, form_class, title: str, call, done: str, form_kwargs=None):
    """A page with one form that adds one record of the school through one service."""
    school = selectors.school_get_for(request.user, school_id)
    require_write(request.user, school)
    form_kwargs = form_kwargs(school) if form_kwargs else {}
    form = form_class(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            saved = call(school, form.cleaned_data)
        except ValidationError as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, done)
            target = saved.get_absolute_url() if hasattr(saved, "get_absolute_url") else None
            return redirect(target or reverse("school:detail", args=[school.pk]))
    return render_page(request, "school/form.html", {"title": f"{school.name}：{title}", "school": school,
                                                      "form": form, "button": "保存"},
                       status=400 if request.method == "POST" else 200)


@school_role_required
def venue_add(request, school_id):
    return _add(request, school_id, form_class=forms.VenueForm, title="添加教学场所", done="已添加教学场所。",
                call=lambda school, data: services.venue_save(actor=request.user, school=school, request=request,
                                                              **data))


@school_role_required
def officer_add(request, school_id):
    return _add(request, school_id, form_class=forms.OfficerForm, title="添加校务领导", done="已添加校务领导。",
                call=lambda school, data: services.officer_save(actor=request.user, school=school, request=request,
                                                                **data))


@school_role_required
def teacher_add(request, school_id):
    return _add(request, school_id, form_class=forms.TeacherForm, title="添加兼职教员", done="已添加兼职教员。",
                call=lambda school, data: services.teacher_save(actor=request.user, school=school, request=request,
                                                                **data))


@school_role_required
def course_add(request, school_id):
    def call(school, data):
        teacher = in_school(selectors.teacher_list_for(request.user, school), data.pop("teacher"), "teacher")
        return services.course_save(actor=request.user, school=school, teacher=teacher, request=request, **data)

    return _add(request, school_id, form_class=forms.CourseForm, title="添加课程", done="已添加课程。", call=call,
                form_kwargs=lambda school: {"teachers": selectors.teacher_list_for(request.user, school)})


@school_role_required
def plan_add(request, school_id):
    def call(school, data):
        return services.plan_create(actor=request.user, school=school, request=request, **data)

    return _add(request, school_id, form_class=forms.PlanForm, title="制定教育计划", done="已制定教育计划。",
                call=call)


@school_role_required
def teacher_detail(request, teacher_id):
    teacher = selectors.teacher_get_for(request.user, teacher_id)
    return render_page(request, "school/teacher.html", {
        "title": f"兼职教员：{teacher.name}", "teacher": teacher, "history": selectors.teaching_history(teacher),
        "courses": list(teacher.courses.all()), "may_write": scoping.can_write(request.user, teacher.school)})


@school_role_required
def plan_detail(request, plan_id):
    """A plan's progress: the classes planned by month against those held, the audience against
    the target (pro rata so far this year), and the members below it."""
    plan = selectors.plan_get_for(request.user, plan_id)
    may_write = scoping.can_write(request.user, plan.school)
    form = None
    courses = selectors.course_list_for(request.user, plan.school)
    if may_write:
        form = forms.PlannedClassForm(request.POST or None, courses=courses)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied(services.CANNOT_WRITE)
        if form.is_valid():
            try:
                services.plan_add_class(actor=request.user, plan=plan, month=form.cleaned_data["month"],
                                        course=in_school(courses, form.cleaned_data["course"], "course"),
                                        request=request)
            except ValidationError as error:
                put_service_errors_on(form, error)
            else:
                messages.success(request, "已加入计划。")
                return redirect("school:plan", plan.pk)
    today = timezone.localdate()
    progress = selectors.plan_progress(plan, on_date=today)
    return render_page(request, "school/plan.html", {
        "title": str(plan), "plan": plan, "school": plan.school, "progress": progress, "form": form,
        "may_write": may_write, "months": _by_month(progress["planned"])})


def _by_month(planned: list[PlannedClass]) -> list[tuple[int, list[PlannedClass]]]:
    months: dict[int, list[PlannedClass]] = {}
    for item in planned:
        months.setdefault(item.month, []).append(item)
    return sorted(months.items())


@school_role_required
def school_members(request, school_id):
    """学时统计: the school's audience with this year's study hours, lowest first; filtered by
    care group and to those below the target. Masked: names, organization, care groups, hours."""
    school = selectors.school_get_for(request.user, school_id)
    year = forms.year_from(request.GET.get("year"))
    group = request.GET.get("group") or Audience.ALL
    if group not in Audience.values:
        group = Audience.ALL
    plan = (selectors.plan_list_for(request.user, school).filter(year=year, audience__in=[group, Audience.ALL])
            .order_by("-target_hours").first())
    target = plan.target_hours if plan else services.default_target_hours()
    rows = selectors.audience_with_hours(school, group, year)
    below = request.GET.get("below") == "1"
    if below:
        rows = rows.filter(study_hours__lt=target)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for member in page:
        member.care = "、".join(selectors.care_labels(member))
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(request, "school/members.html", {
        "title": f"{school.name}：{year}年党员学时", "school": school, "page": page, "year": year, "group": group,
        "below": below, "target": target, "groups": Audience.choices, "query": query.urlencode()})
