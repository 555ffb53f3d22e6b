from django.urls import path

from scheduling import views

app_name = "scheduling"
urlpatterns = [
    path("", views.run_list, name="runs"),
    path("<int:pk>/", views.run_detail, name="run"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/proposals/<int:trainee_pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("<int:pk>/proposals/<int:trainee_pk>/reset/", views.proposal_reset, name="proposal_reset"),
]
