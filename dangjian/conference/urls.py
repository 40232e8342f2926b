"""The conference pages, mounted at /conference/ (namespace "conference")."""

from django.urls import path

from dangjian.conference import views, views_meetings

app_name = "conference"
urlpatterns = [
    path("", views.conference_list, name="list"),
    path("liaison/", views.liaison_home, name="liaison_home"),
    path("<int:conference_id>/", views.conference_home, name="home"),
    path("<int:conference_id>/seats/new/", views.seat_new, name="seat_new"),
    path("<int:conference_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<int:conference_id>/tasks/", views.task_board, name="tasks"),
    path("<int:conference_id>/documents/", views.document_library, name="documents"),
    path("<int:conference_id>/lists/", views.conference_lists, name="lists"),
    path("<int:conference_id>/lists/demands/new/", views.demand_new, name="demand_new"),
    path("<int:conference_id>/lists/resources/new/", views.resource_new, name="resource_new"),
    path("<int:conference_id>/lists/projects/new/", views.project_new, name="project_new"),
    path("seats/<int:seat_id>/handover/", views.seat_handover, name="seat_handover"),
    path("documents/<int:document_id>/", views.document_detail, name="document"),
    path("meetings/<int:meeting_id>/", views_meetings.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/attendance/", views_meetings.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:meeting_id>/minutes/", views_meetings.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:meeting_id>/resolutions/", views_meetings.meeting_resolution, name="meeting_resolution"),
    path("meetings/<int:meeting_id>/tasks/", views_meetings.meeting_task, name="meeting_task"),
    path("meetings/<int:meeting_id>/notice.docx", views_meetings.meeting_notice_docx, name="meeting_notice_docx"),
    path("meetings/<int:meeting_id>/minutes.docx", views_meetings.meeting_minutes_docx, name="meeting_minutes_docx"),
    path("tasks/<int:task_id>/", views_meetings.task_detail, name="task"),
    path("tasks/<int:task_id>/progress/", views_meetings.task_progress, name="task_progress"),
]
