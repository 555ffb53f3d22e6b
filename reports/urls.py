from django.urls import path

from reports import statistics_views, unit_views, views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("charts/", views.charts, name="charts"),
    path("export.<str:fmt>", views.dashboard_export, name="dashboard_export"),
    path("exports/", views.export_list, name="exports"),
    path("exports/new/", views.export_start, name="export_start"),
    path("exports/region/<slug:slug>/", views.region_export_start, name="region_export"),
    path("exports/<uuid:token>/", views.export_download, name="export_download"),
    path("units/", unit_views.unit_list, name="units"),
    path("units/<int:pk>/", unit_views.unit_report, name="unit"),
    path("statistics/", statistics_views.national, name="statistics"),
    path("statistics/export.<str:fmt>", statistics_views.national_export, name="statistics_export"),
    path("statistics/<slug:slug>/", statistics_views.region, name="region_statistics"),
    path(
        "statistics/<slug:slug>/export.<str:fmt>",
        statistics_views.region_export,
        name="region_statistics_export",
    ),
    path("portfolio/<int:trainee_pk>.pdf", views.portfolio_pdf, name="portfolio_pdf"),
    path("history/<int:trainee_pk>/", views.trainee_history, name="trainee_history"),
]
