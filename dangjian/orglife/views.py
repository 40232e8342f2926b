"""The back office's organizational-life pages at /orglife/: the meeting list, recording and
editing a meeting, its attendance and attachments, each branch's calendar of due vs held, and
the year's ledger as .docx / .xlsx.

Thin: look up through the selectors (outside scope: 404), check the actor may write (else 403,
read-only leaders too), call one service, put its Chinese refusal back on the form.
"""



from urllib.parse import quote

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts import audit, scoping
from dangjian.core.form_errors import put_service_errors_on
from dangjian.members.models import Member
from dangjian.members.views import role_required
from dangjian.orglife import forms, ledger, selectors, services
from dangjian.orglife.compliance import CellState
from dangjian.orglife.compliance import branch_calendar as build_calendar
from dangjian.orglife.models import AttendanceStatus, MeetingStatus

PAGE_SIZE = 50
LEDGER_TYPES = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ledger.ledger_docx),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ledger.ledger_xlsx),
}


def _render(request, template: str, context: dict, status: int = 200):
    response = render(request, template, {**admin.site.each_context(request), **context})
    response.status_code = status
    return response


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _writable(request, meeting_id):
    meeting = selectors.meeting_get_for(request.user, meeting_id)
    if not scoping.can_write(request.user, meeting):
        raise PermissionDenied(services.CANNOT_WRITE)
    return meeting


@role_required
def meeting_list(request):
    """组织生活: the meetings of the branches in scope, newest first."""
    branches = list(selectors.branch_list_for(request.user).select_related(None).only("pk", "name", "path"))
    form = forms.ListFilterForm(request.GET or None, branches=branches)
    meetings = selectors.meeting_list_for(request.user)
    if form.is_valid():
        data = form.cleaned_data
        branch = next((b for b in branches if b.pk == data["organization"]), None)
        meetings = selectors.meeting_filter(meetings, organization=branch, kind=data["kind"], year=data["year"],
                                            status=data["status"])
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _render(request, "orglife/list.html", {
        "title": "组织生活", "form": form, "page": page, "query": query.urlencode(),
        "may_write": scoping.may_write_anything(request.user)})


@role_required
def meeting_create(request):
    """登记会议: a meeting held (or planned) by a branch the actor writes for."""
    if not scoping.may_write_anything(request.user):
        raise PermissionDenied("您没有权限登记组织生活。")
    branches = list(selectors.branch_list_for(request.user, write=True).select_related(None).only("pk", "name", "path"))
    initial = {"organization": request.GET.get("branch"), "held_on": timezone.localdate()}
    form = forms.MeetingForm(request.POST or None, branches=branches, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        branch = next((b for b in branches if b.pk == data["organization"]), None)
        try:
            meeting = services.meeting_record(
                actor=request.user, organization=branch, kind=data["kind"], status=data["status"],
                held_on=data["held_on"], topic=data["topic"], host=data["host"], location=data["location"],
                minutes=data["minutes"], request=request)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, "已登记会议。请继续登记出勤情况。")
            return redirect("orglife:detail", meeting.pk)
    return _render(request, "orglife/form.html", {"title": "登记会议", "form": form})


def _roster_rows(meeting, post=None):
    """The attendance form's rows: each roster member with what is recorded (or was just posted)."""
    recorded = {row.member_id: row for row in selectors.meeting_attendance(meeting)}
    rows = []
    for member in selectors.meeting_roster(meeting):
        row = recorded.get(member.pk)
        if post is not None:
            values = {"status": post.get(f"status_{member.pk}", ""), "reason": post.get(f"reason_{member.pk}", ""),
                      "elsewhere": post.get(f"elsewhere_{member.pk}", "")}
        else:
            values = {"status": row.status if row else "", "reason": row.reason if row else "",
                      "elsewhere": row.elsewhere if row else ""}
        rows.append({"member": member, **values})
    return rows


def _detail(request, meeting, *, attendance_rows=None, attendance_error="", attachment_form=None, status=200):
    may_write = scoping.can_write(request.user, meeting)
    attendance = list(selectors.meeting_attendance(meeting))
    context = {"title": str(meeting), "meeting": meeting, "may_write": may_write, "attendance": attendance,
               "attachments": list(selectors.meeting_attachments(meeting)),
               "statuses": AttendanceStatus.choices, "attendance_error": attendance_error}
    if may_write and meeting.status == MeetingStatus.HELD:
        context["roster"] = attendance_rows if attendance_rows is not None else _roster_rows(meeting)
    if may_write:
        context["attachment_form"] = attachment_form or forms.AttachmentForm()
    return _render(request, "orglife/detail.html", context, status=status)


@role_required
def meeting_detail(request, meeting_id):
    return _detail(request, selectors.meeting_get_for(request.user, meeting_id))


@role_required
def meeting_edit(request, meeting_id):
    meeting = _writable(request, meeting_id)
    branches = [meeting.organization]
    initial = {"organization": meeting.organization_id, "kind": meeting.kind, "status": meeting.status,
               "held_on": meeting.held_on, "topic": meeting.topic, "host": meeting.host,
               "location": meeting.location, "minutes": meeting.minutes}
    form = forms.MeetingForm(request.POST or None, branches=branches, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_update(actor=request.user, meeting=meeting, kind=data["kind"], status=data["status"],
                                    held_on=data["held_on"], topic=data["topic"], host=data["host"],
                                    location=data["location"], minutes=data["minutes"], request=request)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("orglife:detail", meeting.pk)
    return _render(request, "orglife/form.html", {"title": f"修改：{meeting}", "form": form, "meeting": meeting})


@role_required
@require_POST
def meeting_delete(request, meeting_id):
    meeting = _writable(request, meeting_id)
    try:
        services.meeting_delete(actor=request.user, meeting=meeting, request=request)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("orglife:detail", meeting.pk)
    messages.success(request, "已删除计划中的会议。")
    return redirect("orglife:list")


@role_required
@require_POST
def meeting_attendance(request, meeting_id):
    """Record the attendance: one status per roster member (left blank: not recorded)."""
    meeting = _writable(request, meeting_id)
    rows = _roster_rows(meeting, post=request.POST)
    entries = [{"member": row["member"], "status": row["status"], "reason": row["reason"],
                "elsewhere": row["elsewhere"]} for row in rows if row["status"]]
    # A member id posted that is not on the roster (a forged form) reaches the service, which refuses it.
    roster_ids = {row["member"].pk for row in rows}
    posted = {int(key.removeprefix("status_")) for key in request.POST
              if key.startswith("status_") and key.removeprefix("status_").isdigit() and request.POST[key]}
    for member in Member.objects.filter(pk__in=posted - roster_ids):
        entries.append({"member": member, "status": request.POST[f"status_{member.pk}"]})
    try:
        services.meeting_record_attendance(actor=request.user, meeting=meeting, entries=entries, request=request)
    except (ValidationError, PermissionDenied) as error:
        message = "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return _detail(request, meeting, attendance_rows=rows, attendance_error=message, status=400)
    messages.success(request, f"已登记{len(entries)}名党员的出勤情况。")
    return redirect("orglife:detail", meeting.pk)


@role_required
@require_POST
def attachment_upload(request, meeting_id):
    meeting = _writable(request, meeting_id)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(actor=request.user, meeting=meeting, upload=form.cleaned_data["file"],
                                    request=request)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, "已上传附件。")
            return redirect("orglife:detail", meeting.pk)
    return _detail(request, meeting, attachment_form=form, status=400)


@role_required
def attachment_download(request, meeting_id, attachment_id):
    meeting = selectors.meeting_get_for(request.user, meeting_id)
    attachment = selectors.attachment_get_for(request.user, meeting, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件已不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)


@role_required
def branch_list(request):
    """党支部组织生活: each branch in scope, with links to its calendar and ledger."""
    branches = Paginator(selectors.branch_list_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "orglife/branches.html", {"title": "党支部组织生活", "page": branches,
                                                      "year": _year(request), "query": ""})


@role_required
def branch_calendar(request, branch_id):
    """The branch's year: per kind, each period due and whether it was held (generated)."""
    branch = selectors.branch_get_for(request.user, branch_id)
    year, today = _year(request), timezone.localdate()
    rows = build_calendar(selectors.branch_facts_for(branch), year, today)
    return _render(request, "orglife/calendar.html", {
        "title": f"{branch.name} {year}年组织生活", "branch": branch, "year": year, "rows": rows,
        "states": CellState.LABELS, "years": [year - 1, year, year + 1] if year < today.year else [year - 1, year],
        "may_write": scoping.can_write(request.user, branch)})


@role_required
def branch_ledger(request, branch_id, fmt):
    """The year's ledger of the branch as .docx or .xlsx, generated from the records and audited."""
    if fmt not in LEDGER_TYPES:
        raise Http404
    branch = selectors.branch_get_for(request.user, branch_id)
    year = _year(request)
    content_type, render_file = LEDGER_TYPES[fmt]
    built = ledger.build_ledger(branch, year, timezone.localdate())
    audit.record_export(actor=request.user, what=f"orglife.ledger.{fmt}", rows=len(built.meetings), request=request,
                        organization=branch.pk, year=year)
    response = HttpResponse(render_file(built), content_type=content_type)
    filename = f"{built.title}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


