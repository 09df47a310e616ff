"""Inside vs outside (issue 7, point 3): employees' and customers' trust side by side, with the gap."""

from __future__ import annotations

import pytest

from assessments.access import access_for_user
from assessments.scoring.change import Summary, compare
from reports.selectors_compare import comparison_get
from tests.reports import snapshot_rows as snap

pytestmark = pytest.mark.django_db
URL = "/o/acme/dashboard/inside-outside/"
INSIDE = {"competence": 70, "reliability": 66, "integrity": 55, "empathy": 58, "trust_index": 62, "how": 68, "why": 56}
OUTSIDE = {"competence": 71, "reliability": 67, "integrity": 68, "empathy": 59, "trust_index": 66, "how": 69, "why": 64}


def _both(org, *, outside_suppressed=False):
    inside, outside = snap.assessment(org), snap.assessment(org, audience="outside", name="Customer trust")
    snap.rows(snap.wave(inside, 1), INSIDE, n=80, sd=16)
    snap.rows(snap.wave(outside, 1), OUTSIDE, n=120, sd=18, fingerprint="outside", suppressed=outside_suppressed)
    return inside, outside


def test_owner_sees_the_gap_with_its_interval_and_a_plain_reading(client, personas, org):
    # given an inside wave (n 80) and an outside wave (n 120), integrity 55 inside vs 68 outside
    _both(org)
    client.force_login(personas["owner"])
    # when the owner opens inside vs outside
    page = client.get(URL).content.decode()
    # then integrity's gap is −13 points with the Welch interval, called "inside trails"
    expected = compare(Summary(80, 55, 16**2, 44), Summary(120, 68, 18**2, 82))[0]
    assert f"−13.0</span> <span class=\"small text-body-secondary\">(−{abs(expected.ci_low):.1f} to −{abs(expected.ci_high):.1f})" in page
    assert "inside trails" in page
    # and the reading names where inside trails, and only the clear differences (competence: 70 vs 71 is not)
    reading = page.split("What this says")[1].split("</ul>")[0]
    assert "Integrity" in reading and "Why (integrity + empathy)" in reading and "Competence" not in reading
    # and the note on referents, both charts, and their table alternative
    assert "Same four elements, asked about different referents" in page
    assert 'id="inside-outside-levels"' in page and 'id="inside-outside-gaps"' in page
    assert "Show the charts as a table" in page and "n = 80" in page and "n = 120" in page


def test_managers_may_not_compare_the_whole_organisation(client, personas, org):
    _both(org)
    client.force_login(personas["manager"])
    assert client.get(URL).status_code == 403


def test_one_side_missing_gives_a_message_and_no_figures(client, personas, org):
    # given only an inside wave
    snap.rows(snap.wave(snap.assessment(org), 1), INSIDE)
    client.force_login(personas["viewer"])
    page = client.get(URL).content.decode()
    assert "No results yet from a customer (outside) assessment" in page and "n = " not in page


def test_a_suppressed_side_shows_no_figures(client, personas, org):
    # given an outside wave below the anonymity threshold
    _both(org, outside_suppressed=True)
    client.force_login(personas["owner"])
    page = client.get(URL).content.decode()
    # then a message, and no figure of either side, not even n
    assert "hidden to protect anonymity, so nothing is compared" in page
    assert "n = " not in page and "62" not in page


def test_an_older_assessment_can_be_chosen(client, personas, org):
    # given two inside assessments; the older one has integrity 40
    inside, outside = _both(org)
    older = snap.assessment(org, name="Old employee survey")
    older.created_at = inside.created_at.replace(year=2020)
    older.save()
    snap.rows(snap.wave(older, 1), {**INSIDE, "integrity": 40}, n=80, sd=16)
    client.force_login(personas["owner"])
    # when the owner picks it
    page = client.get(URL, {"inside": older.pk, "outside": outside.pk}).content.decode()
    # then its figures are compared, and the picker offers both
    assert "−28.0" in page and "Old employee survey" in page and 'id="pick-inside"' in page


@pytest.mark.parametrize("params", [{"inside": "abc"}, {"inside": "-1"}, {"inside": "999999"}, {"outside": "1.5"}])
def test_nonsense_parameters_are_404(client, personas, org, params):
    _both(org)
    client.force_login(personas["owner"])
    assert client.get(URL, params).status_code == 404


def test_wrong_audience_or_foreign_assessments_are_404(client, personas, org, other_org):
    inside, outside = _both(org)
    foreign, _ = _both(other_org)
    client.force_login(personas["owner"])
    assert client.get(URL, {"inside": outside.pk}).status_code == 404
    assert client.get(URL, {"outside": inside.pk}).status_code == 404
    assert client.get(URL, {"inside": foreign.pk}).status_code == 404


@pytest.mark.parametrize("waves", [1, 5])
def test_constant_number_of_queries(django_assert_num_queries, personas, org, waves):
    # given 1 or 5 waves on each side
    inside, outside = snap.assessment(org), snap.assessment(org, audience="outside")
    for number in range(1, waves + 1):
        snap.rows(snap.wave(inside, number), INSIDE)
        snap.rows(snap.wave(outside, number), OUTSIDE)
    access = access_for_user(user=personas["owner"], slug="acme")
    # when the comparison is read: the built waves, then their rows
    with django_assert_num_queries(2):
        comparison = comparison_get(access=access, params={})
    # then it compares the latest waves
    assert comparison.inside.wave_number == waves and comparison.complete


def test_an_after_incident_pulse_is_not_the_default_inside_side(personas, org):
    # given the regular inside assessment and a newer after-incident pulse with results
    import datetime

    from assessments.incidents import incident_create

    inside, _outside = _both(org)
    incident = incident_create(actor=None, organisation=org, occurred_on=datetime.date(2025, 1, 1), title="Leak",
                               dimensions=["integrity"])
    pulse = snap.assessment(org, name="Pulse after: Leak")
    pulse.incident = incident
    pulse.save()
    snap.rows(snap.wave(pulse, 1), INSIDE, fingerprint="pulse")
    # when the comparison is read without parameters
    comparison = comparison_get(access=access_for_user(user=personas["owner"], slug="acme"), params={})
    # then the regular assessment is compared; the pulse is still offered in the picker
    assert comparison.inside.assessment_id == inside.pk
    assert pulse.pk in [a_id for a_id, _name in comparison.choices["inside"]]
