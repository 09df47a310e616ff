"""Live response rates: small units hidden, nothing recoverable by subtraction, managers see their subtree."""

from __future__ import annotations

from assessments.access import access_for_user
from surveys.fielding import wave_open
from surveys.models import Invitation
from surveys.selectors_fielding import wave_rates
from tests.factories import AssessmentFactory, PersonFactory, WaveFactory


def _people(org, path, n, prefix):
    for i in range(n):
        PersonFactory(organisation=org, unit=org.test_units[path], external_id=f"{prefix}{i}")


def _wave(org, answered_in_north=3):
    # Sales/North: 1 (S1) + 7 = 8, Sales/South: 2, Operations: 1 (O1) + 9 = 10 → Sales 10, all 20
    _people(org, "Sales/North", 7, "NN")
    _people(org, "Sales/South", 2, "SS")
    _people(org, "Operations", 9, "OP")
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org))
    wave_open(actor=None, wave=wave)
    north = Invitation.objects.filter(wave=wave, person__unit=org.test_units["Sales/North"]).order_by("pk")[:answered_in_north]
    Invitation.objects.filter(pk__in=[i.pk for i in north]).update(answered=True)
    return wave


def _table(rows):
    return {("all" if r.key == "all" else r.label): ((r.invited, r.answered, r.rate) if r.shown else None) for r in rows}


def test_small_units_are_hidden_and_cannot_be_recovered_by_subtraction(personas, org):
    # given 8 invited in Sales/North, 2 in Sales/South (below 5), 10 in Operations
    wave = _wave(org)
    access = access_for_user(user=personas["owner"], slug="acme")
    # when the owner looks at the live rates
    table = _table(wave_rates(access=access, wave=wave))
    # then South is too few to show, and North is hidden too: Sales − North would give South
    assert table["Sales/South"] is None
    assert table["Sales/North"] is None
    assert table["Sales"] == (10, 3, 30)
    assert table["Operations"] == (10, 0, 0)
    assert table["all"] == (20, 3, 15)


def test_no_hidden_unit_is_a_difference_of_shown_ones(personas, org):
    wave = _wave(org)
    access = access_for_user(user=personas["owner"], slug="acme")
    rows = wave_rates(access=access, wave=wave)
    shown = {r.label or "all": r.invited for r in rows if r.shown}
    # every parent's shown total minus its shown children is 0 or at least the threshold
    assert shown["all"] - shown["Sales"] - shown["Operations"] == 0
    assert shown["Sales"] - sum(v for k, v in shown.items() if k.startswith("Sales/")) in (0, 10)


def test_the_manager_sees_only_their_subtree(personas, org):
    wave = _wave(org)
    access = access_for_user(user=personas["manager"], slug="acme")
    table = _table(wave_rates(access=access, wave=wave))
    assert set(table) == {"Sales", "Sales/North", "Sales/South"}
    assert table["Sales"] == (10, 3, 30) and table["Sales/North"] is None


def test_the_viewer_sees_the_organisation_total_only(personas, org):
    wave = _wave(org)
    table = _table(wave_rates(access=access_for_user(user=personas["viewer"], slug="acme"), wave=wave))
    assert table == {"all": (20, 3, 15)}


def test_rates_take_two_queries_whatever_the_size(personas, org, django_assert_max_num_queries):
    wave = _wave(org)
    access = access_for_user(user=personas["owner"], slug="acme")
    with django_assert_max_num_queries(2):
        wave_rates(access=access, wave=wave)


def test_the_wave_page_shows_too_few_to_show(client, personas, org):
    wave = _wave(org)
    client.force_login(personas["manager"])
    page = client.get(f"/o/acme/assessments/waves/{wave.pk}/").content.decode()
    assert "too few to show" in page and "Operations" not in page


def test_answered_counts_of_an_open_anonymous_wave_move_only_in_steps_of_the_threshold(personas, org):
    # given an open anonymous wave where 7 of Sales' 10 have answered
    wave = _wave(org, answered_in_north=7)
    wave.refresh_from_db()
    assert wave.status == "open" and wave.assessment.anonymity == "anonymous"
    access = access_for_user(user=personas["owner"], slug="acme")
    # when the owner looks at the live rates / then 7 shows as 5 (a multiple of k = 5), never the exact count
    table = _table(wave_rates(access=access, wave=wave))
    assert table["Sales"] == (10, 5, 50) and table["all"] == (20, 5, 25)
    # and once the wave closes, the exact count is shown
    wave.status = "closed"
    assert _table(wave_rates(access=access, wave=wave))["Sales"] == (10, 7, 70)
