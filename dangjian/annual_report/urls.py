"""The annual statistics pages, mounted at /annual-report/ (namespace "annual_report")."""

from django.urls import path

from dangjian.annual_report import views

app_name = "annual_report"

urlpatterns = [
    path("", views.report_page, name="page"),
    path("workbook.xlsx", views.report_workbook, name="workbook"),
]
