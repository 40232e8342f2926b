from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "dangjian.coverage"
    label = "coverage"
    verbose_name = _("覆盖与共建")

    def ready(self):
        from dangjian.accounts import scoping
        from dangjian.coverage.grants import appointment_probe, instructor_grants

        scoping.register_grant_source(instructor_grants, probe=appointment_probe)
