from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "dangjian.activities"
    label = "activities"
    verbose_name = _("社区活动")
