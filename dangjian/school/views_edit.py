"""The school's edit pages: the school, a venue (停用), an officer (任期结束), a teacher (解聘),
a course, a plan, a planned class (or taking it out of the plan), and moving a class (改期) with
the checks of scheduling. Thin like the other pages: the record through a selector (outside
scope: 404), write access (403; leaders read only), one service, its refusal on the form.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core.form_errors import put_service_errors_on
from dangjian.school import forms, selectors, services, services_updates
from dangjian.school.views import in_school, render_page, require_write, school_role_required


def _edit(request, *, school, form_class, initial: dict, call, done: str, title: str, back: str,
          form_kwargs: dict | None = None):
    """A page with one form, filled with the record, that changes it through one service."""
    require_write(request.user, school)
    form = form_class(request.POST or None, initial=initial, **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, done)
            return redirect(back)
    return render_page(request, "school/form.html", {"title": f"{school.name}：{title}", "school": school,
                                                      "form": form, "button": "保存", "back": back},
                       status=400 if request.method == "POST" else 200)


def _detail(school) -> str:
    return reverse("school:detail", args=[school.pk])


@school_role_required
def school_add(request):
    """设立党校: a street or community the actor writes to founds its school (403 to anyone who
    writes to none: read-only roles and schools' own administrators)."""
    areas = selectors.school_areas_for(request.user)
    if not areas:
        raise PermissionDenied("您不能设立党校：只能在您管辖的街道或社区设立。")
    form = forms.SchoolCreateForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            area = {area.pk: area for area in areas}[data.pop("area")]  # one of the choices (the form checked)
            school = services_updates.school_create(actor=request.user, area=area, request=request, **data)
        except ValidationError as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, "已设立党校。")
            return redirect("school:detail", school.pk)
    return render_page(request, "school/form.html", {"title": "设立社区党校", "form": form, "button": "设立"},
                       status=400 if request.method == "POST" else 200)


@school_role_required
def school_edit(request, school_id):
    school = selectors.school_get_for(request.user, school_id)
    return _edit(request, school=school, form_class=forms.SchoolForm, title="修改党校信息", done="已保存党校信息。",
                 initial={"name": school.name, "founded_on": school.founded_on, "notes": school.notes},
                 back=_detail(school), call=lambda data: services_updates.school_update(
                     actor=request.user, school=school, request=request, **data))


@school_role_required
def venue_edit(request, venue_id):
    venue = selectors.venue_get_for(request.user, venue_id)
    return _edit(request, school=venue.school, form_class=forms.VenueEditForm, title=f"修改教学场所：{venue.name}",
                 initial={"name": venue.name, "address": venue.address, "capacity": venue.capacity,
                          "is_active": venue.is_active},
                 done="已保存教学场所。", back=_detail(venue.school), call=lambda data: services.venue_save(
                     actor=request.user, school=venue.school, venue=venue, request=request, **data))


@school_role_required
def officer_edit(request, officer_id):
    officer = selectors.officer_get_for(request.user, officer_id)
    return _edit(request, school=officer.school, form_class=forms.OfficerForm, title=f"修改校务领导：{officer.name}",
                 initial={"name": officer.name, "position": officer.position, "affiliation": officer.affiliation,
                          "term_start": officer.term_start, "term_end": officer.term_end},
                 done="已保存校务领导（填写任期结束即离任）。", back=_detail(officer.school),
                 call=lambda data: services.officer_save(actor=request.user, school=officer.school, officer=officer,
                                                         request=request, **data))


@school_role_required
def teacher_edit(request, teacher_id):
    teacher = selectors.teacher_get_for(request.user, teacher_id)
    return _edit(request, school=teacher.school, form_class=forms.TeacherEditForm, title=f"修改兼职教员：{teacher.name}",
                 initial={"name": teacher.name, "affiliation": teacher.affiliation, "title": teacher.title,
                          "expertise": teacher.expertise, "phone": teacher.phone, "is_active": teacher.is_active},
                 done="已保存兼职教员。", back=reverse("school:teacher", args=[teacher.pk]),
                 call=lambda data: services.teacher_save(actor=request.user, school=teacher.school, teacher=teacher,
                                                         request=request, **data))


@school_role_required
def course_edit(request, course_id):
    course = selectors.course_get_for(request.user, course_id)
    teachers = selectors.teacher_list_for(request.user, course.school)

    def call(data):
        teacher = in_school(teachers, data.pop("teacher"), "teacher")
        return services.course_save(actor=request.user, school=course.school, course=course, teacher=teacher,
                                    request=request, **data)

    return _edit(request, school=course.school, form_class=forms.CourseForm, title=f"修改课程：{course.title}",
                 initial={"title": course.title, "topic": course.topic, "hours": course.hours,
                          "teacher": course.teacher_id, "materials": course.materials},
                 form_kwargs={"teachers": teachers}, done="已保存课程。", back=_detail(course.school), call=call)


@school_role_required
def plan_edit(request, plan_id):
    plan = selectors.plan_get_for(request.user, plan_id)
    return _edit(request, school=plan.school, form_class=forms.PlanEditForm, title=f"修改教育计划：{plan}",
                 initial={"title": plan.title, "target_hours": plan.target_hours, "notes": plan.notes},
                 done="已保存教育计划。", back=reverse("school:plan", args=[plan.pk]),
                 call=lambda data: services_updates.plan_update(actor=request.user, plan=plan, request=request,
                                                                **data))


@school_role_required
def planned_edit(request, planned_id):
    planned = selectors.planned_get_for(request.user, planned_id)
    school = planned.plan.school
    courses = selectors.course_list_for(request.user, school)
    return _edit(request, school=school, form_class=forms.PlannedClassForm, title=f"调整计划课程：{planned}",
                 initial={"month": planned.month, "course": planned.course_id}, form_kwargs={"courses": courses},
                 done="已调整计划课程。", back=reverse("school:plan", args=[planned.plan_id]),
                 call=lambda data: services_updates.planned_update(
                     actor=request.user, planned=planned, month=data["month"],
                     course=in_school(courses, data["course"], "course"), request=request))


@school_role_required
@require_POST
def planned_remove(request, planned_id):
    planned = selectors.planned_get_for(request.user, planned_id)
    require_write(request.user, planned.plan.school)
    try:
        services_updates.planned_remove(actor=request.user, planned=planned, request=request)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已移出计划。")
    return redirect("school:plan", planned.plan_id)


@school_role_required
def session_edit(request, session_id):
    """改期: move a class nobody attended yet; the same double-booking and capacity checks as
    scheduling, and its audience is told through the notices."""
    session = selectors.session_get_for(request.user, session_id)
    actor, school = request.user, session.school
    venues = selectors.venue_list_for(actor, school).filter(is_active=True)
    teachers = selectors.teacher_list_for(actor, school).filter(is_active=True)

    def call(data):
        return services_updates.session_reschedule(
            actor=actor, session=session, venue=in_school(venues, data["venue"], "venue"),
            teacher=in_school(teachers, data["teacher"], "teacher"), starts_at=data["starts_at"],
            ends_at=data["ends_at"], hours=data["hours"], expected_attendees=data["expected_attendees"] or 0,
            notice=data["notice"], request=request)

    local = timezone.localtime
    return _edit(request, school=school, form_class=forms.RescheduleForm, title=f"改期：{session}",
                 initial={"venue": session.venue_id, "teacher": session.teacher_id,
                          "starts_at": local(session.starts_at), "ends_at": local(session.ends_at),
                          "hours": session.hours, "expected_attendees": session.expected_attendees,
                          "notice": session.notice},
                 form_kwargs={"venues": venues, "teachers": teachers}, done="已改期，已通知教育对象。",
                 back=reverse("school:session", args=[session.pk]), call=call)
