"""Cache-Control: no-store on pages no cache may keep: the respondent's (a token in the path), the account
pages (login, password reset, choosing a password) and every downloaded file (exports hold HR data).

The pages are listed by URL name in settings.TRUSTIER_NO_STORE_URL_NAMES; a download is any response sent
as an attachment, so a new export view is covered without being listed.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_cache_control


def needs_no_store(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    named = match is not None and match.url_name in settings.TRUSTIER_NO_STORE_URL_NAMES
    return named or response.get("Content-Disposition", "").lower().startswith("attachment")


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if needs_no_store(request, response) and "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, no_store=True)
        return response
