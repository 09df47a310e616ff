from django.urls import include, path

from feedback import views

urlpatterns = [
    path("o/<slug:slug>/feedback/", views.cycle_list, name="feedback_cycles"),
    path("o/<slug:slug>/feedback/cycles/new/", views.cycle_new, name="feedback_cycle_new"),
    path("o/<slug:slug>/feedback/cycles/<int:pk>/", views.cycle_detail, name="feedback_cycle"),
    path("o/<slug:slug>/feedback/cycles/<int:pk>/open/", views.cycle_open, name="feedback_cycle_open"),
    path("o/<slug:slug>/feedback/cycles/<int:pk>/close/", views.cycle_close, name="feedback_cycle_close"),
    path("o/<slug:slug>/feedback/subjects/<int:pk>/nominations/", views.nominations, name="feedback_nominations"),
    path("o/<slug:slug>/feedback/subjects/<int:pk>/nominations/external/", views.nominate_external, name="feedback_nominate_external"),
    path("o/<slug:slug>/feedback/subjects/<int:pk>/approve/", views.subject_approve, name="feedback_subject_approve"),
    path("o/<slug:slug>/feedback/subjects/<int:pk>/progress/", views.progress, name="feedback_progress"),
    path("o/<slug:slug>/feedback/nominations/<int:pk>/decide/", views.nomination_decide, name="feedback_nomination_decide"),
    path("", include("feedback.urls_report")),
]
