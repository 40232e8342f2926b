"""Activity pages, mounted at /activities/ (namespace "activities"): the back office's pages and
the member's phone pages under m/."""

from django.urls import path

from dangjian.activities import views, views_member

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("<int:activity_id>/", views.activity_detail, name="detail"),
    path("<int:activity_id>/report/", views.activity_report, name="report"),
    path("<int:activity_id>/photos/", views.activity_photo, name="photo"),
    path("<int:activity_id>/capacity/", views.activity_capacity, name="capacity"),
    path("m/", views_member.member_activities, name="member_list"),
    path("m/checkin/", views_member.member_checkin, name="checkin"),
    path("m/<int:activity_id>/", views_member.member_activity, name="member_detail"),
    path("m/<int:activity_id>/sign-up/", views_member.member_sign_up, name="member_sign_up"),
    path("m/<int:activity_id>/cancel/", views_member.member_cancel, name="member_cancel"),
]
