"""Two-factor authentication with django-otp: one TOTP app and ten one-time recovery codes per user.

Recovery codes are stored as a keyed hash (HMAC-SHA256 with SECRET_KEY, 16 hex digits) in django-otp's
StaticToken, so a database dump alone neither shows nor lets anyone try them offline; rotating SECRET_KEY
makes them unusable (the app keeps working; the user makes new codes). Wrong codes are throttled by the
devices themselves (ThrottlingMixin). Security events are audited without an organisation: they belong to
the person, not to one of their organisations.
"""

from __future__ import annotations

import base64
import secrets
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import Membership
from trustier.audit import audit_record

RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read back from paper
ENFORCED_ROLES = {Membership.Role.OWNER, Membership.Role.CONSULTANT}


class CodeRefused(Exception):
    """A wrong, reused or throttled code; the message says which, for the person typing it."""


# --- Reads

def totp_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def has_two_factor(user) -> bool:
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    device = StaticDevice.objects.filter(user=user).first()
    return device.token_set.count() if device else 0


def provisioning(device: TOTPDevice) -> dict:
    """What an authenticator app needs: the secret as text (groups of four) and the otpauth:// URL as an SVG QR code."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title=_("QR code for your authenticator app"))
    return {"secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), "qr_svg": svg}


def enforcing_organisations(user, *, slug: str | None = None):
    """Organisations that require two-factor authentication of this user (by their role there)."""
    memberships = Membership.objects.filter(user=user, role__in=ENFORCED_ROLES, organisation__require_two_factor=True)
    if slug is not None:
        memberships = memberships.filter(organisation__slug=slug)
    return [m.organisation for m in memberships.select_related("organisation")]


# --- Codes

def _recovery_digest(code: str) -> str:
    normalised = "".join(code.lower().split()).replace("-", "")
    return salted_hmac("trustier.two_factor.recovery", normalised, algorithm="sha256").hexdigest()[:16]


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))  # 31^10: about 50 bits
    return f"{raw[:5]}-{raw[5:]}"


def _throttle_message(device) -> str | None:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    return _("Too many wrong codes. Wait a moment (until %(time)s) and try again.") % {
        "time": timezone.localtime(info["locked_until"]).strftime("%H:%M:%S")}


def _problem(device, token: str) -> str | None:
    """Verifies `token` on `device` (a locked row; a failure is counted); None when right, else what to tell."""
    problem = _throttle_message(device)
    if problem:
        return problem
    if not device.verify_token(token):
        return _("That code is not right. Check the time on your phone and enter the newest code.")
    return None


def verify(*, user, code: str):
    """The device that accepts `code` (a 6-digit app code or a recovery code, which is then used up).

    Raises CodeRefused after the transaction committed, so a failure counts towards the throttle."""
    code = "".join((code or "").split())
    with transaction.atomic():
        if code.isdigit() and len(code) == 6:
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            token = code
        else:
            device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            token = _recovery_digest(code)
        problem = _problem(device, token) if device else _(
            "Enter the 6-digit code from your app, or one of your recovery codes.")
    if problem:
        raise CodeRefused(problem)
    return device


# --- Writes

def setup_start(*, user) -> TOTPDevice:
    """The unconfirmed app device being set up (a new secret if none is pending); nothing is switched on yet."""
    device = totp_device(user, confirmed=False)
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def _replace_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    device.token_set.bulk_create([device.token_set.model(device=device, token=_recovery_digest(c)) for c in codes])
    return codes


def two_factor_confirm(*, actor, code: str) -> tuple[TOTPDevice, list[str]]:
    """Switches 2FA on once the pending app device produced a right code; returns it and the new recovery codes."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).first()
        problem = _problem(device, "".join((code or "").split())) if device else _(
            "Start the set-up again: this page was out of date.")
    if problem:
        raise CodeRefused(problem)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(actor)
        audit_record(actor=actor, organisation=None, verb="user.two_factor_on", obj=actor)
    return device, codes


@transaction.atomic
def recovery_codes_regenerate(*, actor) -> list[str]:
    if not has_two_factor(actor):
        raise CodeRefused(_("Switch on two-factor authentication first."))
    codes = _replace_recovery_codes(actor)
    audit_record(actor=actor, organisation=None, verb="user.recovery_codes_new", obj=actor)
    return codes


def two_factor_disable(*, actor, code: str) -> None:
    """Switches 2FA off after a current code (app or recovery), removing the app and the recovery codes."""
    verify(user=actor, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).delete()
        StaticDevice.objects.filter(user=actor).delete()
        audit_record(actor=actor, organisation=None, verb="user.two_factor_off", obj=actor)


def requirement_set(*, actor, organisation, required: bool) -> None:
    before = organisation.require_two_factor
    organisation.require_two_factor = required
    organisation.save(update_fields=["require_two_factor"])
    audit_record(actor=actor, organisation=organisation, verb="organisation.two_factor_required", obj=organisation,
                 before={"required": before}, after={"required": required})


# --- Enforcement

# Pages an unverified user may still open: the code page itself, logging out, the language switch, health.
OPEN_URL_NAMES = {"two_factor_verify", "logout", "login", "set_language", "health"}
# Pages a user without 2FA may open although an organisation of theirs requires it: setting it up.
SETUP_URL_NAMES = {"two_factor", "two_factor_setup", "two_factor_recovery", "two_factor_disable", *OPEN_URL_NAMES}


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"


class TwoFactorMiddleware:
    """After the password: a user with 2FA must enter a code before any page; owners and consultants of an
    organisation that requires 2FA must set it up before they open that organisation's pages (or the
    workspace that summarises them). The respondent's pages (/r/…) need no login and are never affected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.url_name if match else None
        if name in OPEN_URL_NAMES or request.path.startswith("/r/") or not request.user.is_authenticated:
            return None
        if request.user.is_verified():
            return None
        if has_two_factor(request.user):
            return redirect(_with_next("two_factor_verify", request))
        if name in SETUP_URL_NAMES:
            return None
        slug = view_kwargs.get("slug")
        if slug is None and not (name or "").startswith(("workspace", "client_create")):
            return None
        organisations = enforcing_organisations(request.user, slug=slug)
        if not organisations:
            return None
        messages.warning(request, _("%(organisation)s requires two-factor authentication of owners and consultants. "
                                    "Set it up to continue.") % {"organisation": organisations[0].name})
        return redirect(_with_next("two_factor_setup", request))
