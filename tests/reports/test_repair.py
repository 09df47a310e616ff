"""Trust repair after an incident (issue 7, point 4): the pure arithmetic with plain numbers, the incident
page's block (scope, anonymity, query count) and launching the after-incident pulse."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from assessments.incidents import incident_create
from assessments.models import Assessment, Incident
from reports.repair import AFTER_HIDDEN, BEFORE_HIDDEN, NO_AFTER, NO_BEFORE, WavePoint, repair
from reports.selectors_repair import repair_get
from tests.factories import MembershipFactory
from tests.reports import snapshot_rows as snap
from trustier.models import AuditEvent

D = datetime.date


def point(number, opened, closed, mean, *, sd=15.0, n=60, fingerprint="v1", hidden=False):
    if hidden:
        return WavePoint(number, number, opened, closed, fingerprint, hidden=True)
    half = 1.96 * sd / n**0.5
    return WavePoint(number, number, opened, closed, fingerprint, n=n, mean=mean, sd=sd, low=mean - half,
                     high=mean + half, favourable=round(n * mean / 100))


def quarterly(*means, fingerprints=None, hidden=()):
    """Waves opening on the 1st of Jan, Apr, Jul, Oct 2025, … each open for two weeks."""
    out = []
    for i, mean in enumerate(means):
        opened = D(2025 + (3 * i) // 12, 1 + (3 * i) % 12, 1)
        out.append(point(i + 1, opened, opened + datetime.timedelta(days=14), mean,
                         fingerprint=(fingerprints or {}).get(i + 1, "v1"), hidden=(i + 1) in hidden))
    return out


INCIDENT = D(2025, 5, 10)  # after wave 2 closed (15 April), before wave 3 opened (1 July)


# ---------------------------------------------------------------- the arithmetic, plain numbers


def test_a_clear_drop_and_a_partial_recovery():
    # given three waves before the incident at 70, a wave after it at 55 and the latest at 64 (n 60, sd 15)
    waves = quarterly(71, 70, 55, 64)
    # when the repair is computed
    result = repair(INCIDENT, waves)
    # then before is wave 2, the drop is −15 points with an interval below 0, and 60% of it is recovered
    assert result.before.number == 2 and result.after.number == 3 and result.latest.number == 4
    assert result.drop.diff == pytest.approx(-15) and result.drop.ci_high < 0 and result.clear_drop
    assert result.recovery.diff == pytest.approx(-6)
    assert result.recovered_pct == pytest.approx(60)
    # Welch interval by hand: se = sqrt(2·15²/60) ≈ 2.739, t(0.975, 118) ≈ 1.980
    assert result.drop.ci_low == pytest.approx(-15 - 1.980 * 2.7386, abs=0.01)


def test_a_change_within_noise_is_no_clear_drop_and_gets_no_recovery_share():
    # given a dip of 2 points with n 60 per wave
    result = repair(INCIDENT, quarterly(70, 70, 68, 69))
    # then the drop's interval includes 0: no clear drop, so no "recovered x%" is claimed
    assert result.drop.verdict == "no_clear_change" and not result.clear_drop
    assert result.recovery is not None and result.recovered_pct is None


def test_only_waves_of_the_same_questionnaire_version_are_compared():
    # given wave 3 and 4 measured with another version than wave 2
    result = repair(INCIDENT, quarterly(70, 70, 55, 60, fingerprints={3: "v2", 4: "v2"}))
    # then there is no comparable wave after the incident, and the changed version is reported
    assert result.missing == NO_AFTER and result.drop is None and result.other_version == (3, 4)


def test_nothing_before_the_incident():
    result = repair(D(2024, 12, 1), quarterly(70, 60))
    assert result.missing == NO_BEFORE and result.before is None and result.drop is None


def test_a_hidden_wave_yields_no_figures():
    # given the wave before the incident below the anonymity threshold
    assert repair(INCIDENT, quarterly(70, 70, 55, hidden={2})).missing == BEFORE_HIDDEN
    # and given the wave after the incident below it
    hidden_after = repair(INCIDENT, quarterly(70, 70, 55, 64, hidden={3}))
    assert hidden_after.missing == AFTER_HIDDEN and hidden_after.drop is None and hidden_after.recovery is None


def test_a_wave_open_on_the_incident_day_is_left_out_and_a_short_baseline_is_flagged():
    # given an incident while wave 2 was open
    result = repair(D(2025, 4, 5), quarterly(70, 69, 55))
    # then wave 1 is "before", wave 2 is not used, and one wave before is too few to claim a level change
    assert result.before.number == 1 and result.after.number == 3 and result.during == (2,)
    assert result.short_baseline and result.points_before == 1


def test_the_arithmetic_imports_no_django():
    # given a fresh interpreter / when it imports the repair arithmetic / then no Django module is loaded
    import subprocess
    import sys

    code = "import sys, reports.repair; print(sorted(m for m in sys.modules if m.startswith('django')))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


# ---------------------------------------------------------------- the incident page


DIMS = {"integrity": 72, "reliability": 70, "competence": 75, "empathy": 68, "trust_index": 71}


def _series(org, *, unit=None, means=(0, 0, -14, -5), suppressed=(), n=60):
    """Four quarterly inside waves 2025; the incident's dimensions shift by `means` per wave."""
    a = snap.assessment(org)
    waves = [snap.wave(a, i + 1) for i in range(len(means))]
    for w, shift in zip(waves, means, strict=True):
        figures = {m: v + (shift if m in ("integrity", "reliability", "trust_index") else 0) for m, v in DIMS.items()}
        snap.rows(w, figures, unit=unit, n=n, suppressed=w.number in suppressed)
    return a, waves


def _incident(org, units=()):
    return incident_create(actor=None, organisation=org, occurred_on=INCIDENT, title="Customer data leaked",
                           dimensions=["integrity", "reliability"], units=list(units))


@pytest.mark.django_db
def test_owner_sees_before_drop_and_recovery_on_the_incident_page(client, personas, org):
    # given four waves, an incident between wave 2 and 3, integrity 72 → 58 → 67
    _series(org)
    incident = _incident(org)
    client.force_login(personas["owner"])
    # when the owner opens the incident
    page = client.get(reverse("incident_detail", kwargs={"slug": "acme", "pk": incident.pk})).content.decode()
    # then the block shows the level before, the drop with its interval and verdict, and the recovery share
    assert "Trust before and after the incident" in page
    assert "−14.0" in page and "a clear drop" in page
    assert "recovered 64% of the drop" in page  # 1 − (−5)/(−14)
    assert "n = 60" in page and 'id="repair-trend-0"' in page and "<caption>" in page
    assert "Launch an after-incident pulse" in page


@pytest.mark.django_db
def test_suppressed_waves_show_no_figures(client, personas, org):
    # given the waves of Operations below the threshold (suppressed rows), and an incident there
    _series(org, unit=org.test_units["Operations"], suppressed={1, 2, 3, 4})
    incident = _incident(org, [org.test_units["Operations"]])
    client.force_login(personas["owner"])
    # when the owner opens the incident
    page = client.get(reverse("incident_detail", kwargs={"slug": "acme", "pk": incident.pk})).content.decode()
    # then there is a clear message and no figure, not even n
    assert "hidden to protect anonymity" in page
    assert "n = " not in page and "a clear drop" not in page


@pytest.mark.django_db
def test_manager_sees_only_units_of_their_subtree(client, personas, org):
    # given an incident in Sales/North (in the manager's subtree) and Operations (outside it), with figures for both
    north, ops = org.test_units["Sales/North"], org.test_units["Operations"]
    a, waves = _series(org, unit=north)
    for w in waves:
        snap.rows(w, {m: 33.3 for m in DIMS}, unit=ops)
    incident = _incident(org, [north, ops])
    client.force_login(personas["manager"])
    # when the manager of Sales opens the incident
    page = client.get(reverse("incident_detail", kwargs={"slug": "acme", "pk": incident.pk})).content.decode()
    # then Sales/North's repair shows, Operations' figures never do, and there is no launch button
    block = page.split("Trust before and after the incident")[1]
    assert "a clear drop" in block and "Sales/North" in block and "Operations" not in block
    assert block.count("repair-table") == 1
    assert "outside your part of the organisation" in page
    assert "Launch an after-incident pulse" not in page


@pytest.mark.django_db
def test_the_manager_of_an_unaffected_part_gets_a_message(personas, org):
    # given an incident only in Operations
    from assessments.access import access_for_user

    incident = _incident(org, [org.test_units["Operations"]])
    access = access_for_user(user=personas["manager"], slug="acme")
    # when the Sales manager's block is read
    block = repair_get(access=access, incident=incident)
    # then there is no scope at all
    assert block.scopes == [] and block.units_out_of_reach == 1


@pytest.mark.django_db
def test_no_wave_after_the_incident_yet_says_what_is_missing(client, personas, org):
    _series(org, means=(0, 0))
    incident = _incident(org)
    client.force_login(personas["owner"])
    page = client.get(reverse("incident_detail", kwargs={"slug": "acme", "pk": incident.pk})).content.decode()
    assert "No wave has opened and closed since the incident" in page and "−14" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("waves", [2, 6])
def test_the_block_reads_in_a_constant_number_of_queries(django_assert_num_queries, personas, org, waves):
    # given 2 or 6 waves for two affected units
    from assessments.access import access_for_user

    north, ops = org.test_units["Sales/North"], org.test_units["Operations"]
    _series(org, unit=north, means=(0,) * waves)
    incident = _incident(org, [north, ops])
    incident = Incident.objects.prefetch_related("units").get(pk=incident.pk)
    access = access_for_user(user=personas["owner"], slug="acme")
    # when the block is read: snapshot rows + the pulse, whatever the number of waves
    with django_assert_num_queries(2):
        repair_get(access=access, incident=incident)


# ---------------------------------------------------------------- the after-incident pulse


@pytest.mark.django_db
def test_owner_launches_one_pulse_per_incident(client, personas, org):
    # given an incident
    incident = _incident(org, [org.test_units["Sales"]])
    client.force_login(personas["owner"])
    url = reverse("incident_pulse", kwargs={"slug": "acme", "pk": incident.pk})
    # when the owner launches the pulse
    response = client.post(url)
    # then an inside assessment on the pulse form exists, linked to the incident, and they land on its page
    pulse = Assessment.objects.get(incident=incident)
    assert response["Location"] == reverse("assessment_detail", kwargs={"slug": "acme", "pk": pulse.pk})
    assert pulse.audience == "inside" and pulse.instrument_version.status == "published"
    assert pulse.instrument_version.instrument.key.startswith("core-inside-pulse")
    assert pulse.instrument_version.items.count() == 5  # one per dimension + global trust
    assert list(pulse.units.all()) == [org.test_units["Sales"]]
    assert AuditEvent.objects.filter(verb="incident.pulse_launched", organisation=org).count() == 1
    # and when they click again, nothing new is created and the page shows the existing pulse
    again = client.post(url)
    assert again["Location"] == response["Location"] and Assessment.objects.filter(incident__isnull=False).count() == 1
    page = client.get(reverse("incident_detail", kwargs={"slug": "acme", "pk": incident.pk})).content.decode()
    assert "This incident has a pulse" in page and "Launch an after-incident pulse" not in page


@pytest.mark.django_db
def test_a_second_incident_reuses_the_published_pulse_form(client, personas, org):
    client.force_login(personas["consultant"])
    first, second = _incident(org), _incident(org)
    for incident in (first, second):
        client.post(reverse("incident_pulse", kwargs={"slug": "acme", "pk": incident.pk}))
    versions = set(Assessment.objects.filter(incident__isnull=False).values_list("instrument_version", flat=True))
    assert len(versions) == 1


@pytest.mark.django_db
def test_pulse_launch_refuses_get_managers_and_foreign_incidents(client, personas, org, other_org):
    incident = _incident(org)
    foreign = incident_create(actor=None, organisation=other_org, occurred_on=INCIDENT, title="Elsewhere",
                              dimensions=["empathy"])
    url = reverse("incident_pulse", kwargs={"slug": "acme", "pk": incident.pk})
    client.force_login(personas["owner"])
    assert client.get(url).status_code == 405
    assert client.post(reverse("incident_pulse", kwargs={"slug": "acme", "pk": foreign.pk})).status_code == 404
    assert client.post(reverse("incident_pulse", kwargs={"slug": "acme", "pk": 999999})).status_code == 404
    client.force_login(personas["manager"])
    assert client.post(url).status_code == 403
    client.force_login(MembershipFactory(organisation=org, role="viewer").user)
    assert client.post(url).status_code == 403
    assert not Assessment.objects.filter(incident__isnull=False).exists()


@pytest.mark.django_db
def test_a_manager_reads_an_organisation_wide_incident_for_their_own_unit(personas, org):
    # given figures for the organisation and for Sales, and an incident of the whole organisation
    from assessments.access import access_for_user

    _series(org)
    _series(org, unit=org.test_units["Sales"], means=(0, 0, -3, 0))
    incident = _incident(org)
    # when the manager of Sales reads the block
    block = repair_get(access=access_for_user(user=personas["manager"], slug="acme"), incident=incident)
    # then it is about Sales only (no organisation-wide figure), with Sales' own drop
    assert [scope.unit for scope in block.scopes] == [org.test_units["Sales"]]
    assert block.scopes[0].headline.drop.value == "−3.0"
