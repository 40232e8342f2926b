"""The back office's concern pages, mounted at /concerns/ (namespace "concerns")."""

from django.urls import path

from dangjian.concerns import views_staff

app_name = "concerns"
urlpatterns = [
    path("", views_staff.concern_list, name="list"),
    path("new/", views_staff.concern_intake, name="intake"),
    path("<int:concern_id>/", views_staff.concern_detail, name="detail"),
    path("<int:concern_id>/assign/", views_staff.concern_assign, name="assign"),
    path("<int:concern_id>/note/", views_staff.concern_note, name="note"),
    path("<int:concern_id>/resolve/", views_staff.concern_resolve, name="resolve"),
    path("<int:concern_id>/reveal-phone/", views_staff.concern_reveal_phone, name="reveal_phone"),
]
