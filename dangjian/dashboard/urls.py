from django.urls import path

from dangjian.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("health/", views.health_check, name="health"),
    path("export.xlsx", views.dashboard_export, name="export"),
]
