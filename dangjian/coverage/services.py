"""Writes for coverage: a unit's extra facts, joint-branch membership, instructors (appointment,
assignment, visits) and the blank-spot history.

Keyword-only and atomic; validate first (Chinese ValidationError), check the actor's scope
(PermissionDenied), write, audit. Every service that can change a unit's coverage ends with
:func:`blank_spots_sync` over that unit's community, so a blank spot is recorded as resolved on the
day the fix is entered (and the daily task catches changes made elsewhere, e.g. in the registry).
Pairing and in-service service live in ``services_cobuild``.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import AuditAction, Role
from dangjian.core.periods import add_months
from dangjian.coverage import blank_spots
from dangjian.coverage.derivation import counted_units, with_coverage
from dangjian.coverage.models import (
    BlankSpotRecord,
    Instructor,
    InstructorAssignment,
    InstructorVisit,
    UnitProfile,
)
from dangjian.organizations.models import Area, AreaLevel, OrganizationKind, PartyOrganization, Unit

CANNOT_WRITE = "您没有权限办理此项业务。"


def _require_write(actor, obj) -> None:
    if not scoping.can_write(actor, obj):
        raise PermissionDenied(CANNOT_WRITE)


def _not_future(day: datetime.date | None, field: str, what: str) -> datetime.date:
    if day is None:
        raise ValidationError({field: f"请填写{what}。"})
    if day > timezone.localdate():
        raise ValidationError({field: f"{what}不能晚于今天。"})
    return day


def _text(value, field: str, message: str, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    if len(text) > max_length:
        raise ValidationError({field: f"内容过长，请控制在{max_length}字以内。"})
    return text


def street_of(area: Area) -> Area:
    """The street (or the area itself when above street level) an area lies in."""
    if area.level in (AreaLevel.COMMUNITY, AreaLevel.GRID):
        return Area.objects.get(path__in=path_prefixes(area), level=AreaLevel.STREET)
    return area


def path_prefixes(area: Area) -> list[str]:
    """The paths of ``area`` and of every area above it (one indexed IN, no walk up the tree)."""
    return [area.path[:end] for end in range(Area.steplen, len(area.path) + 1, Area.steplen)]


# ---------------------------------------------------------------- unit facts


@transaction.atomic
def unit_profile_update(*, actor, unit: Unit, members_registered_elsewhere: int, note: str = "",
                        request=None) -> UnitProfile:
    """The street's manual count of members working in the unit but registered elsewhere."""
    _require_write(actor, unit)
    if members_registered_elsewhere is None or members_registered_elsewhere < 0:
        raise ValidationError({"members_registered_elsewhere": "人数不能为负数。"})
    if members_registered_elsewhere > max(unit.staff_count, 0):
        raise ValidationError({"members_registered_elsewhere": "组织关系在外的党员数不能超过单位从业人员数。"})
    profile, created = UnitProfile.objects.select_for_update().get_or_create(unit=unit)
    profile.members_registered_elsewhere = members_registered_elsewhere
    profile.note = (note or "").strip()
    profile.full_clean()
    profile.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=profile,
                        request=request, members_registered_elsewhere=members_registered_elsewhere)
    blank_spots_sync(area=unit.area)
    return profile


@transaction.atomic
def joint_branch_add_unit(*, actor, organization: PartyOrganization, unit: Unit, request=None) -> PartyOrganization:
    """Bring a unit into a joint branch (COV-01: fewer than three members). The branch must be a
    joint branch in the unit's own street: a branch elsewhere does not cover it."""
    _require_write(actor, organization)
    if not scoping.can_see(actor, unit):
        raise PermissionDenied(CANNOT_WRITE)
    if organization.kind != OrganizationKind.JOINT_BRANCH or not organization.is_active:
        raise ValidationError({"organization": "只能纳入存续的联合党支部。"})
    if street_of(organization.area).pk != street_of(unit.area).pk:
        raise ValidationError({"organization": "该联合党支部位于其他街道，不能覆盖本单位，请选择本街道的联合党支部。"})
    if PartyOrganization.objects.filter(unit=unit, is_active=True).exists():
        raise ValidationError({"unit": "该单位已单独建立党组织，无需纳入联合党支部。"})
    if organization.covered_units.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": "该单位已在这个联合党支部中。"})
    organization.covered_units.add(unit)
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=organization, request=request,
                        event="joint_branch_unit_added", unit=unit.name)
    blank_spots_sync(area=unit.area)
    return organization


# ---------------------------------------------------------------- instructors


@transaction.atomic
def instructor_appoint(*, actor, name: str, area: Area, appointed_by: str, appointed_on: datetime.date,
                       term_months: int = 24, phone: str = "", member=None, user=None, username: str = "",
                       password: str = "", request=None) -> Instructor:
    """Appoint an instructor for a street or district; optionally create their sign-in account
    (they then hold the instructor role over the units assigned to them)."""
    if area is None or area.level not in (AreaLevel.STREET, AreaLevel.DISTRICT, AreaLevel.CITY):
        raise ValidationError({"area": "聘任区域须为街道、区或市。"})
    _require_write(actor, area)
    _not_future(appointed_on, "appointed_on", "聘任日期")
    if not term_months or not 1 <= term_months <= 120:
        raise ValidationError({"term_months": "聘期应在1至120个月之间。"})
    if member is not None and not scoping.can_see(actor, member):
        raise PermissionDenied(CANNOT_WRITE)
    if username:
        from dangjian.accounts import services as account_services

        user = account_services.user_create(actor=actor, username=username, password=password,
                                            display_name=name, phone=phone, request=request)
    instructor = Instructor(name=_text(name, "name", "请填写指导员姓名。", 40), area=area, member=member, user=user,
                            appointed_by=_text(appointed_by, "appointed_by", "请填写聘任机关。", 80),
                            appointed_on=appointed_on, term_months=term_months, phone=(phone or "").strip(),
                            term_ends_on=add_months(appointed_on, term_months))
    instructor.full_clean()
    instructor.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=instructor, request=request,
                        area=area.name, appointed_by=instructor.appointed_by)
    if user is not None:
        scoping.forget_grants(user)
    return instructor


@transaction.atomic
def instructor_end(*, actor, instructor: Instructor, ended_on: datetime.date, request=None) -> Instructor:
    instructor = Instructor.objects.select_for_update().get(pk=instructor.pk)
    _require_write(actor, instructor)
    _not_future(ended_on, "ended_on", "解聘日期")
    if instructor.ended_on is not None:
        raise ValidationError("该指导员已解聘。")
    if ended_on < instructor.appointed_on:
        raise ValidationError({"ended_on": "解聘日期不能早于聘任日期。"})
    instructor.ended_on = ended_on
    instructor.save(update_fields=["ended_on"])
    InstructorAssignment.objects.filter(instructor=instructor, ended_on=None).update(ended_on=ended_on)
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=instructor, request=request, event="ended")
    for area in Area.objects.filter(pk__in=InstructorAssignment.objects.filter(instructor=instructor)
                                    .values("unit__area")):
        blank_spots_sync(area=area)
    return instructor


@transaction.atomic
def instructor_assign(*, actor, instructor: Instructor, unit: Unit, started_on: datetime.date | None = None,
                      request=None) -> InstructorAssignment:
    """Assign an instructor to a unit (COV-02: work coverage where no organization can be formed yet)."""
    started_on = _not_future(started_on or timezone.localdate(), "started_on", "指派日期")
    instructor = Instructor.objects.select_for_update().select_related("area").get(pk=instructor.pk)
    if not scoping.can_see(actor, instructor):
        raise PermissionDenied(CANNOT_WRITE)
    _require_write(actor, unit)
    if not instructor.is_active_on(started_on):
        raise ValidationError({"instructor": "该指导员不在聘期内，不能指派。"})
    if not unit.area.path.startswith(instructor.area.path):
        raise ValidationError({"unit": f"该单位不在指导员的聘任区域（{instructor.area.name}）内。"})
    if InstructorAssignment.objects.filter(instructor=instructor, unit=unit, ended_on=None).exists():
        raise ValidationError({"unit": "该指导员已联系这个单位。"})
    assignment = InstructorAssignment(instructor=instructor, unit=unit, started_on=started_on)
    assignment.full_clean()
    assignment.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=assignment, request=request,
                        instructor=instructor.name, unit=unit.name)
    if instructor.user_id:
        scoping.forget_grants(instructor.user)
    blank_spots_sync(area=unit.area)
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment: InstructorAssignment, ended_on: datetime.date | None = None,
                   request=None) -> InstructorAssignment:
    assignment = InstructorAssignment.objects.select_for_update().select_related("unit", "unit__area").get(
        pk=assignment.pk)
    _require_write(actor, assignment.unit)
    ended_on = _not_future(ended_on or timezone.localdate(), "ended_on", "结束日期")
    if assignment.ended_on is not None:
        raise ValidationError("该指派已结束。")
    if ended_on < assignment.started_on:
        raise ValidationError({"ended_on": "结束日期不能早于指派日期。"})
    assignment.ended_on = ended_on
    assignment.save(update_fields=["ended_on"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=assignment, request=request, event="ended")
    blank_spots_sync(area=assignment.unit.area)
    return assignment


def instructor_of(actor, on_date: datetime.date | None = None) -> Instructor | None:
    """The actor's own current appointment (an instructor signed in), if any."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    from dangjian.coverage.derivation import instructor_active_q

    return Instructor.objects.filter(instructor_active_q(on_date or timezone.localdate()), user=actor) \
        .order_by("-appointed_on").first()


@transaction.atomic
def visit_record(*, actor, unit: Unit, visited_on: datetime.date, topic: str, outcome: str = "",
                 instructor: Instructor | None = None, request=None) -> InstructorVisit:
    """An instructor records a visit to one of their units (or staff record it for them)."""
    own = instructor_of(actor)
    if instructor is None:
        instructor = own
    if instructor is None:
        raise ValidationError({"instructor": "请选择走访的指导员。"})
    acting_as_instructor = own is not None and own.pk == instructor.pk
    if not acting_as_instructor and not (scoping.has_any_role(actor) and scoping.can_write(actor, unit)):
        raise PermissionDenied(CANNOT_WRITE)
    _not_future(visited_on, "visited_on", "走访日期")
    assigned = InstructorAssignment.objects.filter(instructor=instructor, unit=unit, started_on__lte=visited_on) \
        .exclude(ended_on__lt=visited_on)
    if not assigned.exists():
        raise ValidationError({"unit": "该单位不是这位指导员的联系单位（或走访日期不在指派期内），不能登记走访。"})
    visit = InstructorVisit(instructor=instructor, unit=unit, visited_on=visited_on,
                            topic=_text(topic, "topic", "请填写指导事项。", 120), outcome=(outcome or "").strip(),
                            recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
    visit.full_clean()
    visit.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=visit, request=request,
                        instructor=instructor.name, unit=unit.name)
    return visit


# ---------------------------------------------------------------- blank-spot history


def _current_spots(area: Area | None, on_date: datetime.date) -> dict[tuple, tuple]:
    """{(rule, area id, unit id or None): (message, area id, unit id)} found today under ``area``."""
    from dangjian.organizations.rules import _uncovered_communities

    units = Unit.objects.all() if area is None else Unit.objects.filter(area__path__startswith=area.path)
    spots = {}
    for rule_code, condition in blank_spots.CONDITIONS.items():
        for unit in condition(units, on_date).only("pk", "name", "area_id", "staff_count"):
            spots[(rule_code, unit.area_id, unit.pk)] = blank_spots.message(rule_code, unit)
    communities = _uncovered_communities(scoping.Scope(actor=_SYSTEM, focus_area=area), on_date)
    for community in communities.only("pk", "name"):
        spots[(blank_spots.COMMUNITY, community.pk, None)] = f"{community.name}没有位于本社区的党组织。"
    return spots


class _System:
    """The sync reads the whole city (or one subtree) whoever caused it: a superuser-like reader."""

    is_authenticated = True
    is_active = True
    is_superuser = True


_SYSTEM = _System()


def _resolution(record: BlankSpotRecord, statuses: dict[int, str], operating: dict[int, bool]) -> str:
    if record.rule_code == blank_spots.COMMUNITY:
        return "社区已建立党组织"
    if record.unit_id is not None and not operating.get(record.unit_id, False):
        return "单位已停业或不再计入"
    status = statuses.get(record.unit_id)
    if record.rule_code in (blank_spots.OWN_ORGANIZATION, blank_spots.JOINT_BRANCH) and status in (
            blank_spots.CoverageStatus.OWN, blank_spots.CoverageStatus.JOINT):
        return blank_spots.RESOLVED_BY[status]
    if record.rule_code == blank_spots.INSTRUCTOR and status in blank_spots.RESOLVED_BY:
        return blank_spots.RESOLVED_BY[status]
    return "党员人数等情况变化"


@transaction.atomic
def blank_spots_sync(*, area: Area | None = None, on_date: datetime.date | None = None) -> dict:
    """Open a record for each blank spot found under ``area`` (the whole city when None) that has
    no open record, and resolve each open record no longer found, saying how. Generated from the
    records like a ledger (no person acts, so no audit entry): run by the daily task and after
    every coverage service."""
    on_date = on_date or timezone.localdate()
    if area is not None and area.level == AreaLevel.GRID:
        area = area.get_parent()  # a community's spots are kept together
    current = _current_spots(area, on_date)
    open_records = BlankSpotRecord.objects.select_for_update().filter(resolved_on=None)
    if area is not None:
        open_records = open_records.filter(area__path__startswith=area.path)
    open_records = list(open_records)
    known = {(r.rule_code, r.area_id, r.unit_id) for r in open_records}
    gone = [r for r in open_records if (r.rule_code, r.area_id, r.unit_id) not in current]
    unit_ids = {r.unit_id for r in gone if r.unit_id}
    units = with_coverage(Unit.objects.filter(pk__in=unit_ids), on_date).only("pk", "sector", "is_operating")
    statuses = {u.pk: u.coverage for u in units}
    operating = {pk: True for pk in counted_units(Unit.objects.filter(pk__in=unit_ids)).values_list("pk", flat=True)}
    for record in gone:
        record.resolved_on = on_date
        record.resolution = _resolution(record, statuses, operating)
        record.save(update_fields=["resolved_on", "resolution"])
    opened = [BlankSpotRecord(rule_code=key[0], area_id=key[1], unit_id=key[2], message=text[:300], found_on=on_date)
              for key, text in current.items() if key not in known]
    BlankSpotRecord.objects.bulk_create(opened)
    return {"opened": len(opened), "resolved": len(gone)}


def may_appoint(actor) -> bool:
    return scoping.is_superuser(actor) or any(grant.role in (Role.CITY_ADMIN, Role.AREA_ADMIN)
                                              for grant in scoping.grants_for(actor))
