"""reports.alerts: one email digest per wave and recipient for significant drops (issue 7, point 6)."""

from __future__ import annotations

import pytest

from assessments.models import Wave
from assessments.scoring import Settings
from reports import tasks
from reports.alerts import alerts_send
from reports.models import SnapshotAlert
from reports.snapshots import snapshots_build
from surveys.models import Answer
from tests.factories import AssessmentFactory, MembershipFactory, OrganisationFactory, WaveFactory, unit_tree
from tests.reports.test_wave_scoring import fill
from trustier.models import AuditEvent, OutboxMessage

FAST = Settings(resamples=20)


def mails_to(user) -> list[dict]:
    return [m.payload for m in OutboxMessage.objects.filter(kind="email") if m.payload["to"] == [user.email]]


def two_waves(org, *, dropping: str, sizes: dict[str, int]) -> tuple[Wave, Wave]:
    """Waves 1 and 2 with `sizes` respondents per unit path; in wave 2 everyone in `dropping` answers 1."""
    assessment = AssessmentFactory(organisation=org)
    waves = []
    for number in (1, 2):
        wave = WaveFactory(assessment=assessment, number=number, status=Wave.Status.CLOSED)
        fill(wave, [org.test_units[p] for p, n in sizes.items() for _ in range(n)], seed=number)
        waves.append(wave)
    Answer.objects.filter(response__wave=waves[1], response__unit=org.test_units[dropping],
                          value__isnull=False).update(value=1)
    return waves[0], waves[1]


@pytest.fixture
def dropped(org, personas):
    """Operations (30) collapses in wave 2, Sales/North (30) stays; Sales/South has 3 (hidden)."""
    w1, w2 = two_waves(org, dropping="Operations", sizes={"Sales/North": 30, "Operations": 30, "Sales/South": 3})
    snapshots_build(settings=FAST)
    return w1, w2


def test_owner_gets_one_digest_with_every_drop_and_a_dashboard_link(org, personas, dropped, settings) -> None:
    # given a built wave 2 where Operations and the organisation dropped
    settings.TRUSTIER_SITE_URL = "https://trust.example.test/"
    _, w2 = dropped
    # when alerts are sent
    sent = alerts_send()
    # then the owner has exactly one email listing the organisation and Operations, vs wave 1
    mails = mails_to(personas["owner"])
    assert sent >= 1 and len(mails) == 1
    body = mails[0]["body"]
    assert "Acme — Trust Index:" in body and "Operations — Competence:" in body and "vs wave 1" in body
    assert f"https://trust.example.test/o/acme/dashboard/?assessment={w2.assessment_id}&wave=2" in body
    assert "Sales/South" not in body and "Sales/North" not in body
    assert mails[0]["alternatives"] and "Operations" in mails[0]["alternatives"][0][0]
    # and the sending is audited
    event = AuditEvent.objects.get(verb="snapshot.alert_sent")
    assert event.object_id == str(w2.pk) and personas["owner"].pk in [r["user"] for r in event.after["recipients"]]


def test_managers_get_only_drops_inside_their_subtree(org, personas, dropped) -> None:
    # given a manager of Operations beside the manager of Sales
    ops_manager = MembershipFactory(organisation=org, role="manager", unit=org.test_units["Operations"]).user
    # when alerts are sent
    alerts_send()
    # then the Operations manager gets Operations' drops but not the organisation-wide row
    [mail] = mails_to(ops_manager)
    assert "Operations — Integrity:" in mail["body"] and "Acme —" not in mail["body"]
    # and the Sales manager (no drop in Sales), the consultant and the viewer get nothing
    for name in ("manager", "consultant", "viewer", "outsider"):
        assert mails_to(personas[name]) == []


def test_rebuilding_never_sends_twice(org, personas, dropped) -> None:
    # given the digests were sent
    alerts_send()
    count = OutboxMessage.objects.filter(kind="email").count()
    # when the wave is rebuilt and alerts run again (twice)
    snapshots_build(force=True, settings=FAST)
    assert alerts_send() == 0 and alerts_send() == 0
    # then no new email, and one SnapshotAlert per recipient
    assert OutboxMessage.objects.filter(kind="email").count() == count
    assert SnapshotAlert.objects.filter(user=personas["owner"]).count() == 1


def test_a_group_below_the_threshold_never_alerts(org, personas) -> None:
    # given only Sales/South (3 respondents, hidden) collapses, and its manager
    south_manager = MembershipFactory(organisation=org, role="manager", unit=org.test_units["Sales/South"]).user
    two_waves(org, dropping="Sales/South", sizes={"Sales/North": 30, "Operations": 30, "Sales/South": 3})
    snapshots_build(settings=FAST)
    # when alerts are sent, then nobody hears about Sales/South
    alerts_send()
    assert mails_to(south_manager) == []
    assert all("Sales/South" not in m.payload["body"] for m in OutboxMessage.objects.filter(kind="email"))


def test_manager_of_the_single_root_gets_the_organisation_row(db) -> None:
    # given an organisation with one root unit, its manager, and a drop in the only team
    org = OrganisationFactory(slug="solo")
    org.test_units = unit_tree(org, ["Company/Team", "Company/Other"])
    boss = MembershipFactory(organisation=org, role="manager", unit=org.test_units["Company"]).user
    two_waves(org, dropping="Company/Team", sizes={"Company/Team": 30, "Company/Other": 30})
    snapshots_build(settings=FAST)
    # when alerts are sent
    alerts_send()
    # then the root's manager sees the organisation-wide drop as well
    [mail] = mails_to(boss)
    assert f"{org.name} — Trust Index:" in mail["body"] and "Company/Team — Trust Index:" in mail["body"]


def test_digest_in_the_recipients_language(org, personas, dropped) -> None:
    # given an owner who reads Dutch
    dutch = MembershipFactory(organisation=org, role="owner", user__language="nl").user
    # when alerts are sent
    alerts_send()
    # then the Dutch digest names the measures in Dutch and writes decimal commas
    [mail] = mails_to(dutch)
    assert "Integriteit" in mail["body"] and "Integrity" not in mail["body"]
    line = next(x for x in mail["body"].splitlines() if "Integriteit" in x)
    assert "," in line.split(":")[1].split("[")[0]


def test_only_the_latest_wave_of_an_assessment_alerts(org, personas) -> None:
    # given wave 2 dropped but a wave 3 exists (built in the same run)
    w1, w2 = two_waves(org, dropping="Operations", sizes={"Sales/North": 30, "Operations": 30})
    w3 = WaveFactory(assessment=w1.assessment, number=3, status=Wave.Status.CLOSED)
    fill(w3, [org.test_units["Operations"]] * 30 + [org.test_units["Sales/North"]] * 30, seed=9)
    snapshots_build(settings=FAST)
    # when alerts are sent, then nothing is said about wave 2 (wave 3 recovered: a rise is no alert)
    alerts_send()
    assert not SnapshotAlert.objects.filter(wave=w2).exists()
    assert mails_to(personas["owner"]) == []


def test_the_snapshot_task_builds_then_alerts(org, personas) -> None:
    # given a dropped wave that is not built yet
    two_waves(org, dropping="Operations", sizes={"Sales/North": 30, "Operations": 30})
    # when the task runs (eager in tests)
    result = tasks.snapshots_build.delay().get()
    # then it built the waves and queued the owner's digest
    assert result["waves_built"] == 2 and result["alerts_sent"] >= 1
    assert len(mails_to(personas["owner"])) == 1


def test_points_keep_a_bound_near_zero_readable() -> None:
    # given/when/then bounds are written with one decimal, more only where one would show 0.0
    from reports.alerts import points

    assert (points(-7.04), points(-0.04), points(-0.004), points(0.0)) == ("-7.0", "-0.04", "-0.004", "0.0")
