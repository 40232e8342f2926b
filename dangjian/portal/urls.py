"""The member portal, mounted at /m/."""

from django.urls import path

from dangjian.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("activate/", views.activate, name="activate"),
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("password/", views.password_change, name="password"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path("correction/", views.correction, name="correction"),
    path("floating/", views.floating_report, name="floating"),
]
