"""Every write to the member registry: add, edit, the lifecycle steps, and revealing an ID.

Each service is atomic, checks the actor's scope (PermissionDenied), validates with Chinese
messages (ValidationError) and writes its audit entry. Imports, the admin, pages, the API and
the demo generator all call these.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import AuditAction
from dangjian.core import crypto
from dangjian.core.id_numbers import birth_date_of_valid, sex_code_from_id, validate_id_number
from dangjian.core.masking import mask_id_number
from dangjian.core.models import Code, CodeTable
from dangjian.core.pinyin import full_pinyin, pinyin_initials
from dangjian.members.models import (
    CareCadence,
    CareGroup,
    CareVisit,
    Employment,
    FloatingDirection,
    FloatingRecord,
    HelpKind,
    Member,
    MemberStatus,
    Standing,
    Transfer,
    TransferStatus,
)
from dangjian.organizations.models import OrganizationKind, PartyOrganization

MIN_JOINING_AGE = 18  # 发展党员工作细则: an applicant is at least 18 (RULES.md DEV)
STATUS_VALUES = frozenset(MemberStatus.values)  # the enum's .values builds a list on every call (imports check 100,000 rows)

MEMBER_FIELDS = (
    "name", "id_number", "ethnicity", "education", "phone", "joined_on", "full_member_on", "status",
    "employment", "workplace_unit", "workplace_text", "organization", "residence_area", "has_difficulty",
    "difficulty_reason", "notes",
)


# ---------------------------------------------------------------- shared checks


def _require_write(actor, obj, message: str) -> None:
    if not scoping.can_write(actor, obj):
        raise PermissionDenied(message)


def _require_member_organization(actor, organization: PartyOrganization | None) -> None:
    if organization is None:
        raise ValidationError({"organization": "请选择党员所在的党组织。"})
    if not scoping.can_write(actor, organization):
        raise ValidationError({"organization": "所选党组织不存在或不在您的管辖范围内。"})
    if organization.kind == OrganizationKind.PARTY_GROUP:
        raise ValidationError({"organization": "党员的组织关系应在党支部（或党总支、党委），不能落在党小组。"})
    if not organization.is_active:
        raise ValidationError({"organization": "所选党组织已撤销，不能接收党员。"})


def _code(table: str, value, field: str, label: str) -> Code | None:
    """A code-table entry from a Code, a code ('01') or a name ('汉族'); None for blank."""
    if value in (None, ""):
        return None
    if isinstance(value, Code):
        if value.table != table:
            raise ValidationError({field: f"{label}不正确。"})
        return value
    text = str(value).strip()
    names = [text, f"{text}族"] if table == CodeTable.ETHNICITY else [text]
    return code_among(Code.objects.of(table).filter(Q(code=text) | Q(name__in=names)), table, text, field, label)


def code_among(codes, table: str, text: str, field: str, label: str) -> Code:
    """Among ``codes`` (in the table's order), the entry ``text`` names: its code first, else its
    name, else (ethnicity) its name without the 族 ('汉' → 汉族); refused in Chinese when none
    does. ``_code`` asks the database for the candidates; an import passes the whole table, read
    once (``importing.RowReader``)."""
    by_code = by_name = by_short_name = None
    for code in codes:
        if code.code == text and by_code is None:
            by_code = code
        elif code.name == text and by_name is None:
            by_name = code
        elif table == CodeTable.ETHNICITY and code.name == f"{text}族" and by_short_name is None:
            by_short_name = code
    found = by_code or by_name or by_short_name
    if found is None:
        raise ValidationError({field: f"{label}“{text}”不在国家标准代码表中。"})
    return found


def id_number_digest(raw: str) -> str:
    """The blind-index digest of an ID number as typed (normalised first)."""
    return crypto.blind_index(_valid_id_number(raw))


def id_number_digests(raw: str) -> list[str]:
    """Its digest under every configured key: what a lookup matches during a key rotation."""
    return crypto.blind_indexes(_valid_id_number(raw))


def _valid_id_number(raw: str) -> str:
    """``validate_id_number`` with its refusal attached to the ``id_number`` field."""
    try:
        return validate_id_number(raw)
    except ValidationError as error:
        raise ValidationError({"id_number": error}) from None


def _check_dates(*, birth_date, joined_on, full_member_on, status, today) -> None:
    errors = {}
    if joined_on is None:
        errors["joined_on"] = "请填写入党时间。"
    else:
        if joined_on > today:
            errors["joined_on"] = "入党时间不能晚于今天。"
        age = joined_on.year - birth_date.year - ((joined_on.month, joined_on.day) < (birth_date.month, birth_date.day))
        if age < MIN_JOINING_AGE:
            errors["joined_on"] = f"按身份证号码推算，入党时未满{MIN_JOINING_AGE}周岁，请核对入党时间或身份证号码。"
    if full_member_on is not None:
        if joined_on is not None and full_member_on < joined_on:
            errors["full_member_on"] = "转正时间不能早于入党时间。"
        elif full_member_on > today:
            errors["full_member_on"] = "转正时间不能晚于今天。"
    if status == MemberStatus.FULL and full_member_on is None:
        errors["full_member_on"] = "正式党员须填写转正时间。"
    if status == MemberStatus.PROBATIONARY and full_member_on is not None:
        errors["status"] = "已填写转正时间的党员应为正式党员。"
    if status not in STATUS_VALUES:
        errors["status"] = "党员类别应为正式党员或预备党员。"
    if errors:
        raise ValidationError(errors)


def _set_id_number(member: Member, raw: str) -> None:
    number = _valid_id_number(raw)
    digest = crypto.blind_index(number)
    clash = Member.objects.filter(id_number_digest__in=crypto.blind_indexes(number))
    if member.pk:
        clash = clash.exclude(pk=member.pk)
    if clash.exists():
        # Say so without revealing whose number it is or where they are registered.
        raise ValidationError({"id_number": "该身份证号码已登记在系统中（可能在其他党组织），请核对。"})
    fill_id_number(member, number, digest=digest,
                   sex=Code.objects.of(CodeTable.SEX).get(code=sex_code_from_id(number)))


def fill_id_number(member: Member, number: str, *, digest: str, sex: Code, keyring: crypto.Keyring | None = None) -> None:
    """Store a validated ID number on ``member`` (ciphertext, digest, masked copy) with the birth
    date and sex it carries. No query: the caller has checked uniqueness and looked up ``sex``
    (member_create per member; an import once for the whole file, with the keys in a ``keyring``)."""
    member.id_number_ciphertext = keyring.encrypt(number) if keyring else crypto.encrypt(number)
    member.id_number_digest = digest
    member.id_number_masked = mask_id_number(number)
    member.birth_date = birth_date_of_valid(number)
    member.sex = sex


def _apply_fields(member: Member, fields: dict) -> dict:
    """Copy plain fields onto ``member``; return {field: [old, new]} of what changed."""
    changes = {}
    for name, value in fields.items():
        if name == "id_number":
            continue
        old = getattr(member, name, None)
        if old != value:
            changes[name] = [str(old) if old is not None else "", str(value) if value is not None else ""]
            setattr(member, name, value)
    return changes


def _normalise_fields(fields: dict) -> dict:
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise ValidationError(f"不能通过此操作修改字段：{', '.join(sorted(unknown))}。")
    cleaned = dict(fields)
    for text_field in ("name", "phone", "workplace_text", "difficulty_reason", "notes"):
        if text_field in cleaned:
            cleaned[text_field] = (cleaned[text_field] or "").strip()
    if "name" in cleaned and not cleaned["name"]:
        raise ValidationError({"name": "请填写姓名。"})
    if "ethnicity" in cleaned:
        cleaned["ethnicity"] = _code(CodeTable.ETHNICITY, cleaned["ethnicity"], "ethnicity", "民族")
    if "education" in cleaned:
        cleaned["education"] = _code(CodeTable.EDUCATION, cleaned["education"], "education", "学历")
    if cleaned.get("employment") not in (None, *Employment.values):
        raise ValidationError({"employment": "就业状况不正确。"})
    if cleaned.get("has_difficulty") is False:
        cleaned.setdefault("difficulty_reason", "")
    return cleaned


# ---------------------------------------------------------------- add, edit, reveal


@transaction.atomic
def member_create(*, actor, request=None, import_batch=None, **fields) -> Member:
    """Register a member in ``organization``. Birth date and sex come from the ID number."""
    cleaned = _normalise_fields(fields)
    _require_member_organization(actor, cleaned.get("organization"))
    if cleaned.get("ethnicity") is None:
        raise ValidationError({"ethnicity": "请填写民族。"})
    member = Member(import_batch=import_batch)
    _apply_fields(member, cleaned)
    _set_id_number(member, cleaned.get("id_number") or "")
    member.status = member.status or (MemberStatus.FULL if member.full_member_on else MemberStatus.PROBATIONARY)
    _check_dates(birth_date=member.birth_date, joined_on=member.joined_on, full_member_on=member.full_member_on,
                 status=member.status, today=timezone.localdate())
    _finish(member)
    member.full_clean(exclude=["id_number_ciphertext", "id_number_digest", "id_number_masked", "birth_date"])
    member.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=member, request=request)
    return member


def _finish(member: Member) -> None:
    member.name_pinyin = full_pinyin(member.name)
    member.name_initials = pinyin_initials(member.name)
    if not member.has_difficulty:
        member.difficulty_reason = ""


class MemberEditConflict(ValidationError):
    """The member changed after the editor read it (their ``expected_version`` is stale)."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message, code="conflict")
        self.current_version = current_version


@transaction.atomic
def member_update(*, actor, member: Member, expected_version: int | None = None, request=None,
                  **fields) -> Member:
    """Change a member's data. Moving to another organization is a transfer, not an edit.

    ``expected_version`` is the version the editor saw (the edit page's hidden field, the API's
    ``version`` or ``If-Match``): when the member has changed since, nothing is saved and
    ``MemberEditConflict`` says who changed what. The row is locked first, so of concurrent
    edits made on the same version exactly one is saved."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require_write(actor, member, "您没有权限修改该党员信息。")
    if expected_version is not None and int(expected_version) != member.version:
        raise MemberEditConflict(edit_conflict_message(member, int(expected_version)),
                                 current_version=member.version)
    if member.standing != Standing.ACTIVE:
        raise ValidationError("该党员已不在册，不能修改。")
    cleaned = _normalise_fields(fields)
    if "organization" in cleaned and cleaned["organization"] != member.organization:
        raise ValidationError({"organization": "变更所在党组织请办理组织关系转接。"})
    changes = _apply_fields(member, cleaned)
    if cleaned.get("id_number") and member.id_number_digest not in id_number_digests(cleaned["id_number"]):
        _set_id_number(member, cleaned["id_number"])
        changes["id_number"] = ["（已加密）", "（已加密）"]
    _check_dates(birth_date=member.birth_date, joined_on=member.joined_on, full_member_on=member.full_member_on,
                 status=member.status, today=timezone.localdate())
    _finish(member)
    member.full_clean(exclude=["id_number_ciphertext", "id_number_digest", "id_number_masked", "birth_date"])
    member._history_user = actor  # the history names the editor (a conflict message quotes it), API calls too
    member.save()
    if changes:
        audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=member, request=request,
                            changes=changes)
    return member


# Derived or internal columns a conflict message does not name (their source field is named).
_UNNAMED_IN_CONFLICT = {"version", "name_pinyin", "name_initials", "birth_date", "sex", "import_batch",
                        "created_at"}


def edit_conflict_message(member: Member, seen_version: int) -> str:
    """Who changed ``member`` after ``seen_version``, when, and which fields — from its history."""
    records = Member.history.filter(id=member.pk)
    seen = records.filter(version=seen_version).order_by("-history_date", "-history_id").first()
    latest = records.order_by("-history_date", "-history_id").select_related("history_user").first()
    changed = []
    if seen is not None and latest is not None and latest.version > seen.version:
        for change in latest.diff_against(seen).changes:
            if change.field not in _UNNAMED_IN_CONFLICT:
                changed.append(str(Member._meta.get_field(change.field).verbose_name))
    who = "他人"
    if latest is not None:
        who = f"{latest.history_user or '系统'}于{timezone.localtime(latest.history_date):%Y-%m-%d %H:%M}"
    what = f"，修改了：{'、'.join(changed)}" if changed else ""
    return (f"保存失败：您打开页面之后，该党员的信息已被{who}修改{what}。为避免覆盖他人的修改，"
            "您这次的修改没有保存。请刷新页面，核对最新信息后重新修改。")


def may_reveal_id_number(actor, member: Member) -> bool:
    """Revealing a full ID number is a permission: administrators who write to the member."""
    return scoping.can_write(actor, member)


@transaction.atomic
def member_reveal_id_number(*, actor, member: Member, request=None, purpose: str = "") -> str:
    """The full ID number, for an administrator who may see it; every reveal is audited."""
    if not scoping.can_see(actor, member):
        raise PermissionDenied("党员不存在。")
    if not may_reveal_id_number(actor, member):
        raise PermissionDenied("您没有查看完整身份证号码的权限。")
    audit.record_reveal(actor=actor, obj=member, field="id_number", purpose=purpose, request=request)
    return crypto.decrypt(member.id_number_ciphertext)


# ---------------------------------------------------------------- lifecycle


def _active_member(actor, member: Member) -> Member:
    member = Member.objects.select_for_update(of=("self",)).select_related("organization").get(pk=member.pk)
    _require_write(actor, member, "您没有权限办理该党员的业务。")
    if member.standing != Standing.ACTIVE:
        raise ValidationError("该党员已不在册。")
    return member


def _not_future(day: datetime.date | None, field: str, label: str) -> None:
    if day is None:
        raise ValidationError({field: f"请填写{label}。"})
    if day > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天。"})


@transaction.atomic
def member_make_full(*, actor, member: Member, full_member_on: datetime.date, request=None) -> Member:
    """Probationary → full (按期转正). The branch decides; the system records it (MEM-01)."""
    member = _active_member(actor, member)
    if member.status != MemberStatus.PROBATIONARY:
        raise ValidationError("该党员已是正式党员。")
    _not_future(full_member_on, "full_member_on", "转正时间")
    if full_member_on < member.joined_on:
        raise ValidationError({"full_member_on": "转正时间不能早于入党时间。"})
    member.status = MemberStatus.FULL
    member.full_member_on = full_member_on
    member.save(update_fields=["status", "full_member_on"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=member, request=request,
                        changes={"status": ["预备党员", "正式党员"]}, full_member_on=str(full_member_on))
    return member


@transaction.atomic
def member_transfer_issue(*, actor, member: Member, letter_number: str, issued_on: datetime.date,
                          to_organization: PartyOrganization | None = None, to_outside: str = "",
                          valid_days: int | None = None, reason: str = "", request=None) -> Transfer:
    """Issue an introduction letter moving ``member`` to another organization (or outside)."""
    member = _active_member(actor, member)
    to_outside = (to_outside or "").strip()
    if (to_organization is None) == (not to_outside):
        raise ValidationError({"to_organization": "请选择转入的党组织，或填写系统外的转入单位（二者选一）。"})
    if to_organization is not None:
        if to_organization.pk == member.organization_id:
            raise ValidationError({"to_organization": "转入党组织不能与当前所在党组织相同。"})
        if to_organization.kind == OrganizationKind.PARTY_GROUP or not to_organization.is_active:
            raise ValidationError({"to_organization": "转入党组织应为存续的党支部、党总支或党委。"})
    if Transfer.objects.filter(member=member, status=TransferStatus.ISSUED).exists():
        raise ValidationError("该党员已有一封在途的组织关系介绍信，请先办结。")
    valid_days = _check_letter(letter_number=letter_number, issued_on=issued_on, valid_days=valid_days)
    transfer = Transfer(member=member, from_organization=member.organization, to_organization=to_organization,
                        to_outside=to_outside, letter_number=letter_number.strip(), issued_on=issued_on,
                        valid_days=valid_days, reason=(reason or "").strip())
    transfer.full_clean()
    transfer.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=transfer, request=request)
    return transfer


def _open_transfer(transfer: Transfer) -> Transfer:
    # Lock only the letter's own row: PostgreSQL refuses FOR UPDATE on an outer join's nullable side.
    transfer = (Transfer.objects.select_for_update(of=("self",)).select_related("member", "to_organization")
                .get(pk=transfer.pk))
    if transfer.status != TransferStatus.ISSUED:
        raise ValidationError(f"该介绍信状态为“{transfer.get_status_display()}”，不能再办理。")
    return transfer


@transaction.atomic
def member_transfer_receive(*, actor, transfer: Transfer, received_on: datetime.date, request=None) -> Transfer:
    """The receiving side confirms: the member now belongs to the receiving organization.

    For a letter to outside the system, the sending side records that the other side received
    it, and the member leaves the roll (kept as history)."""
    transfer = _open_transfer(transfer)
    _not_future(received_on, "received_on", "接收日期")
    if received_on < transfer.issued_on:
        raise ValidationError({"received_on": "接收日期不能早于开具日期。"})
    if received_on > transfer.expires_on:
        raise ValidationError("介绍信已超过有效期，请退回后重新开具。")
    member = transfer.member
    if transfer.to_organization_id:
        _require_write(actor, transfer.to_organization, "只有转入党组织的管理员可以接收。")
        member.organization = transfer.to_organization
        member.save(update_fields=["organization"])
    else:
        _require_write(actor, member, "您没有权限办理该党员的业务。")
        member.standing = Standing.TRANSFERRED_OUT
        member.left_on = received_on
        member.save(update_fields=["standing", "left_on"])
    transfer.status = TransferStatus.RECEIVED
    transfer.closed_on = received_on
    transfer.save(update_fields=["status", "closed_on"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=transfer, request=request,
                        changes={"status": ["在途", "已接收"]})
    return transfer


@transaction.atomic
def member_transfer_return(*, actor, transfer: Transfer, returned_on: datetime.date, note: str = "",
                           request=None) -> Transfer:
    """The letter comes back unused (either side may record it); the member stays where they were."""
    transfer = _open_transfer(transfer)
    if not (scoping.can_write(actor, transfer.member)
            or (transfer.to_organization_id and scoping.can_write(actor, transfer.to_organization))):
        raise PermissionDenied("您没有权限办理该介绍信。")
    _not_future(returned_on, "returned_on", "退回日期")
    transfer.status = TransferStatus.RETURNED
    transfer.closed_on = returned_on
    transfer.note = (note or "").strip()[:200]
    transfer.save(update_fields=["status", "closed_on", "note"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=transfer, request=request,
                        changes={"status": ["在途", "已退回"]})
    return transfer


def _check_letter(*, letter_number: str, issued_on: datetime.date, valid_days: int | None) -> int:
    from django.conf import settings

    if not (letter_number or "").strip():
        raise ValidationError({"letter_number": "请填写介绍信编号。"})
    _not_future(issued_on, "issued_on", "开具日期")
    valid_days = valid_days or settings.DANGJIAN_RULES["TRANSFER_LETTER_VALID_DAYS"]
    if not 1 <= valid_days <= 365:
        raise ValidationError({"valid_days": "介绍信有效期应在1至365天之间。"})
    return valid_days


@transaction.atomic
def member_transfer_in_from_outside(*, actor, organization: PartyOrganization, from_outside: str,
                                    letter_number: str, issued_on: datetime.date, received_on: datetime.date,
                                    valid_days: int | None = None, reason: str = "", request=None,
                                    **member_fields) -> Transfer:
    """Receive a member whose introduction letter comes from outside the system.

    The member is registered in ``organization`` (through ``member_create``) and the letter is
    kept as received, with the sending side as text. A member who once left the system by
    transfer and comes back keeps their record: it is put back on the roll, so their history
    stays whole. A member still on the roll elsewhere in the system is refused — their own
    organization issues the letter inside the system."""
    from_outside = (from_outside or "").strip()
    if not from_outside:
        raise ValidationError({"from_outside": "请填写转出单位（介绍信的开具党组织）。"})
    valid_days = _check_letter(letter_number=letter_number, issued_on=issued_on, valid_days=valid_days)
    _not_future(received_on, "received_on", "接收日期")
    if received_on < issued_on:
        raise ValidationError({"received_on": "接收日期不能早于开具日期。"})
    if received_on > issued_on + datetime.timedelta(days=valid_days):
        raise ValidationError({"received_on": "介绍信已超过有效期，请转出方重新开具。"})
    _require_member_organization(actor, organization)
    returning = Member.objects.select_for_update().filter(
        id_number_digest__in=id_number_digests(member_fields.get("id_number") or ""),
        standing=Standing.TRANSFERRED_OUT, name=(member_fields.get("name") or "").strip(),
    ).first()
    if returning is None:
        member = member_create(actor=actor, request=request, organization=organization, **member_fields)
    else:
        member = returning
        old_organization = member.organization
        member.organization, member.standing, member.left_on = organization, Standing.ACTIVE, None
        member.save(update_fields=["organization", "standing", "left_on"])
        audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=member, request=request,
                            changes={"standing": ["转出本系统", "在册"],
                                     "organization": [str(old_organization), str(organization)]})
        # What the receiving side typed now is the current truth (phone, workplace …).
        member = member_update(actor=actor, member=member, request=request,
                               **{k: v for k, v in member_fields.items() if k not in ("id_number", "organization")})
    transfer = Transfer(member=member, from_outside=from_outside[:120], to_organization=organization,
                        letter_number=letter_number.strip(), issued_on=issued_on, valid_days=valid_days,
                        status=TransferStatus.RECEIVED, closed_on=received_on, reason=(reason or "").strip())
    transfer.full_clean()
    transfer.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=transfer, request=request)
    return transfer


@transaction.atomic
def transfers_expire_due(*, on_date: datetime.date | None = None) -> int:
    """Mark letters past their validity as expired (MEM-06). Run daily by the worker or cron."""
    on_date = on_date or timezone.localdate()
    expired = 0
    for transfer in Transfer.objects.select_for_update().filter(status=TransferStatus.ISSUED):
        if transfer.expires_on < on_date:
            transfer.status = TransferStatus.EXPIRED
            transfer.closed_on = transfer.expires_on
            transfer.save(update_fields=["status", "closed_on"])
            expired += 1
    return expired


@transaction.atomic
def member_float_out(*, actor, member: Member, place: str, started_on: datetime.date, reason: str = "",
                     card_number: str = "", contact: str = "", request=None) -> FloatingRecord:
    """Register that a member lives or works away while their relationship stays here (MEM-04)."""
    member = _active_member(actor, member)
    if not (place or "").strip():
        raise ValidationError({"place": "请填写流入地。"})
    _not_future(started_on, "started_on", "外出日期")
    if FloatingRecord.objects.filter(member=member, direction=FloatingDirection.OUTFLOW,
                                     ended_on__isnull=True).exists():
        raise ValidationError("该党员已有未结束的流出登记。")
    record = FloatingRecord(member=member, direction=FloatingDirection.OUTFLOW, place=place.strip(),
                            reason=(reason or "").strip(), card_number=(card_number or "").strip(),
                            contact=(contact or "").strip(), started_on=started_on, last_contact_on=started_on)
    record.full_clean()
    record.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=record, request=request)
    return record


@transaction.atomic
def member_float_in(*, actor, host_organization: PartyOrganization, origin: str, started_on: datetime.date,
                    member: Member | None = None, outside_name: str = "", outside_organization: str = "",
                    reason: str = "", card_number: str = "", contact: str = "", request=None) -> FloatingRecord:
    """Register a floating member who came here (流入), managed by ``host_organization``."""
    _require_write(actor, host_organization, "您没有权限在该党组织登记流入党员。")
    if member is None and not (outside_name or "").strip():
        raise ValidationError({"outside_name": "请选择系统内党员，或填写系统外流入党员的姓名。"})
    if member is not None and member.organization_id == host_organization.pk:
        raise ValidationError({"host_organization": "党员的组织关系就在该党组织，不属于流入党员。"})
    if not (origin or "").strip():
        raise ValidationError({"place": "请填写流出地。"})
    _not_future(started_on, "started_on", "流入日期")
    record = FloatingRecord(member=member, direction=FloatingDirection.INFLOW, host_organization=host_organization,
                            outside_name=(outside_name or "").strip(),
                            outside_organization=(outside_organization or "").strip(), place=origin.strip(),
                            reason=(reason or "").strip(), card_number=(card_number or "").strip(),
                            contact=(contact or "").strip(), started_on=started_on, last_contact_on=started_on)
    record.full_clean()
    record.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=record, request=request)
    return record


@transaction.atomic
def floating_end(*, actor, record: FloatingRecord, ended_on: datetime.date, request=None) -> FloatingRecord:
    record = FloatingRecord.objects.select_for_update().get(pk=record.pk)
    _require_write(actor, record, "您没有权限办理该流动党员登记。")
    if record.ended_on is not None:
        raise ValidationError("该流动登记已结束。")
    _not_future(ended_on, "ended_on", "结束日期")
    if ended_on < record.started_on:
        raise ValidationError({"ended_on": "结束日期不能早于开始日期。"})
    record.ended_on = ended_on
    record.save(update_fields=["ended_on"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=record, request=request,
                        changes={"ended_on": ["", str(ended_on)]})
    return record


@transaction.atomic
def floating_record_contact(*, actor, record: FloatingRecord, contacted_on: datetime.date, contact: str = "",
                            place: str = "", request=None) -> FloatingRecord:
    """Record that contact was made (by the organization, or by the member from the portal).

    Contact with a floating member who was marked lost ends the lost-contact finding (MEM-03).
    """
    record = FloatingRecord.objects.select_for_update(of=("self",)).select_related("member").get(pk=record.pk)
    _require_write(actor, record, "您没有权限办理该流动党员登记。")
    return _record_floating_contact(actor=actor, record=record, contacted_on=contacted_on, contact=contact,
                                    place=place, request=request)


def _record_floating_contact(*, actor, record: FloatingRecord, contacted_on: datetime.date, contact: str,
                             place: str, request) -> FloatingRecord:
    _not_future(contacted_on, "contacted_on", "联系日期")
    record.last_contact_on = max(contacted_on, record.last_contact_on or contacted_on)
    if contact:
        record.contact = contact.strip()[:60]
    if place:
        record.place = place.strip()[:120]
    record.save(update_fields=["last_contact_on", "contact", "place"])
    if record.member_id and record.member.lost_contact_since:
        record.member.lost_contact_since = None
        record.member.save(update_fields=["lost_contact_since"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=record, request=request,
                        changes={"last_contact_on": ["", str(contacted_on)]})
    return record


@transaction.atomic
def member_mark_lost_contact(*, actor, member: Member, since: datetime.date, request=None) -> Member:
    member = _active_member(actor, member)
    if member.lost_contact_since:
        raise ValidationError("该党员已登记为失联。")
    _not_future(since, "lost_contact_since", "失联日期")
    member.lost_contact_since = since
    member.save(update_fields=["lost_contact_since"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=member, request=request,
                        changes={"lost_contact_since": ["", str(since)]})
    return member


@transaction.atomic
def member_restore_contact(*, actor, member: Member, restored_on: datetime.date, request=None) -> Member:
    member = _active_member(actor, member)
    return _restore_contact(actor=actor, member=member, restored_on=restored_on, request=request)


def _restore_contact(*, actor, member: Member, restored_on: datetime.date, request) -> Member:
    if not member.lost_contact_since:
        raise ValidationError("该党员未登记为失联。")
    _not_future(restored_on, "restored_on", "恢复联系日期")
    if restored_on < member.lost_contact_since:
        raise ValidationError({"restored_on": "恢复联系日期不能早于失联日期。"})
    old = member.lost_contact_since
    member.lost_contact_since = None
    member.save(update_fields=["lost_contact_since"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=member, request=request,
                        changes={"lost_contact_since": [str(old), ""]}, restored_on=str(restored_on))
    return member


@transaction.atomic
def member_report_well(*, actor, member: Member, reported_on: datetime.date, place: str = "", contact: str = "",
                       request=None) -> Member:
    """The member themself reports "I'm well, I'm in <place>, reach me at <contact>" (the portal).

    The lightest way to keep contact (issue 4): it records contact on the member's open outflow
    record exactly as ``floating_record_contact`` does, and ends a lost-contact finding as
    ``member_restore_contact`` does (MEM-03, MEM-04). ``actor`` is the member's own portal
    account, which holds no role: the portal service (portal.services.floating_report) has
    checked that the account belongs to ``member``, so no scope is checked here.
    """
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    if member.standing != Standing.ACTIVE:
        raise ValidationError("该党员已不在册。")
    record = (FloatingRecord.objects.select_for_update(of=("self",)).select_related("member")
              .filter(member=member, direction=FloatingDirection.OUTFLOW, ended_on__isnull=True).first())
    if record is None and not member.lost_contact_since:
        raise ValidationError("您目前没有流动党员登记，无需报平安；联系方式有变化请提交信息更正申请。")
    if not (place or "").strip():
        raise ValidationError({"place": "请填写您现在所在的城市。"})
    if not (contact or "").strip():
        raise ValidationError({"contact": "请填写联系方式，方便党组织联系您。"})
    if record is not None:
        # Ends a lost-contact finding too (see floating_record_contact).
        _record_floating_contact(actor=actor, record=record, contacted_on=reported_on, contact=contact,
                                 place=place, request=request)
        member.refresh_from_db()
    elif member.lost_contact_since:
        _restore_contact(actor=actor, member=member, restored_on=max(reported_on, member.lost_contact_since),
                         request=request)
    return member


LEAVING_STANDINGS = (Standing.DECEASED, Standing.REMOVED, Standing.EXPELLED, Standing.WITHDRAWN)


@transaction.atomic
def member_close(*, actor, member: Member, standing: str, left_on: datetime.date, reason: str = "",
                 request=None) -> Member:
    """Death, removal, expulsion or withdrawal: the member leaves the roll and stays in history.

    The system never does this by itself — a finding (MEM-02, MEM-03) only tells a person to decide.
    """
    member = _active_member(actor, member)
    if standing not in LEAVING_STANDINGS:
        raise ValidationError({"standing": "请选择去世、除名、开除党籍或退党。"})
    _not_future(left_on, "left_on", "日期")
    if Transfer.objects.filter(member=member, status=TransferStatus.ISSUED).exists():
        raise ValidationError("该党员有在途的组织关系介绍信，请先办结。")
    member.standing = standing
    member.left_on = left_on
    if reason:
        member.notes = (member.notes + "\n" if member.notes else "") + f"{left_on} {reason.strip()}"
    member.save(update_fields=["standing", "left_on", "notes"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=member, request=request,
                        changes={"standing": ["在册", member.get_standing_display()]})
    return member


# ---------------------------------------------------------------- care ledger


@transaction.atomic
def care_visit_record(*, actor, member: Member, visited_on: datetime.date, visitor: str, findings: str = "",
                      help_kinds: list[str] | None = None, amount=None, help_detail: str = "",
                      request=None) -> CareVisit:
    """Record a visit (走访慰问) and the help given."""
    member = _active_member(actor, member)
    _not_future(visited_on, "visited_on", "走访日期")
    if not (visitor or "").strip():
        raise ValidationError({"visitor": "请填写走访人。"})
    help_kinds = list(dict.fromkeys(help_kinds or []))
    unknown = [kind for kind in help_kinds if kind not in HelpKind.values]
    if unknown:
        raise ValidationError({"help_kinds": "帮扶方式不正确。"})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": "慰问金额不能为负数。"})
    if HelpKind.MONEY in help_kinds and not amount:
        raise ValidationError({"amount": "发放慰问金请填写金额。"})
    visit = CareVisit(member=member, visited_on=visited_on, visitor=visitor.strip(), findings=(findings or "").strip(),
                      help_kinds=help_kinds, amount=amount, help_detail=(help_detail or "").strip(),
                      recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
    visit.full_clean()
    visit.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=visit, request=request)
    return visit


@transaction.atomic
def care_cadence_set(*, actor, area, group: str, every_months: int, request=None) -> CareCadence:
    """A community sets how often it visits a care group (MEM-08)."""
    _require_write(actor, area, "您没有权限设置该社区的走访周期。")
    if area.level != "community":
        raise ValidationError({"area": "走访周期由社区设置。"})
    if group not in CareGroup.values:
        raise ValidationError({"group": "关爱对象不正确。"})
    if not 1 <= int(every_months) <= 24:
        raise ValidationError({"every_months": "走访周期应在1至24个月之间。"})
    cadence, _created = CareCadence.objects.update_or_create(area=area, group=group,
                                                             defaults={"every_months": every_months})
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=cadence, request=request,
                        every_months=every_months)
    return cadence
