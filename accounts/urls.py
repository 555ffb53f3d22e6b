from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/signing-pin/", views.signing_pin, name="signing_pin"),
    path("supervisors/", views.supervisor_list, name="supervisors"),
    path("supervisors/<int:pk>/", views.supervisor_detail, name="supervisor"),
    path("supervisors/<int:pk>/edit/", views.supervisor_edit, name="supervisor_edit"),
]
