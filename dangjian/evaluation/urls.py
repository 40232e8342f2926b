"""The assessment pages, mounted at /evaluation/ (namespace "evaluation")."""

from django.urls import path

from dangjian.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.scheme_list, name="list"),
    path("new/", views.scheme_create, name="create"),
    path("<int:scheme_id>/", views.scheme_detail, name="detail"),
    path("<int:scheme_id>/score/", views.scheme_score, name="score"),
    path("<int:scheme_id>/revise/", views.scheme_revise, name="revise"),
    path("indicators/<int:indicator_id>/manual/", views.manual_scoring, name="manual"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/publish/", views.run_publish, name="publish"),
    path("scores/<int:score_id>/", views.score_detail, name="score_detail"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
]
