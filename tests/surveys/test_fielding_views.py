"""The assessment and wave pages: create, schedule, open, close early, extend; foreign ids are 404; bad input is a message."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Wave
from surveys.models import Invitation
from surveys.tokens import token_hash
from tests.factories import AssessmentFactory, WaveFactory, core_version
from trustier.models import AuditEvent

LOCAL = "%Y-%m-%dT%H:%M"


def _local(moment):
    return timezone.localtime(moment).strftime(LOCAL)


def test_owner_creates_an_assessment_then_schedules_quarterly_waves(client, personas, org):
    # given the owner on the create form
    client.force_login(personas["owner"])
    version = core_version()
    response = client.get(reverse("assessment_create", kwargs={"slug": "acme"}))
    assert response.status_code == 200 and "Trustier core" in response.content.decode()
    # when they create an assessment of Sales
    response = client.post(reverse("assessment_create", kwargs={"slug": "acme"}), {
        "name": "Trust 2027", "audience": "inside", "anonymity": "anonymous", "instrument_version": version.pk,
        "units": [org.test_units["Sales"].pk], "languages": ["nl", "en"]})
    assessment = Assessment.objects.get(name="Trust 2027")
    assert response.status_code == 302 and response["Location"] == reverse("wave_schedule", kwargs={"slug": "acme", "pk": assessment.pk})
    # and schedule quarterly × 4
    start = timezone.now() + datetime.timedelta(days=1)
    response = client.post(response["Location"], {
        "opens_at": _local(start), "closes_at": _local(start + datetime.timedelta(days=14)), "reminder_days": "3,7",
        "text_nl": "Doe mee", "text_en": "Join in", "repeat_months": 3, "count": 4})
    # then four waves exist, the page lists them
    assert response.status_code == 302
    assert list(assessment.waves.values_list("number", flat=True)) == [1, 2, 3, 4]
    page = client.get(response["Location"]).content.decode()
    assert "Wave 4" in page


@pytest.mark.parametrize("data", [
    {"opens_at": "yesterday", "closes_at": "", "count": 1},
    {"opens_at": "2030-01-10T09:00", "closes_at": "2030-01-01T09:00", "count": 1},
    {"opens_at": "2030-01-01T09:00", "closes_at": "2030-01-20T09:00", "reminder_days": "3,abc", "count": 1},
    {"opens_at": "2030-01-01T09:00", "closes_at": "2030-01-20T09:00", "count": 4},
    {"opens_at": "2030-01-01T09:00", "closes_at": "2030-01-20T09:00", "count": 999, "repeat_months": 3},
])
def test_bad_schedule_input_is_a_message_not_a_crash(client, personas, org, data):
    client.force_login(personas["consultant"])
    assessment = AssessmentFactory(organisation=org)
    response = client.post(reverse("wave_schedule", kwargs={"slug": "acme", "pk": assessment.pk}), data)
    assert response.status_code == 200 and not assessment.waves.exists()
    assert "invalid-feedback" in response.content.decode() or "alert-danger" in response.content.decode()


def test_bad_create_input_is_a_message(client, personas, org, other_org):
    client.force_login(personas["owner"])
    response = client.post(reverse("assessment_create", kwargs={"slug": "acme"}), {
        "name": "", "audience": "nobody", "instrument_version": 999999, "units": [other_org.test_units["Finance"].pk]})
    assert response.status_code == 200 and not Assessment.objects.exists()


def test_a_foreign_organisations_wave_is_404(client, personas, org, other_org):
    # given a wave of another organisation
    foreign = WaveFactory(assessment=AssessmentFactory(organisation=other_org))
    client.force_login(personas["owner"])
    # when acme's owner uses its id under acme
    for name, method in (("wave_detail", "get"), ("wave_open", "post"), ("wave_close", "post"), ("wave_extend", "post")):
        response = getattr(client, method)(reverse(name, kwargs={"slug": "acme", "pk": foreign.pk}))
        # then it does not exist for them, and nothing changed
        assert response.status_code == 404, name
    assessment_url = reverse("assessment_detail", kwargs={"slug": "acme", "pk": foreign.assessment.pk})
    assert client.get(assessment_url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "draft" and not Invitation.objects.exists()


def test_open_now_close_early_and_extend_from_the_page(client, personas, org):
    client.force_login(personas["owner"])
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org), opens_at=timezone.now() + datetime.timedelta(days=2),
                       closes_at=timezone.now() + datetime.timedelta(days=10))
    kwargs = {"slug": "acme", "pk": wave.pk}
    page = client.get(reverse("wave_detail", kwargs=kwargs)).content.decode()
    assert "Open now and send invitations" in page
    client.post(reverse("wave_open", kwargs=kwargs))
    wave.refresh_from_db()
    assert wave.status == "open" and Invitation.objects.filter(wave=wave).count() == 2
    later = wave.closes_at + datetime.timedelta(days=3)
    response = client.post(reverse("wave_extend", kwargs=kwargs), {"closes_at": _local(later)}, follow=True)
    assert "The closing time has moved." in response.content.decode()
    response = client.post(reverse("wave_extend", kwargs=kwargs), {"closes_at": "garbage"}, follow=True)
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    client.post(reverse("wave_close", kwargs=kwargs))
    wave.refresh_from_db()
    assert wave.status == Wave.Status.CLOSED
    assert {"wave.opened", "wave.extended", "wave.closed"} <= set(AuditEvent.objects.values_list("verb", flat=True))
    response = client.post(reverse("wave_close", kwargs=kwargs), follow=True)
    assert response.status_code == 200


def test_open_link_is_shown_once_with_a_qr_code_and_only_its_hash_is_kept(client, personas, org):
    # given an outside wave / when the owner creates its open link
    client.force_login(personas["owner"])
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org, audience="outside"))
    page = client.post(reverse("wave_open_link", kwargs={"slug": "acme", "pk": wave.pk})).content.decode()
    # then the page shows the link and a QR code, and the database keeps only the link's hash
    [raw] = re.findall(r'value="http://testserver/r/([A-Za-z0-9_\-]+)/"', page)
    assert "<svg" in page and "QR code of the open link" in page
    wave.refresh_from_db()
    assert wave.open_link_hash == token_hash(raw) and raw not in client.get(reverse("wave_detail", kwargs={"slug": "acme", "pk": wave.pk})).content.decode()


def test_navbar_links_to_assessments(client, personas):
    client.force_login(personas["viewer"])
    page = client.get(reverse("organisation", kwargs={"slug": "acme"})).content.decode()
    assert reverse("assessment_list", kwargs={"slug": "acme"}) in page
