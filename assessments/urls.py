from django.urls import path

from assessments import views

urlpatterns = [
    path("", views.home, name="home"),
    path("o/<slug:slug>/", views.organisation, name="organisation"),
    path("o/<slug:slug>/units/", views.units, name="units"),
    path("o/<slug:slug>/people/", views.people, name="people"),
    path("o/<slug:slug>/people/import/", views.people_import, name="people_import"),
    path("o/<slug:slug>/people/import/confirm/", views.people_import_confirm, name="people_import_confirm"),
    path("o/<slug:slug>/audit/", views.audit_log, name="audit_log"),
    path("o/<slug:slug>/members/", views.members, name="members"),
]
