"""Member pages beyond the admin's CRUD: lifecycle workflows and care lists (urls_pages),
and the spreadsheet import and export (urls_import)."""

from django.urls import include, path

app_name = "members"
urlpatterns = [
    path("", include("dangjian.members.urls_pages")),
    path("import/", include("dangjian.members.urls_import")),
]
