from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self):
        # Security events (login, logout, failed login, lockout) are recorded by receivers:
        # a decoupled concern, not a business step.
        from dangjian.accounts import audit_receivers  # noqa: F401
