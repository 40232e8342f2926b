"""Every write to residents' concerns: public filing, staff intake, assignment, progress notes,
resolution, the resident's rating (and the reopening an unsatisfied rating brings).

Each service is keyword-only and atomic, re-reads the concern under a row lock (two workers
clicking at once are serialised, and the second sees what the first did), validates with a
Chinese ValidationError before writing anything, checks the actor's scope (PermissionDenied)
and writes its timeline entry and audit entry through ``timeline``. The public pages, the
staff pages, the API and the demo generator all call these.
"""

import datetime
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.concerns import timeline
from dangjian.concerns.models import (
    OPEN_STATUSES,
    Concern,
    ConcernCategory,
    ConcernChannel,
    ConcernStatus,
    Rating,
)
from dangjian.concerns.tracking import new_tracking_code, normalize_tracking_code
from dangjian.organizations.models import Area, AreaLevel, PartyOrganization, Unit

MIN_DESCRIPTION = 5
# A mobile number, a landline with its area code, or a local landline number.
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$")
NOT_FOUND = "未找到该查询码对应的诉求，请核对查询码后重试。"
CANNOT_WRITE = "您没有权限办理该诉求。"


# ---------------------------------------------------------------- shared checks


def deadline_days(category: str) -> int:
    """Days to resolve a concern of ``category`` (local practice, DANGJIAN_RULES)."""
    days = settings.DANGJIAN_RULES["CONCERN_DEADLINE_DAYS"]
    return int(days.get(category, days.get(ConcernCategory.OTHER, 15)))


def _deadline(category: str, start: datetime.datetime) -> datetime.date:
    return timezone.localdate(start) + datetime.timedelta(days=deadline_days(category))


def _when(at: datetime.datetime | None, *, not_before: datetime.datetime | None = None) -> datetime.datetime:
    """When a step happened: now, or a past moment recorded afterwards (a phone call taken
    down later, the demo's year); never in the future, never before the step it follows."""
    now = timezone.now()
    if at is None:
        return now
    if at > now + datetime.timedelta(minutes=1):
        raise ValidationError({"at": "办理时间不能晚于现在。"})
    if not_before is not None and at < not_before:
        raise ValidationError({"at": "办理时间不能早于上一步的时间。"})
    return at


def _text(value, *, field: str, message: str, max_length: int = 2000) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    if len(text) > max_length:
        raise ValidationError({field: f"内容过长，请控制在{max_length}字以内。"})
    return text


def _resident_fields(*, category, description, community, grid, location, resident_name,
                     resident_phone) -> dict:
    errors = {}
    if category not in ConcernCategory.values:
        errors["category"] = "请选择诉求类别。"
    text = (description or "").strip()
    if len(text) < MIN_DESCRIPTION:
        errors["description"] = f"请写明您反映的问题（至少{MIN_DESCRIPTION}个字）。"
    elif len(text) > 2000:
        errors["description"] = "诉求内容过长，请控制在2000字以内。"
    if not isinstance(community, Area) or community.level != AreaLevel.COMMUNITY:
        errors["community"] = "请选择所在社区（须为社区一级）。"
    phone = re.sub(r"[\s()（）]", "", resident_phone or "")
    if phone and not _PHONE.match(phone):
        errors["resident_phone"] = "联系电话格式不正确：请填写11位手机号码或带区号的固定电话，也可以不填。"
    for field, value, limit in (("grid", grid, 60), ("location", location, 120), ("resident_name", resident_name, 40)):
        if len((value or "").strip()) > limit:
            errors[field] = f"内容过长，请控制在{limit}字以内。"
    if errors:
        raise ValidationError(errors)
    return {"category": category, "description": text, "community": community, "grid": (grid or "").strip(),
            "location": (location or "").strip(), "resident_name": (resident_name or "").strip(),
            "resident_phone": phone}


def _unused_tracking_code() -> str:
    while True:  # a collision is ~10⁻¹⁷ likely: the loop is for correctness, not expected to turn
        code = new_tracking_code()
        if not Concern.objects.filter(tracking_code=code).exists():
            return code


def _create(*, actor, channel: str, at: datetime.datetime, request, **fields) -> Concern:
    concern = Concern(tracking_code=_unused_tracking_code(), channel=channel, received_at=at,
                      deadline=_deadline(fields["category"], at),
                      created_by=actor if getattr(actor, "is_authenticated", False) else None, **fields)
    concern.full_clean()
    concern.save()
    timeline.received(concern=concern, actor=actor, at=at, request=request)
    return concern


def _locked(concern: Concern) -> Concern:
    """The concern read afresh under a row lock, with what its pages and events show."""
    return (Concern.objects.select_for_update(of=("self",))
            .select_related("community", "assigned_organization", "assigned_unit", "assigned_member")
            .get(pk=concern.pk))


def _writable(actor, concern: Concern) -> Concern:
    concern = _locked(concern)
    if not scoping.can_write(actor, concern):
        raise PermissionDenied(CANNOT_WRITE)
    return concern


def _last_step_at(concern: Concern) -> datetime.datetime:
    last = concern.events.order_by("-at", "-id").values_list("at", flat=True).first()
    return last or concern.received_at


# ---------------------------------------------------------------- intake


@transaction.atomic
def concern_file_public(*, category: str, description: str, community: Area, grid: str = "", location: str = "",
                        resident_name: str = "", resident_phone: str = "", at: datetime.datetime | None = None,
                        request=None) -> Concern:
    """A resident files a concern on the public page (no account): returns it with its tracking code."""
    fields = _resident_fields(category=category, description=description, community=community, grid=grid,
                              location=location, resident_name=resident_name, resident_phone=resident_phone)
    return _create(actor=None, channel=ConcernChannel.ONLINE, at=_when(at), request=request, **fields)


@transaction.atomic
def concern_intake(*, actor, category: str, description: str, community: Area, channel: str,
                   grid: str = "", location: str = "", resident_name: str = "", resident_phone: str = "",
                   at: datetime.datetime | None = None, request=None) -> Concern:
    """Staff take down a concern (phone call, visit, found on a round) in a community they serve."""
    fields = _resident_fields(category=category, description=description, community=community, grid=grid,
                              location=location, resident_name=resident_name, resident_phone=resident_phone)
    if channel not in ConcernChannel.values or channel == ConcernChannel.ONLINE:
        raise ValidationError({"channel": "请选择诉求来源（电话、来访或走访发现）。"})
    if not scoping.can_write(actor, community):
        raise ValidationError({"community": "所选社区不在您的管辖范围内。"})
    return _create(actor=actor, channel=channel, at=_when(at), request=request, **fields)


# ---------------------------------------------------------------- handling


def _assignee(actor, *, organization, unit, member):
    given = [(kind, value) for kind, value in (("organization", organization), ("unit", unit), ("member", member))
             if value is not None]
    if not given:
        raise ValidationError({"assignee": "请选择承办的党组织、单位或党员。"})
    if len(given) > 1:
        raise ValidationError({"assignee": "一件诉求只能交办给一个承办对象，请只选择一个党组织、单位或党员。"})
    kind, value = given[0]
    if not scoping.can_see(actor, value):
        raise ValidationError({"assignee": "所选承办对象不存在或不在您的管辖范围内。"})
    if kind == "organization" and not value.is_active:
        raise ValidationError({"assignee": "所选党组织已撤销，不能承办诉求。"})
    if kind == "unit" and not value.is_operating:
        raise ValidationError({"assignee": "所选单位已不在正常经营，不能承办诉求。"})
    if kind == "member":
        from dangjian.members.models import Standing

        if value.standing != Standing.ACTIVE:
            raise ValidationError({"assignee": "所选党员已不在册，不能承办诉求。"})
    return kind, value


@transaction.atomic
def concern_assign(*, actor, concern: Concern, organization: PartyOrganization | None = None,
                   unit: Unit | None = None, member=None, note: str = "", at: datetime.datetime | None = None,
                   request=None) -> Concern:
    """Hand the concern to exactly one party organization, unit or member in the actor's scope.

    An open concern may be handed on (转办) to someone else; handing it to whoever already
    holds it — a double click — is refused."""
    concern = _writable(actor, concern)
    if concern.status not in OPEN_STATUSES:
        raise ValidationError("该诉求已办结，不能再交办。")
    kind, assignee = _assignee(actor, organization=organization, unit=unit, member=member)
    if concern.assignee is not None and concern.assignee == assignee:
        raise ValidationError({"assignee": f"该诉求已交办给{concern.assignee_label}，无需重复交办。"})
    at = _when(at, not_before=_last_step_at(concern))
    concern.assigned_organization = assignee if kind == "organization" else None
    concern.assigned_unit = assignee if kind == "unit" else None
    concern.assigned_member = assignee if kind == "member" else None
    concern.status = ConcernStatus.ASSIGNED
    concern.assigned_at = at
    concern.full_clean()
    concern.save()
    timeline.assigned(concern=concern, actor=actor, at=at, note=(note or "").strip()[:2000], request=request)
    return concern


@transaction.atomic
def concern_add_note(*, actor, concern: Concern, text: str, public: bool = False,
                     at: datetime.datetime | None = None, request=None) -> Concern:
    """A progress note (internal) or a reply the resident reads (``public``); the first note on
    an assigned concern moves it to 办理中."""
    concern = _writable(actor, concern)
    if concern.status not in OPEN_STATUSES:
        raise ValidationError("该诉求已办结，不能再添加办理记录。")
    text = _text(text, field="text", message="请填写办理情况。")
    at = _when(at, not_before=_last_step_at(concern))
    if concern.status == ConcernStatus.ASSIGNED:
        concern.status = ConcernStatus.IN_PROGRESS
        concern.save(update_fields=["status"])
    timeline.noted(concern=concern, actor=actor, at=at, text=text, public=public, request=request)
    return concern


@transaction.atomic
def concern_resolve(*, actor, concern: Concern, reply: str, at: datetime.datetime | None = None,
                    request=None) -> Concern:
    """Close the concern with a reply the resident reads through the tracking code."""
    concern = _writable(actor, concern)
    if concern.status == ConcernStatus.RECEIVED:
        raise ValidationError("该诉求尚未交办，不能办结：请先交办给承办的党组织、单位或党员。")
    if concern.status not in OPEN_STATUSES:
        raise ValidationError("该诉求已办结，无需重复办结。")
    reply = _text(reply, field="reply", message="请填写给居民的答复（办理结果）。")
    at = _when(at, not_before=_last_step_at(concern))
    concern.status = ConcernStatus.RESOLVED
    concern.reply = reply
    concern.resolved_at = at
    concern.full_clean()
    concern.save()
    timeline.resolved(concern=concern, actor=actor, at=at, request=request)
    return concern


# ---------------------------------------------------------------- the resident's rating


def concern_by_code_for_update(tracking_code: str) -> Concern:
    code = normalize_tracking_code(tracking_code)
    concern = (Concern.objects.select_for_update(of=("self",)).select_related("assigned_member")
               .filter(tracking_code=code).first() if code else None)
    if concern is None:
        raise ValidationError({"tracking_code": NOT_FOUND})
    return concern


@transaction.atomic
def concern_rate(*, tracking_code: str, rating: str, comment: str = "", at: datetime.datetime | None = None,
                 request=None) -> Concern:
    """The resident rates a resolved concern by its tracking code. 不满意 (with a reason)
    reopens it: back to 办理中 with a fresh deadline, counted in ``reopen_count``."""
    if rating not in Rating.values:
        raise ValidationError({"rating": "请选择满意、基本满意或不满意。"})
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationError({"comment": "评价意见请控制在500字以内。"})
    if rating == Rating.UNSATISFIED and not comment:
        raise ValidationError({"comment": "请说明不满意的原因，以便重新办理。"})
    concern = concern_by_code_for_update(tracking_code)
    if concern.status == ConcernStatus.EVALUATED:
        raise ValidationError("您已评价过该诉求，感谢您的反馈。")
    if concern.status != ConcernStatus.RESOLVED:
        raise ValidationError("该诉求尚未办结，办结后才能评价。")
    at = _when(at, not_before=_last_step_at(concern))
    concern.rating, concern.rating_comment, concern.rated_at = rating, comment, at
    if rating == Rating.UNSATISFIED:
        concern.status = ConcernStatus.IN_PROGRESS
        concern.reopen_count += 1
        concern.resolved_at = None
        concern.deadline = _deadline(concern.category, at)
    else:
        concern.status = ConcernStatus.EVALUATED
    concern.full_clean()
    concern.save()
    timeline.rated(concern=concern, at=at, request=request)
    if rating == Rating.UNSATISFIED:
        timeline.reopened(concern=concern, at=at, request=request)
    return concern
