"""The public verification page at /verify/<code>/ (included without a namespace)."""

from django.urls import path

from certificates import views

urlpatterns = [path("<str:code>/", views.verify, name="verify")]
