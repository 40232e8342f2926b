"""Every write of the member portal: activation codes, activation and sign-in, passwords,
correction requests and the floating member's report.

Refusals of an activation or a sign-in all read the same (no hint which part was wrong) and
are counted per phone number and per address (portal/throttle.py); a refused step writes
nothing but its audit entry.
"""

import datetime
import re
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import AuditAction, User
from dangjian.accounts.services import token_issue, token_revoke
from dangjian.core import crypto
from dangjian.core.id_numbers import validate_id_number
from dangjian.core.masking import mask_id_number
from dangjian.core.models import Code, CodeTable
from dangjian.members import services as member_services
from dangjian.members.models import Member, Standing
from dangjian.organizations.models import Area, AreaLevel
from dangjian.portal import throttle
from dangjian.portal.access import member_account_of
from dangjian.portal.models import ActivationCode, CorrectionRequest, CorrectionState, MemberAccount

ACTIVATION_REFUSED = "手机号或激活码不正确，或激活码已失效。请核对后重试，或请社区（支部）重新发放激活码。"
LOGIN_REFUSED = "手机号或密码不正确。忘记密码请联系社区（支部）管理员重新发放激活码。"
TOO_MANY_ATTEMPTS = "尝试次数过多，请稍后再试。"
CODE_LENGTH = 8
_PHONE = re.compile(r"^1\d{10}$")


def normalize_phone(raw: str | None) -> str:
    return re.sub(r"[\s-]", "", raw or "")


# ---------------------------------------------------------------- activation codes


def _new_code() -> str:
    # Eight digits: easy to type on a phone keypad; guessing is stopped by the rate limit and expiry.
    return "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))


def _unused_codes(count: int) -> list[str]:
    """``count`` distinct codes whose digests are not stored yet (digests are unique), in a few queries."""
    codes: dict[str, str] = {}
    while len(codes) < count:
        fresh = {ActivationCode.digest(code): code for code in (_new_code() for _ in range(count - len(codes)))}
        taken = set(ActivationCode.objects.filter(code_digest__in=list(fresh)).values_list("code_digest", flat=True))
        codes.update({digest: code for digest, code in fresh.items() if digest not in taken})
    return list(codes.values())[:count]


@transaction.atomic
def activation_codes_issue(*, actor, members: Iterable[Member], request=None, **filters) -> dict:
    """Issue a one-time code to each member the actor may write; a member's earlier open codes stop
    working (so a new code is also how a forgotten password is reset).

    Members without a mobile number on record cannot activate and are returned as ``skipped``.
    Returns ``{"issued": [(member, code), …], "skipped": [member, …]}``; codes are shown once.
    """
    members = list(members)
    if not members:
        raise ValidationError("没有符合条件的党员。")
    limit = settings.PORTAL["MAX_CODES_PER_ISSUE"]
    if len(members) > limit:
        raise ValidationError(f"一次最多为{limit}名党员签发激活码，请缩小范围。")
    for member in members:
        if not scoping.can_write(actor, member):
            raise PermissionDenied("您没有权限为所选党员签发激活码。")
        if member.standing != Standing.ACTIVE:
            raise ValidationError(f"{member.name}已不在册，不能签发激活码。")
    ready = [member for member in members if _PHONE.match(normalize_phone(member.phone))]
    ready_pks = {member.pk for member in ready}
    skipped = [member for member in members if member.pk not in ready_pks]
    if not ready:
        raise ValidationError("所选党员都没有登记手机号码，无法激活。请先在党员名册中补全手机号码。")
    now = timezone.now()
    ActivationCode.objects.filter(member__in=ready, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now)
    expires_at = now + datetime.timedelta(days=settings.PORTAL["ACTIVATION_CODE_VALID_DAYS"])
    codes = _unused_codes(len(ready))
    issued = list(zip(ready, codes, strict=True))
    ActivationCode.objects.bulk_create([
        ActivationCode(member=member, code_digest=ActivationCode.digest(code), issued_at=now, expires_at=expires_at,
                       issued_by=actor if getattr(actor, "is_authenticated", False) else None)
        for member, code in issued])
    audit.record_activation_codes_issued(actor=actor, member_ids=[member.pk for member in ready],
                                         request=request, skipped=len(skipped),
                                         filters={key: str(value) for key, value in filters.items()})
    return {"issued": issued, "skipped": skipped, "expires_at": expires_at}


def _refuse(kind: str, phone: str, request, message: str) -> None:
    throttle.record_failure(kind, phone, request)
    audit.record_portal_refused(what=kind, phone=phone, request=request)
    raise ValidationError(message)


def _check_not_blocked(kind: str, phone: str, request) -> None:
    if throttle.is_blocked(kind, phone, request):
        # The refusal is audited; nothing else is written.
        audit.record_portal_refused(what=f"{kind}_blocked", phone=phone, request=request)
        raise ValidationError(TOO_MANY_ATTEMPTS)


def _validate_new_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None


def account_activate(*, phone: str, code: str, password: str, request=None) -> MemberAccount:
    """Phone number + activation code → the member's portal account with ``password``.

    A wrong, expired, used or revoked code, or a phone that is not the member's, all answer
    ``ACTIVATION_REFUSED``; after too many failures ``TOO_MANY_ATTEMPTS``. Nothing is written
    then but the audit entry of the refusal (outside the transaction, so it is kept).
    """
    phone = normalize_phone(phone)
    code = re.sub(r"\s", "", code or "")
    _check_not_blocked("activate", phone, request)
    # The password is judged before the code, so its errors reveal nothing about the code.
    _validate_new_password(password, User(username=phone, phone=phone))
    found = (ActivationCode.objects.select_related("member").filter(code_digest=ActivationCode.digest(code)).first()
             if code else None)
    if (found is None or not found.is_usable or not _PHONE.match(phone)
            or normalize_phone(found.member.phone) != phone or found.member.standing != Standing.ACTIVE):
        _refuse("activate", phone, request, ACTIVATION_REFUSED)
    try:
        account = _activate(found, phone=phone, password=password, request=request)
    except _CodeTaken:
        _refuse("activate", phone, request, ACTIVATION_REFUSED)
    throttle.clear("activate", phone)
    return account


class _CodeTaken(Exception):
    """Two activations raced for one code; the loser is refused like a used code."""


@transaction.atomic
def _activate(code: ActivationCode, *, phone: str, password: str, request) -> MemberAccount:
    now = timezone.now()
    # One-time: only the request that flips ``used_at`` goes on.
    if not ActivationCode.objects.filter(pk=code.pk, used_at__isnull=True, revoked_at__isnull=True,
                                         expires_at__gt=now).update(used_at=now):
        raise _CodeTaken
    member = code.member
    account = MemberAccount.objects.select_related("user").filter(member=member).first()
    if account is None:
        user = User(username=f"portal-{member.pk}", display_name=member.name, phone=phone, is_staff=False)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        account = MemberAccount.objects.create(user=user, member=member)
    else:
        user = account.user
        user.phone = phone
        user.is_active = True
        user.set_password(password)
        user.save(update_fields=["phone", "is_active", "password"])
        # A reset ends every earlier sign-in: sessions by the new password hash, tokens here.
        for token in user.api_tokens.filter(revoked_at__isnull=True):
            token_revoke(actor=user, token=token, request=request)
    audit.record_portal_activated(user=user, member=member, request=request)
    return account


def authenticate_member(*, phone: str, password: str, request=None) -> User:
    """The active member account with this phone and password; refused like a wrong code otherwise."""
    phone = normalize_phone(phone)
    _check_not_blocked("login", phone, request)
    candidates = User.objects.filter(member_account__isnull=False, phone=phone, is_active=True,
                                     member_account__member__standing=Standing.ACTIVE) if phone else []
    for user in candidates:
        if user.check_password(password or ""):
            throttle.clear("login", phone)
            return user
    _refuse("login", phone, request, LOGIN_REFUSED)
    raise AssertionError("unreachable")


def api_token_issue(*, user: User, request=None) -> tuple[object, str]:
    """A bearer token for the mini-program: an accounts ApiToken the member issues to themself."""
    return token_issue(actor=user, user=user, name="党员门户（小程序）",
                       valid_days=settings.PORTAL["TOKEN_VALID_DAYS"], request=request)


def api_token_revoke(*, user: User, token, request=None) -> None:
    token_revoke(actor=user, token=token, request=request)


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str, request=None) -> User:
    if not user.check_password(old_password or ""):
        raise ValidationError({"old_password": "原密码不正确。"})
    _validate_new_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit.record_change(actor=user, action=AuditAction.UPDATE, obj=user, request=request,
                        event="portal_password_changed")
    return user


# ---------------------------------------------------------------- correction requests

CORRECTABLE_FIELDS = {
    "phone": "联系电话",
    "id_number": "身份证号码",
    "education": "学历",
    "residence_area": "居住社区",
    "workplace_text": "工作单位",
}


def _require_own(actor, member: Member) -> None:
    account = member_account_of(actor)
    if account is None or account.member_id != member.pk:
        raise PermissionDenied("只能为本人提交申请。")


def _current_values(member: Member) -> dict:
    return {
        "phone": member.phone,
        "id_number": member.id_number_masked,
        "education": member.education.name if member.education_id else "",
        "residence_area": str(member.residence_area) if member.residence_area_id else "",
        "workplace_text": member.workplace_text,
    }


def residence_choices(member: Member):
    """The communities a member may name as where they live: those of the member's district."""
    area = member.organization.area
    ancestors = [area.path[:end] for end in range(Area.steplen, len(area.path) + 1, Area.steplen)]
    district = Area.objects.filter(path__in=ancestors, level=AreaLevel.DISTRICT).first() or area
    return Area.objects.filter(level=AreaLevel.COMMUNITY, path__startswith=district.path).order_by("path")


def _clean_changes(member: Member, changes: dict) -> tuple[dict, dict]:
    """(stored proposal, displayed proposal) of the fields that differ from the record."""
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationError(f"不能申请更正以下信息：{', '.join(sorted(unknown))}。")
    stored, shown, errors = {}, {}, {}
    for field, raw in changes.items():
        value = (raw if not isinstance(raw, str) else raw.strip())
        if value in (None, ""):
            continue
        if field == "phone":
            value = normalize_phone(value)
            if not _PHONE.match(value):
                errors[field] = "请填写11位手机号码。"
            elif value != member.phone:
                stored[field] = shown[field] = value
        elif field == "id_number":
            try:
                number = validate_id_number(value)
            except ValidationError as error:
                errors[field] = error.messages
                continue
            if member.id_number_digest not in crypto.blind_indexes(number):
                stored[field] = {"ciphertext": crypto.encrypt(number), "masked": mask_id_number(number)}
                shown[field] = mask_id_number(number)
        elif field == "education":
            code = Code.objects.of(CodeTable.EDUCATION).filter(code=str(value)).first()
            if code is None:
                errors[field] = "学历不在国家标准代码表中。"
            elif code.pk != member.education_id:
                stored[field], shown[field] = code.code, code.name
        elif field == "residence_area":
            area = residence_choices(member).filter(pk=value).first() if str(value).isdigit() else None
            if area is None:
                errors[field] = "请选择本区内的社区。"
            elif area.pk != member.residence_area_id:
                stored[field], shown[field] = area.pk, str(area)
        elif field == "workplace_text":
            if len(value) > 120:
                errors[field] = "工作单位不超过120个字。"
            elif value != member.workplace_text:
                stored[field] = shown[field] = value
    if errors:
        raise ValidationError(errors)
    if not stored:
        raise ValidationError("您填写的信息与现有信息相同，无需更正。")
    return stored, shown


@transaction.atomic
def correction_request_submit(*, actor, member: Member, changes: dict, note: str = "",
                              request=None) -> CorrectionRequest:
    """A member asks the branch to correct some of their own data (CORRECTABLE_FIELDS)."""
    _require_own(actor, member)
    member = Member.objects.select_for_update(of=("self",)).select_related("education", "residence_area",
                                                                             "organization__area").get(pk=member.pk)
    if CorrectionRequest.objects.filter(member=member, state=CorrectionState.PENDING).exists():
        raise ValidationError("您已有一条更正申请正在审核，请等待支部处理后再提交。")
    stored, shown = _clean_changes(member, changes)
    current = _current_values(member)
    correction = CorrectionRequest(member=member, proposed={**stored, "_shown": shown},
                                   current={field: current[field] for field in stored},
                                   note=(note or "").strip()[:200])
    correction.full_clean()
    correction.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=correction, request=request,
                        fields=sorted(stored))
    return correction


def correction_rows(correction: CorrectionRequest) -> list[dict]:
    """Field label, value when asked, proposed value — for the side-by-side view."""
    shown = correction.proposed.get("_shown", {})
    return [{"field": field, "label": CORRECTABLE_FIELDS[field], "old": correction.current.get(field, ""),
             "new": shown.get(field, "")} for field in CORRECTABLE_FIELDS if field in shown]


def _open_correction(actor, correction: CorrectionRequest) -> CorrectionRequest:
    correction = (CorrectionRequest.objects.select_for_update(of=("self",)).select_related("member")
                  .get(pk=correction.pk))
    if not scoping.can_see(actor, correction.member):
        raise PermissionDenied("更正申请不存在。")
    if not scoping.can_write(actor, correction.member):
        raise PermissionDenied("您没有权限审核该党员的更正申请。")
    if correction.state != CorrectionState.PENDING:
        raise ValidationError(f"该申请已{correction.get_state_display()}，不能再审核。")
    return correction


@transaction.atomic
def correction_request_approve(*, actor, correction: CorrectionRequest, request=None) -> CorrectionRequest:
    """Apply the proposal through ``member_update`` (so it appears in the member's history)."""
    correction = _open_correction(actor, correction)
    proposed = correction.proposed
    fields = {}
    for field in CORRECTABLE_FIELDS:
        if field not in proposed:
            continue
        if field == "id_number":
            fields["id_number"] = crypto.decrypt(proposed["id_number"]["ciphertext"])
        elif field == "residence_area":
            fields["residence_area"] = Area.objects.get(pk=proposed["residence_area"])
        else:
            fields[field] = proposed[field]
    member = member_services.member_update(actor=actor, member=correction.member, request=request, **fields)
    if "phone" in fields:
        # The member signs in with the phone number on record.
        User.objects.filter(member_account__member=member).update(phone=member.phone)
    correction.state = CorrectionState.APPROVED
    correction.decided_by = actor
    correction.decided_at = timezone.now()
    correction.save(update_fields=["state", "decided_by", "decided_at"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=correction, request=request,
                        changes={"state": ["待审核", "已同意"]})
    return correction


@transaction.atomic
def correction_request_reject(*, actor, correction: CorrectionRequest, reason: str,
                              request=None) -> CorrectionRequest:
    correction = _open_correction(actor, correction)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "驳回时请填写理由，党员会看到它。"})
    correction.state = CorrectionState.REJECTED
    correction.decided_by = actor
    correction.decided_at = timezone.now()
    correction.decision_reason = reason[:200]
    correction.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    audit.record_change(actor=actor, action=AuditAction.UPDATE, obj=correction, request=request,
                        changes={"state": ["待审核", "已驳回"]}, reason=reason[:200])
    return correction


# ---------------------------------------------------------------- floating members


def floating_report(*, actor, member: Member, place: str, contact: str, request=None) -> Member:
    """"I'm well, I'm in <place>, reach me at <contact>" from the member's own account."""
    _require_own(actor, member)
    return member_services.member_report_well(actor=actor, member=member, reported_on=timezone.localdate(),
                                              place=place, contact=contact, request=request)
