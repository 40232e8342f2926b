"""Lifecycle pages, the transfer board and the care lists, mounted at /members/."""

from django.urls import path

from dangjian.members import views

urlpatterns = [
    path("<int:member_id>/make-full/", views.member_make_full, name="make_full"),
    path("<int:member_id>/transfer/", views.member_transfer_issue, name="transfer_issue"),
    path("<int:member_id>/float-out/", views.member_float_out, name="float_out"),
    path("<int:member_id>/lost-contact/", views.member_mark_lost_contact, name="lost_contact"),
    path("<int:member_id>/restore-contact/", views.member_restore_contact, name="restore_contact"),
    path("<int:member_id>/close/", views.member_close, name="close"),
    path("<int:member_id>/visit/", views.member_care_visit, name="care_visit"),
    path("transfers/", views.transfer_board, name="transfers"),
    path("transfers/from-outside/", views.transfer_in_from_outside, name="transfer_in_from_outside"),
    path("transfers/<int:transfer_id>/receive/", views.transfer_receive, name="transfer_receive"),
    path("transfers/<int:transfer_id>/return/", views.transfer_return, name="transfer_return"),
    path("floating/in/", views.floating_in, name="float_in"),
    path("floating/<int:record_id>/end/", views.floating_end, name="floating_end"),
    path("floating/<int:record_id>/contact/", views.floating_contact, name="floating_contact"),
    path("care/", views.care_lists, name="care"),
    path("care/due/", views.visits_due, name="visits_due"),
    path("care/cadence/", views.care_cadence, name="care_cadence"),
]
