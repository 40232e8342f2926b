"""Users, their role assignments (role + scope), API tokens and the append-only audit log."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.organizations.models import Area, PartyOrganization, Unit


class User(AbstractUser):
    """A person who signs in. What they may see and do comes from their RoleAssignments."""

    display_name = models.CharField(_("姓名"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # Set by the password-history validator whenever the password changes (accounts/passwords.py).
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True, editable=False)

    # Scoping anchors: a user is visible to the administrators of the places they hold roles in.
    scope_area_path = "roles__area__"
    scope_organization_path = "roles__organization__"

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self):
        return self.display_name or self.username


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市级管理员")
    AREA_ADMIN = "area_admin", _("区域管理员")
    ORG_ADMIN = "org_admin", _("党组织管理员")
    LEADER = "leader", _("领导（只读）")
    # Function roles: narrow duties over one object, not an area or organization subtree.
    LIAISON = "liaison", _("成员单位联络员")
    SCHOOL_ADMIN = "school_admin", _("党校管理员")
    INSTRUCTOR = "instructor", _("党建工作指导员")
    # 三员分立 (GB/T 22239-2019 8.1.4.2): three duty roles over the deployment, none of which sees
    # business or personal data, and none of which may be held with any other role.
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# The general back-office roles: they see (and the writing ones change) whatever lies in their
# area or organization subtree. The function roles reach only the models that declare their
# anchor (scope_unit_path, scope_school_path) and never the registry, roster or dashboards.
GENERAL_ROLES = frozenset({Role.CITY_ADMIN, Role.AREA_ADMIN, Role.ORG_ADMIN, Role.LEADER})
FUNCTION_ROLES = frozenset({Role.LIAISON, Role.SCHOOL_ADMIN, Role.INSTRUCTOR})
# The system administrator configures and watches the system (no audit log, no personal data); the
# security administrator manages accounts, roles and scopes (no business data); the audit
# administrator reads and exports the audit log (nothing else). Each is granted over the city
# Area (the deployment) and carries no data scope.
DUTY_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# Roles that may change records in their scope; a leader only reads. A function role writes only
# to the models of its duty (a liaison reports progress on its unit's tasks; the services decide
# which fields).
WRITING_ROLES = frozenset({Role.CITY_ADMIN, Role.AREA_ADMIN, Role.ORG_ADMIN, *FUNCTION_ROLES})


class RoleAssignment(models.Model):
    """Gives a user a role over exactly one scope: an Area subtree, a PartyOrganization subtree,
    one Unit (a member unit's liaison) or one PartySchool (its administrator).

    An instructor holds no assignment row: the units assigned to them in the coverage app are
    their scope (entered once, see ``scoping.register_grant_source``)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("管辖区域"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        PartyOrganization, verbose_name=_("管辖党组织"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey(
        "school.PartySchool", verbose_name=_("党校"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("授权时间"), default=timezone.now)
    granted_by = models.ForeignKey(
        User, verbose_name=_("授权人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_area_path = ("area__", "unit__area__", "school__area__")
    scope_organization_path = "organization__"

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        ordering = ["user_id", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(area__isnull=False, organization__isnull=True, unit__isnull=True, school__isnull=True)
                    | models.Q(area__isnull=True, organization__isnull=False, unit__isnull=True, school__isnull=True)
                    | models.Q(area__isnull=True, organization__isnull=True, unit__isnull=False, school__isnull=True)
                    | models.Q(area__isnull=True, organization__isnull=True, unit__isnull=True, school__isnull=False)
                ),
                name="roleassignment_exactly_one_scope",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.scope}"

    @property
    def scope(self):
        return self.area or self.organization or self.unit or self.school

    def clean(self):
        anchors = [self.area_id, self.organization_id, self.unit_id, self.school_id]
        if sum(anchor is not None for anchor in anchors) != 1:
            raise ValidationError(_("角色必须指定且只能指定一个管辖范围：一个区域、党组织、单位或党校。"))
        if self.role == Role.INSTRUCTOR:
            raise ValidationError(_("党建工作指导员的范围来自其联系的单位，请在指导员聘任中指派单位。"))
        if self.role in GENERAL_ROLES and self.area_id is None and self.organization_id is None:
            raise ValidationError(_("该角色的管辖范围必须是区域或党组织。"))
        if self.role in DUTY_ROLES and (self.area is None or self.area.level != "city"):
            raise ValidationError(_("系统管理员、安全管理员和审计管理员的范围必须是市（整个系统）。"))
        if self.role == Role.LIAISON and self.unit_id is None:
            raise ValidationError(_("成员单位联络员的范围必须是一个驻区单位。"))
        if self.role == Role.SCHOOL_ADMIN and self.school_id is None:
            raise ValidationError(_("党校管理员的范围必须是一所党校。"))
        if self.role == Role.CITY_ADMIN and (self.area is None or self.area.level != "city"):
            raise ValidationError(_("市级管理员的管辖范围必须是市。"))
        if self.role == Role.AREA_ADMIN and self.area_id is None:
            raise ValidationError(_("区域管理员的管辖范围必须是区域（区、街道或社区）。"))
        if self.role == Role.ORG_ADMIN and self.organization_id is None:
            raise ValidationError(_("党组织管理员的管辖范围必须是党组织。"))


class ApiToken(models.Model):
    """A bearer token an administrator issues to a user for an integration.

    Only a SHA-256 of the secret is stored; the secret is shown once when issued.
    """

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=80)
    prefix = models.CharField(_("令牌前缀"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    created_by = models.ForeignKey(
        User, verbose_name=_("签发人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class AuditAction(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("账号锁定")
    ROLE_GRANTED = "role_granted", _("授予角色")
    ROLE_REVOKED = "role_revoked", _("撤销角色")
    TOKEN_ISSUED = "token_issued", _("签发令牌")
    TOKEN_REVOKED = "token_revoked", _("吊销令牌")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    REVEAL = "reveal", _("查看个人信息")
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    MOVE = "move", _("移动")
    DELETE = "delete", _("删除")
    ARCHIVE = "archive", _("归档审计日志")
    OTP_ENROLLED = "otp_enrolled", _("启用双因素认证")
    OTP_FAILED = "otp_failed", _("动态码验证失败")
    SESSION_ENDED = "session_ended", _("结束会话")
    PASSWORD_CHANGED = "password_changed", _("修改密码")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志不可修改。")

    def delete(self):
        raise PermissionError("审计日志不可删除。")


class AuditEntry(models.Model):
    """One security-relevant event. Append-only: the application never updates or deletes it."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("操作账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices, db_index=True)
    source_ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    # The hash chain (accounts/audit_chain.py): each entry's hash covers its content and the hash
    # of the entry before it, so an edited, removed or inserted row breaks every hash after it.
    prev_hash = models.CharField(_("前一条摘要"), max_length=64, blank=True, editable=False)
    entry_hash = models.CharField(_("本条摘要"), max_length=64, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计日志不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志不可删除。")


class AuditChainHead(models.Model):
    """One row: the hash of the newest audit entry. Writers lock it (SELECT … FOR UPDATE) so
    concurrent transactions append to the chain one after another instead of forking it."""

    last_hash = models.CharField(max_length=64, blank=True)
    last_entry_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self):
        return f"{self.last_entry_id}: {self.last_hash[:12]}"


class AuditArchive(models.Model):
    """A segment of the audit log moved past its retention period into an archive file.

    Entries leave the table only into an archive whose digest is kept here, never silently:
    the chain stays verifiable across the cut (``last_hash`` is the first kept entry's
    ``prev_hash``) and the file can be checked against ``file_sha256``."""

    created_at = models.DateTimeField(_("归档时间"), default=timezone.now)
    created_by = models.ForeignKey(User, verbose_name=_("归档人"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    file_name = models.CharField(_("归档文件"), max_length=200)
    file_sha256 = models.CharField(_("文件摘要"), max_length=64)
    first_entry_id = models.BigIntegerField(_("起始编号"))
    last_entry_id = models.BigIntegerField(_("截止编号"))
    entry_count = models.PositiveIntegerField(_("条数"))
    older_than = models.DateTimeField(_("归档截止时间"))
    last_hash = models.CharField(_("末条摘要"), max_length=64)

    class Meta:
        verbose_name = _("审计日志归档")
        verbose_name_plural = _("审计日志归档")
        ordering = ["-last_entry_id"]

    def __str__(self):
        return f"{self.file_name} ({self.first_entry_id}–{self.last_entry_id})"


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords, so a new one cannot repeat them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password_hash = models.CharField(max_length=128)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.user} {self.changed_at:%Y-%m-%d}"


class UserSession(models.Model):
    """A signed-in session of a user, so they can see where they are signed in and end the others.

    The session itself lives in Django's session store; this row only names it."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    source_ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=200, blank=True)
    signed_in_at = models.DateTimeField(_("登录时间"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("最近活动"), default=timezone.now)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        ordering = ["-last_seen_at"]

    def __str__(self):
        return f"{self.user} {self.source_ip or ''}"
