from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatasafetyConfig(AppConfig):
    name = "dangjian.datasafety"
    label = "datasafety"
    verbose_name = _("数据安全")

    def ready(self):
        from dangjian.datasafety import own_data_sections, personal_data  # noqa: F401 - registers sections

        personal_data.autodiscover()
