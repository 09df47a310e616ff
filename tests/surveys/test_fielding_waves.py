"""Wave life cycle: create, schedule (repeating), close early, extend, reminders, the beat tick."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from assessments.models import Wave
from assessments.waves import WaveError, add_months, assessment_create, parse_reminder_days, wave_close, wave_extend, wave_schedule
from surveys.fielding import invitation_failures_sync, reminders_send, wave_open, waves_tick
from surveys.models import Draft, Invitation
from surveys.tasks import waves_tick as waves_tick_task
from surveys.tokens import draft_key_for, token_hash
from tests.factories import AssessmentFactory, PersonFactory, WaveFactory, core_version
from trustier.models import AuditEvent, OutboxMessage

DAY = datetime.timedelta(days=1)


def test_assessment_create_is_audited_and_checks_the_version(personas, org):
    version = core_version()
    assessment = assessment_create(actor=personas["owner"], organisation=org, name=" Trust 2027 ", audience="inside",
                                   anonymity="anonymous", instrument_version=version, units=[org.test_units["Sales"]], languages=["en", "nl"])
    assert assessment.name == "Trust 2027" and assessment.languages == ["nl", "en"]
    assert list(assessment.units.all()) == [org.test_units["Sales"]]
    assert AuditEvent.objects.filter(verb="assessment.created", object_id=str(assessment.pk)).exists()


def test_assessment_create_refuses_a_foreign_unit(personas, org, other_org):
    with pytest.raises(WaveError):
        assessment_create(actor=None, organisation=org, name="x", audience="inside", anonymity="anonymous",
                          instrument_version=core_version(), units=[other_org.test_units["Finance"]])


def test_quarterly_four_times_in_one_go(personas, org):
    # given an assessment
    assessment = AssessmentFactory(organisation=org)
    start = timezone.now() + DAY
    # when the owner schedules every 3 months × 4
    waves = wave_schedule(actor=personas["owner"], assessment=assessment, opens_at=start, closes_at=start + 14 * DAY,
                          reminder_days=[7, 3], invitation_text={"nl": "Hoi", "en": " "}, repeat_months=3, count=4)
    # then four draft waves, numbered 1..4, three months apart, each two weeks long, each audited
    assert [w.number for w in waves] == [1, 2, 3, 4]
    assert [w.opens_at for w in waves] == [add_months(start, 3 * i) for i in range(4)]
    assert all(w.closes_at - w.opens_at == 14 * DAY and w.status == "draft" for w in waves)
    assert waves[0].reminder_days == [3, 7] and waves[0].invitation_text == {"nl": "Hoi"}
    assert AuditEvent.objects.filter(verb="wave.scheduled").count() == 4
    # and the next schedule continues the numbering
    [fifth] = wave_schedule(actor=None, assessment=assessment, opens_at=start, closes_at=start + DAY)
    assert fifth.number == 5


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"closes_offset": -1}, "close after"),
    ({"reminder_days": [20]}, "reminder"),
    ({"repeat_months": 1, "count": 3, "length": 40}, "overlap"),
    ({"repeat_months": 3, "count": 13}, "12"),
])
def test_schedule_refuses_nonsense(personas, org, kwargs, message):
    assessment = AssessmentFactory(organisation=org)
    start = timezone.now() + DAY
    length = kwargs.pop("length", 14)
    closes = start + kwargs.pop("closes_offset", length) * DAY
    with pytest.raises(WaveError, match=message):
        wave_schedule(actor=None, assessment=assessment, opens_at=start, closes_at=closes, **kwargs)


def test_parse_reminder_days():
    assert parse_reminder_days(" 7, 3 ,3;") == [3, 7]
    assert parse_reminder_days("") == []
    with pytest.raises(WaveError):
        parse_reminder_days("3,x")


def test_add_months_keeps_the_end_of_the_month():
    moment = datetime.datetime(2027, 1, 31, 9, 0, tzinfo=datetime.UTC)
    assert add_months(moment, 1).day == 28 and add_months(moment, 12).year == 2028


def test_close_early_and_extend_are_audited(personas, org):
    # given an open wave
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org))
    wave_open(actor=personas["owner"], wave=wave)
    # when the owner extends it, then closes it early
    later = wave.closes_at + 7 * DAY
    wave_extend(actor=personas["owner"], wave=wave, closes_at=later)
    wave = wave_close(actor=personas["owner"], wave=wave)
    # then it is closed now, and both changes are in the audit log with before and after
    assert wave.status == "closed" and wave.closed_at is not None and wave.closes_at < later
    extended = AuditEvent.objects.get(verb="wave.extended")
    closed = AuditEvent.objects.get(verb="wave.closed")
    assert extended.actor == personas["owner"] and extended.after["closes_at"] == later.isoformat()
    assert closed.before["status"] == "open" and closed.after["status"] == "closed"
    # and a closed wave cannot be extended; closing again changes nothing
    with pytest.raises(WaveError):
        wave_extend(actor=None, wave=wave, closes_at=later + DAY)
    wave_close(actor=None, wave=wave)
    assert AuditEvent.objects.filter(verb="wave.closed").count() == 1


def test_extend_refuses_an_earlier_time(personas, org):
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org))
    with pytest.raises(WaveError):
        wave_extend(actor=None, wave=wave, closes_at=wave.closes_at - DAY)


def _open_wave_with_people(org, n=4, reminder_days=(3, 7)):
    for i in range(n):
        PersonFactory(organisation=org, unit=org.test_units["Operations"], external_id=f"R{i}")
    assessment = AssessmentFactory(organisation=org)
    assessment.units.set([org.test_units["Operations"]])
    wave = WaveFactory(assessment=assessment, reminder_days=list(reminder_days))
    wave_open(actor=None, wave=wave)
    wave.refresh_from_db()
    return wave


def test_reminders_go_only_to_non_responders_once_per_reminder_day(personas, org):
    # given an open wave of 5 people (O1 + 4), two of whom answered
    wave = _open_wave_with_people(org)
    answered = list(Invitation.objects.filter(wave=wave).order_by("pk")[:2])
    Invitation.objects.filter(pk__in=[i.pk for i in answered]).update(answered=True)
    OutboxMessage.objects.all().delete()
    # when the tick runs before day 3: nothing
    assert reminders_send(wave=wave, now=wave.opened_at + 2 * DAY) == 0
    # on day 3: the three non-responders, once, however often it runs
    assert reminders_send(wave=wave, now=wave.opened_at + 3 * DAY) == 3
    assert reminders_send(wave=wave, now=wave.opened_at + 3 * DAY + datetime.timedelta(hours=5)) == 0
    recipients = {m.payload["to"][0] for m in OutboxMessage.objects.all()}
    assert recipients == set(Invitation.objects.filter(wave=wave, answered=False).values_list("person__email", flat=True))
    assert all(m.payload["ref"]["kind"] == "reminder" for m in OutboxMessage.objects.all())
    # on day 8, after a third person answered: the two remaining get the second reminder
    third = Invitation.objects.filter(wave=wave, answered=False).order_by("pk").first()
    Invitation.objects.filter(pk=third.pk).update(answered=True)
    assert reminders_send(wave=wave, now=wave.opened_at + 8 * DAY) == 2
    assert sorted(Invitation.objects.filter(wave=wave).values_list("reminders_sent", flat=True)) == [0, 0, 1, 2, 2]


def test_a_reminder_link_works_and_moves_the_draft_with_it(personas, org, client):
    # given an open wave where the invitee saved a half-finished draft through their first link
    wave = _open_wave_with_people(org, n=0)
    [first_raw] = set(re.findall(r"/r/([A-Za-z0-9_\-]+)/", OutboxMessage.objects.get().payload["body"]))
    first_item = wave.assessment.instrument_version.items.order_by("section__position", "position").first()
    assert client.post(f"/r/{first_raw}/", {"autosave": "1", f"q_{first_item.key}": "6"}).json() == {"saved": True}
    OutboxMessage.objects.all().delete()
    # when the reminder goes out with a new link
    reminders_send(wave=wave, now=wave.opened_at + 3 * DAY)
    [raw] = set(re.findall(r"/r/([A-Za-z0-9_\-]+)/", OutboxMessage.objects.get().payload["body"]))
    # then the new link opens the survey with the saved answer, and the draft's key is not the token hash
    invitation = Invitation.objects.get(wave=wave)
    assert invitation.token_hash == token_hash(raw) and Draft.objects.get().key == draft_key_for(invitation.token_hash)
    assert Draft.objects.get().key != invitation.token_hash
    page = client.get(f"/r/{raw}/").content.decode()
    assert re.search(rf'id="q_{first_item.key}-6" value="6" checked', page)


def test_failed_deliveries_are_recorded_on_the_invitation(personas, org):
    wave = _open_wave_with_people(org, n=1)
    message = OutboxMessage.objects.order_by("pk").first()
    OutboxMessage.objects.filter(pk=message.pk).update(status="failed", last_error="SMTPRecipientsRefused: no such user")
    assert invitation_failures_sync(wave=wave) == 1
    invitation = Invitation.objects.get(pk=message.payload["ref"]["invitation"])
    assert "no such user" in invitation.last_error
    assert Invitation.objects.filter(wave=wave, last_error="").count() == 1


def test_waves_tick_opens_reminds_and_closes_and_is_idempotent(personas, org):
    now = timezone.now()
    # given a due draft wave, an open wave past its closing time, and a future wave
    due = WaveFactory(assessment=AssessmentFactory(organisation=org), opens_at=now - datetime.timedelta(minutes=1))
    ending = WaveFactory(assessment=AssessmentFactory(organisation=org), opens_at=now - 20 * DAY, closes_at=now - 6 * DAY)
    Wave.objects.filter(pk=ending.pk).update(status="open", opened_at=now - 20 * DAY)
    future = WaveFactory(assessment=AssessmentFactory(organisation=org), opens_at=now + DAY)
    # when the tick runs twice
    first = waves_tick(now=now)
    second = waves_tick(now=now)
    # then the due wave opened once, the ended one closed once, the future one waits
    assert first == {"opened": 1, "reminded": 0, "closed": 1}
    assert second == {"opened": 0, "reminded": 0, "closed": 0}
    statuses = dict(Wave.objects.values_list("pk", "status"))
    assert (statuses[due.pk], statuses[ending.pk], statuses[future.pk]) == ("open", "closed", "draft")
    assert Invitation.objects.filter(wave=due).count() == 2 and OutboxMessage.objects.count() == 2
    # and four days later the reminders of day 3 go out, once
    assert waves_tick(now=now + 4 * DAY)["reminded"] == 2
    assert waves_tick(now=now + 4 * DAY)["reminded"] == 0


def test_the_celery_task_runs_the_tick(personas, org):
    WaveFactory(assessment=AssessmentFactory(organisation=org), opens_at=timezone.now() - datetime.timedelta(minutes=1))
    result = waves_tick_task.delay().get()
    assert result["opened"] == 1


def test_the_tick_is_on_the_beat_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["waves-tick"] == {"task": "surveys.tasks.waves_tick", "schedule": 60.0}

