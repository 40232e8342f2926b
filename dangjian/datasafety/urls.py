"""The member's own-data page, mounted at /m/my-data/ beside the portal."""

from django.urls import path

from dangjian.datasafety import views

app_name = "datasafety"
urlpatterns = [
    path("", views.my_data, name="my_data"),
]
