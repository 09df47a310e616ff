"""Form fields shared by the apps."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1  # the largest database id; a bigger number would overflow the query (a 500 on SQLite)


def is_id(value) -> bool:
    """A positive 64-bit integer written in ASCII digits (what a posted object id must be)."""
    text = str(value).strip()
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField over integer primary keys that refuses a value no id can have, before any query."""

    def _check_values(self, value):
        for pk in value:
            if not isinstance(pk, (list, tuple, dict)) and not is_id(pk):
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)


def search_text(value: str | None, limit: int = 100) -> str:
    """A free-text search parameter as a query may use it: no NUL (PostgreSQL refuses it: a 500), trimmed, capped."""
    return (value or "").replace("\x00", "").strip()[:limit]
