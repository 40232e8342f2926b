from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dangjian.core"
    label = "core"
    verbose_name = _("基础代码")

    def ready(self):
        # Each app registers its indicators and compliance checks in metrics.py / rules.py.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("metrics", "rules")
