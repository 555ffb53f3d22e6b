from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("assigned/", views.assigned, name="assigned"),
    path("assessors/", views.assessors, name="assessors"),
    path("assessors/add/", views.assessor_add, name="assessor_add"),
    path("assessors/<int:pk>/", views.assessor_edit, name="assessor_edit"),
    path("assessors/<int:pk>/active/", views.assessor_active, name="assessor_active"),
    path("service/", views.service_list, name="service_list"),
    path("<int:pk>/service/", views.service_sign, name="service_sign"),
    path("<int:pk>/", views.readiness, name="readiness"),
    path("<int:pk>/override/", views.override, name="override"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/final/start/", views.start_final, name="start_final"),
    path("<int:pk>/final/", views.final, name="final"),
    path("<int:pk>/pdf/<str:kind>/", views.document, name="document"),
    path("<int:pk>/official/<str:kind>/", views.document, {"source": "official"}, name="official"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/issued/<int:doc>/", views.issued_file, name="issued_file"),
    path("<int:pk>/issued/<int:doc>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/bundle/", views.bundle, name="bundle"),
]
