"""Session rules for the back office and the portal (GB/T 22239-2019 8.1.4.1 c: time-outs;
8.1.4.1 d: two factors), in one middleware after django-otp's:

* idle time-out (``SESSION_IDLE_MINUTES``, default 30) and absolute lifetime
  (``SESSION_ABSOLUTE_HOURS``, default 12): the user is signed out and sent to sign in again;
* every signed-in session is named in ``UserSession`` so its owner can see and end the others;
* a back-office user whose session is not yet verified with a second factor reaches only the
  enrollment/verification pages; one whose password has expired reaches only the password change.
"""

import time
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from dangjian.accounts import audit
from dangjian.accounts.models import UserSession
from dangjian.accounts.passwords import password_expired, security_setting
from dangjian.accounts.two_factor import requires_second_factor

STARTED_KEY = "_dangjian_started"
SEEN_KEY = "_dangjian_seen"
# Pages open to a user who still owes a second factor or a new password.
OPEN_PREFIXES = ("/account/", "/admin/logout/", "/admin/password_change/", "/admin/jsi18n/", "/static/",
                 "/i18n/", "/healthz", "/m/", "/c/", "/api/")
# Writing the "last seen" time on every request would write the session on every request.
SEEN_RESOLUTION_SECONDS = 60


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def session_started(request, user) -> None:
    """At sign-in: stamp the session and name it (called from the login receiver)."""
    now = time.time()
    request.session[STARTED_KEY] = now
    request.session[SEEN_KEY] = now
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": user, "source_ip": _client_ip(request),
                  "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200]},
    )


def session_ended(request) -> None:
    key = getattr(request.session, "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


@transaction.atomic
def session_end(*, actor, session: UserSession, request=None) -> None:
    """End one of the actor's own other sessions (the device is signed out at its next request)."""
    if session.user_id != actor.pk:
        raise PermissionDenied("只能结束自己的会话。")
    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session.session_key)
    store.delete()
    audit.record_session_ended(actor=actor, session=session, reason="ended_by_user", request=request)
    session.delete()


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            redirect = self._timed_out(request) or self._owes_something(request, user)
            if redirect is not None:
                return redirect
        return self.get_response(request)

    def _timed_out(self, request):
        now = time.time()
        started = request.session.get(STARTED_KEY)
        seen = request.session.get(SEEN_KEY)
        idle = security_setting("SESSION_IDLE_MINUTES", 30) * 60
        lifetime = security_setting("SESSION_ABSOLUTE_HOURS", 12) * 3600
        if (seen is not None and now - seen > idle) or (started is not None and now - started > lifetime):
            session_ended(request)
            login_url = "/m/login/" if request.path.startswith("/m/") else reverse("admin:login")
            logout(request)
            messages.warning(request, "您已长时间未操作或登录时间过长，请重新登录。")
            return HttpResponseRedirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
        if started is None:
            request.session[STARTED_KEY] = now  # a session from before this rule: start counting now
        if seen is None or now - seen > SEEN_RESOLUTION_SECONDS:
            request.session[SEEN_KEY] = now
            if request.session.session_key:
                UserSession.objects.filter(session_key=request.session.session_key).update(last_seen_at=timezone.now())
        return None

    def _owes_something(self, request, user):
        if request.path.startswith(OPEN_PREFIXES):
            return None
        if requires_second_factor(user) and not user.is_verified():
            return HttpResponseRedirect(f"{reverse('account:two-factor')}?{urlencode({'next': request.get_full_path()})}")
        if user.is_staff and password_expired(user):
            messages.warning(request, "您的密码已到期，请先修改密码。")
            return HttpResponseRedirect(reverse("admin:password_change"))
        return None
