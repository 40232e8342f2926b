"""The school pages, mounted at /school/ (namespace "school")."""

from django.urls import path

from dangjian.school import views, views_classes, views_edit

app_name = "school"
urlpatterns = [
    path("", views.school_list, name="list"),
    path("new/", views_edit.school_add, name="add"),
    path("<int:school_id>/", views.school_detail, name="detail"),
    path("<int:school_id>/venues/new/", views.venue_add, name="venue_add"),
    path("<int:school_id>/officers/new/", views.officer_add, name="officer_add"),
    path("<int:school_id>/teachers/new/", views.teacher_add, name="teacher_add"),
    path("<int:school_id>/courses/new/", views.course_add, name="course_add"),
    path("<int:school_id>/plans/new/", views.plan_add, name="plan_add"),
    path("<int:school_id>/classes/new/", views_classes.session_add, name="session_add"),
    path("<int:school_id>/edit/", views_edit.school_edit, name="edit"),
    path("venues/<int:venue_id>/edit/", views_edit.venue_edit, name="venue_edit"),
    path("officers/<int:officer_id>/edit/", views_edit.officer_edit, name="officer_edit"),
    path("teachers/<int:teacher_id>/edit/", views_edit.teacher_edit, name="teacher_edit"),
    path("courses/<int:course_id>/edit/", views_edit.course_edit, name="course_edit"),
    path("plans/<int:plan_id>/edit/", views_edit.plan_edit, name="plan_edit"),
    path("planned/<int:planned_id>/edit/", views_edit.planned_edit, name="planned_edit"),
    path("planned/<int:planned_id>/remove/", views_edit.planned_remove, name="planned_remove"),
    path("classes/<int:session_id>/edit/", views_edit.session_edit, name="session_edit"),
    path("<int:school_id>/members/", views.school_members, name="members"),
    path("<int:school_id>/ledger.docx", views_classes.school_ledger_docx, name="ledger"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("teachers/<int:teacher_id>/", views.teacher_detail, name="teacher"),
    path("classes/<int:session_id>/", views_classes.session_detail, name="session"),
    path("classes/<int:session_id>/attendance/", views_classes.session_mark, name="session_mark"),
    path("classes/<int:session_id>/makeup/", views_classes.session_makeup, name="session_makeup"),
    path("classes/<int:session_id>/held/", views_classes.session_held, name="session_held"),
    path("classes/<int:session_id>/cancel/", views_classes.session_cancel, name="session_cancel"),
    path("classes/<int:session_id>/attendance.xlsx", views_classes.session_attendance_xlsx, name="session_xlsx"),
]
