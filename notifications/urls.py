from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("settings/", views.notification_settings, name="settings"),
    path("ical/<str:token>.ics", views.ical_feed, name="ical"),
    path("ical/regenerate/", views.regenerate_feed, name="ical_regenerate"),
]
