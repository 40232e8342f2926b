"""The residents' pages, mounted at /c/ (namespace "concerns_public"); no login."""

from django.urls import path

from dangjian.concerns import views_public

app_name = "concerns_public"
urlpatterns = [
    path("", views_public.file_concern, name="file"),
    path("filed/", views_public.filed, name="filed"),
    path("track/", views_public.track, name="track"),
    path("track/rate/", views_public.rate, name="rate"),
]
