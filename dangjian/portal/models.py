"""Member accounts for the portal, their one-time activation codes, and the corrections a
member asks their branch to make.

A member account is an ordinary ``accounts.User`` with ``is_staff`` False and no role
assignment, linked one-to-one to the ``members.Member`` it belongs to. The back office, its
pages and its API refuse such a user (``portal.access.is_member_account``).
"""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.members.models import Member


class MemberAccount(models.Model):
    """The portal sign-in of one party member."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                                related_name="member_account")
    member = models.OneToOneField(Member, verbose_name=_("党员"), on_delete=models.CASCADE,
                                  related_name="portal_account")
    activated_at = models.DateTimeField(_("激活时间"), default=timezone.now)

    scope_organization_path = "member__organization__"
    scope_area_path = "member__organization__area__"

    class Meta:
        verbose_name = _("党员门户账号")
        verbose_name_plural = _("党员门户账号")
        ordering = ["-activated_at", "id"]

    def __str__(self):
        return f"{self.member} · {self.user.get_username()}"


class ActivationCode(models.Model):
    """A one-time code an administrator issues to a member (for activation or a password reset).

    Only a keyed digest is stored (HMAC with the secret key, so a copied table does not let
    anyone try the ten million codes offline); the code itself is shown once, on the slips.
    """

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.CASCADE,
                               related_name="activation_codes")
    code_digest = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    scope_organization_path = "member__organization__"
    scope_area_path = "member__organization__area__"

    class Meta:
        verbose_name = _("激活码")
        verbose_name_plural = _("激活码")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["member", "used_at", "revoked_at"], name="activation_code_open")]

    def __str__(self):
        return f"{self.member} · {self.issued_at:%Y-%m-%d}"

    @staticmethod
    def digest(code: str) -> str:
        return hmac.new(settings.SECRET_KEY.encode(), f"portal-activation:{code}".encode(),
                        hashlib.sha256).hexdigest()

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class CorrectionState(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("已驳回")


class CorrectionRequest(models.Model):
    """A member asks their branch to correct their data; an administrator approves or rejects.

    ``proposed`` holds the new values as the member typed them (an ID number encrypted, with a
    masked copy for display); ``current`` the values shown to the member when they asked.
    """

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.CASCADE,
                               related_name="correction_requests")
    proposed = models.JSONField(_("申请修改为"), default=dict)
    current = models.JSONField(_("原信息"), default=dict)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=CorrectionState.choices,
                             default=CorrectionState.PENDING)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.CharField(_("审核意见"), max_length=200, blank=True)

    scope_organization_path = "member__organization__"
    scope_area_path = "member__organization__area__"

    class Meta:
        verbose_name = _("信息更正申请")
        verbose_name_plural = _("信息更正申请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "-created_at"], name="correction_state_created")]

    def __str__(self):
        return f"{self.member} · {self.created_at:%Y-%m-%d}"
