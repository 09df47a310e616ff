from django.urls import path

from reports import views_privacy

urlpatterns = [
    path("o/<slug:slug>/privacy/settings/", views_privacy.privacy_settings, name="privacy_settings"),
    path("o/<slug:slug>/people/<int:pk>/export/", views_privacy.person_export_view, name="person_export"),
    path("o/<slug:slug>/people/<int:pk>/erase/", views_privacy.person_erase_view, name="person_erase"),
]
