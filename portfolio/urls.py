from django.urls import path

from portfolio import activity_views, views

app_name = "portfolio"
urlpatterns = [
    path("<int:trainee_pk>/iup/", views.iup, name="iup"),
    path("<int:trainee_pk>/iup/goals/<str:code>/", views.iup_goal_edit, name="iup_goal_edit"),
    path("<int:trainee_pk>/iup/submit/", views.iup_submit, name="iup_submit"),
    path("<int:trainee_pk>/iup/approve/", views.iup_approve, name="iup_approve"),
    path("<int:trainee_pk>/iup/return/", views.iup_return, name="iup_return"),
    path("<int:trainee_pk>/iup/revisions/", views.iup_revisions, name="iup_revisions"),
    path("<int:trainee_pk>/iup/revisions/<int:number>/", views.iup_revision, name="iup_revision"),
    path("<int:trainee_pk>/activities/", activity_views.activity_list, name="activities"),
    path("<int:trainee_pk>/activities/new/", activity_views.activity_edit, name="activity_add"),
    path("<int:trainee_pk>/activities/<int:pk>/", activity_views.activity_detail, name="activity"),
    path("<int:trainee_pk>/activities/<int:pk>/edit/", activity_views.activity_edit, name="activity_edit"),
    path(
        "<int:trainee_pk>/activities/<int:pk>/evidence/<int:evidence_pk>/",
        activity_views.evidence_download,
        name="evidence",
    ),
    path(
        "<int:trainee_pk>/activities/<int:pk>/evidence/<int:evidence_pk>/delete/",
        activity_views.evidence_delete,
        name="evidence_delete",
    ),
    path("<int:trainee_pk>/progress/", views.progress, name="progress"),
    path("<int:trainee_pk>/supervision/", views.supervision, name="supervision"),
]
