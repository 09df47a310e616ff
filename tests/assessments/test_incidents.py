"""Trust incidents: services, pages, validation, access and the demo incident."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.incidents import incident_create
from assessments.models import Incident, Organisation
from trustier.audit import AuditEvent

pytestmark = pytest.mark.django_db


def _url(name, **kwargs):
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def _post(org, **overrides):
    data = {"occurred_on": "2026-03-02", "title": "Price list leaked", "description": "Sent to a competitor.",
            "dimensions": ["integrity", "competence"], "units": [org.test_units["Sales/North"].pk]}
    data.update(overrides)
    return data


def test_owner_logs_edits_and_deletes_an_incident_with_audit_events(client, personas, org):
    # given the owner
    client.force_login(personas["owner"])
    # when logging an incident
    response = client.post(_url("incident_create"), _post(org))
    # then it exists with its dimensions and unit, and the audit log says so
    incident = Incident.objects.get(organisation=org)
    assert response.status_code == 302 and response["Location"] == _url("incident_detail", pk=incident.pk)
    assert incident.dimensions == ["competence", "integrity"]
    assert [u.path for u in incident.units.all()] == ["Sales/North"]
    assert incident.created_by == personas["owner"]
    # when editing it to the whole organisation
    client.post(_url("incident_edit", pk=incident.pk), _post(org, title="Price list leaked twice", units=[]))
    incident.refresh_from_db()
    assert incident.title == "Price list leaked twice" and not incident.units.exists()
    # when deleting it
    response = client.post(_url("incident_delete", pk=incident.pk))
    assert response.status_code == 302 and not Incident.objects.exists()
    verbs = list(AuditEvent.objects.filter(organisation=org, verb__startswith="incident.").order_by("id").values_list("verb", flat=True))
    assert verbs == ["incident.created", "incident.updated", "incident.deleted"]
    updated = AuditEvent.objects.get(verb="incident.updated")
    assert updated.before["units"] == ["Sales/North"] and updated.after["units"] == []


def test_consultant_can_log_an_incident(client, personas, org):
    client.force_login(personas["consultant"])
    response = client.post(_url("incident_create"), _post(org))
    assert response.status_code == 302 and Incident.objects.count() == 1


def test_detail_page_shows_the_facts_and_no_fake_numbers(client, personas, org):
    # given an incident and a viewer
    incident = incident_create(actor=personas["owner"], organisation=org, occurred_on=datetime.date(2026, 2, 1), title="Outage",
                               dimensions=["reliability"], description="Systems down for a day.")
    client.force_login(personas["viewer"])
    # when the viewer opens list and detail
    listing = client.get(_url("incident_list")).content.decode()
    page = client.get(_url("incident_detail", pk=incident.pk)).content.decode()
    # then both show it, the detail says no wave before exists yet (no made-up figure), and there is no edit button
    assert "Outage" in listing
    assert "Systems down for a day." in page and "reliability" in page and "The whole organisation" in page
    assert "No wave closed before this incident, so there is no level before to compare with." in page
    assert "n = " not in page and "a clear drop" not in page
    assert _url("incident_edit", pk=incident.pk) not in page
    assert "Launch an after-incident pulse" not in page


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"occurred_on": "2999-01-01"}, "occurred_on", "cannot be dated in the future"),
    ({"dimensions": []}, "dimensions", "at least one dimension"),
    ({"title": "x" * 201}, "title", "at most 200"),
    ({"dimensions": ["honesty"]}, "dimensions", "valid choice"),
])
def test_invalid_input_is_a_form_error(client, personas, org, overrides, field, message):
    client.force_login(personas["owner"])
    response = client.post(_url("incident_create"), _post(org, **overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Incident.objects.exists()


def test_a_foreign_unit_is_a_form_error_not_a_500(client, personas, org, other_org):
    # given the owner of acme and a unit of another organisation
    client.force_login(personas["owner"])
    # when posting that unit's id
    response = client.post(_url("incident_create"), _post(org, units=[other_org.test_units["Finance"].pk]))
    # then the form refuses it
    assert response.status_code == 200 and "units" in response.context["form"].errors
    assert not Incident.objects.exists()


def test_the_service_refuses_a_future_date_and_a_foreign_unit(org, other_org):
    from assessments.services import DomainError

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(DomainError):
        incident_create(actor=None, organisation=org, occurred_on=tomorrow, title="x", dimensions=["empathy"])
    with pytest.raises(DomainError):
        incident_create(actor=None, organisation=org, occurred_on=tomorrow - datetime.timedelta(days=2), title="x",
                        dimensions=["empathy"], units=[other_org.test_units["Finance"]])


def test_an_incident_of_another_organisation_is_404(client, personas, org, other_org):
    # given an incident of the other organisation
    foreign = incident_create(actor=None, organisation=other_org, occurred_on=datetime.date(2026, 1, 1), title="Theirs", dimensions=["empathy"])
    client.force_login(personas["owner"])
    # when acme's owner opens it through acme's URLs
    for name in ("incident_detail", "incident_edit", "incident_delete"):
        assert client.get(_url(name, pk=foreign.pk)).status_code == 404
    # then a POST cannot delete it either
    assert client.post(_url("incident_delete", pk=foreign.pk)).status_code == 404
    assert Incident.objects.filter(pk=foreign.pk).exists()


def test_managers_cannot_edit_or_delete(client, personas, org):
    incident = incident_create(actor=None, organisation=org, occurred_on=datetime.date(2026, 1, 1), title="Outage", dimensions=["reliability"])
    client.force_login(personas["manager"])
    assert client.post(_url("incident_edit", pk=incident.pk), _post(org)).status_code == 403
    assert client.post(_url("incident_delete", pk=incident.pk)).status_code == 403
    assert client.post(_url("incident_create"), _post(org)).status_code == 403
    incident.refresh_from_db()
    assert incident.title == "Outage"


def test_demo_incident_exists_once_between_wave_2_and_wave_3():
    # given seed_demo run twice
    call_command("seed_demo")
    call_command("seed_demo")
    # then there is exactly one demo incident, dated between wave 2 and wave 3 of the inside assessment
    demo = Organisation.objects.get(slug="demo")
    incidents = Incident.objects.filter(organisation=demo, title="Customer data sent to the wrong recipients")
    assert incidents.count() == 1
    incident = incidents.get()
    assert set(incident.dimensions) == {"integrity", "reliability"}
    waves = {w.number: w for a in demo.assessments.filter(audience="inside") for w in a.waves.all()}
    assert waves[2].closes_at.date() < waves[3].opens_at.date()
    assert waves[2].closes_at.date() < incident.occurred_on < waves[3].opens_at.date()
