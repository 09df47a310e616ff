from django.urls import path

from assessments import views, views_branding, views_incidents, views_workspace

urlpatterns = [
    path("", views.home, name="home"),
    path("workspace/", views_workspace.workspace, name="workspace"),
    path("workspace/clients/new/", views_workspace.client_create, name="client_create"),
    path("o/<slug:slug>/", views.organisation, name="organisation"),
    path("o/<slug:slug>/units/", views.units, name="units"),
    path("o/<slug:slug>/branding/", views_branding.branding, name="branding"),
    path("o/<slug:slug>/branding/logo.png", views_branding.branding_logo, name="branding_logo"),
    path("o/<slug:slug>/people/", views.people, name="people"),
    path("o/<slug:slug>/people/import/", views.people_import, name="people_import"),
    path("o/<slug:slug>/people/import/confirm/", views.people_import_confirm, name="people_import_confirm"),
    path("o/<slug:slug>/audit/", views.audit_log, name="audit_log"),
    path("o/<slug:slug>/members/", views.members, name="members"),
    path("o/<slug:slug>/incidents/", views_incidents.incident_list, name="incident_list"),
    path("o/<slug:slug>/incidents/new/", views_incidents.incident_create_view, name="incident_create"),
    path("o/<slug:slug>/incidents/<int:pk>/", views_incidents.incident_detail, name="incident_detail"),
    path("o/<slug:slug>/incidents/<int:pk>/edit/", views_incidents.incident_edit, name="incident_edit"),
    path("o/<slug:slug>/incidents/<int:pk>/delete/", views_incidents.incident_delete_view, name="incident_delete"),
]
