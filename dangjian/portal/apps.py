from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "dangjian.portal"
    label = "portal"
    verbose_name = _("党员门户")

    def ready(self):
        # Cards other apps add to the member's home page (portal/cards.py).
        from dangjian.portal import cards

        cards.autodiscover()
