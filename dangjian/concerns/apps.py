from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConcernsConfig(AppConfig):
    name = "dangjian.concerns"
    label = "concerns"
    verbose_name = _("群众诉求")
