"""The charter and rules library pages: search, a document with its versions, and (for the
conference's office) registering a document, revising it (a new version; the earlier ones are
kept) and marking it superseded or repealed. Same shape as ``views``: selector (404), write
check (403), one service, its Chinese refusal back on the form."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import reverse
from django.views.decorators.http import require_POST

from dangjian.conference import forms, selectors, services
from dangjian.conference.models import DocumentStatus
from dangjian.conference.views import conference_page, may_write, render_page, writable_conference
from dangjian.core.form_errors import form_step


def _library(request, conference, *, form=None, status=200):
    search = forms.DocumentSearchForm(request.GET or None)
    documents = selectors.document_list_for(request.user).filter(conference=conference)
    if search.is_valid():
        documents = selectors.document_search(documents, **search.cleaned_data)
    context = {"title": f"{conference.name} · 章程制度", "conference": conference, "form": search,
               "documents": list(documents[:200])}
    if may_write(request.user, conference):
        context["document_form"] = form or forms.DocumentForm()
    return render_page(request, "conference/documents.html", context, status)


@conference_page
def document_library(request, conference_id):
    return _library(request, selectors.conference_get_for(request.user, conference_id))


@conference_page
@require_POST
def document_new(request, conference_id):
    conference = writable_conference(request, conference_id)
    form = forms.DocumentForm(request.POST, request.FILES)
    return form_step(request, form, lambda data: services.document_create(
        actor=request.user, conference=conference, kind=data["kind"], title=data["title"], issuer=data["issuer"],
        number=data["number"], effective_on=data["effective_on"], text=data["text"], attachment=data["attachment"],
        plenary_per_year=data["plenary_per_year"], research_per_year=data["research_per_year"], request=request),
        done="已登记文件。", success_url=lambda document: reverse("conference:document", args=[document.pk]),
        page_again=lambda form: _library(request, conference, form=form, status=400))


def _document_page(request, document, *, revise_form=None, status_form=None, status=200):
    context = {"title": document.title, "document": document, "conference": document.conference}
    # A refused form is shown with its message even when the document is no longer in force.
    context["revise_form"], context["status_form"] = revise_form, status_form
    if may_write(request.user, document.conference) and document.status == DocumentStatus.IN_FORCE:
        context["revise_form"] = revise_form or forms.DocumentReviseForm(initial={
            "title": document.title, "number": document.number, "effective_on": document.effective_on,
            "text": document.text})
        context["status_form"] = status_form or forms.DocumentStatusForm()
    return render_page(request, "conference/document.html", context, status)


@conference_page
def document_detail(request, document_id):
    return _document_page(request, selectors.document_get_for(request.user, document_id))


def _writable_document(request, document_id):
    document = selectors.document_get_for(request.user, document_id)
    if not may_write(request.user, document.conference):
        raise PermissionDenied(services.CANNOT_WRITE)
    return document


@conference_page
@require_POST
def document_revise(request, document_id):
    document = _writable_document(request, document_id)
    form = forms.DocumentReviseForm(request.POST, request.FILES)
    return form_step(request, form, lambda data: services.document_revise(
        actor=request.user, document=document, title=data["title"], text=data["text"],
        effective_on=data["effective_on"], note=data["note"], attachment=data["attachment"], number=data["number"],
        request=request),
        done="已登记新版本，原版本已保留。", success_url=reverse("conference:document", args=[document.pk]),
        page_again=lambda form: _document_page(request, document, revise_form=form, status=400))


@conference_page
@require_POST
def document_status(request, document_id):
    document = _writable_document(request, document_id)
    form = forms.DocumentStatusForm(request.POST)
    return form_step(request, form, lambda data: services.document_set_status(
        actor=request.user, document=document, status=data["status"], request=request),
        done="已更新文件状态。", success_url=reverse("conference:document", args=[document.pk]),
        page_again=lambda form: _document_page(request, document, status_form=form, status=400))


def attachment_response(field_file) -> FileResponse:
    """A stored attachment as a download (reached only through a scoped selector)."""
    if not field_file:
        raise Http404("没有附件。")
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件已不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=field_file.name.rsplit("/", 1)[-1])


@conference_page
def version_attachment(request, version_id):
    """The attachment of one version of a document (every version keeps its own)."""
    return attachment_response(selectors.document_version_get_for(request.user, version_id).attachment)
