from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from surveys.respondent_privacy import contacts, privacy_lookup


@require_GET
def respond_privacy(request, key):
    """The respondents' privacy page, in the visitor's language (the language switch keeps the same key)."""
    found = privacy_lookup(key=key)
    if found is None:
        raise Http404
    organisation, mode = found
    if request.GET.get("lang") in ("nl", "en"):
        translation.activate(request.GET["lang"])
        request.LANGUAGE_CODE = request.GET["lang"]
    response = render(request, "surveys/respond/privacy.html", {
        "organisation": organisation, "mode": mode, "months": organisation.respondent_data_months,
        "k": organisation.min_group_size, "contacts": contacts(organisation=organisation),
        "languages": [("nl", "?lang=nl"), ("en", "?lang=en")]})
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
