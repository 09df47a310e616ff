from django.urls import path

from reports import views_compare, views_repair

urlpatterns = [
    path("o/<slug:slug>/dashboard/inside-outside/", views_compare.inside_outside, name="inside_outside"),
    path("o/<slug:slug>/incidents/<int:pk>/pulse/", views_repair.incident_pulse, name="incident_pulse"),
]
