"""Every write to community activities: create and change an activity, a member signing up or
cancelling (with the waiting list moving up), QR check-in (volunteer hours credited from it),
the short report and optional photos afterwards.

Keyword-only, atomic, ``actor`` (staff) or ``member`` (the portal) first; the activity row is
locked while places are counted, so two members taking the last place are serialised and the
second is put on the waiting list (or refused). Chinese ValidationError; nothing half-written;
one audit entry per write.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import AuditAction
from dangjian.activities.models import Activity, ActivityKind, ActivityPhoto, Registration, RegistrationStatus
from dangjian.core import checkin
from dangjian.core.uploads import check_upload
from dangjian.organizations.models import Area, AreaLevel, PartyOrganization, Unit

CHECKIN_KIND = "activities.activity"
CANNOT_WRITE = "您没有权限管理该活动。"
PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png")
PHOTO_MAX_BYTES = 10 * 1024 * 1024


def _fields(*, title, kind, community, organizer_organization, organizer_unit, starts_at, ends_at, place,
            capacity, description) -> dict:
    errors = {}
    title, place = (title or "").strip(), (place or "").strip()
    if not title:
        errors["title"] = "请填写活动名称。"
    if kind not in ActivityKind.values:
        errors["kind"] = "请选择活动类型。"
    if not isinstance(community, Area) or community.level != AreaLevel.COMMUNITY:
        errors["community"] = "请选择活动所在社区（须为社区一级）。"
    if (organizer_organization is None) == (organizer_unit is None):
        errors["organizer"] = "请选择主办的党组织或单位（二者选一）。"
    if not place:
        errors["place"] = "请填写活动地点。"
    if not isinstance(capacity, int) or capacity < 1:
        errors["capacity"] = "名额至少为1人。"
    if not (isinstance(starts_at, datetime.datetime) and isinstance(ends_at, datetime.datetime)):
        errors["starts_at"] = "请填写开始和结束时间。"
    elif ends_at <= starts_at:
        errors["ends_at"] = "结束时间须晚于开始时间。"
    if errors:
        raise ValidationError(errors)
    return {"title": title[:120], "kind": kind, "community": community, "organizer_organization": organizer_organization,
            "organizer_unit": organizer_unit, "starts_at": starts_at, "ends_at": ends_at, "place": place[:120],
            "capacity": capacity, "description": (description or "").strip()}


def _check_organizer(actor, organization, unit):
    organizer = organization or unit
    if organizer is not None and not scoping.can_see(actor, organizer):
        raise ValidationError({"organizer": "所选主办党组织或单位不存在或不在您的管辖范围内。"})
    if isinstance(organizer, PartyOrganization) and not organizer.is_active:
        raise ValidationError({"organizer": "所选党组织已撤销。"})
    if isinstance(organizer, Unit) and not organizer.is_operating:
        raise ValidationError({"organizer": "所选单位已不在正常经营。"})


@transaction.atomic
def activity_create(*, actor, title: str, kind: str, community: Area, starts_at: datetime.datetime,
                    ends_at: datetime.datetime, place: str, capacity: int, organizer_organization=None,
                    organizer_unit=None, keeps_waitlist: bool = True, description: str = "",
                    request=None) -> Activity:
    """Announce an activity in a community the actor serves, organised by an organization or a unit."""
    fields = _fields(title=title, kind=kind, community=community, organizer_organization=organizer_organization,
                     organizer_unit=organizer_unit, starts_at=starts_at, ends_at=ends_at, place=place,
                     capacity=capacity, description=description)
    if not scoping.can_write(actor, community):
        raise ValidationError({"community": "所选社区不在您的管辖范围内。"})
    _check_organizer(actor, organizer_organization, organizer_unit)
    activity = Activity(keeps_waitlist=keeps_waitlist, created_by=actor if actor and actor.pk else None, **fields)
    activity.full_clean()
    activity.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=activity, request=request, kind=kind)
    return activity


def _locked(activity: Activity) -> Activity:
    return Activity.objects.select_for_update(of=("self",)).select_related("community").get(pk=activity.pk)


def _writable(actor, activity: Activity) -> Activity:
    activity = _locked(activity)
    if not scoping.can_write(actor, activity):
        raise PermissionDenied(CANNOT_WRITE)
    return activity


def _taken(activity: Activity) -> int:
    return activity.registrations.filter(status=RegistrationStatus.REGISTERED).count()


@transaction.atomic
def activity_set_capacity(*, actor, activity: Activity, capacity: int, request=None) -> Activity:
    """Change the number of places: never below those already taken; more places move the waiting list up."""
    activity = _writable(actor, activity)
    if not isinstance(capacity, int) or capacity < 1:
        raise ValidationError({"capacity": "名额至少为1人。"})
    taken = _taken(activity)
    if capacity < taken:
        raise ValidationError({"capacity": f"已有{taken}人报名，名额不能少于已报名人数。"})
    activity.capacity = capacity
    activity.save(update_fields=["capacity"])
    promoted = _promote(activity)
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=activity, request=request, capacity=capacity,
                        promoted=promoted)
    return activity


def _promote(activity: Activity) -> int:
    """Move members from the waiting list, in the order they signed up, into freed places."""
    free = activity.capacity - _taken(activity)
    if free <= 0:
        return 0
    waiting = list(activity.registrations.filter(status=RegistrationStatus.WAITLISTED)
                   .order_by("registered_at", "pk")[:free])
    for registration in waiting:
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status"])
    return len(waiting)


# ---------------------------------------------------------------- members


def _now(at):
    now = timezone.now()
    if at is not None and at > now + datetime.timedelta(minutes=1):
        raise ValidationError("时间不能晚于现在。")
    return at or now


@transaction.atomic
def registration_sign_up(*, member, activity: Activity, at: datetime.datetime | None = None,
                         request=None) -> Registration:
    """The member signs up: a place while there is one, else the waiting list (or a refusal
    when the activity keeps none). Signing up again after cancelling is allowed."""
    activity = _locked(activity)
    at = _now(at)
    if member.standing != "active":
        raise ValidationError("只有在册党员可以报名。")
    if activity.starts_at <= at:
        raise ValidationError("活动已开始，报名已截止。")
    existing = activity.registrations.filter(member=member).first()
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        raise ValidationError(f"您已{existing.get_status_display()}，无需重复报名。")
    if _taken(activity) < activity.capacity:
        status = RegistrationStatus.REGISTERED
    elif activity.keeps_waitlist:
        status = RegistrationStatus.WAITLISTED
    else:
        raise ValidationError(f"名额已满（共{activity.capacity}人），该活动不设候补，报名未成功。")
    registration = existing or Registration(activity=activity, member=member)
    registration.status, registration.registered_at = status, at
    # activity and member are checked above: no query per foreign key again
    registration.full_clean(exclude=["activity", "member"], validate_unique=False)
    registration.save()
    audit.record_change(actor=None, action=AuditAction.CREATE, obj=registration, request=request,
                        member=member.pk, status=status, actor_label=f"党员{member.name}")
    return registration


@transaction.atomic
def registration_cancel(*, member, activity: Activity, at: datetime.datetime | None = None,
                        request=None) -> Registration:
    """The member withdraws before the start; the first on the waiting list takes the place."""
    activity = _locked(activity)
    at = _now(at)
    registration = activity.registrations.filter(member=member).exclude(status=RegistrationStatus.CANCELLED).first()
    if registration is None:
        raise ValidationError("您没有报名该活动。")
    if activity.starts_at <= at:
        raise ValidationError("活动已开始，不能取消报名。")
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status"])
    promoted = _promote(activity)
    audit.record_change(actor=None, action=AuditAction.UPDATE, obj=registration, request=request,
                        member=member.pk, status="cancelled", promoted=promoted, actor_label=f"党员{member.name}")
    return registration


def checkin_token(activity: Activity) -> str:
    return checkin.checkin_token(kind=CHECKIN_KIND, pk=activity.pk)


@transaction.atomic
def registration_check_in(*, member, token: str, at: datetime.datetime | None = None, request=None) -> Registration:
    """The member scans the activity's code on the spot: only within the check-in window, only
    with a place (not from the waiting list), once. A volunteer-service activity credits its
    length as volunteer hours."""
    pk = checkin.read_checkin_token(token, kind=CHECKIN_KIND)
    activity = Activity.objects.select_for_update(of=("self",)).filter(pk=pk).first()
    if activity is None:
        raise ValidationError("签到码无效，请扫描现场出示的二维码。")
    at = _now(at)
    checkin.require_open(checkin.checkin_window(starts_at=activity.starts_at, ends_at=activity.ends_at), at)
    registration = activity.registrations.filter(member=member).first()
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        raise ValidationError("您没有报名该活动，请先报名（或联系现场工作人员）。")
    if registration.status == RegistrationStatus.WAITLISTED:
        raise ValidationError("您还在候补名单中，没有获得名额，暂不能签到。")
    if registration.checked_in_at is not None:
        raise ValidationError("您已签到，无需重复签到。")
    registration.checked_in_at = at
    registration.volunteer_hours = activity.hours if activity.kind == ActivityKind.VOLUNTEER else None
    registration.save(update_fields=["checked_in_at", "volunteer_hours"])
    audit.record_change(actor=None, action=AuditAction.UPDATE, obj=registration, request=request,
                        member=member.pk, event="check_in", actor_label=f"党员{member.name}")
    return registration


# ---------------------------------------------------------------- afterwards


@transaction.atomic
def activity_report(*, actor, activity: Activity, report: str, at: datetime.datetime | None = None,
                    request=None) -> Activity:
    """A short report once the activity is over (optional; never a condition for anything)."""
    activity = _writable(actor, activity)
    at = _now(at)
    if activity.ends_at > at:
        raise ValidationError("活动结束后才能填写小结。")
    report = (report or "").strip()
    if not report:
        raise ValidationError({"report": "请填写活动小结。"})
    if len(report) > 4000:
        raise ValidationError({"report": "活动小结请控制在4000字以内。"})
    activity.report, activity.reported_at = report, at
    activity.save(update_fields=["report", "reported_at"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=activity, request=request, event="report")
    return activity


@transaction.atomic
def photo_add(*, actor, activity: Activity, upload, request=None) -> ActivityPhoto:
    """An optional photo of the activity (jpg or png, size checked)."""
    activity = _writable(actor, activity)
    name = check_upload(upload, extensions=PHOTO_EXTENSIONS, max_bytes=PHOTO_MAX_BYTES, what="照片")
    photo = ActivityPhoto(activity=activity, file=upload, name=name[:200], size=upload.size)
    photo.save()
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=activity, request=request, event="photo")
    return photo
