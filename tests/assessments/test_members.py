"""Owners give people a role; a new member gets an email to choose a password; all of it is audited."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from trustier.models import AuditEvent
from trustier.outbox import outbox_drain


def test_owner_invites_a_manager_who_sets_a_password_and_logs_in(client, personas, org):
    # given the owner on the members page
    client.force_login(personas["owner"])
    url = reverse("members", kwargs={"slug": "acme"})
    # when they make a new address manager of Sales
    response = client.post(url, {"email": "New@Example.test", "full_name": "Nina New", "role": "manager", "unit": org.test_units["Sales"].pk})
    assert response.status_code == 302
    # then an invitation email goes out through the outbox, with a working set-password link
    outbox_drain()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.test"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    client.logout()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    client.post(form_page.request["PATH_INFO"], {"new_password1": "a-long-new-password-1", "new_password2": "a-long-new-password-1"})
    assert client.login(email="new@example.test", password="a-long-new-password-1")
    assert AuditEvent.objects.filter(organisation=org, verb="membership.set", after__role="manager").exists()


def test_a_manager_without_unit_gets_a_clear_message(client, personas):
    client.force_login(personas["owner"])
    response = client.post(reverse("members", kwargs={"slug": "acme"}), {"email": "m@example.test", "role": "manager"})
    assert response.status_code == 200 and "A manager needs a unit" in response.content.decode()


def test_a_unit_of_another_organisation_is_refused(client, personas, other_org):
    client.force_login(personas["owner"])
    response = client.post(reverse("members", kwargs={"slug": "acme"}), {"email": "m@example.test", "role": "manager", "unit": other_org.test_units["Finance"].pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_consultant_switches_between_client_organisations(client, personas, other_org):
    # given a consultant of acme who is also a member of another client
    from tests.factories import MembershipFactory

    consultant = personas["consultant"]
    MembershipFactory(user=consultant, organisation=other_org, role="consultant")
    client.force_login(consultant)
    # when they open the start page / then it sends them to their workspace, where both clients are offered
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain == [(reverse("workspace"), 302)]
    assert {card.slug for card in response.context["cards"]} == {"acme", "other"}
    assert client.get(reverse("people", kwargs={"slug": "other"})).status_code == 200


def test_password_reset_mail_goes_through_the_outbox(client, personas):
    client.post(reverse("password_reset"), {"email": personas["owner"].email})
    assert mail.outbox == []
    outbox_drain()
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
