"""The managers' own forms of a reciprocal wave (issue 11): the prediction and the team rating, their pages and the email."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.access import access_for_user
from assessments.models import Wave
from assessments.waves import WaveError, assessment_create, wave_close
from surveys import manager_forms as mf
from surveys.fielding import wave_open
from surveys.manager_forms import ManagerFormError
from surveys.models import ManagerPrediction, TeamRating
from tests.factories import AssessmentFactory, MembershipFactory, UserFactory, WaveFactory, core_version
from trustier.models import AuditEvent, OutboxMessage

FELT = "core-inside-felt-trust"
PREDICTION = {"competence": 37, "reliability": 81, "integrity": 64, "empathy": 29}
CHANGED = {"competence": 42, "reliability": 58, "integrity": 71, "empathy": 33}
FINAL_MESSAGE = "Your prediction was saved before the wave opened and no longer changes."


def _wave(org, *, status=Wave.Status.DRAFT, units=("Sales",), reciprocal=True, audience="inside") -> Wave:
    """A reciprocal wave of `org` in `status`, with times around now (draft: opens tomorrow; closed: ended last week)."""
    assessment = AssessmentFactory(organisation=org, reciprocal=reciprocal, audience=audience,
                                   instrument_version=core_version(FELT))
    assessment.units.set([org.test_units[u] for u in units])
    now = timezone.now()
    opens = {Wave.Status.DRAFT: now + datetime.timedelta(days=1), Wave.Status.OPEN: now - datetime.timedelta(days=1)}.get(
        status, now - datetime.timedelta(days=20))
    closes = opens + datetime.timedelta(days=14)
    return WaveFactory(assessment=assessment, status=status, opens_at=opens, closes_at=closes,
                       opened_at=None if status == Wave.Status.DRAFT else opens,
                       closed_at=closes if status == Wave.Status.CLOSED else None)


def _access(user, slug="acme"):
    return access_for_user(user=user, slug=slug)


def _manager(org, unit: str, **user_fields):
    return MembershipFactory(organisation=org, role="manager", unit=org.test_units[unit], user=UserFactory(**user_fields)).user


def _page(wave) -> str:
    return reverse("manager_team_wave", kwargs={"slug": "acme", "pk": wave.pk})


def _predict(manager, wave, values=PREDICTION):
    return mf.prediction_save(actor=manager, access=_access(manager), wave=wave, values=dict(values))


def _team_keys() -> list[str]:
    return [item.key for item in mf.team_form(mf.team_form_version())[1]]


def _team_answers(value=5) -> dict:
    return {key: value for key in _team_keys()}


def _team_post(value="5", **override) -> dict:
    data = {"form": "team", **{f"q_{key}": value for key in _team_keys()}}
    data.update(override)
    return data


def _stored(manager, wave) -> dict | None:
    row = ManagerPrediction.objects.filter(wave=wave, user=manager).first()
    return row.values if row else None


def _shows_values(html: str, values: dict) -> bool:
    """True when any of the prediction's numbers is on the page as a value (an input's value or a cell)."""
    return any(re.search(rf'(value="{v}"|>\s*{v}\s*<)', html) for v in values.values())


# --- the prediction ------------------------------------------------------------------------------

def test_a_prediction_changes_while_draft_and_never_after_the_wave_opens(client, personas, org):
    # given a draft reciprocal wave of Sales and its manager, who predicts and then changes their mind
    manager = personas["manager"]
    wave = _wave(org)
    client.force_login(manager)
    response = client.post(_page(wave), {"form": "prediction", **PREDICTION})
    assert response.status_code == 302
    response = client.post(_page(wave), {"form": "prediction", **CHANGED})
    assert response.status_code == 302
    assert _stored(manager, wave) == CHANGED
    # when the wave opens and the manager tries to change it again (through the service and a tampered POST)
    wave_open(actor=personas["owner"], wave=wave, base_url="https://trust.example")
    wave.refresh_from_db()
    with pytest.raises(ManagerFormError) as refused:
        _predict(manager, wave, PREDICTION)
    response = client.post(_page(wave), {"form": "prediction", **PREDICTION})
    # then both are refused with the message, and the stored values stay as they were before opening
    assert str(refused.value) == FINAL_MESSAGE
    assert response.status_code == 200 and FINAL_MESSAGE in response.content.decode()
    assert _stored(manager, wave) == CHANGED
    # and the page shows the values read-only, saved before the wave opened
    html = client.get(_page(wave)).content.decode()
    assert 'name="competence"' not in html and "before the wave opened" in html
    assert _shows_values(html, CHANGED)


def test_a_manager_who_had_not_predicted_may_predict_once_during_fielding(personas, org):
    # given an open reciprocal wave and a manager without a prediction
    manager = personas["manager"]
    wave = _wave(org, status=Wave.Status.OPEN)
    # when they predict, then try again
    first = _predict(manager, wave, PREDICTION)
    with pytest.raises(ManagerFormError) as refused:
        _predict(manager, wave, CHANGED)
    # then the first prediction is final
    assert first.values == PREDICTION and _stored(manager, wave) == PREDICTION
    assert "final" in str(refused.value)
    assert ManagerPrediction.objects.filter(wave=wave).count() == 1


def test_the_page_says_a_prediction_made_during_fielding_was_saved_after_opening(client, personas, org):
    # given an open wave and a manager who predicts on the page
    manager = personas["manager"]
    wave = _wave(org, status=Wave.Status.OPEN)
    client.force_login(manager)
    page = client.get(_page(wave)).content.decode()
    assert "once you save your prediction, it is final" in page
    client.post(_page(wave), {"form": "prediction", **PREDICTION})
    # when they open the page again
    html = client.get(_page(wave)).content.decode()
    # then the values are read-only, saved after the wave opened
    assert "after the wave opened" in html and _shows_values(html, PREDICTION) and 'name="competence"' not in html


@pytest.mark.parametrize("values", [
    {"competence": 101, "reliability": 50, "integrity": 50, "empathy": 50},
    {"competence": -1, "reliability": 50, "integrity": 50, "empathy": 50},
    {"competence": 50, "reliability": 50, "integrity": 50},
    {"competence": 50, "reliability": 50, "integrity": 50, "empathy": 50, "trust_index": 50},
    {"competence": "50", "reliability": 50, "integrity": 50, "empathy": 50},
    {"competence": True, "reliability": 50, "integrity": 50, "empathy": 50},
    {"competence": 50.5, "reliability": 50, "integrity": 50, "empathy": 50},
])
def test_the_service_refuses_anything_but_four_whole_numbers_from_0_to_100(personas, org, values):
    # given a draft wave / when saving a malformed prediction / then it is refused and nothing is stored
    wave = _wave(org)
    with pytest.raises(ManagerFormError):
        _predict(personas["manager"], wave, values)
    assert not ManagerPrediction.objects.exists()


@pytest.mark.parametrize("post", [
    {"competence": "101", "reliability": "50", "integrity": "50", "empathy": "50"},
    {"competence": "50", "reliability": "50", "integrity": "50"},
    {"competence": "fifty", "reliability": "50", "integrity": "50", "empathy": "50"},
    {"competence": "5\x00", "reliability": "50", "integrity": "50", "empathy": "50"},
])
def test_bad_prediction_input_is_a_message_not_a_crash(client, personas, org, post):
    # given a draft wave / when the manager posts bad numbers
    wave = _wave(org)
    client.force_login(personas["manager"])
    response = client.post(_page(wave), {"form": "prediction", **post})
    # then the form comes back with a message and nothing is stored
    assert response.status_code == 200
    assert "nothing was saved" in response.content.decode()
    assert not ManagerPrediction.objects.exists()


def test_after_closing_neither_form_can_be_saved(client, personas, org):
    # given a closed reciprocal wave
    manager = personas["manager"]
    wave = _wave(org, status=Wave.Status.CLOSED)
    # when the manager tries to predict or rate the team, through the services and the page
    with pytest.raises(ManagerFormError):
        _predict(manager, wave)
    with pytest.raises(ManagerFormError):
        mf.team_rating_save(actor=manager, access=_access(manager), wave=wave, answers=_team_answers())
    client.force_login(manager)
    prediction = client.post(_page(wave), {"form": "prediction", **PREDICTION})
    team = client.post(_page(wave), _team_post())
    # then everything is refused with a message, nothing is stored, and the page points to the results
    assert prediction.status_code == 200 and "closed" in prediction.content.decode()
    assert team.status_code == 200 and "closed" in team.content.decode()
    assert not ManagerPrediction.objects.exists() and not TeamRating.objects.exists()
    unit_dashboard = reverse("dashboard_unit", kwargs={"slug": "acme", "unit_pk": org.test_units["Sales"].pk})
    assert unit_dashboard in client.get(_page(wave)).content.decode()


def test_an_open_wave_past_its_closing_time_counts_as_closed(personas, org):
    # given a wave still marked open although its closing time has passed (the tick has not run yet)
    wave = _wave(org, status=Wave.Status.OPEN)
    Wave.objects.filter(pk=wave.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    wave.refresh_from_db()
    # when the manager predicts / then it is refused
    with pytest.raises(ManagerFormError):
        _predict(personas["manager"], wave)


# --- who sees the prediction ----------------------------------------------------------------------

def test_a_prediction_is_seen_by_its_manager_only(client, personas, org):
    # given a reciprocal wave of the whole organisation, the Sales manager's prediction, and a manager of Operations
    wave = _wave(org, units=())
    manager = personas["manager"]
    _predict(manager, wave)
    other_manager = _manager(org, "Operations")
    client.force_login(manager)
    # when the manager opens their page / then the values are there
    assert _shows_values(client.get(_page(wave)).content.decode(), PREDICTION)
    # when anyone else opens the page of that wave
    for persona, status in (("owner", 403), ("consultant", 403), ("viewer", 403), ("outsider", 404)):
        client.force_login(personas[persona])
        assert client.get(_page(wave)).status_code == status, persona
        assert client.get(reverse("manager_team", kwargs={"slug": "acme"})).status_code == status, persona
    # then the other manager sees their own (empty) forms only, never the Sales manager's values
    client.force_login(other_manager)
    for url in (_page(wave), reverse("manager_team", kwargs={"slug": "acme"})):
        response = client.get(url)
        assert response.status_code == 200
        assert not _shows_values(response.content.decode(), PREDICTION)
    # and the owner's audit log holds the event without any value
    [event] = AuditEvent.objects.filter(verb="reciprocal.prediction_saved")
    assert event.after == {"wave": wave.number, "unit": "Sales"} and event.before == {}
    client.force_login(personas["owner"])
    audit = client.get(reverse("audit_log", kwargs={"slug": "acme"}))
    assert audit.status_code == 200 and not _shows_values(audit.content.decode(), PREDICTION)


def test_a_manager_out_of_scope_or_of_a_non_reciprocal_wave_gets_404(client, personas, org):
    # given a reciprocal wave of Operations only, a non-reciprocal wave and an outside one
    operations = _wave(org, units=("Operations",))
    plain = _wave(org, reciprocal=False)
    client.force_login(personas["manager"])  # manages Sales
    # when the Sales manager opens them / then each is not found, and the service refuses too
    for wave in (operations, plain):
        assert client.get(_page(wave)).status_code == 404
        with pytest.raises(ManagerFormError):
            _predict(personas["manager"], wave)
    assert not ManagerPrediction.objects.exists()


def test_a_manager_above_the_scope_is_not_asked(client, personas, org):
    # given a wave of Sales/North only: the Sales manager's unit is above the scope, not in it
    wave = _wave(org, units=("Sales/North",))
    north = _manager(org, "Sales/North")
    client.force_login(personas["manager"])
    assert client.get(_page(wave)).status_code == 404
    # when the manager of Sales/North opens it / then it is theirs
    client.force_login(north)
    assert client.get(_page(wave)).status_code == 200


def test_the_list_shows_each_reciprocal_wave_in_scope_with_its_state_in_constant_queries(
        client, personas, org, django_assert_num_queries):
    # given a draft, an open and a closed reciprocal wave of Sales, and one of Operations
    manager = personas["manager"]
    draft, opened, closed = (_wave(org, status=s) for s in (Wave.Status.DRAFT, Wave.Status.OPEN, Wave.Status.CLOSED))
    _wave(org, units=("Operations",))
    _predict(manager, draft)
    mf.team_rating_save(actor=manager, access=_access(manager), wave=opened, answers=_team_answers())
    access = _access(manager)
    # when listing (twice as many waves must not cost more queries)
    with django_assert_num_queries(4):
        rows = mf.manager_waves(access=access)
    for _ in range(3):
        _wave(org, status=Wave.Status.OPEN)
    with django_assert_num_queries(4):
        assert len(mf.manager_waves(access=access)) == 6
    # then the three of Sales are listed with the manager's own prediction and rating
    by_wave = {row.wave.pk: row for row in rows}
    assert set(by_wave) == {draft.pk, opened.pk, closed.pk}
    assert by_wave[draft.pk].prediction.values == PREDICTION and by_wave[draft.pk].prediction_editable
    assert by_wave[opened.pk].rating is not None and by_wave[opened.pk].team_open
    assert by_wave[closed.pk].phase == mf.CLOSED
    # and the page says what can be done with each
    client.force_login(manager)
    html = client.get(reverse("manager_team", kwargs={"slug": "acme"})).content.decode()
    assert "Prediction open until the wave opens" in html and "Team form open until" in html
    assert reverse("dashboard_unit", kwargs={"slug": "acme", "unit_pk": org.test_units["Sales"].pk}) in html
    # and other roles get no rows
    assert mf.manager_waves(access=_access(personas["owner"])) == []


def test_only_managers_see_the_my_team_link(client, personas):
    # given the organisation's overview page / when a manager and an owner open it / then only the manager's has the link
    url = reverse("manager_team", kwargs={"slug": "acme"})
    client.force_login(personas["manager"])
    assert url in client.get(reverse("organisation", kwargs={"slug": "acme"})).content.decode()
    client.force_login(personas["owner"])
    assert url not in client.get(reverse("organisation", kwargs={"slug": "acme"})).content.decode()


# --- the team rating ----------------------------------------------------------------------------

def test_the_team_form_is_open_only_while_the_wave_is(personas, org):
    # given a draft and a closed wave / when the manager rates the team / then both are refused
    manager = personas["manager"]
    for status in (Wave.Status.DRAFT, Wave.Status.CLOSED):
        with pytest.raises(ManagerFormError):
            mf.team_rating_save(actor=manager, access=_access(manager), wave=_wave(org, status=status), answers=_team_answers())
    assert not TeamRating.objects.exists()


def test_a_team_rating_is_one_row_per_manager_and_wave_with_dont_know_as_null(client, personas, org):
    # given an open wave and its manager on the page, which shows the 13 questions with {organisation} filled in
    manager = personas["manager"]
    wave = _wave(org, status=Wave.Status.OPEN)
    client.force_login(manager)
    page = client.get(_page(wave)).content.decode()
    assert page.count('type="radio"') == 13 * 8
    assert "My team genuinely wants what is best for Acme." in page and "{organisation}" not in page
    # when they save, then change one answer to "don't know"
    assert client.post(_page(wave), _team_post("5")).status_code == 302
    key = _team_keys()[0]
    assert client.post(_page(wave), _team_post("6", **{f"q_{key}": "dk"})).status_code == 302
    # then one row holds the latest answers, don't know as null, and the audit event carries no answer
    [rating] = TeamRating.objects.filter(wave=wave)
    assert rating.user == manager and rating.unit == org.test_units["Sales"]
    assert rating.answers[key] is None and set(rating.answers.values()) == {None, 6} and len(rating.answers) == 13
    assert rating.version.instrument.key == "module-manager-team"
    events = AuditEvent.objects.filter(verb="reciprocal.team_rated")
    assert events.count() == 2 and all(e.after == {"wave": wave.number, "unit": "Sales"} for e in events)
    # and the page shows the saved answers checked
    assert 'value="dk" checked' in client.get(_page(wave)).content.decode()


@pytest.mark.parametrize(("override", "message"), [
    ({"q_team_com_expertise": "8"}, "Please choose one of the answers shown."),
    ({"q_team_com_expertise": "very"}, "Please choose one of the answers shown."),
    ({"q_team_com_expertise": ""}, "Please choose an answer"),
    ({"q_team_someone": "5"}, "not part of the team form"),
])
def test_bad_team_answers_are_a_message_and_nothing_is_stored(client, personas, org, override, message):
    # given an open wave / when the manager posts an impossible, missing or unknown answer
    wave = _wave(org, status=Wave.Status.OPEN)
    client.force_login(personas["manager"])
    response = client.post(_page(wave), _team_post("5", **override))
    # then the form comes back with a clear message and nothing is stored
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TeamRating.objects.exists()


@pytest.mark.parametrize("answers", [
    {"team_com_expertise": 8},
    {"team_com_expertise": 0},
    {"team_com_expertise": "5"},
    {"team_someone": 5},
    {"team_com_expertise": None, "__drop__": "team_rel_agreements"},
])
def test_the_service_refuses_answers_off_the_form(personas, org, answers):
    # given an open wave / when the service gets answers off the scale, unknown keys or a missing item
    wave = _wave(org, status=Wave.Status.OPEN)
    data = _team_answers()
    drop = answers.pop("__drop__", None)
    data.update(answers)
    data.pop(drop, None)
    # then it refuses and stores nothing
    with pytest.raises(ManagerFormError):
        mf.team_rating_save(actor=personas["manager"], access=_access(personas["manager"]), wave=wave, answers=data)
    assert not TeamRating.objects.exists()


def test_unknown_form_is_a_message(client, personas, org):
    wave = _wave(org, status=Wave.Status.OPEN)
    client.force_login(personas["manager"])
    response = client.post(_page(wave), {"form": "other"})
    assert response.status_code == 200 and "Unknown form" in response.content.decode()


# --- the email when the wave opens -----------------------------------------------------------------

def test_opening_a_reciprocal_wave_emails_each_manager_in_scope_in_their_language(personas, org):
    # given a reciprocal wave of Sales; managers of Sales (English), Sales/North (Dutch) and Operations (out of scope)
    wave = _wave(org)
    north = _manager(org, "Sales/North", language="nl", full_name="Noor")
    operations = _manager(org, "Operations")
    # when the owner opens the wave
    wave_open(actor=personas["owner"], wave=wave, base_url="https://trust.example")
    # then each manager in scope gets one email with the link to their page, in their language; Operations none
    mails = {m.payload["to"][0]: m.payload for m in OutboxMessage.objects.filter(kind="email", payload__ref__kind="manager_forms")}
    assert set(mails) == {personas["manager"].email, north.email}
    assert operations.email not in mails
    link = "https://trust.example" + _page(wave)
    english, dutch = mails[personas["manager"].email], mails[north.email]
    for mail in (english, dutch):
        assert link in mail["body"] and link in mail["alternatives"][0][0]
    assert "predict" in english["subject"].lower() and "never one person" in english["body"]
    assert "only you see your prediction" in english["body"].lower()
    assert "Hallo Noor," in dutch["body"] and "Hello" not in dutch["body"]
    # and the invitations' delivery figures are not mixed with these emails
    assert not OutboxMessage.objects.filter(payload__ref__kind="manager_forms", payload__ref__wave=wave.pk).exists()


def test_opening_a_wave_that_does_not_ask_managers_sends_them_nothing(personas, org):
    # given a wave that is not reciprocal / when it opens / then no manager email is queued
    wave = _wave(org, reciprocal=False)
    wave_open(actor=personas["owner"], wave=wave, base_url="https://trust.example")
    assert not OutboxMessage.objects.filter(payload__ref__kind="manager_forms").exists()
    assert OutboxMessage.objects.filter(kind="email").count() == 1  # S1's invitation only


def test_managers_of_wave_are_those_in_scope(personas, org):
    # given a whole-organisation wave and one of Sales/South
    _manager(org, "Operations")
    south = _manager(org, "Sales/South")
    everyone = {m.user for m in mf.managers_of_wave(_wave(org, units=()))}
    only_south = {m.user for m in mf.managers_of_wave(_wave(org, units=("Sales/South",)))}
    assert personas["manager"] in everyone and len(everyone) == 3
    assert only_south == {south}


# --- creating a reciprocal assessment -------------------------------------------------------------

def test_only_inside_assessments_ask_managers_about_their_team(personas, org):
    # given an outside audience / when creating a reciprocal assessment / then it is refused
    with pytest.raises(WaveError) as refused:
        assessment_create(actor=personas["owner"], organisation=org, name="Customers", audience="outside",
                          anonymity="anonymous", instrument_version=core_version("core-outside"), reciprocal=True)
    assert str(refused.value) == "Only employee (inside) assessments ask managers about their team."
    # and an inside one keeps the flag
    inside = assessment_create(actor=personas["owner"], organisation=org, name="Inside", audience="inside",
                               anonymity="anonymous", instrument_version=core_version(FELT), reciprocal=True)
    assert inside.reciprocal


def test_the_owner_creates_a_reciprocal_assessment_with_felt_trust_from_the_page(client, personas, org):
    # given the owner on the new-assessment page
    client.force_login(personas["owner"])
    url = reverse("assessment_create", kwargs={"slug": "acme"})
    form = client.get(url).context["form"]
    choices = {v.instrument.key: v for v in form.fields["instrument_version"].queryset}
    # then the questionnaire with felt trust is offered, the modules on their own are not
    assert FELT in choices and "module-manager-team" not in choices and "module-felt-trust" not in choices
    # when they create an inside assessment that asks managers about their team
    response = client.post(url, {"name": "Trust 2027", "audience": "inside", "anonymity": "anonymous",
                                 "instrument_version": choices[FELT].pk, "languages": ["nl", "en"], "reciprocal": "on"})
    # then it is created with the flag, which its page shows
    assert response.status_code == 302
    assessment = org.assessments.get(name="Trust 2027")
    assert assessment.reciprocal
    detail = client.get(reverse("assessment_detail", kwargs={"slug": "acme", "pk": assessment.pk})).content.decode()
    assert "predicts how the team will rate the leadership" in detail
    # and an outside one with the box ticked is refused with the message
    response = client.post(url, {"name": "Customers", "audience": "outside", "anonymity": "anonymous",
                                 "instrument_version": choices[FELT].pk, "languages": ["nl", "en"], "reciprocal": "on"})
    assert response.status_code == 200 and "Only employee (inside) assessments" in response.content.decode()


def test_closing_keeps_the_team_rating_readable(client, personas, org):
    # given a rating saved while open, then the wave closes
    manager = personas["manager"]
    wave = _wave(org, status=Wave.Status.OPEN)
    mf.team_rating_save(actor=manager, access=_access(manager), wave=wave, answers=_team_answers(3))
    wave_close(actor=personas["owner"], wave=wave)
    # when the manager opens the page / then the answers are shown in words, without a form
    client.force_login(manager)
    html = client.get(_page(wave)).content.decode()
    assert "3 · Somewhat disagree" in html and 'type="radio"' not in html
