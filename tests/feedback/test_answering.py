"""Answering a 360° invitation: the subject's name, self wording, the manager notice, tagged anonymous Responses."""

from __future__ import annotations

from django.test import Client

from feedback import groups
from feedback.services import cycle_open, nomination_propose, subject_approve
from surveys.instrument_store import version_to_format
from surveys.models import Response
from tests.feedback.factories import new_cycle, people, subject_with_manager
from tests.feedback.flow import answer, cycle_run_to_closed, links_by_email


def _opened_cycle(org, actor, subjects_n=1, peers=3):
    subjects = [subject_with_manager(org)[0] for _ in range(subjects_n)]
    cycle = new_cycle(org, actor, subjects)
    shared_peers = people(org, peers)
    for subject in cycle.subjects.all():
        for rater in shared_peers:
            nomination_propose(actor=actor, subject=subject, rater=rater, group=groups.PEER)
        subject_approve(actor=actor, subject=subject)
    cycle_open(actor=actor, cycle=cycle, base_url="http://testserver")
    return cycle, shared_peers


def test_every_response_is_tagged_with_subject_and_group_and_has_no_unit_or_invitation(personas, org):
    # given a cycle run to the end with 3 peers, 3 reports, 3 customers, the manager and the subject
    subject = cycle_run_to_closed(org, personas["owner"])
    # when we look at the responses
    responses = list(Response.objects.filter(wave=subject.cycle.wave))
    # then each carries exactly {subject, group}, no unit, no invitation; counts per group are right
    assert len(responses) == 11
    assert all(set(r.attributes) == {"subject", "group"} and r.attributes["subject"] == subject.pk for r in responses)
    assert all(r.unit_id is None and r.invitation_id is None for r in responses)
    by_group = sorted(r.attributes["group"] for r in responses)
    assert by_group == sorted(["self", "manager"] + ["peer"] * 3 + ["report"] * 3 + ["customer"] * 3)
    assert subject.cycle.wave.status == "closed"


def test_a_rater_of_two_subjects_gets_two_links_and_answers_both(personas, org):
    # given two subjects sharing the same three peers
    cycle, peers = _opened_cycle(org, personas["owner"], subjects_n=2)
    links = links_by_email()
    # then each peer has two links, one per subject, naming each subject
    assert all(len(links[p.email.lower()]) == 2 for p in peers)
    instrument = version_to_format(cycle.assessment.instrument_version)
    for path in links[peers[0].email.lower()]:
        assert answer(Client(), path, instrument) == 302
    subjects = sorted(r.attributes["subject"] for r in Response.objects.filter(wave=cycle.wave))
    assert subjects == sorted(cycle.subjects.values_list("pk", flat=True))


def test_the_page_names_the_subject_the_self_page_uses_self_wording_and_the_manager_sees_the_notice(personas, org):
    # given an opened cycle
    cycle, peers = _opened_cycle(org, personas["owner"])
    subject = cycle.subjects.select_related("person", "person__manager").get()
    links = links_by_email()
    name = f"{subject.person.first_name} {subject.person.last_name}"
    # when a peer, the manager and the subject open their links
    peer_page = Client().get(links[peers[0].email.lower()][0]).content.decode()
    manager_page = Client().get(links[subject.person.manager.email.lower()][0]).content.decode()
    self_page = Client().get(links[subject.person.email.lower()][0]).content.decode()
    # then the peer sees the name in the items and the anonymity promise; the manager the attribution notice
    assert f"{subject.person.first_name}" in peer_page and "{name}" not in peer_page
    assert "Peers" in peer_page and "at least 3 raters" in peer_page
    assert "manager-notice" in manager_page and "NOT anonymous" in manager_page
    assert "manager-notice" not in peer_page
    # and the subject sees the self wording, not their own name in third person
    assert "About yourself" in self_page and name not in self_page.split("<main", 1)[-1].split("About yourself")[-1][:2000]


def test_emails_say_about_whom_and_warn_the_manager(personas, org):
    # given an opened cycle
    cycle, peers = _opened_cycle(org, personas["owner"])
    from trustier.models import OutboxMessage

    subject = cycle.subjects.select_related("person", "person__manager").get()
    by_to = {m.payload["to"][0].lower(): m.payload for m in OutboxMessage.objects.filter(kind="email")}
    # then the peer's email names the subject, the manager's says the answers are not anonymous
    assert subject.person.first_name in by_to[peers[0].email.lower()]["subject"]
    assert "not anonymous" in by_to[subject.person.manager.email.lower()]["body"]
    assert "not anonymous" not in by_to[peers[0].email.lower()]["body"]
    assert "about yourself" in by_to[subject.person.email.lower()]["subject"]
