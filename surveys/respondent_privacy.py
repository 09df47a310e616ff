"""The respondents' privacy page (issue 10, point 2): what is stored, for how long, who sees what, whom to ask.

Its link carries no survey token: the respondent pages link to /r/privacy/<key>/, where `key` is a signed
(organisation id, mode) pair. Nobody can list organisations through it, and it never reveals a token.
"""

from __future__ import annotations

from django.core import signing

from assessments.models import Organisation

SALT = "trustier.surveys.privacy"
MODES = ("anonymous", "confidential", "open")


def privacy_key(*, organisation: Organisation, mode: str) -> str:
    return signing.dumps({"o": organisation.pk, "m": mode if mode in MODES else ""}, salt=SALT, compress=True)


def privacy_lookup(*, key: str) -> tuple[Organisation, str] | None:
    """(organisation, mode) of a key made by privacy_key; None for a forged or unknown one."""
    try:
        data = signing.loads(key[:500], salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    organisation = Organisation.objects.filter(pk=data.get("o")).first()
    return (organisation, data.get("m") if data.get("m") in MODES else "") if organisation else None


def contacts(*, organisation: Organisation) -> list[str]:
    """Whom respondents may ask about their data: the organisation's owners (email addresses of logins)."""
    return list(organisation.memberships.filter(role="owner", user__is_active=True)
                .order_by("user__email").values_list("user__email", flat=True))
