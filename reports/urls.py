from django.urls import include, path

urlpatterns = [
    path("", include("reports.urls_dashboard")),
    path("", include("reports.urls_compare")),
    path("", include("reports.urls_exports")),
    path("", include("reports.urls_privacy")),
]
