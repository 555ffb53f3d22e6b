from django.urls import path

from trainees import import_views, plan_views, views, wish_views

app_name = "trainees"
urlpatterns = [
    path("", views.trainee_list, name="list"),
    path("register/", views.register, name="register"),
    path("import/", import_views.import_trainees, name="import"),
    path("import/template.csv", import_views.import_template, name="import_template"),
    path("region/<slug:slug>/export.xlsx", import_views.export_region, name="export_region"),
    path("<int:pk>/", views.trainee_detail, name="detail"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("<int:pk>/details/", views.edit_details, name="details"),
    path("<int:pk>/wishes/", wish_views.edit_wishes, name="wishes"),
    path("<int:pk>/plan/", plan_views.plan_editor, name="plan"),
    path("<int:pk>/plan/check/", plan_views.check, name="plan_check"),
    path("<int:pk>/plan/template/", plan_views.from_template, name="plan_template"),
    path("<int:pk>/plan/supervisors/", plan_views.supervisor_search, name="supervisor_search"),
    path("<int:pk>/plan/units/", plan_views.unit_search, name="unit_search"),
    path("<int:pk>/plan/main-supervisor/", plan_views.main_supervisor, name="plan_main_supervisor"),
    path("<int:pk>/plan/placements/new/", plan_views.placement_edit, name="placement_add"),
    path("<int:pk>/plan/placements/<int:placement_pk>/", plan_views.placement_edit, name="placement_edit"),
    path("<int:pk>/plan/placements/<int:placement_pk>/delete/", plan_views.placement_delete, name="placement_delete"),
    path("<int:pk>/plan/leave/", plan_views.leave_add, name="leave_add"),
    path("<int:pk>/plan/leave/<int:leave_pk>/delete/", plan_views.leave_delete, name="leave_delete"),
    path("<int:pk>/plan/credits/", plan_views.credit_add, name="credit_add"),
    path("<int:pk>/plan/credits/<int:credit_pk>/delete/", plan_views.credit_delete, name="credit_delete"),
]
