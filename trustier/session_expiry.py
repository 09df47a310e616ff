"""Absolute session lifetime: a login is good for TRUSTIER_SESSION_ABSOLUTE_AGE seconds, however busy.

The idle timeout is Django's own (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST); this adds
the hard ceiling that activity cannot push back (ASVS 7.3.2).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils.translation import gettext as _

LOGIN_AT = "trustier_login_at"


class AbsoluteSessionExpiryMiddleware:
    """Logs out a session older than the ceiling; stamps the login time on the response that logs in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            login_at = session.setdefault(LOGIN_AT, time.time())
            if time.time() - login_at > settings.TRUSTIER_SESSION_ABSOLUTE_AGE:
                logout(request)
                messages.info(request, _("Your session has expired. Please log in again."))
        response = self.get_response(request)
        # login() keeps the session's data when it rotates the key; logout() flushes it: so a session
        # that just logged in has no stamp yet (or keeps an earlier, stricter one after a re-login).
        if SESSION_KEY in request.session and LOGIN_AT not in request.session:
            request.session[LOGIN_AT] = time.time()
        return response
