"""The back-office site: unfold's, with the page shell every back-office page pays made cheap.

Every back-office page (the admin's and the staff pages that reuse ``admin.site.each_context``)
carried two costs that no page showed anything for:

* Django's application list (``available_apps``): every registered admin's module and model
  permissions, and for users without Django permissions two queries on ``auth_permission`` —
  about 10 ms a page. The sidebar is ``dashboard/navigation.py``'s (``show_all_applications`` is
  off), so no template renders the list: it is built only if a template reads it.
* unfold's sidebar (≈ 16 ms): see ``navigation.sidebar_for`` and
  ``dashboard/templatetags/back_office_sidebar.py``.

Installed as the ``admin`` application's default site (``BackOfficeAdminConfig`` in
INSTALLED_APPS, with unfold's ``BasicAppConfig``, which leaves ``admin.site`` alone).
"""

from django.contrib.admin.apps import AdminConfig
from django.utils.functional import SimpleLazyObject
from unfold.sites import UnfoldAdminSite


class BackOfficeSite(UnfoldAdminSite):
    def get_app_list(self, request, app_label=None):
        # Evaluated on first use, in the same request: the index, an application's page and
        # unfold's search read it as before; pages that never read it never build it.
        return SimpleLazyObject(lambda: super(BackOfficeSite, self).get_app_list(request, app_label))

    def get_sidebar_list(self, request):
        from dangjian.dashboard.navigation import sidebar_for

        # A link with a query (流动党员: the care page's floating group) is active only when the
        # request has that query too, as unfold marks its tabs; unfold's callable-link path
        # never marked that item at all.
        return sidebar_for(request, lambda request, link: self._get_is_active(request, link, is_tab="?" in link))


class BackOfficeAdminConfig(AdminConfig):
    default_site = "dangjian.core.admin_site.BackOfficeSite"
