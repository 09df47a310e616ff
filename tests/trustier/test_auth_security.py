"""T13 (issue 10): login throttling in the database, session rotation and expiry.

Reported line: "A attacks: 0 bypasses" (test_t13_reported_line). Each attack is a function that
tries one way around a control and returns True when it got through.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from tests.factories import PASSWORD, UserFactory
from trustier.login_throttle import client_ip
from trustier.outbox import outbox_drain

pytestmark = pytest.mark.django_db
IP = "203.0.113.7"
NEW_PASSWORD = "a-brand-new-password-9"


# --- helpers ----------------------------------------------------------------------------------------

def log_in(client, email, password=PASSWORD, ip=IP, path=None, **extra):
    return client.post(path or reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip, **extra)


def fail(client, email, times, ip=IP, **extra):
    return [log_in(client, email, "wrong-password", ip=ip, **extra) for _ in range(times)]


def signed_in(client, ip=IP) -> bool:
    """Whether the server treats the client's cookie as a logged-in session (full middleware stack)."""
    return client.get(reverse("login"), REMOTE_ADDR=ip).wsgi_request.user.is_authenticated


def gets_in(client, email, **extra) -> bool:
    """The right password, then: is the client logged in?"""
    log_in(client, email, **extra)
    return signed_in(client)


def locked(response) -> bool:
    return response.status_code == 429 and "Too many login attempts" in response.content.decode()


def reset_password(email, password=NEW_PASSWORD, ip=IP) -> None:
    """The owner of the address goes through the emailed reset link."""
    client = Client()
    client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)
    outbox_drain()
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    form_page = client.get(link, follow=True, REMOTE_ADDR=ip)
    assert form_page.context["validlink"]
    done = client.post(form_page.request["PATH_INFO"], {"new_password1": password, "new_password2": password}, REMOTE_ADDR=ip)
    assert done.status_code == 302


def limit() -> int:
    return django_settings.AXES_FAILURE_LIMIT


# --- login throttling -------------------------------------------------------------------------------

def test_failures_are_counted_in_the_database_per_account_and_ip_with_documented_defaults():
    # given the settings in force
    # then failures live in the database (not the cache), keyed by account + IP, and sessions too
    assert django_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert django_settings.AXES_FAILURE_LIMIT == 5 and django_settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert django_settings.SESSION_COOKIE_AGE == 8 * 3600 and django_settings.SESSION_SAVE_EVERY_REQUEST
    assert django_settings.TRUSTIER_SESSION_ABSOLUTE_AGE == 24 * 3600


def test_not_locked_before_the_limit_and_a_good_login_starts_the_count_again(client):
    # given an account and one failure fewer than the limit
    user = UserFactory()
    responses = fail(client, user.email, limit() - 1)
    # then each failure shows the login form again, not the lockout page
    assert [r.status_code for r in responses] == [200] * (limit() - 1)
    # when the owner then logs in with the right password, it works
    assert log_in(client, user.email).status_code == 302
    # and after logging out, another limit-minus-one failures still do not lock them out
    client.post(reverse("logout"))
    assert not any(locked(r) for r in fail(client, user.email, limit() - 1))
    assert log_in(client, user.email).status_code == 302


def test_the_limit_th_failure_locks_the_account_on_that_ip_only(client):
    # given alice's account attacked from one IP
    alice, bob = UserFactory(), UserFactory()
    responses = fail(client, alice.email, limit())
    # then the limit-th failure shows the lockout page, and the right password is refused too
    assert not any(locked(r) for r in responses[:-1]) and locked(responses[-1])
    assert locked(log_in(Client(), alice.email))
    # and bob, on the same IP, logs in as usual
    assert log_in(Client(), bob.email).status_code == 302
    # and alice herself, from her own connection, logs in as usual
    assert log_in(Client(), alice.email, ip="198.51.100.20").status_code == 302


def test_lockout_page_explains_the_pause_and_offers_a_reset_without_naming_the_account(client):
    # given a locked-out account
    user = UserFactory(email="locked.person@example.test")
    response = fail(client, user.email, limit())[-1]
    body = response.content.decode()
    # then the page says what happened and for how long, links to a reset, and is not cached
    assert response.status_code == 429
    assert "<h1" in body and "paused for 15 minutes" in body and "after 5 failed attempts" in body
    assert reverse("password_reset") in body and reverse("login") in body
    assert "no-store" in response["Cache-Control"]
    # and it does not repeat the address that was typed
    assert "locked.person" not in body


def test_cool_off_ends_after_the_configured_minutes(client):
    # given an account locked at 09:00
    user = UserFactory()
    with freeze_time("2026-03-02 09:00:00") as clock:
        fail(client, user.email, limit())
        # when the owner tries again at 09:14, it is still refused
        clock.tick(timedelta(minutes=14))
        assert locked(log_in(Client(), user.email))
        # (that attempt counts as a failure during the lockout, so the pause restarts from 09:14)
        clock.tick(timedelta(minutes=15, seconds=1))
        # then 15 minutes after the last attempt the right password works again
        assert log_in(Client(), user.email).status_code == 302


def test_completing_a_password_reset_lifts_the_lockout(client):
    # given a locked-out account
    user = UserFactory()
    fail(client, user.email, limit())
    # when its owner chooses a new password through the emailed link
    reset_password(user.email)
    # then they can log in with it straight away, from the same connection
    assert log_in(Client(), user.email, NEW_PASSWORD).status_code == 302


def test_lockout_holds_with_redis_down(settings):
    # given the cache pointed at a Redis that is not running (nothing listens on port 1)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    alice, bob = UserFactory(), UserFactory()
    # when alice's account is attacked
    responses = fail(Client(), alice.email, limit())
    # then the lockout still happens, and bob still logs in and stays logged in
    assert locked(responses[-1])
    bob_client = Client()
    assert log_in(bob_client, bob.email).status_code == 302 and signed_in(bob_client)


def test_behind_a_proxy_the_client_address_comes_from_the_configured_header(settings, rf):
    # given one trusted proxy that appends the client address to X-Forwarded-For
    settings.TRUSTIER_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTIER_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"

    def via_proxy(forwarded):
        return rf.get("/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded)

    # then the entry the proxy added counts, not what the client claimed before it, nor garbage
    assert client_ip(via_proxy("198.51.100.1")) == "198.51.100.1"
    assert client_ip(via_proxy("1.2.3.4, 198.51.100.1")) == "198.51.100.1"
    assert client_ip(via_proxy("not-an-address")) == proxy
    assert client_ip(rf.get("/", REMOTE_ADDR=proxy)) == proxy
    # and with two proxies, the second entry from the right
    settings.TRUSTIER_TRUSTED_PROXY_COUNT = 2
    assert client_ip(via_proxy("1.2.3.4, 198.51.100.1, 10.0.0.1")) == "198.51.100.1"
    # when one client behind the proxy is locked out, another client behind the same proxy is not
    settings.TRUSTIER_TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    assert locked(fail(Client(), user.email, limit(), ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")[-1])
    assert log_in(Client(), user.email, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


def test_log_lines_about_failed_logins_name_no_email_or_address(client, caplog):
    # given failed logins up to a lockout
    user = UserFactory(email="private.person@example.test")
    with caplog.at_level(logging.INFO):
        fail(client, user.email, limit())
    # then axes logged them, without the address or the IP
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "AXES" in text and "private.person" not in text and IP not in text


def test_login_without_a_request_still_works_for_scripts_and_the_test_client(client):
    # given an account; when code calls login() without a web request (test client, shell)
    user = UserFactory()
    # then it is not throttled (there is no client to throttle) and works
    assert client.login(email=user.email, password=PASSWORD)


# --- sessions ---------------------------------------------------------------------------------------

def test_login_rotates_the_session_key_to_a_fresh_128_bit_one(client):
    # given an anonymous session with some data in it
    user = UserFactory()
    session = client.session
    session["seen"] = True
    session.save()
    before = session.session_key
    # when the user logs in
    log_in(client, user.email)
    # then the session has a new key, the old one no longer exists, and the new one is long and random
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert after != before and not Session.objects.filter(session_key=before).exists()
    assert len(after) >= 32 and re.fullmatch(r"[a-z0-9]+", after)  # 36 symbols ** 32 ≈ 165 bits


def test_password_change_keeps_the_changer_logged_in_and_ends_their_other_sessions():
    # given a staff user logged in on a laptop and a phone
    user = UserFactory(is_staff=True)
    laptop, phone = Client(), Client()
    log_in(laptop, user.email)
    log_in(phone, user.email)
    # when they change their password on the laptop (the admin's password-change page)
    response = laptop.post(reverse("admin:password_change"), {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                                             "new_password2": NEW_PASSWORD}, REMOTE_ADDR=IP)
    assert response.status_code == 302
    # then the laptop stays logged in and the phone is logged out
    assert signed_in(laptop) and not signed_in(phone)


def test_a_deactivated_user_is_logged_out_and_cannot_log_in_again():
    # given a logged-in user
    user = UserFactory()
    device = Client()
    log_in(device, user.email)
    # when an administrator deactivates the account
    user.is_active = False
    user.save()
    # then the open session is dead and the right password no longer logs in
    assert not signed_in(device)
    response = log_in(Client(), user.email)
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated


def test_activity_keeps_a_session_alive_until_the_absolute_lifetime_then_the_user_is_told(client):
    # given a user who logged in at 08:00 and clicks something every 7 hours
    user = UserFactory()
    with freeze_time("2026-03-02 08:00:00") as clock:
        log_in(client, user.email)
        for _ in range(3):
            clock.tick(timedelta(hours=7))
            # then each time, 21 hours in total, they are still logged in (idle gap 7 h < 8 h)
            assert signed_in(client)
        # when they open a page at 08:01 the next day, 24 hours and a minute after logging in
        clock.tick(timedelta(hours=3, minutes=1))
        response = client.get(reverse("workspace"), REMOTE_ADDR=IP, follow=True)
    # then they are on the login page, told why
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "Your session has expired. Please log in again." in response.content.decode()


# --- attacks ----------------------------------------------------------------------------------------

def attack_guess_on_after_the_lockout() -> bool:
    """Keep guessing after the limit; the last guess is the right password."""
    user = UserFactory()
    fail(Client(), user.email, limit())
    return gets_in(Client(), user.email)


def attack_vary_case_and_spaces_of_the_email() -> bool:
    """Count each spelling of the address as a different account."""
    user = UserFactory()
    attacker = Client()
    for variant in (user.email.upper(), f" {user.email}", f"{user.email} ", user.email.title(), user.email):
        log_in(attacker, variant, "wrong-password")
    return gets_in(attacker, user.email)


def attack_split_guesses_between_login_page_and_admin_login() -> bool:
    """Half the guesses on /admin/login/, half on the login page."""
    user = UserFactory(is_staff=True)
    attacker = Client()
    admin_login = reverse("admin:login")
    for number in range(limit()):
        log_in(attacker, user.email, "wrong-password", path=admin_login if number % 2 else None)
    log_in(attacker, user.email, path=admin_login)
    return gets_in(attacker, user.email)


def _guess_with_a_new(header: str, value) -> bool:
    """Guess up to the limit, changing one request header every time, then send the right password."""
    user = UserFactory()
    attacker = Client()
    for number in range(limit()):
        log_in(attacker, user.email, "wrong-password", **{header: value(number)})
    return gets_in(attacker, user.email, **{header: value(limit())})


def attack_rotate_the_user_agent() -> bool:
    """A different browser signature on every guess."""
    return _guess_with_a_new("HTTP_USER_AGENT", lambda number: f"Bot/{number}")


def attack_spoof_x_forwarded_for() -> bool:
    """Claim a new client address on every guess (no proxy is configured, so the header is not trusted)."""
    return _guess_with_a_new("HTTP_X_FORWARDED_FOR", lambda number: f"192.0.2.{number + 1}")


def attack_drop_cookies_between_guesses() -> bool:
    """A fresh cookie jar for every guess."""
    user = UserFactory()
    for _ in range(limit()):
        fail(Client(), user.email, 1)
    return gets_in(Client(), user.email)


def attack_request_a_reset_to_lift_the_lockout() -> bool:
    """Ask for a reset email (without access to the mailbox) hoping it clears the counter."""
    user = UserFactory()
    attacker = Client()
    fail(attacker, user.email, limit())
    attacker.post(reverse("password_reset"), {"email": user.email}, REMOTE_ADDR=IP)
    return gets_in(attacker, user.email)


def attack_enumerate_accounts_through_the_lockout_page() -> bool:
    """Compare the lockout page of a real account with that of an unknown address."""
    real = fail(Client(), UserFactory().email, limit())[-1]
    unknown = fail(Client(), "nobody-here@example.test", limit())[-1]

    def page(response):
        return response.status_code, re.sub(r'value="[^"]{40,}"', "", response.content.decode())

    return page(real) != page(unknown)


def attack_fix_the_session_before_the_victim_logs_in() -> bool:
    """Plant a known session key in the victim's browser, then use it after they log in."""
    user = UserFactory()
    victim = Client()
    planted = victim.session
    planted["planted"] = True
    planted.save()
    log_in(victim, user.email)
    attacker = Client()
    attacker.cookies[django_settings.SESSION_COOKIE_NAME] = planted.session_key
    return signed_in(attacker)


def _stolen_session(user) -> tuple[Client, Client]:
    """The victim logs in; the attacker copies their cookie."""
    victim = Client()
    log_in(victim, user.email)
    thief = Client()
    thief.cookies[django_settings.SESSION_COOKIE_NAME] = victim.cookies[django_settings.SESSION_COOKIE_NAME].value
    return victim, thief


def attack_replay_the_cookie_after_logout() -> bool:
    """Use a copied cookie after its owner logged out."""
    victim, thief = _stolen_session(UserFactory())
    assert signed_in(thief)  # the copy works while the owner is logged in: that is what logout must end
    victim.post(reverse("logout"), REMOTE_ADDR=IP)
    return signed_in(thief)


def attack_keep_using_a_session_after_a_password_reset() -> bool:
    """The owner resets their password after noticing the theft; the thief keeps the old cookie."""
    user = UserFactory()
    _, thief = _stolen_session(user)
    reset_password(user.email)
    return signed_in(thief)


def attack_keep_using_a_session_of_a_deactivated_account() -> bool:
    """A leaver's session outlives the deactivation of their account."""
    user = UserFactory()
    _, thief = _stolen_session(user)
    user.is_active = False
    user.save()
    return signed_in(thief)


def attack_use_a_session_left_idle_past_the_timeout() -> bool:
    """Pick up a session nobody has used for longer than SESSION_COOKIE_AGE."""
    user = UserFactory()
    with freeze_time(timezone.now()) as clock:
        _, thief = _stolen_session(user)
        clock.tick(timedelta(seconds=django_settings.SESSION_COOKIE_AGE + 60))
        return signed_in(thief)


def attack_keep_a_session_busy_past_the_absolute_lifetime() -> bool:
    """Click every hour so the idle timeout never hits, for longer than the absolute lifetime."""
    user = UserFactory()
    with freeze_time(timezone.now()) as clock:
        _, thief = _stolen_session(user)
        for _ in range(django_settings.TRUSTIER_SESSION_ABSOLUTE_AGE // 3600):
            clock.tick(timedelta(hours=1))
            signed_in(thief)
        clock.tick(timedelta(minutes=1))
        return signed_in(thief)


ATTACKS = [
    attack_guess_on_after_the_lockout,
    attack_vary_case_and_spaces_of_the_email,
    attack_split_guesses_between_login_page_and_admin_login,
    attack_rotate_the_user_agent,
    attack_spoof_x_forwarded_for,
    attack_drop_cookies_between_guesses,
    attack_request_a_reset_to_lift_the_lockout,
    attack_enumerate_accounts_through_the_lockout_page,
    attack_fix_the_session_before_the_victim_logs_in,
    attack_replay_the_cookie_after_logout,
    attack_keep_using_a_session_after_a_password_reset,
    attack_keep_using_a_session_of_a_deactivated_account,
    attack_use_a_session_left_idle_past_the_timeout,
    attack_keep_a_session_busy_past_the_absolute_lifetime,
]
RESULTS: dict[str, bool] = {}


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.__name__.removeprefix("attack_") for a in ATTACKS])
def test_attack_gets_nowhere(attack):
    # given a fresh account; when the attacker tries the move; then it does not get them in
    RESULTS[attack.__name__] = attack()
    assert not RESULTS[attack.__name__], attack.__doc__


def test_t13_reported_line(capsys):
    # given every attack (run here if this test runs alone)
    for attack in ATTACKS:
        if attack.__name__ not in RESULTS:
            RESULTS[attack.__name__] = attack()
    # then none got through
    bypasses = [name for name, bypassed in RESULTS.items() if bypassed]
    with capsys.disabled():
        print(f"\nT13 auth: {len(RESULTS)} attacks: {len(bypasses)} bypasses")
    assert len(RESULTS) == len(ATTACKS) and bypasses == []
