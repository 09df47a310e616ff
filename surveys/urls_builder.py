from django.urls import path

from surveys import views_builder as v

# Mounted at /o/<slug>/instruments/ (surveys/urls.py).
urlpatterns = [
    path("", v.instrument_list, name="instrument_list"),
    path("new/", v.instrument_new, name="instrument_new"),
    path("import/", v.instrument_import, name="instrument_import"),
    path("v/<int:version_id>/", v.instrument_version, name="instrument_version"),
    path("v/<int:version_id>/copy/", v.instrument_copy, name="instrument_copy"),
    path("v/<int:version_id>/pulse/", v.instrument_pulse, name="instrument_pulse"),
    path("v/<int:version_id>/new-version/", v.instrument_version_new, name="instrument_version_new"),
    path("v/<int:version_id>/publish/", v.instrument_publish, name="instrument_publish"),
    path("v/<int:version_id>/preview/", v.instrument_preview, name="instrument_preview"),
    path("v/<int:version_id>/export/", v.instrument_export, name="instrument_export"),
    path("v/<int:version_id>/sections/add/", v.instrument_section_add, name="instrument_section_add"),
    path("v/<int:version_id>/sections/<int:section_id>/", v.instrument_section, name="instrument_section"),
    path("v/<int:version_id>/sections/<int:section_id>/add-item/", v.instrument_item_add, name="instrument_item_add"),
    path("v/<int:version_id>/items/<int:item_id>/", v.instrument_item, name="instrument_item"),
    path("v/<int:version_id>/items/<int:item_id>/action/", v.instrument_item_action, name="instrument_item_action"),
]
