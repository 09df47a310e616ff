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

# Reciprocal trust (issue 11): a prefix of reports.reciprocal ("felt:") plus one of the measures above.
RECIPROCAL_KINDS = {
    "upward": _("Trust in the leadership"),
    "felt": _("Felt trust"),
    "felt_gap": _("Felt-trust gap"),
    "downward": _("Managers' trust in the team"),
    "mutual_gap": _("Mutuality gap"),
}


def measure_label(measure: str) -> str:
    """'integrity' → Integrity; 'item:int_1' → item int_1; 'driver:empathy' → Driver: Empathy;
    'felt_gap:trust_index' → Felt-trust gap · Trust Index."""
    if measure.startswith("item:"):
        return str(_("Item %(key)s") % {"key": measure[5:]})
    if measure.startswith("driver:"):
        return str(_("Driver: %(name)s") % {"name": measure_label(measure[7:])})
    kind, _colon, rest = measure.partition(":")
    if rest and kind in RECIPROCAL_KINDS:  # 'felt:competence' → Felt trust · Competence
        return f"{RECIPROCAL_KINDS[kind]} · {LABELS.get(rest, rest)}"
    return str(LABELS.get(measure, measure))
