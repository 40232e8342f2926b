from django.urls import path

from dangjian.accounts import views_security

app_name = "account"

urlpatterns = [
    path("two-factor/", views_security.two_factor_page, name="two-factor"),
    path("two-factor/recovery-codes/", views_security.recovery_codes_page, name="recovery-codes"),
    path("sessions/", views_security.sessions_page, name="sessions"),
]
