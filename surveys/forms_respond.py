"""The respondent's forms: answers arrive as q_<item key> fields; the final form carries a nonce."""

from __future__ import annotations

import secrets

from django import forms

PREFIX = "q_"


def posted_answers(data) -> dict[str, str]:
    """{item key: raw value} from every q_ field of a POST (unknown keys are kept, so they can be refused)."""
    return {name[len(PREFIX):]: data.get(name, "") for name in data if name.startswith(PREFIX)}


def nonce_new() -> str:
    """A random per-form submission key: a repeated POST of the same form is stored once."""
    return secrets.token_urlsafe(24)


class CopyForm(forms.Form):
    """Confidential mode only: the respondent asks for a copy of their answers by email."""

    confirm = forms.BooleanField(required=True)
