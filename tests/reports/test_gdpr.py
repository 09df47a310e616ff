"""T15 (GDPR): export of a person, erasure of a person, retention of respondent-level data, the privacy pages.

Reported line: "R requests: 0 residual rows"."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from assessments.models import Person
from reports.models import SnapshotComment, TrendSnapshot
from reports.privacy import person_erase, person_residue, retention_apply
from reports.snapshots import snapshots_build
from surveys.models import Answer, Draft, Invitation, Response
from surveys.respondent_privacy import privacy_key
from tests.factories import MembershipFactory, PersonFactory, UserFactory
from tests.reports.test_dashboard_data import FAST, build
from tests.surveys.respond_helpers import answer_everything, answers_for, instrument_of, invite, open_wave, respond_url
from trustier.audit import audit_record
from trustier.models import AuditEvent, OutboxMessage

EMAIL = "erin.example@acme.test"
CANARY = "CONFIDENTIAL-CANARY-7f3a"
ANON_CANARY = "ANONYMOUS-CANARY-91bc"
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.EmailField)


def _rows_mentioning(*needles: str) -> dict[str, int]:
    """Every table × every text/JSON column: rows containing any needle (case-insensitive)."""
    hits: dict[str, int] = {}
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not fields:
            continue
        query = models.Q()
        for field in fields:
            for needle in needles:
                lookup = f"{field.name}__icontains"
                if isinstance(field, models.JSONField):
                    query |= models.Q(**{f"_{field.name}_text__icontains": needle})
                else:
                    query |= models.Q(**{lookup: needle})
        casts = {f"_{f.name}_text": models.functions.Cast(f.name, models.TextField())
                 for f in fields if isinstance(f, models.JSONField)}
        count = model._default_manager.annotate(**casts).filter(query).count()
        if count:
            hits[model._meta.label] = count
    return hits


def _comment(client, token, wave, text):
    """Answer every section of `wave` through the respondent pages, with `text` in every comment box."""
    instrument = instrument_of(wave)
    url = respond_url(token)
    for n, section in enumerate(instrument.sections[:-1], start=1):
        client.post(f"{url}?s={n}&lang=en", {**answers_for(instrument, section.items, comment=text), "action": "next"})
    last = len(instrument.sections)
    page = client.get(f"{url}?s={last}&lang=en")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(f"{url}?s={last}&lang=en", {**answers_for(instrument, instrument.sections[-1].items, comment=text),
                                                   "action": "submit", "nonce": nonce})


@pytest.fixture
def erin(org, client):
    """Erin: a person with a login (viewer), a confidential and an anonymous answer, a draft and audit events."""
    person = PersonFactory(organisation=org, unit=org.test_units["Sales/North"], email=EMAIL, first_name="Erin",
                           last_name="Zeldenrust", attributes={"tenure": "2-5"})
    MembershipFactory(organisation=org, role="viewer", user=UserFactory(email=EMAIL))
    audit_record(actor=None, organisation=org, verb="person.created", obj=person, after={"email": EMAIL})
    confidential, anonymous, draft_wave = (open_wave(org, anonymity="confidential"), open_wave(org),
                                           open_wave(org, anonymity="confidential"))
    respondent = client.__class__()
    assert _comment(respondent, invite(confidential, person), confidential, CANARY).status_code in (200, 302)
    assert _comment(respondent, invite(anonymous, person), anonymous, ANON_CANARY).status_code in (200, 302)
    token = invite(draft_wave, person)
    instrument = instrument_of(draft_wave)
    respondent.post(f"{respond_url(token)}?s=1&lang=en", {**answers_for(instrument, instrument.sections[0].items),
                                                          "action": "next"})
    assert Response.objects.filter(invitation__person=person).count() == 1
    assert Draft.objects.filter(wave=draft_wave).count() == 1
    return person


def test_export_holds_every_kind_of_row_and_no_anonymous_answer(client, personas, org, erin):
    # given Erin with a login, three invitations, a confidential and an anonymous response
    client.force_login(personas["owner"])
    # when the owner downloads everything held about her
    response = client.post(reverse("person_export", kwargs={"slug": "acme", "pk": erin.pk}))
    # then it is a JSON attachment with every kind of row
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["email"] == EMAIL and data["person"]["unit"] == "Sales/North"
    assert data["login"]["email"] == EMAIL and data["login"]["roles"] == [{"role": "viewer", "unit": None}]
    assert len(data["invitations"]) == 3 and sorted(i["answered"] for i in data["invitations"]) == [False, True, True]
    [confidential] = data["confidential_responses"]
    assert any(a["text"] == CANARY for a in confidential["answers"]) and len(confidential["answers"]) > 10
    assert [e["verb"] for e in data["audit_events"]] == ["person.created"]
    # and the readme says why anonymous answers are missing; neither they nor a token hash are in it
    assert "anonymous" in data["readme"].lower()
    text = response.content.decode()
    assert ANON_CANARY not in text and "token" not in json.dumps(data["invitations"])
    assert not any(h in text for h in Invitation.objects.values_list("token_hash", flat=True))
    # and the export is audited
    assert AuditEvent.objects.filter(verb="person.exported", object_id=str(erin.pk)).count() == 1


def test_erasure_leaves_zero_residual_rows(client, personas, org, erin, capsys):
    # given Erin, and everything else in the database
    client.force_login(personas["owner"])
    url = reverse("person_erase", kwargs={"slug": "acme", "pk": erin.pk})
    anonymous_before = Response.objects.filter(invitation__isnull=True).count()
    # and a mistyped login of hers, which the login throttle keeps with her email
    client.__class__().post(reverse("login"), {"username": EMAIL.upper(), "password": "wrong"})
    assert _rows_mentioning(EMAIL).get("axes.AccessAttempt") == 1
    # when the owner opens the erase page, then sends it without ticking the confirmation
    assert "Erin" in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 200 and Person.objects.filter(pk=erin.pk).exists()
    # and then confirms
    response = client.post(url, {"confirm": "on"})
    # then every table holds 0 rows of her: no person, invitation, response, answer, draft, email or audit data
    assert response.status_code == 302
    residue = person_residue(person_id=erin.pk, email=EMAIL, organisation_id=org.pk)
    everywhere = _rows_mentioning("zeldenrust", CANARY) | {
        k: v for k, v in _rows_mentioning(EMAIL).items() if k != "trustier.User"}  # her login is not the person
    residual = sum(residue.values()) + sum(everywhere.values())
    print(f"T15 R requests: {residual} residual rows")
    assert residue == dict.fromkeys(residue, 0) and everywhere == {}
    assert Draft.objects.count() == 0
    # and her anonymous response stays: nothing links it to her
    assert Response.objects.filter(invitation__isnull=True).count() == anonymous_before
    assert Answer.objects.filter(text=ANON_CANARY).exists()
    # and the audit record holds her former id and counts only
    event = AuditEvent.objects.get(verb="person.erased")
    assert event.after["person_id"] == erin.pk and event.after["responses"] == 1 and event.after["invitations"] == 3
    assert "erin" not in json.dumps(event.after).lower() and event.object_repr == ""


@pytest.mark.parametrize("persona", ["manager", "consultant", "viewer"])
def test_only_owners_export_or_erase(client, personas, erin, persona):
    client.force_login(personas[persona])
    kwargs = {"slug": "acme", "pk": erin.pk}
    assert client.post(reverse("person_export", kwargs=kwargs)).status_code == 403
    assert client.post(reverse("person_erase", kwargs=kwargs), {"confirm": "on"}).status_code == 403
    assert Person.objects.filter(pk=erin.pk).exists()


def test_foreign_person_is_404(client, personas, other_org):
    client.force_login(personas["owner"])
    foreign = Person.objects.get(organisation=other_org)
    assert client.post(reverse("person_export", kwargs={"slug": "acme", "pk": foreign.pk})).status_code == 404
    assert client.post(reverse("person_erase", kwargs={"slug": "acme", "pk": foreign.pk}),
                       {"confirm": "on"}).status_code == 404


def _snapshot_values(waves) -> list:
    return list(TrendSnapshot.objects.filter(wave__in=waves).order_by("wave_id", "unit_id", "measure")
                .values_list("wave_id", "unit_id", "measure", "n", "mean", "ci_low", "ci_high", "suppressed", "diff"))


def test_erasing_someone_inside_built_snapshots_keeps_the_aggregates(org):
    # given two built confidential waves, the first with one response of Paul's invitation
    assessment, waves = build(org)
    assessment.anonymity = "confidential"
    assessment.save()
    paul = PersonFactory(organisation=org, unit=org.test_units["Sales/North"])
    invitation = Invitation.objects.create(wave=waves[0], person=paul, token_hash="p" * 64, answered=True)
    Response.objects.filter(pk=Response.objects.filter(wave=waves[0]).first().pk).update(invitation=invitation)
    snapshots_build(settings=FAST)  # the invitation changed the inputs: built again, now with it
    before = _snapshot_values(waves)
    # when Paul is erased and the builder runs again
    paul_id = paul.pk
    counts = person_erase(actor=None, person=paul)
    run = snapshots_build(settings=FAST)
    # then his response is gone, the builder did not crash nor rebuild, and the aggregates are as they were
    assert counts["responses"] == 1 and not Response.objects.filter(invitation__person_id=paul_id).exists()
    assert run.status == "ok" and run.waves_built == 0
    assert _snapshot_values(waves) == before


def test_retention_deletes_respondent_rows_at_day_n_plus_1_and_keeps_the_aggregates(client, personas, org):
    # given an organisation keeping respondent data 12 months, two built waves, with invitations, drafts and comments
    org.respondent_data_months = 12
    org.save()
    assessment, waves = build(org)
    for wave in waves:
        Invitation.objects.create(wave=wave, person=PersonFactory(organisation=org), token_hash=f"{wave.pk:064d}")
        Draft.objects.create(wave=wave, key=f"d{wave.pk:063d}")
        OutboxMessage.objects.create(kind="email", payload={"to": ["x@acme.test"], "ref": {"wave": wave.pk}})
    snapshots_build(settings=FAST)  # the invitations are inputs too
    SnapshotComment.objects.create(wave=waves[0], item_key="open_keep_doing", text="Keep it up", language="en")
    client.force_login(personas["owner"])
    dashboard = reverse("dashboard", kwargs={"slug": "acme"}) + f"?assessment={assessment.pk}&wave=1"
    shown = client.get(dashboard).context["board"].figures["trust_index"]
    before, comments = _snapshot_values(waves), SnapshotComment.objects.count()
    first_closed = waves[0].closed_at
    day_n = first_closed.replace(year=first_closed.year + 1)
    # when the job runs on day N (12 months after wave 1 closed): nothing is due
    assert retention_apply(now=day_n)["waves"] == 0
    assert Response.objects.filter(wave=waves[0]).exists()
    # when it runs on day N+1: wave 1 is purged, wave 2 (closed later) is not yet
    totals = retention_apply(now=day_n + datetime.timedelta(days=1))
    assert (totals["waves"], totals["responses"], totals["invitations"], totals["drafts"], totals["emails"]) == (1, 72, 1, 1, 1)
    residual = sum(model.objects.filter(**{key: waves[0]}).count() for model, key in
                   ((Response, "wave"), (Answer, "response__wave"), (Draft, "wave"), (Invitation, "wave")))
    print(f"T15 retention R requests: {residual} residual rows")
    assert residual == 0 and Response.objects.filter(wave=waves[1]).count() == 72
    assert OutboxMessage.objects.filter(payload__ref__wave=waves[0].pk).count() == 0
    assert OutboxMessage.objects.filter(payload__ref__wave=waves[1].pk).count() == 1
    # then the snapshots and comments survive, even a forced rebuild does not touch the purged wave
    assert snapshots_build(settings=FAST).status == "ok"
    assert snapshots_build(settings=FAST, force=True).status == "ok"
    assert _snapshot_values(waves) == before and SnapshotComment.objects.count() == comments
    # and the dashboard shows the same figures
    again = client.get(dashboard).context["board"].figures["trust_index"]
    assert (again.n, again.value, again.low, again.high) == (shown.n, shown.value, shown.low, shown.high)
    # and a second run changes nothing; the audit event holds counts only
    assert retention_apply(now=day_n + datetime.timedelta(days=1))["waves"] == 0
    event = AuditEvent.objects.get(verb="privacy.wave_purged")
    assert event.after == {"answers": totals["answers"], "responses": 72, "drafts": 1, "invitations": 1, "emails": 1}


def test_retention_empty_keeps_everything(org):
    org.respondent_data_months = None
    org.save()
    _assessment, waves = build(org, waves=1)
    assert retention_apply(now=waves[0].closed_at + datetime.timedelta(days=3650))["waves"] == 0
    assert Response.objects.filter(wave=waves[0]).count() == 72


def test_owner_sets_the_retention_period(client, personas, org):
    # given the owner on the privacy settings page, reached from the people page
    client.force_login(personas["owner"])
    url = reverse("privacy_settings", kwargs={"slug": "acme"})
    assert url in client.get(reverse("people", kwargs={"slug": "acme"})).content.decode()
    # when they enter nonsense, then 6 months, then nothing
    assert "at least 1" in client.post(url, {"months": "0"}).content.decode().replace("greater than or equal to", "at least")
    assert client.post(url, {"months": "6"}).status_code == 302
    org.refresh_from_db()
    assert org.respondent_data_months == 6
    client.post(url, {"months": ""})
    org.refresh_from_db()
    # then it is saved each time, and audited
    assert org.respondent_data_months is None
    assert list(AuditEvent.objects.filter(verb="privacy.retention_set").values_list("after", flat=True)) == [
        {"respondent_data_months": None}, {"respondent_data_months": 6}]


def test_respondent_privacy_page_in_both_languages(client, org):
    # given a confidential survey of an organisation keeping data 18 months, and its respondent
    org.respondent_data_months = 18
    org.save()
    MembershipFactory(organisation=org, role="owner", user=UserFactory(email="privacy@acme.test"))
    wave = open_wave(org, anonymity="confidential")
    token = invite(wave)
    # when they follow the privacy link in the footer of the survey page
    page = client.get(respond_url(token, lang="en")).content.decode()
    link = re.search(r'href="(/r/privacy/[^"]+)"', page).group(1)
    assert token not in link
    english = client.get(link + "?lang=en")
    dutch = client.get(link + "?lang=nl")
    # then the page says what is stored, for how long, who sees what and whom to ask, in both languages
    assert english.status_code == dutch.status_code == 200 and english["Cache-Control"] == "no-store"
    text = english.content.decode()
    assert "18 months after the survey closes" in text and "at least 5 respondents" in text
    assert "privacy@acme.test" in text and "Confidential surveys" in text
    assert 'lang="nl"' in dutch.content.decode()
    # and a forged key is 404
    assert client.get(reverse("respond_privacy", kwargs={"key": "forged:key"})).status_code == 404
    assert client.get(reverse("respond_privacy", kwargs={"key": privacy_key(organisation=org, mode="x")[:-2] + "zz"})
                      ).status_code == 404


def test_answer_everything_still_works_with_the_privacy_footer(client, org):
    # given an anonymous survey / when a respondent answers it all / then the thanks page carries the link
    wave = open_wave(org)
    response = answer_everything(client, invite(wave), instrument_of(wave))
    final = client.get(response["Location"]) if response.status_code == 302 else response
    assert "/r/privacy/" in final.content.decode()



def test_the_retention_task_is_scheduled_daily_and_runs_the_job(org, settings):
    # given the beat schedule / when its privacy entry's task runs / then it applies retention (counts only)
    from trustier.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    app.loader.import_default_modules()
    task = app.tasks[entry["task"]]
    org.respondent_data_months = 1
    org.save()
    _assessment, waves = build(org, waves=1)
    assert task.apply().get()["responses"] == 72 and not Response.objects.filter(wave=waves[0]).exists()
