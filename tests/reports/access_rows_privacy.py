"""Access-matrix rows of the privacy pages (owners only); the respondents' privacy page needs no login."""

from __future__ import annotations

OWNER_ONLY = {"owner": 200, "manager": 403, "consultant": 403, "viewer": 403}


def _person(org):
    from tests.factories import PersonFactory

    return {"slug": "acme", "pk": PersonFactory(organisation=org, unit=org.test_units["Sales/North"]).pk}


ROWS = {
    "privacy_settings": ("get", OWNER_ONLY),
    "person_export": ("post", OWNER_ONLY, _person),
    "person_erase": ("get", OWNER_ONLY, _person),
}
# Tested in tests/reports/test_gdpr.py: a signed, token-free key; a forged key → 404.
NOT_SCOPED = {"respond_privacy"}
