"""The respondent's pages under /r/ (no login). The token travels only in the path; logs redact it."""

from django.urls import path

from surveys import log_redact, views_privacy, views_respond

log_redact.install()

urlpatterns = [
    path("o/<str:token>/", views_respond.respond_open, name="respond_open"),
    path("privacy/<str:key>/", views_privacy.respond_privacy, name="respond_privacy"),
    path("<str:token>/copy/", views_respond.respond_copy, name="respond_copy"),
    path("<str:token>/", views_respond.respond, name="respond"),
]
