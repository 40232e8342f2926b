"""Every write to the two trees and the unit list. Admin, pages, API, commands and the demo
generator call these; each is atomic, checks the actor's scope, validates, and audits."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from treebeard.exceptions import InvalidMoveToDescendant

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import AuditAction
from dangjian.core.credit_codes import normalize_credit_code
from dangjian.core.pinyin import full_pinyin
from dangjian.organizations.codes import validate_area_code
from dangjian.organizations.models import (
    BRANCH_KINDS,
    CHILD_LEVEL,
    Area,
    OrganizationKind,
    PartyOrganization,
    Unit,
)

_TREE_FIELDS = ["path", "depth", "numchild"]


def _require_write(actor, obj, message: str) -> None:
    if not scoping.can_write(actor, obj):
        raise PermissionDenied(message)


def _require_root_rights(actor, what: str) -> None:
    if not scoping.is_superuser(actor):
        raise PermissionDenied(f"只有系统管理员可以新建顶级{what}。")


def _keep_sorted(node):
    """Put ``node`` back in its place among its siblings after its ``node_order_by`` field changed.

    treebeard orders siblings only when a node is added or moved, and every later sorted insert
    or move assumes they are in order (otherwise shifting paths collides on the unique ``path``).
    Returns the node reloaded: its path may have changed.
    """
    parent = type(node).objects.get_parent(node)
    if parent is None:
        type(node).objects.move(node, node, pos="sorted-sibling")
    else:
        type(node).objects.move(node, parent, pos="sorted-child")
    return type(node).objects.get(pk=node.pk)


def _changed_fields(obj, fields: dict) -> dict:
    changes = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(obj, name, value)
    return changes


# ---------------------------------------------------------------- Area


@transaction.atomic
def area_create(*, actor, parent: Area | None, name: str, code: str, request=None) -> Area:
    """Add an Area under ``parent``; its level follows from the parent's (city → district → …)."""
    if parent is None:
        _require_root_rights(actor, "区域")
    else:
        _require_write(actor, parent, "您没有权限在该区域下新增下级区域。")
        if parent.level not in CHILD_LEVEL:
            raise ValidationError("该层级下不能再设下级区域。")
    level = CHILD_LEVEL[parent.level if parent else None]
    area = Area(name=(name or "").strip(), level=level)
    area.code = validate_area_code(code=code, level=level, parent=parent)
    area.full_clean(exclude=_TREE_FIELDS)
    area = Area.objects.add_child(parent, instance=area) if parent else Area.objects.add_root(instance=area)
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=area, request=request)
    return area


@transaction.atomic
def area_update(*, actor, area: Area, name: str, code: str, request=None) -> Area:
    area = Area.objects.get(pk=area.pk)  # fresh path (see organization_update)
    _require_write(actor, area, "您没有权限修改该区域。")
    parent = Area.objects.get_parent(area)
    code = validate_area_code(code=code, level=area.level, parent=parent)
    old_code = area.code
    changes = _changed_fields(area, {"name": (name or "").strip(), "code": code})
    area.full_clean(exclude=_TREE_FIELDS)
    area.save()
    if code != old_code:
        _recode_descendants(area, old_code=old_code, new_code=code)
    if "code" in changes:
        area = _keep_sorted(area)
    if changes:
        audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=area, request=request, changes=changes)
    return area


@transaction.atomic
def area_move(*, actor, area: Area, new_parent: Area, code: str | None = None, request=None) -> Area:
    """Move ``area`` (with its subtree) under ``new_parent`` of the same level as its old parent.

    The statistical code embeds the parent's code, so a new code may be given with the move.
    """
    area = Area.objects.get(pk=area.pk)  # fresh path: treebeard computes moves from it
    new_parent = Area.objects.get(pk=new_parent.pk)
    if scoping.is_scope_root(actor, area):
        raise PermissionDenied("不能移动您自己管辖范围的根节点，请联系上级管理员。")
    _require_write(actor, area, "您没有权限移动该区域。")
    _require_write(actor, new_parent, "您没有权限将区域移动到目标区域下。")
    if new_parent.pk == area.pk or new_parent.path.startswith(area.path):
        raise ValidationError("不能把区域移动到它自己或它的下级区域之下。")
    if CHILD_LEVEL.get(new_parent.level) != area.level:
        raise ValidationError(
            f"{area.get_level_display()}只能放在{_parent_level_label(area.level)}之下，"
            f"不能放在{new_parent.get_level_display()}之下。"
        )
    new_code = validate_area_code(code=code or area.code, level=area.level, parent=new_parent)
    old_parent = Area.objects.get_parent(area)
    if new_code != area.code:
        # Before the move: treebeard places the node among its new siblings by its code.
        old_code = area.code
        area.code = new_code
        area.full_clean(exclude=_TREE_FIELDS)
        area.save()
        _recode_descendants(area, old_code=old_code, new_code=new_code)
    try:
        Area.objects.move(area, new_parent, pos="sorted-child")
    except InvalidMoveToDescendant:
        raise ValidationError("不能把区域移动到它自己或它的下级区域之下。") from None
    area = Area.objects.get(pk=area.pk)
    audit.record_change(actor=actor, action=AuditAction.MOVE, obj=area, request=request,
                        old_parent=str(old_parent), new_parent=str(new_parent))
    return area


# How many leading digits of an area's code its descendants' codes repeat (organizations/codes.py).
_SIGNIFICANT_DIGITS = {"city": 4, "district": 6, "street": 9, "community": 12}


def _recode_descendants(area: Area, *, old_code: str, new_code: str) -> None:
    """Carry a changed code down the subtree: a street that moves to another district takes
    its communities and grids with it, each keeping its own serial digits."""
    digits = _SIGNIFICANT_DIGITS.get(area.level)
    if digits is None:
        return
    descendants = list(Area.objects.filter(path__startswith=area.path, depth__gt=area.depth).order_by("depth"))
    if not descendants:
        return
    new_prefix = new_code[:digits]
    recoded = {node.pk: new_prefix + node.code[digits:] for node in descendants}
    clash = (Area.objects.filter(code__in=recoded.values())
             .exclude(pk__in=recoded.keys()).values_list("code", flat=True).first())
    if clash:
        raise ValidationError({"code": f"下级区域改用新代码后将与已有的区划代码 {clash} 重复，请先调整。"})
    for node in descendants:
        node.code = recoded[node.pk]
    # Sibling order by code is unchanged (every sibling gets the same new prefix), so the tree
    # needs no re-sorting. Old and new codes cannot overlap: the new prefix differs from the
    # old, and clashes with areas outside the subtree were refused above.
    Area.objects.bulk_update(descendants, ["code"])


def _parent_level_label(level: str) -> str:
    for parent_level, child_level in CHILD_LEVEL.items():
        if child_level == level and parent_level is not None:
            return Area(level=parent_level).get_level_display()
    return "顶级"


@transaction.atomic
def area_delete(*, actor, area: Area, request=None) -> None:
    if scoping.is_scope_root(actor, area):
        raise PermissionDenied("不能删除您自己管辖范围的根节点。")
    _require_write(actor, area, "您没有权限删除该区域。")
    if Area.objects.get_children_count(area):
        raise ValidationError("该区域还有下级区域，不能删除。")
    if area.party_organizations.exists() or area.units.exists():
        raise ValidationError("该区域内还有党组织或驻区单位，不能删除。")
    audit.record_change(actor=actor, action=AuditAction.DELETE, obj=area, request=request)
    try:
        area.delete()
    except ProtectedError:
        raise ValidationError("该区域仍被其他记录引用，不能删除。") from None


# ---------------------------------------------------------------- PartyOrganization


def _check_organization_placement(*, kind: str, parent: PartyOrganization | None) -> None:
    if parent is None:
        if kind not in (OrganizationKind.COMMITTEE, OrganizationKind.WORKING_COMMITTEE):
            raise ValidationError("顶级党组织只能是党委或党工委。")
        return
    if parent.kind == OrganizationKind.PARTY_GROUP:
        raise ValidationError("党小组之下不能再设党组织。")
    if kind == OrganizationKind.PARTY_GROUP and parent.kind not in BRANCH_KINDS:
        raise ValidationError("党小组只能设在党支部之下。")
    if parent.kind in BRANCH_KINDS and kind != OrganizationKind.PARTY_GROUP:
        raise ValidationError("党支部之下只能设党小组。")


def _check_organization_fields(*, actor, area: Area, unit: Unit | None, founded_on, term_started_on) -> None:
    if not scoping.can_see(actor, area):
        raise ValidationError({"area": "所选区域不存在或不在您的管辖范围内。"})
    if unit is not None and not scoping.can_see(actor, unit) and not scoping.can_see(actor, unit.area):
        raise ValidationError({"unit": "所选单位不存在或不在您的管辖范围内。"})
    if founded_on and founded_on > timezone.localdate():
        raise ValidationError({"founded_on": "成立日期不能晚于今天。"})
    if founded_on and term_started_on and term_started_on < founded_on:
        raise ValidationError({"term_started_on": "本届任期开始日期不能早于成立日期。"})


@transaction.atomic
def organization_create(*, actor, parent: PartyOrganization | None, name: str, kind: str, area: Area,
                        unit: Unit | None = None, secretary_name: str = "",
                        founded_on: datetime.date | None = None,
                        term_started_on: datetime.date | None = None, term_years: int | None = None,
                        request=None) -> PartyOrganization:
    if parent is None:
        _require_root_rights(actor, "党组织")
    else:
        _require_write(actor, parent, "您没有权限在该党组织下新增下级组织。")
    _check_organization_placement(kind=kind, parent=parent)
    _check_organization_fields(actor=actor, area=area, unit=unit, founded_on=founded_on,
                               term_started_on=term_started_on)
    organization = PartyOrganization(
        name=(name or "").strip(), kind=kind, area=area, unit=unit, secretary_name=secretary_name.strip(),
        founded_on=founded_on, term_started_on=term_started_on, term_years=term_years,
    )
    # treebeard places the node among its siblings by name_pinyin before save() would set it.
    organization.name_pinyin = full_pinyin(organization.name)
    organization.full_clean(exclude=_TREE_FIELDS)
    organization = (PartyOrganization.objects.add_child(parent, instance=organization) if parent
                    else PartyOrganization.objects.add_root(instance=organization))
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=organization, request=request)
    return organization


@transaction.atomic
def organization_update(*, actor, organization: PartyOrganization, request=None, **fields) -> PartyOrganization:
    """Change the plain fields of an organization (name, kind, area, unit, secretary, term …)."""
    allowed = {"name", "kind", "area", "unit", "secretary_name", "founded_on", "term_started_on",
               "term_years", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"不能通过此操作修改字段：{', '.join(sorted(unknown))}。")
    # Fresh from the database: sorted inserts shift sibling paths, and saving a stale
    # in-memory node would write its old path back.
    organization = PartyOrganization.objects.select_related("area").get(pk=organization.pk)
    _require_write(actor, organization, "您没有权限修改该党组织。")
    if "kind" in fields and fields["kind"] != organization.kind:
        _check_organization_placement(kind=fields["kind"], parent=PartyOrganization.objects.get_parent(organization))
        if PartyOrganization.objects.get_children_count(organization) and fields["kind"] == OrganizationKind.PARTY_GROUP:
            raise ValidationError("该组织有下级组织，不能改为党小组。")
        # The children must still be allowed under the new kind (no branch under a branch …).
        for child in PartyOrganization.objects.get_children(organization):
            _check_organization_placement(kind=child.kind, parent=PartyOrganization(kind=fields["kind"]))
    _check_organization_fields(
        actor=actor, area=fields.get("area", organization.area), unit=fields.get("unit", organization.unit),
        founded_on=fields.get("founded_on", organization.founded_on),
        term_started_on=fields.get("term_started_on", organization.term_started_on),
    )
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
    changes = _changed_fields(organization, fields)
    organization.full_clean(exclude=_TREE_FIELDS)
    organization.save()
    if "name" in changes:
        organization = _keep_sorted(organization)
    if changes:
        audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=organization, request=request,
                            changes=changes)
    return organization


@transaction.atomic
def organization_move(*, actor, organization: PartyOrganization, new_parent: PartyOrganization,
                      request=None) -> PartyOrganization:
    """Change who leads an organization (隶属关系); its subtree moves with it."""
    organization = PartyOrganization.objects.get(pk=organization.pk)
    new_parent = PartyOrganization.objects.get(pk=new_parent.pk)
    if scoping.is_scope_root(actor, organization):
        raise PermissionDenied("不能移动您自己管辖范围的根节点，请联系上级管理员。")
    _require_write(actor, organization, "您没有权限移动该党组织。")
    _require_write(actor, new_parent, "您没有权限将党组织移动到目标组织下。")
    if new_parent.pk == organization.pk or new_parent.path.startswith(organization.path):
        raise ValidationError("不能把党组织移动到它自己或它的下级组织之下。")
    _check_organization_placement(kind=organization.kind, parent=new_parent)
    old_parent = PartyOrganization.objects.get_parent(organization)
    try:
        PartyOrganization.objects.move(organization, new_parent, pos="sorted-child")
    except InvalidMoveToDescendant:
        raise ValidationError("不能把党组织移动到它自己或它的下级组织之下。") from None
    organization = PartyOrganization.objects.get(pk=organization.pk)
    audit.record_change(actor=actor, action=AuditAction.MOVE, obj=organization, request=request,
                        old_parent=str(old_parent), new_parent=str(new_parent))
    return organization


@transaction.atomic
def organization_delete(*, actor, organization: PartyOrganization, request=None) -> None:
    if scoping.is_scope_root(actor, organization):
        raise PermissionDenied("不能删除您自己管辖范围的根节点。")
    _require_write(actor, organization, "您没有权限删除该党组织。")
    if PartyOrganization.objects.get_children_count(organization):
        raise ValidationError("该党组织还有下级组织，不能删除；撤销组织请将其标记为不再存续。")
    audit.record_change(actor=actor, action=AuditAction.DELETE, obj=organization, request=request)
    try:
        organization.delete()
    except ProtectedError:
        raise ValidationError("该党组织仍有党员或其他记录，不能删除；撤销组织请将其标记为不再存续。") from None


# ---------------------------------------------------------------- Unit

_UNIT_FIELDS = {"name", "sector", "social_org_type", "credit_code", "address", "area", "staff_count",
                "is_operating"}


def _clean_unit_fields(actor, fields: dict) -> dict:
    unknown = set(fields) - _UNIT_FIELDS
    if unknown:
        raise ValidationError(f"不能通过此操作修改字段：{', '.join(sorted(unknown))}。")
    cleaned = dict(fields)
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
    if "credit_code" in cleaned:
        cleaned["credit_code"] = normalize_credit_code(cleaned["credit_code"]) or None
    if "area" in cleaned:
        area = cleaned["area"]
        if area is None or not scoping.can_write(actor, area):
            raise ValidationError({"area": "所选区域不存在或不在您的管辖范围内。"})
    return cleaned


@transaction.atomic
def unit_create(*, actor, request=None, **fields) -> Unit:
    if not scoping.may_write_anything(actor):  # a read-only role is refused, not told "out of scope"
        raise PermissionDenied("您没有权限新增单位。")
    if "area" not in fields:
        raise ValidationError({"area": "请选择单位所在区域。"})
    unit = Unit(**_clean_unit_fields(actor, fields))
    unit.full_clean()
    unit.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=unit, request=request)
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, request=None, **fields) -> Unit:
    _require_write(actor, unit, "您没有权限修改该单位。")
    changes = _changed_fields(unit, _clean_unit_fields(actor, fields))
    unit.full_clean()
    unit.save()
    if changes:
        audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=unit, request=request, changes=changes)
    return unit


@transaction.atomic
def unit_delete(*, actor, unit: Unit, request=None) -> None:
    _require_write(actor, unit, "您没有权限删除该单位。")
    if unit.party_organizations.exists():
        raise ValidationError("该单位建有党组织，不能删除；单位注销请标记为不再经营。")
    audit.record_change(actor=actor, action=AuditAction.DELETE, obj=unit, request=request)
    unit.delete()
