from django.urls import path

from organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.region_list, name="regions"),
    path("region/<slug:slug>/", views.region_detail, name="region"),
    path("unit/<int:pk>/", views.unit_detail, name="unit"),
]
