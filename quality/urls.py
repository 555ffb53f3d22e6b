from django.urls import path

from . import evaluation_views, views

app_name = "quality"

urlpatterns = [
    path("", views.reviews, name="reviews"),
    path("new/", views.review_new, name="review_new"),
    path("published/", views.national, name="national"),
    path("<int:pk>/", views.review_detail, name="review"),
    path("<int:pk>/step/", views.review_step, name="review_step"),
    path("<int:pk>/assign/", views.review_assign, name="review_assign"),
    path("<int:pk>/links/", views.review_links, name="review_links"),
    path("<int:pk>/documents/", views.review_document, name="review_document"),
    path("<int:pk>/documents/<int:doc>/", views.review_document_download, name="review_document_download"),
    path("<int:pk>/notes/", views.review_note, name="review_note"),
    path("<int:pk>/findings/", views.review_findings, name="review_findings"),
    path("<int:pk>/results/", views.review_results, name="review_results"),
    path("<int:pk>/report.pdf", views.review_pdf, name="review_pdf"),
    path("<int:pk>/draft.pdf", views.review_draft_pdf, name="review_draft_pdf"),
    path("findings/<int:pk>/remedy/", views.finding_remedy, name="finding_remedy"),
    path("findings/<int:pk>/accept/", views.finding_accept, name="finding_accept"),
    path("survey/<str:token>/", views.survey, name="survey"),
    path("evaluations/", evaluation_views.evaluations, name="evaluations"),
    path("evaluations/<int:pk>/start/", evaluation_views.evaluation_start, name="evaluation_start"),
    path("evaluations/answer/<str:token>/", evaluation_views.evaluation_answer, name="evaluation_answer"),
    path("units/", evaluation_views.evaluation_units, name="evaluation_units"),
    path("units/<int:pk>/evaluations/", evaluation_views.unit_evaluations, name="unit_evaluations"),
    path("units/<int:pk>/evaluations.csv", evaluation_views.unit_evaluations_export, name="unit_evaluations_export"),
    path("catalogues/", views.catalogues, name="catalogues"),
    path("catalogues/<int:pk>/", views.catalogue_detail, name="catalogue"),
    path("catalogues/<int:pk>/copy/", views.catalogue_copy, name="catalogue_copy"),
    path("catalogues/<int:pk>/current/", views.catalogue_current, name="catalogue_current"),
]
