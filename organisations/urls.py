from django.urls import path

from organisations import timeline_views, views

app_name = "organisations"
urlpatterns = [
    path("", views.region_list, name="regions"),
    path("region/<slug:slug>/", views.region_detail, name="region"),
    path("unit/<int:pk>/", views.unit_detail, name="unit"),
    path("unit/<int:pk>/timeline/", timeline_views.unit_timeline, name="unit_timeline"),
    path("region/<slug:slug>/timeline/", timeline_views.region_timeline, name="region_timeline"),
]
