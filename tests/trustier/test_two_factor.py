"""Two-factor authentication (issue 10): set-up, the code after the password, recovery codes, switching off,
throttling of wrong codes, and the per-organisation requirement for owners and consultants."""

from __future__ import annotations

import base64
import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from tests.factories import PASSWORD, UserFactory
from trustier.models import AuditEvent

pytestmark = pytest.mark.django_db
START = "2026-11-29 09:00:00"


def code_for(device: TOTPDevice) -> str:
    """What the user's authenticator app shows now."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"


def wrong_code(device: TOTPDevice) -> str:
    right = code_for(device)
    return right[:-1] + str((int(right[-1]) + 5) % 10)


def log_in(client, user, next_url="/"):
    return client.post(reverse("login") + f"?next={next_url}", {"username": user.email, "password": PASSWORD},
                       REMOTE_ADDR="203.0.113.9")


def switch_on(client, user) -> list[str]:
    """Through the pages: open set-up, read the secret, confirm with the app's code; returns the recovery codes."""
    client.force_login(user)
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    assert response.status_code == 200
    return re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", response.content.decode())


def test_setup_shows_the_secret_and_only_a_right_code_switches_it_on(client):
    # given a logged-in user without two-factor authentication
    user = UserFactory()
    client.force_login(user)
    # when they open the set-up page
    page = client.get(reverse("two_factor_setup")).content.decode()
    device = TOTPDevice.objects.get(user=user)
    # then it shows a QR code and the secret as text, and nothing is switched on yet
    assert "<svg" in page
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    assert not device.confirmed
    # when they enter a wrong code
    response = client.post(reverse("two_factor_setup"), {"code": wrong_code(device)})
    # then it stays off with a clear message
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_full_cycle_setup_login_wrong_code_recovery_once_and_switch_off(client):
    user = UserFactory()
    with freeze_time(START) as clock:
        # given a user who switched on two-factor authentication
        codes = switch_on(client, user)
        assert len(codes) == 10 and len(set(codes)) == 10
        assert AuditEvent.objects.filter(verb="user.two_factor_on", actor=user).count() == 1
        client.logout()
        # when they log in with the right password
        response = log_in(client, user, next_url=reverse("home"))
        # then every page sends them to the code page first
        assert response.status_code == 302
        verify_url = client.get(reverse("home"))["Location"]
        assert verify_url.startswith(reverse("two_factor_verify"))
        # when they enter a wrong code
        device = TOTPDevice.objects.get(user=user)
        response = client.post(verify_url, {"code": wrong_code(device)})
        # then it is refused clearly and they are still not in
        assert "That code is not right" in response.content.decode()
        assert client.get(reverse("home")).status_code == 302
        # when they try again at once, the device's throttle refuses even a right code
        clock.tick(0.5)
        response = client.post(verify_url, {"code": code_for(device)})
        assert "Too many wrong codes" in response.content.decode()
        # when they wait and use a recovery code instead
        clock.tick(5)
        response = client.post(verify_url, {"code": codes[0].upper()})
        # then they are in, and told how many codes are left
        assert response.status_code == 302 and response["Location"] == reverse("home")
        assert client.get(reverse("home")).status_code == 200
        assert StaticToken.objects.filter(device__user=user).count() == 9
        # when they log in again and try the same recovery code
        client.logout()
        log_in(client, user)
        response = client.post(reverse("two_factor_verify"), {"code": codes[0]})
        # then it does not work a second time
        assert "That code is not right" in response.content.decode()
        # and the app's next code does
        clock.tick(60)
        response = client.post(reverse("two_factor_verify"), {"code": code_for(device)})
        assert response.status_code == 302
        # when they switch it off with a current code
        clock.tick(30)
        response = client.post(reverse("two_factor_disable"), {"code": code_for(device)})
        # then it is off, audited, and the next login asks for no code
        assert not TOTPDevice.objects.filter(user=user).exists()
        assert AuditEvent.objects.filter(verb="user.two_factor_off", actor=user).count() == 1
        client.logout()
        log_in(client, user)
        assert client.get(reverse("home")).status_code == 200


def test_switching_off_needs_a_right_code(client):
    user = UserFactory()
    with freeze_time(START):
        switch_on(client, user)
        # when the (verified) user tries to switch off with a wrong code
        response = client.post(reverse("two_factor_disable"), {"code": "999999x"}, follow=True)
    # then it stays on, and they are told
    assert "Two-factor authentication is still on" in response.content.decode()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_new_recovery_codes_replace_the_old_ones(client):
    user = UserFactory()
    with freeze_time(START):
        old = switch_on(client, user)
        # when the user makes new recovery codes
        response = client.post(reverse("two_factor_recovery"))
        new = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", response.content.decode())
    # then there are ten new ones, none of the old ones, stored only as keyed hashes
    assert len(new) == 10 and not set(new) & set(old)
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10 and not stored & {c.replace("-", "") for c in new + old} and not stored & set(new)
    assert AuditEvent.objects.filter(verb="user.recovery_codes_new", actor=user).exists()


def test_users_without_two_factor_are_never_asked_for_a_code(client):
    # given a user who never set it up
    user = UserFactory()
    # when they log in
    response = log_in(client, user, next_url=reverse("home"))
    # then they go straight to the page they asked for
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_respondent_pages_are_not_held_back_by_the_code_page(client):
    # given a logged-in user who has not entered their code yet
    user = UserFactory()
    with freeze_time(START):
        switch_on(client, user)
        client.logout()
        log_in(client, user)
        # when they open a respondent link (which needs no login at all)
        response = client.get("/r/not-a-real-token/")
    # then the respondent page answers itself (here: unknown link), not the code page
    assert not response.get("Location", "").startswith(reverse("two_factor_verify"))


def test_an_owner_of_an_enforcing_organisation_must_set_it_up_first(client, personas, org, other_org):
    # given acme requires two-factor authentication (set by its owner on the security page)
    owner = personas["owner"]
    client.force_login(owner)
    response = client.post(reverse("organisation_security", kwargs={"slug": "acme"}), {"required": "on"})
    org.refresh_from_db()
    assert org.require_two_factor
    assert AuditEvent.objects.filter(organisation=org, verb="organisation.two_factor_required").exists()
    # when the owner (without 2FA) opens acme's pages
    response = client.get(reverse("organisation", kwargs={"slug": "acme"}))
    # then they are sent to set it up
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))
    # and a consultant of acme too
    client.force_login(personas["consultant"])
    assert client.get(reverse("people", kwargs={"slug": "acme"}))["Location"].startswith(reverse("two_factor_setup"))
    # including the consultant's workspace, which summarises acme
    assert client.get(reverse("workspace"))["Location"].startswith(reverse("two_factor_setup"))
    # but a manager and a viewer of acme are not affected
    for persona in ("manager", "viewer"):
        client.force_login(personas[persona])
        assert client.get(reverse("organisation", kwargs={"slug": "acme"})).status_code == 200
    # and the owner of the other organisation (no requirement) is not affected either
    client.force_login(personas["outsider"])
    assert client.get(reverse("organisation", kwargs={"slug": "other"})).status_code == 200


def test_an_owner_with_two_factor_opens_the_enforcing_organisation(client, personas, org):
    # given acme requires two-factor authentication and its owner set it up in this session
    org.require_two_factor = True
    org.save()
    with freeze_time(START):
        switch_on(client, personas["owner"])
        # when they open acme's pages
        response = client.get(reverse("organisation", kwargs={"slug": "acme"}))
    # then the page opens
    assert response.status_code == 200


def test_only_owners_change_the_requirement(client, personas, org):
    # given a consultant of acme
    client.force_login(personas["consultant"])
    # when they try to switch the requirement on
    response = client.post(reverse("organisation_security", kwargs={"slug": "acme"}), {"required": "on"})
    # then it is refused and nothing changes
    org.refresh_from_db()
    assert response.status_code == 403 and not org.require_two_factor
