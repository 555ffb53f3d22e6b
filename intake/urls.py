from django.urls import path

from intake import views

app_name = "intake"
urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("apply/", views.apply, name="apply"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/positions/new/", views.position_new, name="position_new"),
    path("rounds/<int:pk>/applications/new/", views.application_new, name="application_new"),
    path("rounds/<int:pk>/import/", views.import_applicants, name="import"),
    path("rounds/<int:pk>/export.xlsx", views.export, name="export"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/complete/", views.application_complete, name="application_complete"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path("applications/<int:pk>/confirm/<slug:item>/", views.confirm_item, name="confirm_item"),
    path("applications/<int:pk>/statement/", views.statement, name="statement"),
]
