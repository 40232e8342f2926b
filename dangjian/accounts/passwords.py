"""Password rules (GB/T 22239-2019 8.1.4.1 b: complexity and periodic change).

Validators in AUTH_PASSWORD_VALIDATORS: Django runs ``validate`` wherever a password is set
through ``validate_password`` (admin forms, the services) and ``password_changed`` after every
saved change — which is where the history and the change time are recorded, once, for every way a
password can change.
"""

import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone


def security_setting(name: str, default):
    return getattr(settings, "DANGJIAN_SECURITY", {}).get(name, default)


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = [any(c in string.ascii_lowercase for c in password), any(c in string.ascii_uppercase for c in password),
                   any(c.isdigit() for c in password), any(not c.isalnum() for c in password)]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 类。", code="password_classes")

    def get_help_text(self):
        return f"密码须包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 类。"


class PasswordHistoryValidator:
    """Not one of the user's last ``count`` passwords; records each change and its time."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from dangjian.accounts.models import PasswordHistory

        recent = list(PasswordHistory.objects.filter(user=user).values_list("password_hash", flat=True)[:self.count])
        if user.password:
            recent.append(user.password)
        if any(check_password(password, encoded) for encoded in recent):
            raise ValidationError(f"不能使用最近 {self.count} 次用过的密码。", code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from dangjian.accounts.models import PasswordHistory, User

        now = timezone.now()
        PasswordHistory.objects.create(user=user, password_hash=user.password, changed_at=now)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[self.count:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
        User.objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now

    def get_help_text(self):
        return f"不能使用最近 {self.count} 次用过的密码。"


def password_expired(user) -> bool:
    """Has the password outlived PASSWORD_MAX_AGE_DAYS (0 = never expires)?"""
    max_age = security_setting("PASSWORD_MAX_AGE_DAYS", 90)
    if not max_age or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    return (timezone.now() - changed).days >= max_age
