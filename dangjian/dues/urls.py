"""The back office's dues pages, mounted at /dues/ (namespace "dues")."""

from django.urls import path

from dangjian.dues import views

app_name = "dues"

urlpatterns = [
    path("", views.dues_index, name="index"),
    path("rates/", views.dues_rates, name="rates"),
    path("branch/<int:organization_id>/", views.branch_month, name="branch"),
    path("branch/<int:organization_id>/arrears/", views.branch_arrears, name="arrears"),
    path("branch/<int:organization_id>/ledger.xlsx", views.branch_ledger, name="ledger"),
    path("member/<int:member_id>/", views.member_dues, name="member"),
    path("member/<int:member_id>/declare/", views.member_declare, name="declare"),
    path("member/<int:member_id>/pay/", views.member_pay, name="pay"),
    path("member/<int:member_id>/exempt/", views.member_exempt, name="exempt"),
]
