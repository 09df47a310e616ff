"""Access-matrix rows of the instrument builder (owner and consultant only)."""

from __future__ import annotations

EDIT = {"owner": 200, "manager": 403, "consultant": 200, "viewer": 403}
POST = {"owner": 302, "manager": 403, "consultant": 302, "viewer": 403}


def _draft(org):
    """A draft org version of acme (copied from core-inside), created once per test."""
    from surveys.models import InstrumentVersion
    from surveys.services import instrument_copy
    from tests.factories import core_version

    existing = InstrumentVersion.objects.filter(instrument__organisation=org, status="draft").first()
    return existing or instrument_copy(actor=None, organisation=org, version=core_version("core-inside"))


def _v(org):
    return {"slug": "acme", "version_id": _draft(org).pk}


def _published(org):
    from tests.factories import core_version

    return {"slug": "acme", "version_id": core_version("core-inside").pk}


def _section(org):
    version = _draft(org)
    return {"slug": "acme", "version_id": version.pk, "section_id": version.sections.first().pk}


def _item(org):
    version = _draft(org)
    return {"slug": "acme", "version_id": version.pk, "item_id": version.items.first().pk}


ROWS = {
    "instrument_list": ("get", EDIT),
    "instrument_import": ("get", EDIT),
    "instrument_new": ("post", POST),
    "instrument_version": ("get", EDIT, _v),
    "instrument_copy": ("post", POST, _published),
    "instrument_pulse": ("post", POST, _published),
    "instrument_version_new": ("post", POST, _v),  # a draft: refused with a message, redirected
    "instrument_publish": ("post", POST, _v),
    "instrument_preview": ("get", EDIT, _v),
    "instrument_export": ("get", EDIT, _published),
    "instrument_section_add": ("post", POST, _v),
    "instrument_section": ("post", POST, _section),
    "instrument_item_add": ("get", EDIT, _section),
    "instrument_item": ("get", EDIT, _item),
    "instrument_item_action": ("post", POST, _item),
}
NOT_SCOPED: set[str] = set()
