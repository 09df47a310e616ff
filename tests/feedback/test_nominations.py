"""Nominating raters: limits per group, approval, external raters, who may nominate and approve."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from assessments.models import Person
from feedback import groups
from feedback.models import Nomination
from feedback.services import FeedbackError, cycle_open, nomination_propose, subject_approve
from tests.factories import MembershipFactory
from tests.feedback.factories import new_cycle, people, subject_with_manager
from trustier.models import OutboxMessage


@pytest.fixture
def subject(personas, org):
    person, _manager = subject_with_manager(org)
    return new_cycle(org, personas["owner"], [person],
                     group_limits={"peer": [3, 4], "report": [0, 10], "customer": [0, 2], "other": [0, 5]}).subjects.get()


def test_a_group_cannot_exceed_its_maximum(personas, org, subject):
    # given 4 peers nominated (the maximum)
    for rater in people(org, 4):
        nomination_propose(actor=personas["owner"], subject=subject, rater=rater, group=groups.PEER)
    # when a fifth is proposed / then it is refused with a clear message
    with pytest.raises(FeedbackError, match="at most 4"):
        nomination_propose(actor=personas["owner"], subject=subject, rater=people(org, 1)[0], group=groups.PEER)


def test_approval_is_blocked_while_a_group_is_below_its_minimum(client, personas, org, subject):
    # given 2 peers (minimum 3)
    for rater in people(org, 2):
        nomination_propose(actor=personas["owner"], subject=subject, rater=rater, group=groups.PEER)
    client.force_login(personas["owner"])
    # when the owner approves all
    response = client.post(reverse("feedback_subject_approve", kwargs={"slug": "acme", "pk": subject.pk}), follow=True)
    # then nothing is approved and the page says which group is short
    assert "Peers: 2 nominated, at least 3 needed." in response.content.decode()
    assert not subject.nominations.filter(group=groups.PEER, status="approved").exists()
    # and with a third peer, approval works
    nomination_propose(actor=personas["owner"], subject=subject, rater=people(org, 1)[0], group=groups.PEER)
    client.post(reverse("feedback_subject_approve", kwargs={"slug": "acme", "pk": subject.pk}))
    subject.refresh_from_db()
    assert subject.status == "approved" and subject.nominations.filter(status="approved").count() == 4  # 3 peers + manager


def test_the_subject_themself_and_duplicates_and_foreign_people_are_refused(personas, org, other_org, subject):
    owner = personas["owner"]
    with pytest.raises(FeedbackError, match="themself"):
        nomination_propose(actor=owner, subject=subject, rater=subject.person, group=groups.PEER)
    rater = people(org, 1)[0]
    nomination_propose(actor=owner, subject=subject, rater=rater, group=groups.PEER)
    with pytest.raises(FeedbackError, match="nominated already"):
        nomination_propose(actor=owner, subject=subject, rater=rater, group=groups.REPORT)
    with pytest.raises(FeedbackError, match="cannot be nominated"):
        nomination_propose(actor=owner, subject=subject, rater=people(other_org, 1, unit="Finance")[0], group=groups.PEER)
    with pytest.raises(FeedbackError, match="manager rater already"):
        nomination_propose(actor=owner, subject=subject, rater=people(org, 1)[0], group=groups.MANAGER)


def test_a_foreign_person_posted_in_the_form_is_a_form_error_not_a_500(client, personas, org, other_org, subject):
    client.force_login(personas["owner"])
    foreign = people(other_org, 1, unit="Finance")[0]
    response = client.post(reverse("feedback_nominations", kwargs={"slug": "acme", "pk": subject.pk}),
                           {"rater": foreign.pk, "group": "peer"})
    assert response.status_code == 400 and not subject.nominations.filter(rater=foreign).exists()
    response = client.post(reverse("feedback_nominations", kwargs={"slug": "acme", "pk": subject.pk}),
                           {"rater": "nonsense", "group": "boss"})
    assert response.status_code == 400


def test_external_rater_is_created_as_external_person_and_invited_by_email(client, personas, org, subject):
    # given the subject logged in (a user whose email is the person's) nominates a customer by name and email
    user = MembershipFactory(organisation=org, role="viewer", user__email=subject.person.email.upper()).user
    client.force_login(user)
    response = client.post(reverse("feedback_nominate_external", kwargs={"slug": "acme", "pk": subject.pk}),
                           {"first_name": "Cora", "last_name": "Client", "email": "cora@client.test", "language": "nl",
                            "group": "customer"})
    assert response.status_code == 302
    cora = Person.objects.get(email="cora@client.test")
    assert cora.attributes == {"external": True} and cora.unit is None and cora.organisation == org
    assert subject.nominations.get(rater=cora).status == "proposed"
    # and the subject may not approve their own nominations
    assert client.post(reverse("feedback_subject_approve", kwargs={"slug": "acme", "pk": subject.pk})).status_code == 404
    # when the owner approves (with 3 peers) and opens the cycle
    owner = personas["owner"]
    for rater in people(org, 3):
        nomination_propose(actor=owner, subject=subject, rater=rater, group=groups.PEER)
    subject_approve(actor=owner, subject=subject)
    cycle_open(actor=owner, cycle=subject.cycle, base_url="http://testserver")
    # then Cora gets an invitation email in Dutch, about the subject, with her own link
    email = OutboxMessage.objects.get(payload__to__0="cora@client.test").payload
    # (the new 360° wording is translated once the lead merges /tmp/nl_cycle.json; the greeting is Dutch already)
    assert subject.person.first_name in email["subject"] and "/r/" in email["body"] and email["body"].startswith("Hallo Cora,")


def test_manager_approves_and_rejects_single_nominations(client, personas, org, subject):
    # given the subject's manager has a login (by email)
    manager_user = MembershipFactory(organisation=org, role="viewer", user__email=subject.person.manager.email).user
    nomination = nomination_propose(actor=personas["owner"], subject=subject, rater=people(org, 1)[0], group=groups.PEER)
    client.force_login(manager_user)
    url = reverse("feedback_nomination_decide", kwargs={"slug": "acme", "pk": nomination.pk})
    # when they reject it / then it is rejected
    assert client.post(url, {"decision": "reject"}).status_code == 302
    assert Nomination.objects.get(pk=nomination.pk).status == "rejected"
    # and a tampered decision changes nothing
    client.post(url, {"decision": "maybe"})
    assert Nomination.objects.get(pk=nomination.pk).status == "rejected"
    # and a viewer who is not the manager gets 404
    client.force_login(personas["viewer"])
    assert client.post(url, {"decision": "approve"}).status_code == 404


def test_nominations_page_shows_counts_against_limits(client, personas, org, subject):
    client.force_login(personas["consultant"])
    for rater in people(org, 2):
        nomination_propose(actor=personas["owner"], subject=subject, rater=rater, group=groups.PEER)
    response = client.get(reverse("feedback_nominations", kwargs={"slug": "acme", "pk": subject.pk}))
    rows = {row.group: row for row in response.context["rows"]}
    assert (rows["peer"].count, rows["peer"].minimum, rows["peer"].maximum, rows["peer"].ok) == (2, 3, 4, False)
    assert rows["manager"].count == 1 and rows["manager"].ok
    assert response.context["may_approve"]


def test_after_the_nomination_deadline_the_subject_cannot_nominate_but_the_owner_can(client, personas, org, subject):
    # given the nomination deadline has passed
    from django.utils import timezone
    subject.cycle.nomination_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    subject.cycle.save()
    rater = people(org, 1)[0]
    # when the subject (logged in by email) nominates / then it is refused with a message
    user = MembershipFactory(organisation=org, role="viewer", user__email=subject.person.email).user
    client.force_login(user)
    response = client.post(reverse("feedback_nominations", kwargs={"slug": "acme", "pk": subject.pk}), {"rater": rater.pk, "group": "peer"})
    assert response.status_code == 400 and "Nominations are closed" in response.content.decode()
    # and the owner still can
    client.force_login(personas["owner"])
    response = client.post(reverse("feedback_nominations", kwargs={"slug": "acme", "pk": subject.pk}), {"rater": rater.pk, "group": "peer"})
    assert response.status_code == 302 and subject.nominations.filter(rater=rater).exists()
