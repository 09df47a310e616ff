from django.urls import include, path

from surveys import views_manager

# Two audiences, two URL modules: staff pages under /o/<slug>/instruments/ and the respondent's
# answering pages under /r/ (no login).
urlpatterns = [
    path("o/<slug:slug>/instruments/", include("surveys.urls_builder")),
    path("o/<slug:slug>/assessments/", include("surveys.urls_fielding")),
    path("r/", include("surveys.urls_respond")),
    # A manager's own forms of reciprocal waves (issue 11): the prediction and the team rating.
    path("o/<slug:slug>/team/", views_manager.manager_team, name="manager_team"),
    path("o/<slug:slug>/team/<int:pk>/", views_manager.manager_team_wave, name="manager_team_wave"),
]
