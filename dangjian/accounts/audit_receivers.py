"""Receivers that record authentication events in the audit log and name the session
(session_security.py), for every way of signing in or out."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from dangjian.accounts import audit, session_security


@receiver(user_logged_in, dispatch_uid="audit_login")
def _on_login(sender, request, user, **kwargs):
    audit.record_login(user=user, request=request)
    if request is not None and hasattr(request, "session"):
        session_security.session_started(request, user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record_logout(user=user, request=request)
    if request is not None and hasattr(request, "session"):
        session_security.session_ended(request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    audit.record_login_failed(username=str(credentials.get("username", "")), request=request)


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def _on_lockout(sender, request, username=None, ip_address=None, **kwargs):
    audit.record_lockout(username=str(username or ""), request=request)
