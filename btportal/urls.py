from django.contrib import admin
from django.urls import include, path

from api.main import api
from assessments.offline import service_worker
from btportal import views

# Before admin.site.urls is read below: the admin's login page sends people to the one login page.
admin.site.login = views.admin_login

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/worker", views.healthz_worker, name="healthz_worker"),
    path("healthz/session", views.healthz_session, name="healthz_session"),
    # The service worker that keeps the assessor's form for a reload offline (its scope is the whole site).
    path("sw.js", service_worker, name="service_worker"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("people/", include("accounts.urls")),
    path("organisations/", include("organisations.urls")),
    path("organisations/", include("trainees.timeline_urls")),
    path("goals/", include("goals.urls")),
    path("trainees/", include("trainees.urls")),
    path("planning/", include("scheduling.urls")),
    path("portfolio/", include("portfolio.urls")),
    path("assessments/", include("assessments.urls")),
    path("notifications/", include("notifications.urls")),
    path("intake/", include("intake.urls")),
    path("certificates/", include("certificates.urls")),
    path("verify/", include("certificates.verify_urls")),
    path("quality/", include("quality.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", api.urls),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

# Error pages in the site's layout, translated (templates 400/403/404.html; 500 and 503 in btportal.errors).
handler500 = "btportal.errors.server_error"

admin.site.site_header = "BT-portalen"
admin.site.site_title = "BT-portalen"

# Uploaded files (evidence) are never served from a public URL, not even in development:
# they are streamed by views that check permissions first.
