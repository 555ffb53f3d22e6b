from django.urls import path

from assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.index, name="index"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.assess_logged_in, name="assess_logged_in"),
    path("trainee/<int:pk>/", views.trainee_assessments, name="trainee"),
    path("request/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/resend/", views.request_resend, name="request_resend"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("a/<str:token>/", views.assess, name="assess"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/addendum/", views.add_addendum, name="addendum"),
    path("<int:pk>/comment/", views.add_comment, name="comment"),
    path("<int:pk>/confirm-assessor/", views.confirm_assessor, name="confirm_assessor"),
]
