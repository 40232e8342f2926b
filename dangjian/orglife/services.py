"""Every write to branch organizational life: record or change a meeting, record its attendance,
attach a file, delete a planned meeting.

Keyword-only, atomic, ``actor`` first; scope is checked (PermissionDenied), the input is
validated with a Chinese ValidationError before anything is written, and each write leaves one
audit entry. The staff pages, the admin, the API and the demo generator call these.
"""

import datetime
import os

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import AuditAction
from dangjian.core.uploads import check_upload
from dangjian.organizations.models import BRANCH_KINDS, PartyOrganization
from dangjian.orglife.models import (
    Attendance,
    AttendanceStatus,
    MeetingAttachment,
    MeetingKind,
    MeetingStatus,
    OrgLifeMeeting,
)

CANNOT_WRITE = "您没有权限登记该党支部的组织生活。"


def _writable_branch(actor, organization: PartyOrganization) -> PartyOrganization:
    if not isinstance(organization, PartyOrganization) or not scoping.can_see(actor, organization):
        raise ValidationError({"organization": "所选党支部不存在或不在您的管辖范围内。"})
    if not scoping.can_write(actor, organization):
        raise PermissionDenied(CANNOT_WRITE)
    if organization.kind not in BRANCH_KINDS:
        raise ValidationError({"organization": "“三会一课”以党支部为单位登记：请选择党支部（含联合党支部、临时党支部）。"})
    if not organization.is_active:
        raise ValidationError({"organization": "该党支部已撤销，不能再登记组织生活。"})
    return organization


def _clean_fields(*, kind, status, held_on, topic, host, location, minutes, today) -> dict:
    errors = {}
    if kind not in MeetingKind.values:
        errors["kind"] = "请选择会议类型。"
    if status not in MeetingStatus.values:
        errors["status"] = "请选择会议状态（计划召开或已召开）。"
    if not isinstance(held_on, datetime.date):
        errors["held_on"] = "请填写会议日期。"
    elif status == MeetingStatus.HELD and held_on > today:
        errors["held_on"] = "会议日期在今天之后，不能登记为“已召开”：请登记为“计划召开”，召开后再改为已召开。"
    elif status == MeetingStatus.PLANNED and held_on < today:
        errors["held_on"] = "计划召开的会议日期不能早于今天；已经开过的会议请登记为“已召开”。"
    topic, host = (topic or "").strip(), (host or "").strip()
    if not topic:
        errors["topic"] = "请填写会议主题。"
    elif len(topic) > 200:
        errors["topic"] = "会议主题请控制在200字以内。"
    if not host:
        errors["host"] = "请填写主持人。"
    elif len(host) > 40:
        errors["host"] = "主持人请控制在40字以内。"
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "status": status, "held_on": held_on, "topic": topic, "host": host,
            "location": (location or "").strip()[:120], "minutes": (minutes or "").strip()}


@transaction.atomic
def meeting_record(*, actor, organization: PartyOrganization, kind: str, held_on: datetime.date, topic: str,
                   host: str, status: str = MeetingStatus.HELD, location: str = "", minutes: str = "",
                   today: datetime.date | None = None, request=None) -> OrgLifeMeeting:
    """Record a branch meeting that was held, or plan one (a held meeting may not be in the future)."""
    organization = _writable_branch(actor, organization)
    fields = _clean_fields(kind=kind, status=status, held_on=held_on, topic=topic, host=host, location=location,
                           minutes=minutes, today=today or timezone.localdate())
    meeting = OrgLifeMeeting(organization=organization, recorded_by=actor if actor and actor.pk else None, **fields)
    # The organization and the actor were checked above: no query per foreign key again.
    meeting.full_clean(exclude=["organization", "recorded_by"])
    meeting.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=meeting, request=request, kind=kind,
                        status=status)
    return meeting


def _locked(actor, meeting: OrgLifeMeeting) -> OrgLifeMeeting:
    meeting = (OrgLifeMeeting.objects.select_for_update(of=("self",)).select_related("organization")
               .get(pk=meeting.pk))
    if not scoping.can_write(actor, meeting):
        raise PermissionDenied(CANNOT_WRITE)
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: OrgLifeMeeting, kind: str, held_on: datetime.date, topic: str, host: str,
                   status: str, location: str = "", minutes: str = "", today: datetime.date | None = None,
                   request=None) -> OrgLifeMeeting:
    """Change a meeting's record (e.g. a planned meeting now held, with its minutes)."""
    meeting = _locked(actor, meeting)
    today = today or timezone.localdate()
    fields = _clean_fields(kind=kind, status=status, held_on=held_on, topic=topic, host=host, location=location,
                           minutes=minutes, today=today)
    if status == MeetingStatus.PLANNED and meeting.attendance.exists():
        raise ValidationError({"status": "该会议已登记出勤，不能改回“计划召开”。"})
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    meeting.save()
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=meeting, request=request, status=status)
    return meeting


@transaction.atomic
def meeting_delete(*, actor, meeting: OrgLifeMeeting, request=None) -> None:
    """Delete a planned meeting that will not take place; a held meeting stays in the ledger."""
    meeting = _locked(actor, meeting)
    if meeting.status == MeetingStatus.HELD:
        raise ValidationError("已召开的会议是台账记录，不能删除；如有错误请修改。")
    audit.record_change(actor=actor, action=AuditAction.DELETE, obj=meeting, request=request)
    meeting.delete()


# ---------------------------------------------------------------- attendance


def roster_filter(branch: PartyOrganization, on_date: datetime.date) -> Q:
    """Who may appear on a branch meeting's attendance: members on the roll of the branch or its
    party groups, and floating members from elsewhere the branch hosts on that day (MEM-04)."""
    hosted = (Q(floating_records__direction="inflow", floating_records__host_organization=branch,
                floating_records__started_on__lte=on_date)
              & (Q(floating_records__ended_on__isnull=True) | Q(floating_records__ended_on__gte=on_date)))
    return Q(standing="active") & (Q(organization__path__startswith=branch.path) | hosted)


def _away_on(member, on_date: datetime.date) -> bool:
    """Was the member registered as floating out on ``on_date``?"""
    return member.floating_records.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=on_date), direction="outflow", started_on__lte=on_date).exists()


@transaction.atomic
def meeting_record_attendance(*, actor, meeting: OrgLifeMeeting, entries: list[dict], request=None) -> list[Attendance]:
    """Replace the meeting's attendance with ``entries`` — dicts of ``member``, ``status``, and
    ``reason`` (absent, on leave) or ``elsewhere`` (a floating member who took part where they
    are now). Everyone must be on the branch's roster; nothing is written if one entry is wrong."""
    from dangjian.members.models import Member

    meeting = _locked(actor, meeting)
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError("会议尚未召开，不能登记出勤。")
    ids = [getattr(entry.get("member"), "pk", None) for entry in entries]
    if None in ids:
        raise ValidationError({"member": "出勤记录缺少党员。"})
    if len(set(ids)) != len(ids):
        raise ValidationError({"member": "同一党员在出勤记录中出现了两次。"})
    roster = set(Member.objects.filter(roster_filter(meeting.organization, meeting.held_on), pk__in=ids)
                 .values_list("pk", flat=True).distinct())
    rows = []
    for entry in entries:
        member, status = entry["member"], entry.get("status")
        reason, elsewhere = (entry.get("reason") or "").strip(), (entry.get("elsewhere") or "").strip()
        if member.pk not in roster:
            raise ValidationError({"member": f"{member.name}不是{meeting.organization.name}的党员"
                                             "（也不是该支部接收的流入党员），不能登记出勤。"})
        if status not in AttendanceStatus.values:
            raise ValidationError({"status": f"请选择{member.name}的出勤情况。"})
        if status in (AttendanceStatus.ABSENT, AttendanceStatus.LEAVE) and not reason:
            raise ValidationError({"reason": f"请填写{member.name}缺席或请假的原因。"})
        if status == AttendanceStatus.ELSEWHERE:
            if not elsewhere:
                raise ValidationError({"elsewhere": f"请填写{member.name}在哪个党组织参加了组织生活。"})
            if not _away_on(member, meeting.held_on):
                raise ValidationError({"elsewhere": f"{member.name}在会议当天没有流出登记，不能记为在流入地参加。"})
        rows.append(Attendance(meeting=meeting, member=member, status=status,
                               reason=reason[:200] if status != AttendanceStatus.PRESENT else "",
                               elsewhere=elsewhere[:120] if status == AttendanceStatus.ELSEWHERE else ""))
    meeting.attendance.all().delete()
    for row in rows:
        # meeting and member were checked above (the roster query): skip a query per row and key
        row.full_clean(exclude=["meeting", "member"], validate_unique=False)
    Attendance.objects.bulk_create(rows)
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=meeting, request=request, event="attendance",
                        present=sum(1 for r in rows if r.status == AttendanceStatus.PRESENT), total=len(rows))
    return rows


# ---------------------------------------------------------------- attachments


def _check_upload(upload) -> tuple[str, str]:
    """(base name, content type) of an acceptable attachment (core/uploads.py checks it)."""
    limits = settings.ORGLIFE_ATTACHMENTS
    name = check_upload(upload, extensions=tuple(limits["types"]), max_bytes=limits["max_bytes"], what="文件")
    return name[:200], limits["types"][os.path.splitext(name)[1].lower()]


@transaction.atomic
def attachment_add(*, actor, meeting: OrgLifeMeeting, upload, request=None) -> MeetingAttachment:
    """Attach a file (minutes scan, sign-in sheet, photo) — size and type checked."""
    meeting = _locked(actor, meeting)
    name, content_type = _check_upload(upload)
    attachment = MeetingAttachment(meeting=meeting, file=upload, name=name, size=upload.size,
                                   content_type=content_type, uploaded_by=actor if actor and actor.pk else None)
    attachment.full_clean(exclude=["file"])
    attachment.save()
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=meeting, request=request, event="attachment",
                        file=name)
    return attachment
