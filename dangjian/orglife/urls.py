"""The back office's organizational-life pages, mounted at /orglife/ (namespace "orglife")."""

from django.urls import path

from dangjian.orglife import views

app_name = "orglife"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("branches/", views.branch_list, name="branches"),
    path("branches/<int:branch_id>/calendar/", views.branch_calendar, name="calendar"),
    path("branches/<int:branch_id>/ledger.<str:fmt>", views.branch_ledger, name="ledger"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/edit/", views.meeting_edit, name="edit"),
    path("<int:meeting_id>/delete/", views.meeting_delete, name="delete"),
    path("<int:meeting_id>/attendance/", views.meeting_attendance, name="attendance"),
    path("<int:meeting_id>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:meeting_id>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
