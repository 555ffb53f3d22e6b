"""Timelines of a unit and a region, at their long-standing addresses under /organisations/."""

from django.urls import path

from trainees import timeline_views

app_name = "timelines"
urlpatterns = [
    path("unit/<int:pk>/timeline/", timeline_views.unit_timeline, name="unit"),
    path("region/<slug:slug>/timeline/", timeline_views.region_timeline, name="region"),
]
