"""The conference pages, mounted at /conference/ (namespace "conference")."""

from django.urls import path

from dangjian.conference import views, views_library, views_meetings, views_projects

app_name = "conference"
urlpatterns = [
    path("", views.conference_list, name="list"),
    path("liaison/", views.liaison_home, name="liaison_home"),
    path("new/", views.conference_new, name="new"),
    path("<int:conference_id>/", views.conference_home, name="home"),
    path("<int:conference_id>/seats/new/", views.seat_new, name="seat_new"),
    path("<int:conference_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<int:conference_id>/tasks/", views.task_board, name="tasks"),
    path("<int:conference_id>/documents/", views_library.document_library, name="documents"),
    path("<int:conference_id>/documents/new/", views_library.document_new, name="document_new"),
    path("<int:conference_id>/lists/", views.conference_lists, name="lists"),
    path("<int:conference_id>/lists/demands/new/", views.demand_new, name="demand_new"),
    path("<int:conference_id>/lists/resources/new/", views.resource_new, name="resource_new"),
    path("<int:conference_id>/lists/projects/new/", views.project_new, name="project_new"),
    path("seats/<int:seat_id>/handover/", views.seat_handover, name="seat_handover"),
    path("seats/<int:seat_id>/post/", views.seat_post, name="seat_post"),
    path("seats/<int:seat_id>/leave/", views.seat_leave, name="seat_leave"),
    path("documents/<int:document_id>/", views_library.document_detail, name="document"),
    path("documents/versions/<int:version_id>/attachment/", views_library.version_attachment,
         name="version_attachment"),
    path("documents/<int:document_id>/revise/", views_library.document_revise, name="document_revise"),
    path("documents/<int:document_id>/status/", views_library.document_status, name="document_status"),
    path("resources/<int:resource_id>/availability/", views_projects.resource_availability,
         name="resource_availability"),
    path("projects/<int:project_id>/", views_projects.project_detail, name="project"),
    path("projects/<int:project_id>/status/", views_projects.project_status, name="project_status"),
    path("projects/<int:project_id>/milestones/new/", views_projects.milestone_new, name="milestone_new"),
    path("milestones/<int:milestone_id>/edit/", views_projects.milestone_edit, name="milestone_edit"),
    path("milestones/<int:milestone_id>/done/", views_projects.milestone_done, name="milestone_done"),
    path("meetings/<int:meeting_id>/", views_meetings.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/attendance/", views_meetings.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:meeting_id>/minutes/", views_meetings.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:meeting_id>/resolutions/", views_meetings.meeting_resolution, name="meeting_resolution"),
    path("meetings/<int:meeting_id>/tasks/", views_meetings.meeting_task, name="meeting_task"),
    path("meetings/<int:meeting_id>/notice.docx", views_meetings.meeting_notice_docx, name="meeting_notice_docx"),
    path("meetings/<int:meeting_id>/minutes.docx", views_meetings.meeting_minutes_docx, name="meeting_minutes_docx"),
    path("tasks/<int:task_id>/", views_meetings.task_detail, name="task"),
    path("tasks/<int:task_id>/progress/", views_meetings.task_progress, name="task_progress"),
    path("tasks/progress/<int:progress_id>/attachment/", views_meetings.progress_attachment,
         name="progress_attachment"),
]
