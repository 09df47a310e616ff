"""The individual 360° report on screen and as PDF: who may read it (issue 9), what it shows, query count."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Wave
from feedback.models import Cycle
from feedback.selectors_report import subject_report_get
from reports.export_jobs import export_build
from reports.models import ReportExport
from tests.factories import MembershipFactory, UserFactory
from tests.feedback.report_data import add_responses, closed_cycle, full_subject

ARTIFACTS = Path("test-results")


def member(org, email, role="viewer"):
    return MembershipFactory(organisation=org, role=role, user=UserFactory(email=email)).user


@pytest.fixture
def people(org, personas):
    return {**personas, "sam": member(org, "Sam@Example.test"), "mona": member(org, "mona@example.test"),
            "coach": member(org, "coach@example.test", "viewer"), "peer": member(org, "peter@example.test")}


def url(org, subject):
    return reverse("feedback_report", args=[org.slug, subject.pk])


def get(client, user, path):
    client.force_login(user)
    return client.get(path)


def test_the_subject_reads_their_report_with_n_intervals_and_groups(client, org, people):
    # given a closed cycle: self 6, manager 5, 3 peers 5, 3 reports (empathy 2), 2 customers + 1 other
    subject = full_subject(org)
    # when the subject opens "My 360° reports" and the report (email matched case-insensitively)
    listing = get(client, people["sam"], reverse("feedback_reports", args=[org.slug]))
    page = get(client, people["sam"], url(org, subject))
    # then the list links to it and the page shows every shown group with n, the manager attributed
    assert url(org, subject) in listing.content.decode()
    html = page.content.decode()
    assert page.status_code == 200
    for text in ("360° feedback for Sam Subject", "Peers", "Direct reports", "Others (groups combined)",
                 "All raters (except self)", "attributed", "Download PDF", "<details>", "<svg"):
        assert text in html, text
    # customers (2) and the other rater (1) are never shown as groups of their own
    assert "Customers and partners" not in html
    # empathy: self 6 (83) vs all raters 5·1 + 5·3 + 2·3 + 6·2 + 3·1 over 10 → raw 4.1 → POMP 51.7: a blind spot
    assert "Blind spot" in html and "Start with Empathy" in html
    # comments: peers (3) and reports (3) labelled; customers (2) too few → pooled with the smallest shown group
    assert "Listen more." in html and "Great partner." in html and "I listen well." in html


def test_report_figures_match_hand_computation(org):
    subject = full_subject(org)
    report = subject_report_get(subject).report
    empathy = report.dimension("empathy")
    assert empathy.self_score == pytest.approx(100 * 5 / 6)
    assert empathy.all_raters.n == 10
    assert empathy.all_raters.mean == pytest.approx(100 * (4.1 - 1) / 6)
    assert empathy.figure("others").n == 3 and empathy.figure("customer") is None
    assert empathy.figure("report").mean == pytest.approx(100 * 1 / 6)
    assert empathy.gap.label == "blind_spot"


def test_nobody_else_reads_it_owner_consultant_viewer_and_outsider_get_404(client, org, people):
    subject = full_subject(org)
    for name in ("owner", "consultant", "viewer", "manager", "peer", "outsider"):
        assert get(client, people[name], url(org, subject)).status_code == 404, name
        listing = get(client, people[name], reverse("feedback_reports", args=[org.slug]))
        assert listing.status_code == (404 if name == "outsider" else 200)
        assert url(org, subject) not in listing.content.decode()


def test_anonymous_visitor_is_sent_to_log_in(client, org):
    subject = full_subject(org)
    response = client.get(url(org, subject))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("access, manager_reads, coach_reads", [
    (Cycle.ReportAccess.SUBJECT, False, False),
    (Cycle.ReportAccess.SUBJECT_MANAGER, True, False),
    (Cycle.ReportAccess.SUBJECT_MANAGER_COACH, True, True),
])
def test_manager_and_coach_read_only_when_the_cycle_allows(client, org, people, access, manager_reads, coach_reads):
    # given a cycle with a coach and the given report_access
    subject = full_subject(org, report_access=access)
    subject.cycle.coaches.add(people["coach"])
    # then the subject always reads it; the manager and the coach only as configured
    assert get(client, people["sam"], url(org, subject)).status_code == 200
    assert get(client, people["mona"], url(org, subject)).status_code == (200 if manager_reads else 404)
    assert get(client, people["coach"], url(org, subject)).status_code == (200 if coach_reads else 404)


def test_a_subject_of_another_organisation_is_404(client, org, other_org, people):
    foreign = full_subject(other_org, subject_email="sam@example.test")
    assert get(client, people["sam"], url(org, foreign)).status_code == 404


def test_open_cycle_shows_no_figures_and_refuses_a_pdf(client, org, people):
    subject = closed_cycle(org, status=Wave.Status.OPEN)
    add_responses(subject, "peer", 3, 5)
    page = get(client, people["sam"], url(org, subject))
    assert page.status_code == 200 and "shown once the cycle is closed" in page.content.decode()
    response = client.post(reverse("feedback_report_pdf", args=[org.slug, subject.pk]), follow=True)
    assert "made once the cycle is closed" in response.content.decode()
    assert not ReportExport.objects.exists()


def test_pdf_request_build_and_download_follow_the_same_rule(client, org, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    subject = full_subject(org)
    client.force_login(people["sam"])
    # when the subject asks for the PDF
    response = client.post(reverse("feedback_report_pdf", args=[org.slug, subject.pk]))
    export = ReportExport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export_detail", args=[org.slug, export.pk])
    assert (export.content, export.subject_id, export.format) == ("person360", subject.pk, "pdf")
    # and the worker builds it
    export = export_build(export_id=export.pk)
    assert export.status == "ready", export.message
    # then the subject downloads it; it names the subject and holds the figures, not the hidden group
    download = client.get(reverse("export_download", args=[org.slug, export.pk]))
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "feedback-report.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(ARTIFACTS / "feedback-report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "360° feedback for Sam Subject" in text and "Blind spot" in text and "Customers and partners" not in text
    # and nobody else sees its page or file: the owner who requested nothing, the viewer, the outsider
    for name in ("owner", "consultant", "viewer", "peer", "outsider"):
        client.force_login(people[name])
        assert client.get(reverse("export_detail", args=[org.slug, export.pk])).status_code == 404, name
        assert client.get(reverse("export_download", args=[org.slug, export.pk])).status_code == 404, name
    # the owner's export list does not show the job either
    client.force_login(people["owner"])
    assert f"/exports/{export.pk}/" not in client.get(reverse("exports", args=[org.slug])).content.decode()
    # the manager (allowed by the default report_access) may download it too
    client.force_login(people["mona"])
    assert client.get(reverse("export_download", args=[org.slug, export.pk])).status_code == 200


def test_pdf_of_a_subject_the_requester_may_no_longer_read_fails(org, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    subject = full_subject(org)
    from feedback.report_export import report_export_request

    export = report_export_request(actor=people["mona"], subject=subject, language="en")
    Cycle.objects.filter(pk=subject.cycle_id).update(report_access=Cycle.ReportAccess.SUBJECT)
    export = export_build(export_id=export.pk)
    assert export.status == "failed" and not export.file


def test_the_report_reads_in_a_constant_number_of_queries(org):
    small = full_subject(org)
    with CaptureQueriesContext(connection) as few:
        subject_report_get(small)
    big = closed_cycle(org, subject_email="big@example.test", manager_email="boss@example.test")
    for group in ("self", "manager"):
        add_responses(big, group, 1, 5)
    for group in ("peer", "report", "customer"):
        add_responses(big, group, 8, 4, "x")
    with CaptureQueriesContext(connection) as many:
        subject_report_get(big)
    # wave, items, responses, answers
    assert len(few) == len(many) == 4, [q["sql"] for q in many.captured_queries]


def three_subjects(org):
    """One cycle, three subjects: peers 5/6/7 per subject, reports empathy 2/3/2, one customer each."""
    first = closed_cycle(org, subject_email="a@example.test", manager_email="ma@example.test")
    subjects = [first]
    from feedback.models import Subject
    from tests.factories import PersonFactory

    for letter in "bc":
        person = PersonFactory(organisation=org, email=f"{letter}@example.test")
        subjects.append(Subject.objects.create(cycle=first.cycle, person=person, status="invited"))
    for i, subject in enumerate(subjects):
        add_responses(subject, "self", 1, 6)
        add_responses(subject, "manager", 1, 5)
        for v in (5, 6, 7):
            add_responses(subject, "peer", 1, v)
        add_responses(subject, "report", 3, {"competence": 6, "reliability": 6, "integrity": 6, "empathy": 2 + i % 2})
        add_responses(subject, "customer", 1, 6)
    return first.cycle


def test_overview_for_owners_shows_pooled_groups_and_the_finding(client, org, people):
    cycle = three_subjects(org)
    page = get(client, people["owner"], reverse("feedback_overview", args=[org.slug]) + f"?cycle={cycle.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    # peers: 9 raters, 6 without any one subject → shown; customers 3, 2 without one subject → not shown
    assert "n = 9" in html and "n = 3" not in html
    # empathy is lower by reports (2, 3, 2) than by peers (5, 6, 7)
    assert "Empathy is seen lower by direct reports than by peers" in html
    # and no subject's name or individual report link
    assert "a@example.test" not in html and not re.search(r"/feedback/reports/\d", html)


def test_overview_is_for_owners_and_consultants_only(client, org, people, other_org):
    cycle = three_subjects(org)
    path = reverse("feedback_overview", args=[org.slug])
    assert get(client, people["consultant"], path).status_code == 200
    assert get(client, people["sam"], path).status_code == 403
    assert get(client, people["outsider"], path).status_code == 404
    # a cycle of another organisation, or a bad id → 404
    foreign = closed_cycle(other_org, subject_email="x@example.test").cycle
    assert get(client, people["owner"], f"{path}?cycle={foreign.pk}").status_code == 404
    assert get(client, people["owner"], f"{path}?cycle=abc").status_code == 404
    assert get(client, people["owner"], f"{path}?cycle={cycle.pk}").status_code == 200
