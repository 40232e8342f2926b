"""Coverage and co-construction pages, mounted at /coverage/ (namespace "coverage")."""

from django.urls import path

from dangjian.coverage import views, views_cobuild, views_ending, views_exports

app_name = "coverage"

urlpatterns = [
    path("", views.board, name="board"),
    path("areas/<int:area_id>/", views.board, name="area"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("units/<int:unit_id>/assign/", views.unit_assign, name="unit_assign"),
    path("units/<int:unit_id>/joint/", views.unit_joint, name="unit_joint"),
    path("units/<int:unit_id>/profile/", views.unit_profile, name="unit_profile"),
    path("blank-spots/", views.blank_spot_list, name="blank_spots"),
    path("export/units.xlsx", views_exports.units_xlsx, name="export_units"),
    path("export/uncovered.xlsx", views_exports.uncovered_xlsx, name="export_uncovered"),
    path("instructors/", views.instructor_list, name="instructors"),
    path("instructors/<int:instructor_id>/", views.instructor_detail, name="instructor"),
    path("instructors/<int:instructor_id>/end/", views_ending.instructor_end, name="instructor_end"),
    path("assignments/<int:assignment_id>/end/", views_ending.assignment_end, name="assignment_end"),
    path("mine/", views.my_units, name="mine"),
    path("pairings/", views_cobuild.pairing_list, name="pairings"),
    path("pairings/<int:pairing_id>/", views_cobuild.pairing_detail, name="pairing"),
    path("pairings/<int:pairing_id>/activity/", views_cobuild.pairing_activity, name="pairing_activity"),
    path("pairings/<int:pairing_id>/review/", views_cobuild.pairing_review, name="pairing_review"),
    path("pairings/<int:pairing_id>/end/", views_ending.pairing_end, name="pairing_end"),
    path("services/", views_cobuild.service_list, name="services"),
    path("services/<int:registration_id>/record/", views_cobuild.service_record, name="service_record"),
    path("services/<int:registration_id>/end/", views_ending.registration_end, name="registration_end"),
    path("services/records/<int:record_id>/confirm/", views_cobuild.service_confirm, name="service_confirm"),
]
