"""The member's school pages, mounted at /m/school/ (namespace "school_portal")."""

from django.urls import path

from dangjian.school import views_portal

app_name = "school_portal"
urlpatterns = [
    path("", views_portal.my_hours, name="hours"),
    path("checkin/", views_portal.checkin_page, name="checkin"),
]
