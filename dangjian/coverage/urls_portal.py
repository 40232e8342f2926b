"""The in-service member's own pages, mounted at /m/service/ (namespace "coverage_portal")."""

from django.urls import path

from dangjian.coverage import views_portal

app_name = "coverage_portal"
urlpatterns = [
    path("", views_portal.my_service, name="service"),
    path("register/", views_portal.register, name="register"),
    path("record/", views_portal.record, name="record"),
]
