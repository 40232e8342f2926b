"""Writes for co-construction: pairings (结对共建) with their activities and annual reviews, and
in-service members serving the community they live in (在职党员到社区报到).

Same conventions as ``coverage.services``: keyword-only, atomic, validated before anything is
written (Chinese messages), scope checked, audited.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import AuditAction
from dangjian.core.periods import add_months
from dangjian.coverage.models import (
    CommunityService,
    Pairing,
    PairingActivity,
    PairingReview,
    PairingSide,
    ServicePost,
    ServiceRecord,
)
from dangjian.coverage.services import CANNOT_WRITE, _not_future, _require_write, _text
from dangjian.members.models import Employment, Member, Standing
from dangjian.organizations.models import Area, AreaLevel, PartyOrganization

MAX_HOURS_PER_DAY = Decimal(24)


def side_of(organization: PartyOrganization) -> str | None:
    """Community side: an organization of a community (no unit). Unit side: a unit's organization."""
    if organization.unit_id is not None:
        return PairingSide.UNIT
    if organization.area.level in (AreaLevel.COMMUNITY, AreaLevel.GRID):
        return PairingSide.COMMUNITY
    return None


# ---------------------------------------------------------------- pairings


@transaction.atomic
def pairing_create(*, actor, community_organization: PartyOrganization, unit_organization: PartyOrganization,
                   signed_on: datetime.date, commitments: str, term_months: int = 24, request=None) -> Pairing:
    sides = (side_of(community_organization), side_of(unit_organization))
    if sides[0] == sides[1]:
        raise ValidationError({"unit_organization": "结对双方须一方为社区党组织、一方为驻区单位党组织，不能是同一类组织。"})
    if sides != (PairingSide.COMMUNITY, PairingSide.UNIT):
        raise ValidationError({"community_organization": "请选择一个社区党组织和一个驻区单位党组织。"})
    if not (scoping.can_write(actor, community_organization) or scoping.can_write(actor, unit_organization)):
        raise PermissionDenied(CANNOT_WRITE)
    if not (scoping.can_see(actor, community_organization) and scoping.can_see(actor, unit_organization)):
        raise PermissionDenied(CANNOT_WRITE)
    _not_future(signed_on, "signed_on", "协议签订日期")
    if not term_months or not 1 <= term_months <= 120:
        raise ValidationError({"term_months": "协议期限应在1至120个月之间。"})
    if Pairing.objects.filter(community_organization=community_organization, unit_organization=unit_organization,
                              ended_on=None).exists():
        raise ValidationError("这两个党组织已经结对，且协议尚未终止。")
    pairing = Pairing(community_organization=community_organization, unit_organization=unit_organization,
                      signed_on=signed_on, term_months=term_months, term_ends_on=add_months(signed_on, term_months),
                      commitments=_text(commitments, "commitments", "请填写共建承诺。", 2000))
    pairing.full_clean()
    pairing.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=pairing, request=request)
    return pairing


def _writable_pairing(actor, pairing: Pairing) -> Pairing:
    pairing = Pairing.objects.select_for_update().select_related(
        "community_organization", "unit_organization").get(pk=pairing.pk)
    _require_write(actor, pairing)
    return pairing


@transaction.atomic
def pairing_end(*, actor, pairing: Pairing, ended_on: datetime.date, request=None) -> Pairing:
    pairing = _writable_pairing(actor, pairing)
    _not_future(ended_on, "ended_on", "终止日期")
    if pairing.ended_on is not None:
        raise ValidationError("该结对已终止。")
    if ended_on < pairing.signed_on:
        raise ValidationError({"ended_on": "终止日期不能早于签订日期。"})
    pairing.ended_on = ended_on
    pairing.save(update_fields=["ended_on"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=pairing, request=request, event="ended")
    return pairing


@transaction.atomic
def pairing_activity_record(*, actor, pairing: Pairing, held_on: datetime.date, content: str, participants: int = 0,
                            resources: str = "", request=None) -> PairingActivity:
    pairing = _writable_pairing(actor, pairing)
    _not_future(held_on, "held_on", "活动日期")
    if pairing.ended_on is not None:
        raise ValidationError("该结对已终止，不能再登记共建活动。")
    if held_on < pairing.signed_on:
        raise ValidationError({"held_on": "活动日期不能早于协议签订日期。"})
    if participants is None or participants < 0:
        raise ValidationError({"participants": "参加人数不能为负数。"})
    activity = PairingActivity(pairing=pairing, held_on=held_on, participants=participants,
                               content=_text(content, "content", "请填写活动内容。", 200),
                               resources=(resources or "").strip()[:200])
    activity.full_clean()
    activity.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=activity, request=request, pairing=pairing.pk)
    return activity


@transaction.atomic
def pairing_review(*, actor, pairing: Pairing, year: int, side: str, rating: int, comment: str = "",
                   request=None) -> PairingReview:
    """One side's annual rating of the pairing; each side rates for itself."""
    pairing = _writable_pairing(actor, pairing)
    organization = {PairingSide.COMMUNITY: pairing.community_organization,
                    PairingSide.UNIT: pairing.unit_organization}.get(side)
    if organization is None:
        raise ValidationError({"side": "请选择评价方。"})
    if not scoping.can_write(actor, organization):
        raise PermissionDenied("只能以本方党组织的名义评价。")
    if rating not in range(1, 6):
        raise ValidationError({"rating": "评分应为1至5分。"})
    if not pairing.signed_on.year <= year <= timezone.localdate().year:
        raise ValidationError({"year": "评价年度应在协议签订之后、不晚于今年。"})
    if PairingReview.objects.filter(pairing=pairing, year=year, side=side).exists():
        raise ValidationError("本方已评价过该年度。")
    review = PairingReview(pairing=pairing, year=year, side=side, rating=rating, comment=(comment or "").strip()[:300])
    review.full_clean()
    review.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=review, request=request, rating=rating)
    return review


# ---------------------------------------------------------------- in-service members


@transaction.atomic
def service_post_create(*, actor, community: Area, name: str, capacity: int, description: str = "",
                        request=None) -> ServicePost:
    if community is None or community.level != AreaLevel.COMMUNITY:
        raise ValidationError({"community": "服务岗位须设在社区。"})
    _require_write(actor, community)
    if not capacity or capacity < 1:
        raise ValidationError({"capacity": "人数上限至少为1。"})
    post = ServicePost(community=community, name=_text(name, "name", "请填写岗位名称。", 60), capacity=capacity,
                       description=(description or "").strip()[:200])
    post.full_clean()
    post.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=post, request=request)
    return post


@transaction.atomic
def service_register(*, actor, member: Member, post: ServicePost, registered_on: datetime.date | None = None,
                     request=None) -> CommunityService:
    """An in-service member reports to the community where they live and takes a post. Recorded
    by the community or by the member's own organization."""
    post = ServicePost.objects.select_for_update().select_related("community").get(pk=post.pk)
    community = post.community
    if not (scoping.can_write(actor, community) or scoping.can_write(actor, member)):
        raise PermissionDenied(CANNOT_WRITE)
    registered_on = _not_future(registered_on or timezone.localdate(), "registered_on", "报到日期")
    if member.standing != Standing.ACTIVE or member.employment != Employment.EMPLOYED:
        raise ValidationError({"member": "只有在职党员到居住社区报到。"})
    residence = member.residence_area
    if residence is None or not residence.path.startswith(community.path):
        raise ValidationError({"post": "党员只能到其居住的社区报到：该社区不是这名党员的居住社区。"})
    if not post.is_open:
        raise ValidationError({"post": "该服务岗位已停止报名。"})
    if post.registrations.filter(ended_on=None).count() >= post.capacity:
        raise ValidationError({"post": f"该服务岗位已满（上限{post.capacity}人），请选择其他岗位。"})
    if CommunityService.objects.filter(member=member, ended_on=None).exists():
        raise ValidationError({"member": "该党员已经报到，请先结束原报到。"})
    registration = CommunityService(member=member, community=community, post=post, registered_on=registered_on)
    registration.full_clean()
    registration.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=registration, request=request, post=post.name)
    return registration


@transaction.atomic
def service_end(*, actor, registration: CommunityService, ended_on: datetime.date | None = None,
                request=None) -> CommunityService:
    """The registration ends (the member moved, changed posts, left work): by the residence
    community or the member's own organization. Its records stay; the place on the post frees up."""
    registration = CommunityService.objects.select_for_update().select_related("community", "member").get(
        pk=registration.pk)
    if not (scoping.can_write(actor, registration.community) or scoping.can_write(actor, registration.member)):
        raise PermissionDenied(CANNOT_WRITE)
    ended_on = _not_future(ended_on or timezone.localdate(), "ended_on", "结束日期")
    if registration.ended_on is not None:
        raise ValidationError("该报到已结束。")
    if ended_on < registration.registered_on:
        raise ValidationError({"ended_on": "结束日期不能早于报到日期。"})
    if registration.records.filter(served_on__gt=ended_on).exists():
        raise ValidationError({"ended_on": "结束日期之后还有服务记录，请核对结束日期。"})
    registration.ended_on = ended_on
    registration.save(update_fields=["ended_on"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=registration, request=request, event="ended")
    return registration


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"hours": "请填写服务时长（小时）。"}) from None
    if not Decimal(0) < hours <= MAX_HOURS_PER_DAY:
        raise ValidationError({"hours": "服务时长应大于0、不超过24小时。"})
    return hours


@transaction.atomic
def service_record(*, actor, registration: CommunityService, served_on: datetime.date, hours, content: str,
                   request=None) -> ServiceRecord:
    registration = CommunityService.objects.select_for_update().select_related("community", "member").get(
        pk=registration.pk)
    if not (scoping.can_write(actor, registration.community) or scoping.can_write(actor, registration.member)):
        raise PermissionDenied(CANNOT_WRITE)
    _not_future(served_on, "served_on", "服务日期")
    if served_on < registration.registered_on or (registration.ended_on and served_on > registration.ended_on):
        raise ValidationError({"served_on": "服务日期须在报到期间内。"})
    record = ServiceRecord(registration=registration, served_on=served_on, hours=_hours(hours),
                           content=_text(content, "content", "请填写服务内容。", 200))
    record.full_clean()
    record.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=record, request=request, hours=str(record.hours))
    return record


@transaction.atomic
def service_confirm(*, actor, record: ServiceRecord, request=None) -> ServiceRecord:
    """The community confirms the hours (only the community: the member's organization records)."""
    record = ServiceRecord.objects.select_for_update().select_related("registration__community").get(pk=record.pk)
    if not scoping.can_write(actor, record.registration.community):
        raise PermissionDenied("服务时长由报到社区确认。")
    if record.confirmed_on is not None:
        raise ValidationError("该服务记录已确认。")
    record.confirmed_on = timezone.localdate()
    record.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    record.save(update_fields=["confirmed_on", "confirmed_by"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=record, request=request, event="confirmed")
    return record


# ---------------------------------------------------------------- the member's own (portal)


def _own_member(actor, member: Member) -> None:
    """The member acts for themself only: the signed-in account must be this member's."""
    from dangjian.portal.access import member_account_of

    account = member_account_of(actor)
    if account is None or account.member_id != member.pk:
        raise PermissionDenied("只能办理本人的报到和服务记录。")


@transaction.atomic
def service_self_register(*, actor, member: Member, post: ServicePost, request=None) -> CommunityService:
    """在职党员本人在门户报到: the member picks a post of the community where they live. The
    same refusals as a registration by staff, phrased to the member; today's date."""
    _own_member(actor, member)
    post = ServicePost.objects.select_for_update().select_related("community").get(pk=post.pk)
    if member.standing != Standing.ACTIVE or member.employment != Employment.EMPLOYED:
        raise ValidationError({"member": "到居住社区报到面向在职党员；您的就业状况不是“在职”，如有变化请先申请更正个人信息。"})
    residence = member.residence_area
    if residence is None or not residence.path.startswith(post.community.path):
        raise ValidationError({"post": "只能到您居住的社区报到：该岗位不属于您的居住社区。"})
    current = CommunityService.objects.filter(member=member, ended_on=None).select_related("community", "post").first()
    if current is not None:
        raise ValidationError({"member": f"您已在{current.community.name}报到（{current.post.name}），"
                                         "如需更换岗位请联系社区。"})
    if not post.is_open:
        raise ValidationError({"post": "该服务岗位已停止报名，请选择其他岗位。"})
    if post.registrations.filter(ended_on=None).count() >= post.capacity:
        raise ValidationError({"post": f"该服务岗位已满（上限{post.capacity}人），请选择其他岗位。"})
    registration = CommunityService(member=member, community=post.community, post=post,
                                    registered_on=timezone.localdate())
    registration.full_clean(exclude=["member", "community", "post"], validate_unique=False)
    registration.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=registration, request=request, post=post.name,
                        actor_label=f"党员{member.name}", event="self_registered")
    return registration


@transaction.atomic
def service_self_record(*, actor, member: Member, served_on: datetime.date, hours, content: str,
                        request=None) -> ServiceRecord:
    """The member records service they did under their open registration; it counts once the
    community confirms it (``service_confirm``)."""
    _own_member(actor, member)
    registration = CommunityService.objects.select_for_update().filter(member=member, ended_on=None).first()
    if registration is None:
        raise ValidationError("您尚未到居住社区报到，请先选择服务岗位报到。")
    _not_future(served_on, "served_on", "服务日期")
    if served_on < registration.registered_on:
        raise ValidationError({"served_on": f"服务日期不能早于报到日期（{registration.registered_on:%Y-%m-%d}）。"})
    record = ServiceRecord(registration=registration, served_on=served_on, hours=_hours(hours),
                           content=_text(content, "content", "请填写服务内容。", 200))
    record.full_clean(exclude=["registration"])
    record.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=record, request=request, hours=str(record.hours),
                        actor_label=f"党员{member.name}", event="self_recorded")
    return record
