"""Names of the measures a snapshot row can hold, in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DIMENSIONS = ("competence", "reliability", "integrity", "empathy")
LABELS = {
    "trust_index": _("Trust Index"),
    "competence": _("Competence"),
    "reliability": _("Reliability"),
    "integrity": _("Integrity"),
    "empathy": _("Empathy"),
    "how": _("How (competence + reliability)"),
    "why": _("Why (integrity + empathy)"),
    "global_trust": _("Global trust"),
    "intention": _("Trust intention"),
    "response_rate": _("Response rate"),
    "driver_r2": _("Explained variance of overall trust (R²)"),
}


def measure_label(measure: str) -> str:
    """'integrity' → Integrity; 'item:int_1' → item int_1; 'driver:empathy' → Driver: Empathy."""
    if measure.startswith("item:"):
        return str(_("Item %(key)s") % {"key": measure[5:]})
    if measure.startswith("driver:"):
        return str(_("Driver: %(name)s") % {"name": measure_label(measure[7:])})
    return str(LABELS.get(measure, measure))
