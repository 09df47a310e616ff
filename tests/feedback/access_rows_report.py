"""Access-matrix rows of the 360° report pages: the viewer persona is the subject, the manager persona their manager
(default report_access: subject and manager); owners and consultants who are neither get 404."""

from __future__ import annotations

READ = {"owner": 404, "manager": 200, "consultant": 404, "viewer": 200}


def _subject(org):
    from assessments.models import Membership
    from tests.feedback.report_data import full_subject

    email = {m.role: m.user.email for m in Membership.objects.filter(organisation=org).select_related("user")}
    subject = full_subject(org, subject_email=email["viewer"], manager_email=email["manager"])
    return {"slug": "acme", "subject_pk": subject.pk}


def _overview(org):
    _subject(org)  # a closed cycle, so the page shows figures
    return {"slug": "acme"}


ROWS = {
    "feedback_reports": ("get", {"owner": 200, "manager": 200, "consultant": 200, "viewer": 200}),
    "feedback_report": ("get", READ, _subject),
    "feedback_overview": ("get", {"owner": 200, "manager": 403, "consultant": 200, "viewer": 403}, _overview),
    "feedback_report_pdf": ("post", {"owner": 404, "manager": 302, "consultant": 404, "viewer": 302}, _subject),
}
