"""Spreadsheet import and export, mounted at /members/import/ (namespace "members")."""

from django.urls import path

from dangjian.members import views_import

urlpatterns = [
    path("", views_import.import_index, name="import_index"),
    path("template.xlsx", views_import.import_template, name="import_template"),
    path("<int:batch_id>/", views_import.import_batch, name="import_batch"),
    path("<int:batch_id>/mapping/", views_import.import_mapping, name="import_mapping"),
    path("<int:batch_id>/commit/", views_import.import_commit, name="import_commit"),
    path("<int:batch_id>/retry/", views_import.import_retry, name="import_retry"),
    path("<int:batch_id>/undo/", views_import.import_undo, name="import_undo"),
    path("<int:batch_id>/errors.xlsx", views_import.import_errors, name="import_errors"),
    path("export/", views_import.member_export, name="export"),
]
