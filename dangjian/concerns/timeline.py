"""One function per event in a concern's life (STYLE.md habit 6): each writes the timeline
entry — saying whether the resident sees it — and the audit entry, inside the service's
transaction. Services call these; nothing else writes ConcernEvent."""

from dangjian.accounts import audit
from dangjian.accounts.models import AuditAction
from dangjian.concerns.models import Concern, ConcernEvent, EventKind

RESIDENT_LABEL = "居民"


def _actor_label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return RESIDENT_LABEL
    return str(actor)


def _write(*, concern: Concern, kind: str, at, actor, text: str = "", public: bool, rating: str = "",
           audit_action: str = AuditAction.UPDATE, request=None, **detail) -> ConcernEvent:
    staff = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = ConcernEvent(concern=concern, kind=kind, at=at, text=text, public=public, rating=rating,
                         actor=staff, actor_label=_actor_label(actor))
    event.full_clean()
    event.save()
    audit.record_change(actor=staff, action=audit_action, obj=concern, request=request, event=kind,
                        actor_label="" if staff else RESIDENT_LABEL, **detail)
    return event


def received(*, concern: Concern, actor, at, request=None) -> ConcernEvent:
    return _write(concern=concern, kind=EventKind.RECEIVED, at=at, actor=actor, public=True,
                  text=f"已受理（{concern.get_channel_display()}），办理时限至{concern.deadline:%Y年%m月%d日}。",
                  audit_action=AuditAction.CREATE, request=request, channel=concern.channel)


def assigned(*, concern: Concern, actor, at, note: str = "", request=None) -> ConcernEvent:
    text = f"已交由{concern.public_assignee_label}办理。"
    # The resident reads the public text; the staff's instructions stay on an internal note.
    event = _write(concern=concern, kind=EventKind.ASSIGNED, at=at, actor=actor, public=True, text=text,
                   request=request, assignee=concern.assignee_label)
    if note:
        noted(concern=concern, actor=actor, at=at, text=note, public=False, request=request)
    return event


def noted(*, concern: Concern, actor, at, text: str, public: bool, request=None) -> ConcernEvent:
    kind = EventKind.REPLY if public else EventKind.NOTE
    return _write(concern=concern, kind=kind, at=at, actor=actor, public=public, text=text, request=request)


def resolved(*, concern: Concern, actor, at, request=None) -> ConcernEvent:
    return _write(concern=concern, kind=EventKind.RESOLVED, at=at, actor=actor, public=True, text=concern.reply,
                  request=request)


def rated(*, concern: Concern, at, request=None) -> ConcernEvent:
    text = concern.get_rating_display() + (f"：{concern.rating_comment}" if concern.rating_comment else "")
    return _write(concern=concern, kind=EventKind.RATED, at=at, actor=None, public=True, text=text,
                  rating=concern.rating, request=request, rating_value=concern.rating)


def reopened(*, concern: Concern, at, request=None) -> ConcernEvent:
    return _write(concern=concern, kind=EventKind.REOPENED, at=at, actor=None, public=True,
                  text=f"居民不满意，已重新办理（第{concern.reopen_count}次），"
                       f"办理时限至{concern.deadline:%Y年%m月%d日}。",
                  request=request, reopen_count=concern.reopen_count)
