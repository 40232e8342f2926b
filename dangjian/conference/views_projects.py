"""A project's page (its need, resources, milestones and status) and the small writes on the
three lists: the office moves a project on, plans and edits its milestones, takes a resource
off the list or puts it back; the lead unit's liaison marks its project's milestones done.
Same shape as ``views``: selector (404), write check (403), one service, its Chinese refusal
back on the form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts import scoping
from dangjian.conference import forms, selectors, services, services_lists
from dangjian.conference.models import ProjectStatus
from dangjian.conference.views import conference_page, lists_page, may_write, render_page
from dangjian.core.form_errors import form_step

OPEN_PROJECT = (ProjectStatus.PLANNED, ProjectStatus.ACTIVE)


def _project_page(request, project, *, forms_in_error=None, status=200):
    errors = forms_in_error or {}
    writer = may_write(request.user, project.conference)
    is_open = project.status in OPEN_PROJECT
    today = timezone.localdate()
    # A refused form is shown with its message even when the project has just been closed.
    for milestone in project.milestone_list:
        milestone.overdue = milestone.is_overdue(today)
        milestone.done_form, milestone.edit_form = errors.get(("done", milestone.pk)), errors.get(("edit", milestone.pk))
        if is_open and not milestone.done_form and (writer or scoping.can_write(request.user, milestone)):
            milestone.done_form = forms.MilestoneDoneForm(
                initial={"done_on": today, "reopen": milestone.done_on is not None}, prefix=f"m{milestone.pk}")
        if is_open and not milestone.edit_form and writer:
            milestone.edit_form = forms.MilestoneEditForm(
                initial={"title": milestone.title, "due_on": milestone.due_on, "position": milestone.position},
                prefix=f"e{milestone.pk}")
    context = {"title": project.title, "project": project, "conference": project.conference, "may_write": writer,
               "today": today, "status_form": errors.get("status"), "milestone_form": errors.get("milestone")}
    if writer and is_open:
        context["status_form"] = context["status_form"] or forms.ProjectStatusForm()
        context["milestone_form"] = context["milestone_form"] or forms.MilestoneForm()
    return render_page(request, "conference/project.html", context, status)


@conference_page
def project_detail(request, project_id):
    return _project_page(request, selectors.project_get_for(request.user, project_id))


def _writable_project(request, project_id):
    project = selectors.project_get_for(request.user, project_id)
    if not may_write(request.user, project.conference):
        raise PermissionDenied(services.CANNOT_WRITE)
    return project


def _step(request, project, form, key, call, done: str):
    return form_step(request, form, call, done=done, success_url=reverse("conference:project", args=[project.pk]),
                     page_again=lambda form: _project_page(request, project, forms_in_error={key: form}, status=400))


@conference_page
@require_POST
def project_status(request, project_id):
    project = _writable_project(request, project_id)
    return _step(request, project, forms.ProjectStatusForm(request.POST), "status",
                 lambda data: services_lists.project_set_status(
                     actor=request.user, project=project, status=data["status"], outcome=data["outcome"],
                     on_date=data["on_date"], request=request), "已更新项目状态。")


@conference_page
@require_POST
def milestone_new(request, project_id):
    project = _writable_project(request, project_id)
    return _step(request, project, forms.MilestoneForm(request.POST), "milestone",
                 lambda data: services_lists.milestone_add(actor=request.user, project=project, title=data["title"],
                                                           due_on=data["due_on"], request=request), "已增加进度节点。")


@conference_page
@require_POST
def milestone_edit(request, milestone_id):
    milestone = selectors.milestone_get_for(request.user, milestone_id)
    project = _writable_project(request, milestone.project_id)
    return _step(request, project, forms.MilestoneEditForm(request.POST, prefix=f"e{milestone.pk}"),
                 ("edit", milestone.pk),
                 lambda data: services_lists.milestone_update(
                     actor=request.user, milestone=milestone, title=data["title"], due_on=data["due_on"],
                     position=data["position"], request=request), "已修改进度节点。")


@conference_page
@require_POST
def milestone_done(request, milestone_id):
    """The office or the lead unit's liaison marks a step done (or opens it again)."""
    milestone = selectors.milestone_get_for(request.user, milestone_id)
    project = selectors.project_get_for(request.user, milestone.project_id)
    if not (may_write(request.user, project.conference) or scoping.can_write(request.user, milestone)):
        raise PermissionDenied(services_lists.NOT_YOUR_PROJECT)
    return _step(request, project, forms.MilestoneDoneForm(request.POST, prefix=f"m{milestone.pk}"),
                 ("done", milestone.pk),
                 lambda data: services_lists.milestone_set_done(
                     actor=request.user, milestone=milestone, done_on=None if data["reopen"] else data["done_on"],
                     request=request), "已更新进度节点。")


@conference_page
@require_POST
def resource_availability(request, resource_id):
    """Take a resource off the list of what can be offered, or put it back."""
    resource = selectors.resource_get_for(request.user, resource_id)
    conference = resource.conference
    if not may_write(request.user, conference):
        raise PermissionDenied(services.CANNOT_WRITE)
    try:
        services_lists.resource_set_available(actor=request.user, resource=resource,
                                              available=request.POST.get("available") == "1", request=request)
    except ValidationError as error:
        return lists_page(request, conference, resource_error=" ".join(error.messages), status=400)
    messages.success(request, "已更新资源的可提供状态。")
    return redirect("conference:lists", conference.pk)
