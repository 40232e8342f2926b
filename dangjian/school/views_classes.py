"""The class pages at /school/: scheduling a class, a class's page (its notice, the QR code the
members scan, the attendance list with bulk marking, make-up study, recording that it was held),
and the two exports: a class's attendance sheet (.xlsx) and a school's year ledger (.docx).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts import audit, scoping
from dangjian.core import checkin
from dangjian.core.form_errors import put_service_errors_on
from dangjian.school import exports, forms, selectors, services
from dangjian.school.models import ClassStatus
from dangjian.school.views import in_school, render_page, require_write, school_role_required

# The marking list shows at most this many members not yet marked (a name filter narrows it).
CANDIDATES_MAX = 300


@school_role_required
def session_add(request, school_id):
    """排课: schedule a class; a double-booked venue or teacher, or a venue too small, is refused."""
    school = selectors.school_get_for(request.user, school_id)
    require_write(request.user, school)
    actor = request.user
    choices = {"courses": selectors.course_list_for(actor, school),
               "venues": selectors.venue_list_for(actor, school).filter(is_active=True),
               "teachers": selectors.teacher_list_for(actor, school).filter(is_active=True),
               "plans": selectors.plan_list_for(actor, school),
               "planned": selectors.planned_list_for(actor, school)}
    form = forms.SessionForm(request.POST or None, **choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_schedule(
                actor=actor, school=school, course=in_school(choices["courses"], data["course"], "course"),
                venue=in_school(choices["venues"], data["venue"], "venue"),
                teacher=in_school(choices["teachers"], data["teacher"], "teacher"),
                plan=in_school(choices["plans"], data["plan"], "plan"),
                planned=in_school(choices["planned"], data["planned"], "planned"),
                starts_at=data["starts_at"], ends_at=data["ends_at"], hours=data["hours"],
                audience=data["audience"] or None, expected_attendees=data["expected_attendees"] or 0,
                notice=data["notice"], request=request)
        except ValidationError as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, "已排课。")
            return redirect("school:session", session.pk)
    return render_page(request, "school/form.html", {"title": f"{school.name}：排课", "school": school, "form": form,
                                                      "button": "排课"}, status=400 if request.method == "POST" else 200)


def _candidates(request, session):
    """Members of the class's audience not yet recorded for it (for marking and make-up)."""
    members = (selectors.audience_members(session.school, session.audience)
               .exclude(pk__in=session.attendances.values("member_id"))
               .select_related("organization").only("pk", "name", "organization__name").order_by("name_pinyin", "pk"))
    name = (request.GET.get("q") or request.POST.get("q") or "").strip()
    if name:
        members = members.filter(name__contains=name)
    return list(members[:CANDIDATES_MAX])


def _session_page(request, session, *, mark_form=None, makeup_form=None, held_form=None, status=200):
    may_write = scoping.can_write(request.user, session.school)
    context = {"title": str(session), "session": session, "school": session.school, "may_write": may_write,
               "attendances": list(selectors.attendance_list(session)), "now": timezone.now(),
               "window": checkin.checkin_window(starts_at=session.starts_at, ends_at=session.ends_at)}
    if may_write and session.status != ClassStatus.CANCELLED:
        url = request.build_absolute_uri(f"{reverse('school_portal:checkin')}?t={services.checkin_token_for(session)}")
        context.update(checkin_url=url, qr=checkin.qr_svg(url))
        candidates = _candidates(request, session)
        context["mark_form"] = mark_form or forms.MarkForm(candidates=candidates)
        if session.status == ClassStatus.HELD:
            context["makeup_form"] = makeup_form or forms.MakeupForm(candidates=candidates)
        context["held_form"] = held_form or forms.HeldForm(initial={"feedback_score": session.feedback_score})
        context["q"] = request.GET.get("q", "")
    return render_page(request, "school/session.html", context, status=status)


@school_role_required
def session_detail(request, session_id):
    return _session_page(request, selectors.session_get_for(request.user, session_id))


def _writable(request, session_id):
    session = selectors.session_get_for(request.user, session_id)
    require_write(request.user, session.school)
    return session


def _step(request, session, form, form_name, call, done):
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, done)
            return redirect("school:session", session.pk)
    return _session_page(request, session, **{form_name: form}, status=400)


@school_role_required
@require_POST
def session_mark(request, session_id):
    session = _writable(request, session_id)
    candidates = _candidates(request, session)
    form = forms.MarkForm(request.POST, candidates=candidates)
    by_pk = {member.pk: member for member in candidates}
    return _step(request, session, form, "mark_form", lambda data: services.attendance_mark(
        actor=request.user, session=session, members=[by_pk[pk] for pk in data["members"]], hours=data["hours"],
        request=request), "已登记出勤。")


@school_role_required
@require_POST
def session_makeup(request, session_id):
    session = _writable(request, session_id)
    candidates = _candidates(request, session)
    form = forms.MakeupForm(request.POST, candidates=candidates)
    by_pk = {member.pk: member for member in candidates}
    return _step(request, session, form, "makeup_form", lambda data: services.makeup_record(
        actor=request.user, session=session, member=by_pk[data["member"]], hours=data["hours"],
        studied_on=data["studied_on"], note=data["note"], request=request), "已登记补学。")


@school_role_required
@require_POST
def session_held(request, session_id):
    session = _writable(request, session_id)
    return _step(request, session, forms.HeldForm(request.POST), "held_form", lambda data: services.session_record_held(
        actor=request.user, session=session, feedback_score=data["feedback_score"], request=request),
        "已登记为已举办。")


@school_role_required
@require_POST
def session_cancel(request, session_id):
    session = _writable(request, session_id)
    try:
        services.session_cancel(actor=request.user, session=session, request=request)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已取消该班次。")
    return redirect("school:session", session.pk)


@school_role_required
def session_attendance_xlsx(request, session_id):
    """签到表: the class's attendance, one row a member (masked phone, no ID numbers)."""
    session = selectors.session_get_for(request.user, session_id)
    rows = list(selectors.attendance_list(session))
    content = exports.attendance_sheet(session, rows)
    audit.record_export(actor=request.user, what="党校签到表", rows=len(rows), request=request, session=session.pk)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''attendance-{session.pk}.xlsx"
    return response


@school_role_required
def school_ledger_docx(request, school_id):
    """年度台账: generated from the school's records of the year, never typed."""
    school = selectors.school_get_for(request.user, school_id)
    year = forms.year_from(request.GET.get("year"))
    content, rows = exports.year_ledger(request.user, school, year)
    audit.record_export(actor=request.user, what="党校年度台账", rows=rows, request=request, school=school.pk,
                        year=year)
    response = HttpResponse(content,
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''school-{school.pk}-{year}.docx"
    return response
