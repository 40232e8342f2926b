"""The member's phone pages for activities (under /activities/m/): what is on around them with
the places left, signing up (or joining the waiting list) and cancelling, their own sign-ups,
and the check-in page the activity's QR code opens. Gated like the portal: a member account
only (portal.access); plain HTML, no JavaScript; portal/base.html gives the look.
"""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.activities import selectors, services
from dangjian.portal.access import member_required


@member_required
def member_activities(request):
    member = request.member
    return render(request, "activities/member/list.html", {
        "title": "社区活动", "activities": list(selectors.activities_for_member(member)[:50]),
        "mine": list(selectors.registrations_of(member)[:50]),
        "hours": selectors.volunteer_hours_of(member, timezone.localdate().year)})


def _member_detail(request, activity, *, error="", status=200):
    registration = selectors.registration_of(request.member, activity)
    return render(request, "activities/member/detail.html", {
        "title": activity.title, "activity": activity, "registration": registration, "error": error,
        "now": timezone.now(), "places_left": max(activity.capacity - activity.taken, 0)}, status=status)


@member_required
def member_activity(request, activity_id):
    return _member_detail(request, selectors.activity_for_member(request.member, activity_id))


@member_required
@require_POST
def member_sign_up(request, activity_id):
    activity = selectors.activity_for_member(request.member, activity_id)
    try:
        registration = services.registration_sign_up(member=request.member, activity=activity, request=request)
    except ValidationError as error:
        return _member_detail(request, activity, error="；".join(error.messages), status=400)
    messages.success(request, "报名成功。" if registration.status == "registered"
                     else "名额已满，您已进入候补名单；有人取消时按报名先后依次递补。")
    return redirect("activities:member_detail", activity.pk)


@member_required
@require_POST
def member_cancel(request, activity_id):
    activity = selectors.activity_for_member(request.member, activity_id)
    try:
        services.registration_cancel(member=request.member, activity=activity, request=request)
    except ValidationError as error:
        return _member_detail(request, activity, error="；".join(error.messages), status=400)
    messages.success(request, "已取消报名。")
    return redirect("activities:member_detail", activity.pk)


@member_required
def member_checkin(request):
    """The page the QR code opens: confirm, then check in (a GET never writes)."""
    token = request.POST.get("t") or request.GET.get("t") or ""
    context = {"title": "活动签到", "token": token}
    if request.method == "POST":
        try:
            registration = services.registration_check_in(member=request.member, token=token, request=request)
        except ValidationError as error:
            context["error"] = "；".join(error.messages)
            return render(request, "activities/member/checkin.html", context, status=400)
        context["done"] = registration
    return render(request, "activities/member/checkin.html", context)
