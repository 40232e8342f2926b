"""A meeting's page (agenda, attendance marking, minutes, resolutions and their tasks, the .docx
notice and minutes), and a task's page where its unit's liaison reports progress."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts import audit, scoping
from dangjian.conference import exports, forms, selectors, services, services_meetings
from dangjian.conference.views import conference_page, may_write, render_page
from dangjian.conference.views_library import attachment_response
from dangjian.core.form_errors import form_step, put_service_errors_on

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _meeting_page(request, meeting, *, forms_in_error=None, status=200):
    writer = may_write(request.user, meeting.conference)
    sheet = selectors.attendance_sheet(meeting)
    context = {"title": meeting.title, "meeting": meeting, "conference": meeting.conference, "may_write": writer,
               "sheet": sheet, "today": timezone.localdate()}
    if writer:
        errors = forms_in_error or {}
        for row in sheet:
            attendance = row["attendance"]
            initial = {"seat": row["seat"].pk, "status": attendance.status if attendance else "present",
                       "reason": attendance.reason if attendance else "",
                       "delegate_name": attendance.delegate_name if attendance else "",
                       "attendee_name": attendance.attendee_name if attendance else (
                           row["seat"].current_term.holder_name if row["seat"].current_term else "")}
            row["form"] = errors.get(("attendance", row["seat"].pk)) or forms.AttendanceForm(
                initial=initial, prefix=f"seat{row['seat'].pk}")
        context["minutes_form"] = errors.get("minutes") or forms.MinutesForm(initial={"minutes": meeting.minutes})
        context["resolution_form"] = errors.get("resolution") or forms.ResolutionForm()
        if meeting.resolution_list:
            context["task_form"] = errors.get("task") or forms.TaskForm(
                resolutions=meeting.resolution_list, seats=[row["seat"] for row in sheet if row["seat"].is_active],
                initial={"resolution": meeting.resolution_list[-1].pk})
    return render_page(request, "conference/meeting.html", context, status)


@conference_page
def meeting_detail(request, meeting_id):
    return _meeting_page(request, selectors.meeting_get_for(request.user, meeting_id))


def _writable_meeting(request, meeting_id):
    meeting = selectors.meeting_get_for(request.user, meeting_id)
    if not may_write(request.user, meeting.conference):
        raise PermissionDenied(services.CANNOT_WRITE)
    return meeting


def _step(request, meeting, form, key, call, done: str):
    return form_step(request, form, call, done=done, success_url=reverse("conference:meeting", args=[meeting.pk]),
                     page_again=lambda form: _meeting_page(request, meeting, forms_in_error={key: form}, status=400))


@conference_page
@require_POST
def meeting_attendance(request, meeting_id):
    meeting = _writable_meeting(request, meeting_id)
    seat_id = request.POST.get("seat_id", "")
    form = forms.AttendanceForm(request.POST, prefix=f"seat{seat_id}")
    seats = {row["seat"].pk: row["seat"] for row in selectors.attendance_sheet(meeting)}

    def call(data):
        services_meetings.meeting_record_attendance(
            actor=request.user, meeting=meeting, seat=seats.get(data["seat"]), status=data["status"],
            reason=data["reason"], delegate_name=data["delegate_name"], attendee_name=data["attendee_name"],
            request=request)

    key = ("attendance", int(seat_id)) if seat_id.isdigit() else "attendance"
    return _step(request, meeting, form, key, call, "已登记出席情况。")


@conference_page
@require_POST
def meeting_minutes(request, meeting_id):
    meeting = _writable_meeting(request, meeting_id)
    return _step(request, meeting, forms.MinutesForm(request.POST), "minutes",
                 lambda data: services_meetings.meeting_record_minutes(
                     actor=request.user, meeting=meeting, minutes=data["minutes"], request=request), "已保存会议纪要。")


@conference_page
@require_POST
def meeting_resolution(request, meeting_id):
    meeting = _writable_meeting(request, meeting_id)
    return _step(request, meeting, forms.ResolutionForm(request.POST), "resolution",
                 lambda data: services_meetings.resolution_add(
                     actor=request.user, meeting=meeting, text=data["text"], request=request), "已记录决议。")


@conference_page
@require_POST
def meeting_task(request, meeting_id):
    meeting = _writable_meeting(request, meeting_id)
    seats = [row["seat"] for row in selectors.attendance_sheet(meeting) if row["seat"].is_active]
    form = forms.TaskForm(request.POST, resolutions=meeting.resolution_list, seats=seats)

    def call(data):
        services_meetings.task_assign(
            actor=request.user, resolution=next(r for r in meeting.resolution_list if r.pk == data["resolution"]),
            seat=next((s for s in seats if s.pk == data["seat"]), None), title=data["title"],
            deadline=data["deadline"], request=request)

    return _step(request, meeting, form, "task", call, "已交办任务。")


def _docx(request, meeting, what: str, build) -> HttpResponse:
    content = build(meeting)
    audit.record_export(actor=request.user, what=what, rows=1, request=request, meeting=meeting.pk)
    response = HttpResponse(content, content_type=DOCX)
    filename = f"{meeting.held_on:%Y%m%d}-{what}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename)


@conference_page
def meeting_notice_docx(request, meeting_id):
    """会议通知 (.docx) as the office sends it to the member units."""
    meeting = selectors.meeting_get_for(request.user, meeting_id)
    meeting.seat_list = selectors.seats_of(meeting.conference, active_on=meeting.held_on)
    return _docx(request, meeting, "会议通知", exports.meeting_notice)


@conference_page
def meeting_minutes_docx(request, meeting_id):
    """会议纪要 (.docx): attendance, minutes, resolutions and their tasks — a 台账 page to file."""
    meeting = selectors.meeting_get_for(request.user, meeting_id)
    meeting.sheet = selectors.attendance_sheet(meeting)
    return _docx(request, meeting, "会议纪要", exports.meeting_minutes)


# ---------------------------------------------------------------- a task


def _task_page(request, task, *, form=None, status=200):
    may_report = task.status != "done" and (may_write(request.user, task.conference)
                                            or scoping.can_write(request.user, task))
    return render_page(request, "conference/task.html", {
        "title": task.title, "task": task, "conference": task.conference, "today": timezone.localdate(),
        "form": (form or forms.ProgressForm()) if may_report else None}, status)


@conference_page
def task_detail(request, task_id):
    return _task_page(request, selectors.task_get_for(request.user, task_id))


@conference_page
@require_POST
def task_progress(request, task_id):
    task = selectors.task_get_for(request.user, task_id)
    form = forms.ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services_meetings.task_report_progress(actor=request.user, task=task, text=data["text"],
                                                   done=data["done"], attachment=data["attachment"],
                                                   request=request)
        except ValidationError as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, "已填报进展。")
            return redirect("conference:task", task.pk)
    return _task_page(request, task, form=form, status=400)


@conference_page
def progress_attachment(request, progress_id):
    """The attachment of a progress report, for those who see the task."""
    return attachment_response(selectors.progress_get_for(request.user, progress_id).attachment)
