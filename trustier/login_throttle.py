"""Login throttling with django-axes, fitted to Trustier's email login.

Failed attempts are counted in the database (axes' database handler), per account *and* client IP,
so a lockout holds with Redis down and one attacker cannot lock everybody else out.
"""

from __future__ import annotations

import ipaddress

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from axes.utils import reset
from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


def normalised_email(value: object) -> str:
    """`Alice@X.org ` and `alice@x.org` are one account: count their failures together."""
    return str(value or "").strip().lower()


def username_from(request, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: Django's login forms post the email as `username`, whatever USERNAME_FIELD is."""
    if credentials:
        return normalised_email(credentials.get("username") or credentials.get("email"))
    data = getattr(request, "POST", {})
    return normalised_email(data.get("username") or data.get("email"))


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: REMOTE_ADDR, or the address that the outermost trusted proxy saw.

    TRUSTIER_CLIENT_IP_HEADER names the request.META key (e.g. HTTP_X_FORWARDED_FOR). Proxies append
    to that list, so with TRUSTIER_TRUSTED_PROXY_COUNT proxies the client is that many entries from the
    right; anything left of it is what the client claims and is ignored. Malformed values fall back to
    REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    header = settings.TRUSTIER_CLIENT_IP_HEADER
    if header == "REMOTE_ADDR":
        return _valid_ip(remote)
    hops = [hop for hop in request.META.get(header, "").split(",") if hop.strip()]
    count = max(settings.TRUSTIER_TRUSTED_PROXY_COUNT, 1)
    if len(hops) >= count:
        found = _valid_ip(hops[-count])
        if found:
            return found
    return _valid_ip(remote)


class ThrottleBackend(AxesStandaloneBackend):
    """Refuses a locked-out account+IP before any password is checked.

    `authenticate()` without a request (the test client's `login()`, a shell) has no client to
    throttle; axes would raise there, so it is passed on to the next backend. Every login page
    passes its request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: one page for every locked-out login, existing account or not."""
    minutes = int(get_cool_off(request).total_seconds() // 60)
    context = {"minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT}
    response = render(request, "registration/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    add_never_cache_headers(response)
    return response


def clear_lockouts(email: str) -> int:
    """Whoever completed a password reset has proven they own the address: let them log in again."""
    return reset(username=normalised_email(email))
