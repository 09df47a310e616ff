from django.urls import path

from reports import views_exports

urlpatterns = [
    path("o/<slug:slug>/exports/", views_exports.exports, name="exports"),
    path("o/<slug:slug>/exports/<int:pk>/", views_exports.export_detail, name="export_detail"),
    path("o/<slug:slug>/exports/<int:pk>/download/", views_exports.export_download, name="export_download"),
    path("o/<slug:slug>/exports/<int:pk>/retry/", views_exports.export_retry_view, name="export_retry"),
]
