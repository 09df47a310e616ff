"""Erasure of a person who is in a 360° cycle (issue 10 point 2, issue 9): as a rater and as a subject."""

from __future__ import annotations

from feedback.models import Nomination, Subject
from reports.privacy import person_erase, person_residue
from surveys.models import Invitation, Response
from tests.factories import PersonFactory
from tests.feedback.report_data import add_responses, full_subject


def test_erasing_a_rater_keeps_their_anonymous_rating_and_erasing_the_subject_removes_every_rating_of_them(org):
    # given a closed cycle about Sam, with a nominated peer who has an invitation
    sam = full_subject(org)
    peer = PersonFactory(organisation=org, email="peer@example.test")
    invitation = Invitation.objects.create(wave=sam.cycle.wave, person=peer, token_hash="h" * 64, subject_key=str(sam.pk),
                                           response_attributes={"subject": sam.pk, "group": "peer"}, answered=True)
    Nomination.objects.create(subject=sam, rater=peer, group="peer", status="approved", invitation=invitation)
    add_responses(sam, "peer", 1, 5)
    ratings = Response.objects.filter(attributes__subject=sam.pk).count()
    peer_id, person = peer.pk, sam.person
    person_id = person.pk
    # when the peer is erased
    counts = person_erase(actor=None, person=peer)
    # then their nomination and invitation are gone, and the anonymous rating stays
    assert counts["nominations"] == 1 and counts["invitations"] == 1
    assert sum(person_residue(person_id=peer_id, email="peer@example.test", organisation_id=org.pk).values()) == 0
    assert Response.objects.filter(attributes__subject=sam.pk).count() == ratings
    # when Sam, the subject, is erased
    counts = person_erase(actor=None, person=person)
    # then the subject, and every rating of Sam, are gone; nothing else is
    assert counts["feedback_subjects"] == 1 and counts["ratings_of_them"] == ratings
    assert not Subject.objects.filter(pk=sam.pk).exists()
    assert not Response.objects.filter(attributes__subject=sam.pk).exists()
    assert sum(person_residue(person_id=person_id, email="sam@example.test", organisation_id=org.pk).values()) == 0
