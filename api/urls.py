from django.urls import path

from api import record_views, views

app_name = "api"
urlpatterns = [
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("records/import/", record_views.record_import, name="record_import"),
    path("records/<int:pk>/export.zip", record_views.record_export, name="record_export"),
]
