"""The one way to write an audit event."""

from __future__ import annotations

from typing import Any

from django.db import models

from trustier.models import AuditEvent


def audit_record(
    *,
    actor: Any,
    organisation: Any,
    verb: str,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(**audit_fields(actor=actor, organisation=organisation, verb=verb, obj=obj, before=before, after=after))


def audit_fields(*, actor, organisation, verb, obj=None, before=None, after=None) -> dict:
    """Field values for an AuditEvent; services that write many rows bulk_create with these."""
    return {
        "actor": actor if getattr(actor, "is_authenticated", False) else None,
        "organisation": organisation,
        "verb": verb,
        "object_type": obj._meta.model_name if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "object_repr": str(obj)[:200] if obj is not None else "",
        "before": before or {},
        "after": after or {},
    }
