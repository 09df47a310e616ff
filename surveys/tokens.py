"""Respondent link tokens: 192 random bits travel only in the email; the database keeps a keyed hash.

The hash is an HMAC with a key derived from SECRET_KEY, so a database dump alone cannot be turned
back into working links (rotating SECRET_KEY invalidates open links; see the threat model).
"""

from __future__ import annotations

import secrets

from django.utils.crypto import salted_hmac

TOKEN_BYTES = 24  # 192 bits; the issue asks for at least 128


def token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(raw: str) -> str:
    """The stored form of a token; any string (forged, empty, huge) hashes without error."""
    return salted_hmac("trustier.surveys.token", raw[:200], algorithm="sha256").hexdigest()


def draft_key_for(secret: str) -> str:
    """A draft's key: for an invitation, a keyed hash of its token hash (so a reminder's new link can
    carry the draft over); for an open link, of the browser's random key. Never equal to a token hash,
    so a database dump alone cannot join a draft to an invitation."""
    return salted_hmac("trustier.surveys.draft", secret[:200], algorithm="sha256").hexdigest()
