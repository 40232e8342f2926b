from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferenceConfig(AppConfig):
    name = "dangjian.conference"
    label = "conference"
    verbose_name = _("联席会")
