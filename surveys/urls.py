from django.urls import include, path

# Two audiences, two URL modules: staff pages under /o/<slug>/instruments/ and the respondent's
# answering pages under /r/ (no login).
urlpatterns = [
    path("o/<slug:slug>/instruments/", include("surveys.urls_builder")),
    path("o/<slug:slug>/assessments/", include("surveys.urls_fielding")),
    path("r/", include("surveys.urls_respond")),
]
