from django.urls import path

from reports import views

urlpatterns = [
    path("o/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("o/<slug:slug>/dashboard/units/<int:unit_pk>/", views.dashboard_unit, name="dashboard_unit"),
    path("o/<slug:slug>/dashboard/heatmap/", views.dashboard_heatmap, name="dashboard_heatmap"),
]
