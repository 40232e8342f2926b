from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from dangjian.api import api
from dangjian.core.views import healthz, system_status_page

# The API answers its own 404/500 in JSON; every other path gets the Chinese error pages.
handler404 = "dangjian.api.page_not_found"
handler500 = "dangjian.api.server_error"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("system/", system_status_page, name="system-status"),
    path("account/", include("dangjian.accounts.urls_security")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("dashboard/", include("dangjian.dashboard.urls")),
    path("members/", include("dangjian.members.urls")),
    path("m/my-data/", include("dangjian.datasafety.urls")),
    path("m/school/", include("dangjian.school.urls_portal")),
    path("m/service/", include("dangjian.coverage.urls_portal")),
    path("m/", include("dangjian.portal.urls")),
    path("concerns/", include("dangjian.concerns.urls")),
    path("c/", include("dangjian.concerns.urls_public")),
    path("conference/", include("dangjian.conference.urls")),
    path("school/", include("dangjian.school.urls")),
    path("coverage/", include("dangjian.coverage.urls")),
    path("orglife/", include("dangjian.orglife.urls")),
    path("dues/", include("dangjian.dues.urls")),
    path("activities/", include("dangjian.activities.urls")),
    path("evaluation/", include("dangjian.evaluation.urls")),
    path("annual-report/", include("dangjian.annual_report.urls")),
    path("admin/", admin.site.urls),
]

# A database outage answers 503 with a Chinese page that never touches the database (core/views.py).
handler500 = "dangjian.core.views.server_error"
