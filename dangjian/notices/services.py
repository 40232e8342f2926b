"""Posting notices and recording that a member read one."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import AuditAction
from dangjian.members.models import Member
from dangjian.notices.models import Audience, Notice, NoticeRead


@transaction.atomic
def notice_post(*, actor, title: str, body: str, organization=None, area=None, audience: str = "",
                authority=None, request=None) -> Notice:
    """Post a notice to an organization subtree or an area subtree the actor writes to,
    optionally to one care group there.

    ``authority``: a record the actor writes to that speaks for ``area`` (its ``area`` is that
    area) — a party school's administrator notifies the members of the school's area of a class
    without holding the area itself. The caller's record is checked here, not trusted."""
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = "请填写标题。"
    if not body:
        errors["body"] = "请填写正文。"
    if (organization is None) == (area is None):
        errors["organization"] = "请选择发送范围：一个党组织或一个区域（二者选一）。"
    elif authority is not None and not (area is not None and getattr(authority, "area_id", None) == area.pk
                                        and scoping.can_write(actor, authority)):
        errors["area"] = "您不能向该范围发布通知：只能发给您管辖范围内的党组织或区域。"
    elif authority is None and not scoping.can_write(actor, organization or area):
        field = "organization" if organization is not None else "area"
        errors[field] = "您不能向该范围发布通知：只能发给您管辖范围内的党组织或区域。"
    if (audience or "") not in Audience.values:
        errors["audience"] = "发送对象不正确。"
    if errors:
        raise ValidationError(errors)
    notice = Notice(title=title, body=body, organization=organization, area=area, audience=audience or "",
                    author=actor)
    notice.full_clean()
    notice.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=notice, request=request,
                        audience=notice.audience_label)
    return notice


def notice_mark_read(*, member: Member, notice: Notice) -> NoticeRead:
    """Record that ``member`` opened ``notice`` (the caller found it through the member's own
    notices); the first reading is kept."""
    existing = NoticeRead.objects.filter(notice=notice, member=member).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return NoticeRead.objects.create(notice=notice, member=member)
    except IntegrityError:  # the same member opened it twice at once
        return NoticeRead.objects.get(notice=notice, member=member)
