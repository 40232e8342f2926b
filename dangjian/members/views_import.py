"""The spreadsheet pages: upload a roster, map its columns, preview, commit, follow the progress,
download the failed rows, undo; the import template; the roster export.

Thin: parse the request, call a service or a selector, render. Every batch is read through
``selectors_import`` (outside the actor's scope it is a 404); every write is a service.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from unfold.widgets import INPUT_CLASSES, UnfoldAdminSelectWidget

from dangjian.accounts import scoping
from dangjian.members import exporting, importing, selectors_import, services_import, services_import_recovery
from dangjian.members.models import ImportBatch

State = ImportBatch.State
ERRORS_SHOWN = 200  # the rest are in the downloadable workbook


def _page(request, template: str, title: str, **context):
    return render(request, template, {**admin.site.each_context(request), "title": title, **context})


def _require_role(request) -> None:
    if not scoping.has_any_role(request.user):
        raise Http404


def _form_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)



# ---------------------------------------------------------------- upload


class UploadForm(forms.Form):
    organization = forms.ModelChoiceField(label="导入到党组织", queryset=None, empty_label="请选择党组织",
                                          widget=UnfoldAdminSelectWidget)
    file = forms.FileField(label="花名册文件（.xlsx、.xls 或 .csv）", widget=forms.FileInput(
        attrs={"class": " ".join(INPUT_CLASSES), "accept": ".xlsx,.xls,.xlsm,.csv"}))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


@staff_member_required
def import_index(request):
    """Upload a roster; the batches of the actor's scope."""
    _require_role(request)
    organizations = selectors_import.import_target_organizations_for(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services_import.member_import_upload(actor=request.user, request=request,
                                                         organization=form.cleaned_data["organization"],
                                                         uploaded_file=form.cleaned_data["file"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect("members:import_mapping", batch_id=batch.pk)
    batches = selectors_import.import_batch_list_for(request.user)[:20]
    return _page(request, "members/import/index.html", "导入党员名册", form=form, batches=batches,
                 may_import=organizations.exists())


@staff_member_required
def import_template(request):
    _require_role(request)
    return exporting.xlsx_response(exporting.template_workbook(), "党员名册导入模板.xlsx")


# ---------------------------------------------------------------- mapping


class MappingForm(forms.Form):
    """One choice per column of the file: which field it holds (or none)."""

    def __init__(self, *args, headers: list[str], columns: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "（不导入）")] + [(item.key, f"{item.label}{'（必填）' if item.required else ''}")
                                       for item in importing.FIELDS]
        field_at = {index: key for key, index in columns.items()}
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or f"第{index + 1}列", choices=choices, required=False, initial=field_at.get(index, ""),
                widget=UnfoldAdminSelectWidget)

    def columns(self) -> dict[str, int]:
        chosen: dict[str, int] = {}
        for name, key in self.cleaned_data.items():
            if key:
                if key in chosen:
                    label = importing.FIELDS_BY_KEY[key].label
                    raise ValidationError(f"“{label}”对应了不止一列，请只选一列。")
                chosen[key] = int(name.removeprefix("column_"))
        return chosen


@staff_member_required
def import_mapping(request, batch_id: int):
    """Confirm which column holds which field; then the preview is computed."""
    _require_role(request)
    batch = selectors_import.import_batch_get_for(request.user, batch_id)
    if batch.state not in services_import.PREVIEWABLE:
        return redirect("members:import_batch", batch_id=batch.pk)
    headers = batch.mapping["headers"]
    form = MappingForm(request.POST or None, headers=headers, columns=batch.mapping["columns"])
    if request.method == "POST" and form.is_valid():
        try:
            services_import.member_import_preview(actor=request.user, batch=batch, columns=form.columns(),
                                                  request=request)
        except ValidationError as error:
            _form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return redirect("members:import_batch", batch_id=batch.pk)
    rows = [{"field": form[f"column_{index}"], "samples": [sample[index] if index < len(sample) else ""
                                                           for sample in batch.mapping.get("samples", [])]}
            for index in range(len(headers))]
    return _page(request, "members/import/mapping.html", "核对列对应关系", batch=batch, form=form, rows=rows,
                 required=[item.label for item in importing.FIELDS if item.required])


# ---------------------------------------------------------------- preview, progress, result


@staff_member_required
def import_batch(request, batch_id: int):
    """The batch as it stands: preview with per-row errors, progress while running, the result."""
    _require_role(request)
    batch = services_import_recovery.import_batch_as_it_stands(request.user, batch_id)
    if batch.state == State.UPLOADED:
        return redirect("members:import_mapping", batch_id=batch.pk)
    may_write = scoping.can_write(request.user, batch)
    undo_blocker = selectors_import.import_batch_undo_blocker(batch) if batch.state == State.DONE else None
    return _page(request, "members/import/batch.html", f"导入批次：{batch.file_name}", batch=batch,
                 errors=batch.errors[:ERRORS_SHOWN], errors_hidden=max(0, len(batch.errors) - ERRORS_SHOWN),
                 invalid_rows=batch.total_rows - batch.valid_rows, may_write=may_write,
                 running=batch.state in (State.QUEUED, State.RUNNING), undo_blocker=undo_blocker,
                 checking=batch.mapping.get("phase") == services_import.PHASE_CHECK,
                 undoing=batch.mapping.get("phase") == services_import.PHASE_UNDO)


@staff_member_required
def import_commit(request, batch_id: int):
    return _batch_action(request, batch_id, lambda batch: services_import.member_import_commit(
        actor=request.user, batch=batch, request=request, only_valid_rows=request.POST.get("only_valid_rows") == "on"))


@staff_member_required
def import_retry(request, batch_id: int):
    """POST: queue again a batch whose background worker stopped midway."""
    return _batch_action(request, batch_id, lambda batch: services_import_recovery.member_import_retry(
        actor=request.user, batch=batch, request=request))


@staff_member_required
def import_undo(request, batch_id: int):
    return _batch_action(request, batch_id, lambda batch: services_import.member_import_undo(
        actor=request.user, batch=batch, request=request), say_done=True)


def _batch_action(request, batch_id: int, call, *, say_done: bool = False):
    """POST: one service step on a batch in the actor's scope, its refusal shown on the batch
    page (and, with ``say_done``, the batch's own message on success); back to the batch page."""
    _require_role(request)
    batch = selectors_import.import_batch_get_for(request.user, batch_id)
    if request.method == "POST":
        try:
            done = call(batch)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "；".join(getattr(error, "messages", None) or [str(error)]))
        else:
            if say_done:
                messages.success(request, done.message)
    return redirect("members:import_batch", batch_id=batch.pk)


@staff_member_required
def import_errors(request, batch_id: int):
    """The failed rows as uploaded, with a reason column (full personal data: writers only)."""
    _require_role(request)
    batch = selectors_import.import_batch_get_for(request.user, batch_id)
    return exporting.xlsx_response(*exporting.failed_rows_download(request.user, batch))


# ---------------------------------------------------------------- export


@staff_member_required
def member_export(request):
    """GET: what will be exported (the roster's filters from the query string); POST: the file."""
    _require_role(request)
    roster = exporting.roster_for(request.user, request.GET)
    may_reveal = exporting.may_export_full_id_numbers(request.user)
    if request.method == "POST":
        handle, _rows = exporting.member_export(actor=request.user, roster=roster, request=request,
                                                full_id_numbers=may_reveal and request.POST.get("full_id_numbers") == "on")
        return exporting.xlsx_response(handle, exporting.export_file_name())
    return _page(request, "members/export/confirm.html", "导出党员名册", count=roster.queryset.count(),
                 labels=roster.labels, may_reveal=may_reveal, query=request.GET.urlencode())
