"""Creating, opening and closing 360° cycles; progress counts; access (owner/consultant only; outsiders 404)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Wave
from feedback import groups
from feedback.models import Cycle, Subject
from feedback.services import FeedbackError, cycle_close, cycle_open, nomination_propose, subject_approve
from surveys.fielding import reminders_send, waves_tick
from surveys.models import Invitation
from tests.feedback.factories import new_cycle, people, subject_with_manager
from tests.feedback.flow import cycle_run_to_closed, links_by_email
from trustier.models import AuditEvent, OutboxMessage


def _form(people_, **extra):
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    data = {"name": "Leaders 2027", "subjects": [s.pk for s in people_],
            "nomination_closes_at": (now + datetime.timedelta(days=2)).strftime(fmt),
            "opens_at": (now + datetime.timedelta(days=3)).strftime(fmt), "closes_at": (now + datetime.timedelta(days=17)).strftime(fmt),
            "reminder_days": "3,7", "min_raters": 4, "report_access": "subject_manager_coach",
            "min_peer": 4, "max_peer": 8, "min_report": 0, "max_report": 10, "min_customer": 0, "max_customer": 5,
            "min_other": 0, "max_other": 5}
    return {**data, **extra}


def test_owner_creates_a_cycle_with_subjects_limits_and_coach(client, personas, org):
    # given an owner and two people, one with a manager
    client.force_login(personas["owner"])
    subject, manager = subject_with_manager(org)
    other = people(org, 1)[0]
    # when they post the creation form
    response = client.post(reverse("feedback_cycle_new", kwargs={"slug": "acme"}),
                           _form([subject, other], coaches=[personas["consultant"].pk]))
    # then a cycle exists as a person-audience anonymous assessment on core-person with one draft wave
    cycle = Cycle.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("feedback_cycle", kwargs={"slug": "acme", "pk": cycle.pk})
    assert cycle.assessment.audience == "person" and cycle.assessment.anonymity == "anonymous"
    assert cycle.assessment.instrument_version.instrument.key == "core-person"
    assert list(cycle.assessment.waves.values_list("status", flat=True)) == ["draft"]
    assert cycle.min_raters == 4 and cycle.group_limits["peer"] == [4, 8] and cycle.report_access == "subject_manager_coach"
    assert list(cycle.coaches.all()) == [personas["consultant"]]
    # and the manager is nominated automatically (approved), the other subject has no manager rater
    assert Subject.objects.get(person=subject).nominations.get().rater == manager
    assert not Subject.objects.get(person=other).nominations.exists()
    assert AuditEvent.objects.filter(verb="feedback.cycle_created").exists()


@pytest.mark.parametrize(("change", "message"), [
    ({"min_raters": 2}, "greater than or equal to 3"),
    ({"subjects": []}, "Choose at least one person"),
    ({"min_peer": 2}, "at least the anonymity threshold"),
    ({"min_peer": 9, "max_peer": 8}, "minimum ≤ maximum"),
    ({"reminder_days": "soon"}, "Reminder days"),
])
def test_bad_input_gives_a_clear_message(client, personas, org, change, message):
    # given an owner
    client.force_login(personas["owner"])
    subject, _manager = subject_with_manager(org)
    # when the form is posted with bad values
    response = client.post(reverse("feedback_cycle_new", kwargs={"slug": "acme"}), _form([subject], **change))
    # then no cycle, the page says why
    assert response.status_code == 200 and not Cycle.objects.exists()
    assert message in response.content.decode()


def test_a_person_of_another_organisation_is_not_a_valid_subject(client, personas, org, other_org):
    client.force_login(personas["owner"])
    foreign = people(other_org, 1, unit="Finance")[0]
    response = client.post(reverse("feedback_cycle_new", kwargs={"slug": "acme"}), _form([foreign]))
    assert response.status_code == 200 and not Cycle.objects.exists()


def test_search_narrows_the_people_shown(client, personas, org):
    client.force_login(personas["owner"])
    people(org, 3)
    target = people(org, 1, first_name="Zebedeus")[0]
    response = client.get(reverse("feedback_cycle_new", kwargs={"slug": "acme"}), {"q": "zebed"})
    assert list(response.context["form"].fields["subjects"].queryset) == [target]


def test_opening_invites_subject_and_approved_raters_only_and_the_tick_does_not_invite_everyone(personas, org):
    # given a cycle with an approved subject and an unapproved one, and 5 other people in the organisation
    owner = personas["owner"]
    approved_person, _m = subject_with_manager(org)
    pending_person, _m2 = subject_with_manager(org)
    cycle = new_cycle(org, owner, [approved_person, pending_person])
    bystanders = people(org, 5)
    approved = cycle.subjects.get(person=approved_person)
    peers = people(org, 3)
    for rater in peers:
        nomination_propose(actor=owner, subject=approved, rater=rater, group=groups.PEER)
    rejected = people(org, 1)[0]
    n = nomination_propose(actor=owner, subject=approved, rater=rejected, group=groups.PEER)
    from feedback.services import nomination_decide
    nomination_decide(actor=owner, nomination=n, approve=False)
    subject_approve(actor=owner, subject=approved)
    # when the wave opens by the tick at its opening time
    done = waves_tick(now=cycle.wave.opens_at + datetime.timedelta(minutes=1))
    # then only the approved subject, their manager and the 3 approved peers are invited
    assert done["opened"] == 1
    invited = set(Invitation.objects.filter(wave=cycle.wave).values_list("person_id", flat=True))
    assert invited == {approved_person.pk, approved_person.manager_id, *(p.pk for p in peers)}
    assert not invited & {p.pk for p in bystanders} and rejected.pk not in invited
    approved.refresh_from_db()
    assert approved.status == "invited" and approved.self_invitation.person_id == approved_person.pk
    assert all(nom.invitation_id for nom in approved.nominations.filter(status="approved"))


def test_approving_a_subject_after_opening_invites_their_raters(personas, org):
    owner = personas["owner"]
    first, _m = subject_with_manager(org)
    late, _m2 = subject_with_manager(org)
    cycle = new_cycle(org, owner, [first, late], group_limits={"peer": [0, 8], "report": [0, 10]})
    subject_approve(actor=owner, subject=cycle.subjects.get(person=first))
    cycle_open(actor=owner, cycle=cycle, base_url="http://testserver")
    before = Invitation.objects.filter(wave=cycle.wave).count()
    # when the second subject is approved while the wave is open
    subject_approve(actor=owner, subject=cycle.subjects.get(person=late))
    # then the late subject and their manager are invited
    assert Invitation.objects.filter(wave=cycle.wave).count() == before + 2


def test_opening_needs_an_approved_subject(personas, org):
    cycle = new_cycle(org, personas["owner"], [subject_with_manager(org)[0]])
    with pytest.raises(FeedbackError, match="Approve the nominations"):
        cycle_open(actor=personas["owner"], cycle=cycle)
    assert cycle.wave.status == "draft"


def test_reminders_go_only_to_raters_who_have_not_answered_and_name_the_subject(personas, org):
    # given an open cycle where one peer answered
    owner = personas["owner"]
    subject_person, _m = subject_with_manager(org)
    cycle = new_cycle(org, owner, [subject_person])
    subject = cycle.subjects.get()
    peers = people(org, 3)
    for rater in peers:
        nomination_propose(actor=owner, subject=subject, rater=rater, group=groups.PEER)
    subject_approve(actor=owner, subject=subject)
    cycle_open(actor=owner, cycle=cycle, base_url="http://testserver")
    from django.test import Client

    from surveys.instrument_store import version_to_format
    from tests.feedback.flow import answer
    answer(Client(), links_by_email()[peers[0].email.lower()][0], version_to_format(cycle.assessment.instrument_version))
    OutboxMessage.objects.all().delete()
    # when reminders are due
    wave = Wave.objects.get(pk=cycle.wave.pk)
    sent = reminders_send(wave=wave, now=wave.opened_at + datetime.timedelta(days=3, minutes=1), base_url="http://testserver")
    # then everyone but the peer who answered is reminded, about the subject
    recipients = {m.payload["to"][0].lower() for m in OutboxMessage.objects.all()}
    assert sent == 4 and peers[0].email.lower() not in recipients
    body = OutboxMessage.objects.filter(payload__to__0=peers[1].email).get().payload
    assert subject_person.first_name in body["subject"] and "Reminder" in body["subject"]


def test_close_now_and_progress_shows_counts_only(client, personas, org):
    # given a cycle run to closed
    subject = cycle_run_to_closed(org, personas["owner"], peers=3, reports=2, customers=0)
    # when the owner opens the progress page
    client.force_login(personas["owner"])
    response = client.get(reverse("feedback_progress", kwargs={"slug": "acme", "pk": subject.pk}))
    # then each group shows invited and answered counts and whether it reaches k, and no rater's name or email
    rows = {row.group: row for row in response.context["rows"]}
    assert (rows["peer"].invited, rows["peer"].answered, rows["peer"].reaches) == (3, 3, True)
    assert (rows["report"].answered, rows["report"].reaches) == (2, False)
    assert rows["manager"].reaches is None and rows["self"].answered == 1
    html = response.content.decode()
    for nomination in subject.nominations.select_related("rater"):
        assert nomination.rater.email not in html and str(nomination.rater) not in html
    assert subject.cycle.wave.status == "closed"


def test_close_now_button(client, personas, org):
    owner = personas["owner"]
    cycle = new_cycle(org, owner, [subject_with_manager(org)[0]], group_limits={"peer": [0, 8], "report": [0, 10]})
    subject_approve(actor=owner, subject=cycle.subjects.get())
    cycle_open(actor=owner, cycle=cycle)
    client.force_login(personas["consultant"])
    response = client.post(reverse("feedback_cycle_close", kwargs={"slug": "acme", "pk": cycle.pk}))
    assert response.status_code == 302
    assert Wave.objects.get(pk=cycle.wave.pk).status == "closed"
    # closing twice is harmless
    cycle_close(actor=owner, cycle=cycle)


def test_subjects_manager_sees_progress_but_not_cycle_pages(client, personas, org):
    # given a subject whose manager (by email) is the Sales manager login
    manager_user = personas["manager"]
    subject_person, manager_person = subject_with_manager(org)
    manager_person.email = manager_user.email.upper()
    manager_person.save()
    cycle = new_cycle(org, personas["owner"], [subject_person])
    subject = cycle.subjects.get()
    client.force_login(manager_user)
    # then progress and nominations open, the cycle page is forbidden
    assert client.get(reverse("feedback_progress", kwargs={"slug": "acme", "pk": subject.pk})).status_code == 200
    assert client.get(reverse("feedback_nominations", kwargs={"slug": "acme", "pk": subject.pk})).status_code == 200
    assert client.get(reverse("feedback_cycle", kwargs={"slug": "acme", "pk": cycle.pk})).status_code == 403
    # and the list page shows their task
    assert subject_person.last_name in client.get(reverse("feedback_cycles", kwargs={"slug": "acme"})).content.decode()


def test_outsider_and_tampered_ids_get_404(client, personas, org, other_org):
    cycle = new_cycle(org, personas["owner"], [subject_with_manager(org)[0]])
    subject = cycle.subjects.get()
    client.force_login(personas["outsider"])
    # an outsider, even in their own organisation's URL with acme's ids, gets 404
    assert client.get(reverse("feedback_cycle", kwargs={"slug": "acme", "pk": cycle.pk})).status_code == 404
    assert client.get(reverse("feedback_cycle", kwargs={"slug": "other", "pk": cycle.pk})).status_code == 404
    assert client.get(reverse("feedback_progress", kwargs={"slug": "other", "pk": subject.pk})).status_code == 404
    assert client.post(reverse("feedback_subject_approve", kwargs={"slug": "other", "pk": subject.pk})).status_code == 404
    # and an owner of acme asking for an id that does not exist gets 404
    client.force_login(personas["owner"])
    assert client.get(reverse("feedback_cycle", kwargs={"slug": "acme", "pk": cycle.pk + 999})).status_code == 404
    assert client.get(reverse("feedback_nominations", kwargs={"slug": "acme", "pk": subject.pk + 999})).status_code == 404


def test_a_closed_360_wave_is_never_pooled_into_dashboard_snapshots(personas, org):
    # given a closed 360° cycle (its comments include groups below the threshold)
    subject = cycle_run_to_closed(org, personas["owner"], peers=3, reports=2, customers=0)
    from reports.models import SnapshotComment, TrendSnapshot
    from reports.snapshots import snapshots_build

    # when the snapshot builder runs / then it builds nothing for the 360° wave
    snapshots_build(force=True)
    assert not TrendSnapshot.objects.filter(wave=subject.cycle.wave).exists()
    assert not SnapshotComment.objects.filter(wave=subject.cycle.wave).exists()


def test_external_raters_are_not_offered_as_subjects(client, personas, org):
    # given a colleague and a customer who rated someone before (an external person)
    client.force_login(personas["owner"])
    colleague = people(org, 1, first_name="Colleague")[0]
    customer = people(org, 1, first_name="Customer")[0]
    customer.unit, customer.attributes = None, {"external": True}
    customer.save()
    # when the owner opens the new-cycle page, and posts the customer as a subject anyway
    offered = list(client.get(reverse("feedback_cycle_new", kwargs={"slug": "acme"})).context["form"].fields["subjects"].queryset)
    response = client.post(reverse("feedback_cycle_new", kwargs={"slug": "acme"}), _form([customer]))
    # then only the colleague is offered and the customer is refused
    assert colleague in offered and customer not in offered
    assert response.status_code == 200 and not Cycle.objects.exists()
