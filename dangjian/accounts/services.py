"""Writes to users, role assignments and API tokens."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import DUTY_ROLES, ApiToken, AuditAction, Role, RoleAssignment, User

TOKEN_PREFIX = "dj_"


def _require_may_manage_roles(actor, *, area=None, organization=None, unit=None, school=None) -> None:
    """Who may grant a role: a superuser or city administrator anywhere; an area administrator
    only inside the area of that very grant (an organization's, unit's or school's location must
    lie in it). Nobody grants a role wider than their own scope. The security administrator
    grants anywhere."""
    if scoping.is_city_admin(actor) or scoping.is_security_admin(actor):
        return
    located = area or next((anchor.area for anchor in (organization, unit, school) if anchor is not None), None)
    if located is None:
        raise PermissionDenied("您没有权限在该范围内授予角色。")
    target_path = located.path
    admin_paths = [grant.area_path for grant in scoping.grants_for(actor)
                   if grant.role == Role.AREA_ADMIN and grant.area_path]
    if not admin_paths:
        raise PermissionDenied("只有市级或区域管理员可以授予角色。")
    if not any(target_path.startswith(path) for path in admin_paths):
        raise PermissionDenied("您没有权限在该范围内授予角色。")


@transaction.atomic
def role_grant(*, actor, user: User, role: str, area=None, organization=None, unit=None, school=None,
               request=None) -> RoleAssignment:
    """Give ``user`` a role over one scope: an Area subtree, a PartyOrganization subtree, one Unit
    (a liaison) or one PartySchool (its administrator)."""
    if role not in Role.values:
        raise ValidationError({"role": "未知的角色。"})
    assignment = RoleAssignment(user=user, role=role, area=area, organization=organization, unit=unit,
                                school=school,
                                granted_by=actor if getattr(actor, "is_authenticated", False) else None)
    # clean() states the one-scope rule in words; the check constraint would repeat it by its name.
    assignment.full_clean(validate_constraints=False)
    _require_may_manage_roles(actor, area=area, organization=organization, unit=unit, school=school)
    if role == Role.CITY_ADMIN and not (scoping.is_city_admin(actor) or scoping.is_security_admin(actor)):
        raise PermissionDenied("只有市级管理员或安全管理员可以授予市级管理员角色。")
    _require_duties_kept_apart(actor, user=user, role=role)
    if RoleAssignment.objects.filter(user=user, role=role, area=area, organization=organization, unit=unit,
                                     school=school).exists():
        raise ValidationError("该用户已有相同的角色和管辖范围。")
    assignment.save()
    if not user.is_staff:
        user.is_staff = True  # every role works in the back office
        user.save(update_fields=["is_staff"])
    audit.record_role_granted(actor=actor, assignment=assignment, request=request)
    scoping.forget_grants(user)
    return assignment


def _require_duties_kept_apart(actor, *, user: User, role: str) -> None:
    """三员分立: only the security administrator grants the three duty roles, never to themself,
    and a holder of a duty role holds no other role (a system administrator who was also an area
    administrator would read the personal data the separation keeps from them)."""
    held = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    if role in DUTY_ROLES:
        if not scoping.is_security_admin(actor):
            raise PermissionDenied("系统管理员、安全管理员和审计管理员只能由安全管理员授予。")
        if user.pk == getattr(actor, "pk", None):
            raise PermissionDenied("不能给自己授予系统管理员、安全管理员或审计管理员角色。")
        if held:
            raise ValidationError("三员分立：该用户已有其他角色，不能再担任系统管理员、安全管理员或审计管理员。")
    elif held & DUTY_ROLES:
        raise ValidationError("三员分立：该用户是系统管理员、安全管理员或审计管理员，不能再授予其他角色。")


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment, request=None) -> None:
    _require_may_manage_roles(actor, area=assignment.area, organization=assignment.organization,
                              unit=assignment.unit, school=assignment.school)
    if assignment.user_id == getattr(actor, "pk", None) and not scoping.is_superuser(actor):
        raise PermissionDenied("不能撤销自己的角色，请联系上级管理员。")
    audit.record_role_revoked(actor=actor, assignment=assignment, request=request)
    assignment.delete()
    scoping.forget_grants(assignment.user)


@transaction.atomic
def user_create(*, actor, username: str, password: str, display_name: str = "", phone: str = "",
                request=None) -> User:
    if not scoping.is_security_admin(actor) and not any(
        grant.role in (Role.CITY_ADMIN, Role.AREA_ADMIN) for grant in scoping.grants_for(actor)
    ):
        raise PermissionDenied("只有安全管理员、市级或区域管理员可以新建用户。")
    username = (username or "").strip()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": "该用户名已被使用。"})
    user = User(username=username, display_name=display_name.strip(), phone=phone.strip(), is_staff=True)
    from django.contrib.auth.password_validation import validate_password

    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record_change(actor=actor, action=AuditAction.CREATE, obj=user, request=request)
    return user


@transaction.atomic
def token_issue(*, actor, user: User, name: str, valid_days: int | None = 365,
                request=None) -> tuple[ApiToken, str]:
    """Issue a bearer token for ``user``; returns the token row and the secret, shown once."""
    if actor != user and not scoping.may_manage_accounts(actor):
        raise PermissionDenied("只有安全管理员或市级管理员可以为其他用户签发接口令牌。")
    if user.is_superuser and not scoping.is_superuser(actor):
        # The issuer sees the secret: a token for a superuser would hand over the superuser's rights.
        raise PermissionDenied("只有系统管理员可以为系统管理员签发接口令牌。")
    if not (name or "").strip():
        raise ValidationError({"name": "请填写令牌用途。"})
    if valid_days is not None and not (1 <= valid_days <= 3650):
        raise ValidationError({"valid_days": "有效期应在1至3650天之间。"})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name.strip(), prefix=secret[:10], key_hash=ApiToken.hash_secret(secret),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=timezone.now() + datetime.timedelta(days=valid_days) if valid_days else None,
    )
    token.full_clean()
    token.save()
    audit.record_token_issued(actor=actor, token=token, request=request)
    return token, secret


@transaction.atomic
def token_revoke(*, actor, token: ApiToken, request=None) -> ApiToken:
    if actor != token.user and not scoping.may_manage_accounts(actor):
        raise PermissionDenied("您没有权限吊销该令牌。")
    if token.revoked_at is not None:
        raise ValidationError("该令牌已被吊销。")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record_token_revoked(actor=actor, token=token, request=request)
    return token


def token_authenticate(secret: str) -> User | None:
    """The user a bearer secret belongs to, or None when unknown, revoked or expired."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=ApiToken.hash_secret(secret)).first())
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # throttled bookkeeping
    return token.user
