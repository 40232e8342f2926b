"""One function per audit event type (STYLE.md habit 6). Services call these inside their
transaction, so an event is recorded exactly when the change it describes is committed."""

from django.db import models

from dangjian.accounts import audit_chain
from dangjian.accounts.models import AuditAction, AuditEntry


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _record(*, action: str, actor=None, request=None, obj: models.Model | None = None,
            actor_label: str = "", **detail) -> AuditEntry:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditEntry(
        action=action,
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor else ""),
        source_ip=_client_ip(request),
        detail=detail,
    )
    if obj is not None:
        entry.object_type = obj._meta.label
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:200]
    audit_chain.append(entry)
    return entry


def record_login(*, user, request) -> AuditEntry:
    return _record(action=AuditAction.LOGIN, actor=user, request=request)


def record_logout(*, user, request) -> AuditEntry:
    return _record(action=AuditAction.LOGOUT, actor=user, request=request)


def record_login_failed(*, username: str, request) -> AuditEntry:
    return _record(action=AuditAction.LOGIN_FAILED, actor_label=username[:150], request=request)


def record_lockout(*, username: str, request) -> AuditEntry:
    return _record(action=AuditAction.LOCKOUT, actor_label=username[:150], request=request)


def record_role_granted(*, actor, assignment, request=None) -> AuditEntry:
    return _record(action=AuditAction.ROLE_GRANTED, actor=actor, request=request, obj=assignment,
                   user=assignment.user.get_username(), role=assignment.role, scope=str(assignment.scope))


def record_role_revoked(*, actor, assignment, request=None) -> AuditEntry:
    return _record(action=AuditAction.ROLE_REVOKED, actor=actor, request=request, obj=assignment,
                   user=assignment.user.get_username(), role=assignment.role, scope=str(assignment.scope))


def record_token_issued(*, actor, token, request=None) -> AuditEntry:
    return _record(action=AuditAction.TOKEN_ISSUED, actor=actor, request=request, obj=token,
                   user=token.user.get_username())


def record_token_revoked(*, actor, token, request=None) -> AuditEntry:
    return _record(action=AuditAction.TOKEN_REVOKED, actor=actor, request=request, obj=token,
                   user=token.user.get_username())


def record_export(*, actor, what: str, rows: int, request=None, **filters) -> AuditEntry:
    return _record(action=AuditAction.EXPORT, actor=actor, request=request, what=what, rows=rows,
                   filters={k: str(v) for k, v in filters.items()})


def record_change(*, actor, action: str, obj, request=None, **detail) -> AuditEntry:
    """Create, update, move or delete of a record in the two trees or the unit list."""
    return _record(action=action, actor=actor, request=request, obj=obj, **detail)


def record_reveal(*, actor, obj, field: str, purpose: str = "", request=None) -> AuditEntry:
    """A full value of personal data (e.g. an ID number) was shown to ``actor``."""
    return _record(action=AuditAction.REVEAL, actor=actor, request=request, obj=obj, field=field,
                   purpose=purpose[:200])


def record_import(*, actor, obj, rows: int, request=None, **detail) -> AuditEntry:
    return _record(action=AuditAction.IMPORT, actor=actor, request=request, obj=obj, rows=rows, **detail)


def record_activation_codes_issued(*, actor, member_ids: list[int], request=None, **detail) -> AuditEntry:
    """Portal activation codes issued (a new code also resets a member's portal password)."""
    return _record(action=AuditAction.CREATE, actor=actor, request=request, event="activation_codes_issued",
                   count=len(member_ids), member_ids=member_ids[:2000], **detail)


def record_portal_activated(*, user, member, request=None) -> AuditEntry:
    """A member activated their portal account (or set a new password with a new code)."""
    return _record(action=AuditAction.UPDATE, actor=user, request=request, obj=member, event="portal_activated")


def record_portal_refused(*, what: str, phone: str, request=None) -> AuditEntry:
    """A refused portal activation or sign-in (a wrong code or password, or too many attempts)."""
    return _record(action=AuditAction.LOGIN_FAILED, actor_label=f"portal:{phone[:20]}", request=request,
                   event=what)


def record_audit_archived(*, actor, archive, request=None) -> AuditEntry:
    return _record(action=AuditAction.ARCHIVE, actor=actor, request=request, obj=archive,
                   entries=archive.entry_count, first=archive.first_entry_id, last=archive.last_entry_id,
                   sha256=archive.file_sha256)


def record_otp_enrolled(*, user, request=None) -> AuditEntry:
    return _record(action=AuditAction.OTP_ENROLLED, actor=user, request=request, obj=user)


def record_otp_failed(*, user, request=None) -> AuditEntry:
    return _record(action=AuditAction.OTP_FAILED, actor=user, request=request, obj=user)


def record_session_ended(*, actor, session, reason: str, request=None) -> AuditEntry:
    return _record(action=AuditAction.SESSION_ENDED, actor=actor, request=request, obj=session.user,
                   reason=reason, source_ip=session.source_ip or "")
