"""在职党员到社区报到 on the member's phone, at /m/service/: the community where they live, its
service posts with the places left, registering on one, recording service they did (it counts
once the community confirms it), and their confirmed hours.

Gated like every portal page (``portal.access.member_required``): a member account only, its own
records only; a back-office user gets 404. Plain HTML, no script. A refusal re-renders the page
(400) with the service's Chinese message, and nothing is written.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dangjian.core.form_errors import put_service_errors_on
from dangjian.coverage import forms, selectors, services_cobuild
from dangjian.coverage.rules import hours_per_year
from dangjian.members.models import Employment
from dangjian.portal.access import member_required


def _page(request, *, record_form=None, error: str = "", status: int = 200):
    member = request.member
    registration = selectors.registration_of_member(member)
    posts = [] if registration is not None else list(selectors.posts_for_member(member))
    for post in posts:
        post.left = max(post.capacity - post.taken, 0)
    return render(request, "coverage/portal/service.html", {
        "title": "到社区报到", "member": member, "registration": registration, "posts": posts,
        "in_service": member.employment == Employment.EMPLOYED,
        "home": member.residence_area if selectors.member_home_community_path(member) else None,
        "records": selectors.records_of_member(member), "target": hours_per_year(), "error": error,
        "record_form": (record_form or forms.MemberServiceForm()) if registration is not None else None,
    }, status=status)


@member_required
def my_service(request):
    return _page(request)


def _refused(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)


@member_required
@require_POST
def register(request):
    try:
        post = selectors.post_for_member(request.member, request.POST.get("post"))
        services_cobuild.service_self_register(actor=request.user, member=request.member, post=post, request=request)
    except (ValidationError, PermissionDenied) as error:
        return _page(request, error=_refused(error), status=400)
    messages.success(request, "报到成功：请按岗位安排参加服务，服务后在本页登记，社区确认后计入服务时长。")
    return redirect("coverage_portal:service")


@member_required
@require_POST
def record(request):
    form = forms.MemberServiceForm(request.POST)
    if form.is_valid():
        try:
            services_cobuild.service_self_record(actor=request.user, member=request.member, request=request,
                                                 **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, "已登记，待社区确认后计入服务时长。")
            return redirect("coverage_portal:service")
    return _page(request, record_form=form, error="；".join(e for errors in form.errors.values() for e in errors),
                 status=400)
