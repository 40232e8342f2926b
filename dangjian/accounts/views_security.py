"""The signed-in user's own security pages at /account/: two-factor enrollment and verification,
recovery codes, and their sessions."""

from django.contrib.admin import site
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dangjian.accounts import session_security, two_factor
from dangjian.accounts.models import UserSession


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/admin/"
    return target


def _page(request, template, **context):
    return render(request, template, {**site.each_context(request), **context})


@staff_member_required
def two_factor_page(request):
    """Enroll (no confirmed authenticator yet) or verify this session."""
    user = request.user
    if user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    error = ""
    enrolled = two_factor.confirmed_totp(user) is not None
    if request.method == "POST":
        try:
            if enrolled:
                two_factor.second_factor_verify(request=request, user=user, token=request.POST.get("token", ""))
                return HttpResponseRedirect(_next_url(request))
            codes = two_factor.totp_enrollment_confirm(request=request, user=user, token=request.POST.get("token", ""))
            return _page(request, "accounts/recovery_codes.html", title="保存恢复码", codes=codes,
                         next=_next_url(request))
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    if enrolled:
        return _page(request, "accounts/two_factor_verify.html", title="双因素验证", error=error, next=_next_url(request))
    device = two_factor.totp_enrollment_begin(user=user)
    return _page(request, "accounts/two_factor_enroll.html", title="绑定身份验证器", error=error,
                 next=_next_url(request), **two_factor.enrollment_details(device))


@staff_member_required
@require_POST
def recovery_codes_page(request):
    try:
        codes = two_factor.recovery_codes_regenerate(request=request, user=request.user)
    except ValidationError as refusal:
        raise Http404(" ".join(refusal.messages)) from refusal
    return _page(request, "accounts/recovery_codes.html", title="新的恢复码", codes=codes, next="/account/sessions/")


@staff_member_required
def sessions_page(request):
    """Where the user is signed in; they can end any session but this one."""
    if request.method == "POST":
        session = UserSession.objects.filter(user=request.user, pk=request.POST.get("session")).first()
        if session is None or session.session_key == request.session.session_key:
            raise Http404("会话不存在。")
        session_security.session_end(actor=request.user, session=session, request=request)
        return HttpResponseRedirect(request.path)
    sessions = UserSession.objects.filter(user=request.user).order_by("-last_seen_at")
    return _page(request, "accounts/sessions.html", title="我的登录会话", sessions=sessions,
                 current_key=request.session.session_key)
