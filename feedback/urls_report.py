from django.urls import path

from feedback import views_report

urlpatterns = [
    path("o/<slug:slug>/feedback/reports/", views_report.report_list, name="feedback_reports"),
    path("o/<slug:slug>/feedback/reports/<int:subject_pk>/", views_report.report_detail, name="feedback_report"),
    path("o/<slug:slug>/feedback/reports/<int:subject_pk>/pdf/", views_report.report_pdf, name="feedback_report_pdf"),
    path("o/<slug:slug>/feedback/overview/", views_report.report_overview, name="feedback_overview"),
]
