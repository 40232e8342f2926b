"""The member's school pages on the phone, at /m/school/: this year's study hours and classes,
and the check-in page a class's QR code opens.

Gated like the portal's own pages (portal/access.py): signed in as a member account, else the
portal's sign-in page (coming back here afterwards); a back-office user gets 404. A member reads
only their own attendance. Check-in is one POST through ``services.checkin_by_member``, which
refuses an expired, repeated or forged code and a class not open to the member.
"""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from dangjian.portal.access import member_required
from dangjian.school import selectors, services


@member_required
def my_hours(request):
    member = request.member
    year = timezone.localdate().year
    hours = selectors.member_hours(member, year)
    target = selectors.member_target_hours(member, year) or services.default_target_hours()
    return render(request, "school/portal/hours.html", {
        "title": "我的学习", "year": year, "hours": hours, "target": target,
        "remaining": max(target - hours, 0), "attendance": list(selectors.member_attendance(member, year)),
        "upcoming": selectors.upcoming_for_member(member, now=timezone.now())})


@member_required
def checkin_page(request):
    """The page a class's QR code opens: the class, and a button to check in."""
    token = request.POST.get("t") or request.GET.get("t") or ""
    error = None
    try:
        session = services.session_for_token(token)
    except ValidationError as refused:
        session, error = None, "；".join(refused.messages)
    if request.method == "POST" and session is not None:
        try:
            row = services.checkin_by_member(member=request.member, token=token, request=request)
        except ValidationError as refused:
            error = "；".join(refused.messages)
        else:
            messages.success(request, f"签到成功，本次计入{row.hours}学时。")
            return redirect("school_portal:hours")
    response = render(request, "school/portal/checkin.html", {
        "title": "课程签到", "session": session, "token": token, "error": error})
    if error:
        response.status_code = 200 if request.method == "GET" else 400 if session is None else 409
    return response
