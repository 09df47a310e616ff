"""The 360° rater groups and their labels: the one place both the cycle and the report read them. Pure."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SELF = "self"
MANAGER = "manager"
PEER = "peer"
REPORT = "report"
CUSTOMER = "customer"
OTHER = "other"

# Nomination groups (self is not a nomination: the subject is invited with group "self").
GROUPS = (MANAGER, PEER, REPORT, CUSTOMER, OTHER)
# Groups shown only with at least k raters (the manager and self are attributed by design).
ANONYMOUS_GROUPS = (PEER, REPORT, CUSTOMER, OTHER)
ALL_GROUPS_WITH_SELF = (SELF, *GROUPS)

LABELS = {
    SELF: _("Self"),
    MANAGER: _("Manager"),
    PEER: _("Peers"),
    REPORT: _("Direct reports"),
    CUSTOMER: _("Customers and partners"),
    OTHER: _("Others"),
}

GROUP_CHOICES = [(g, LABELS[g]) for g in GROUPS]

# Default [min, max] raters per nominated anonymous group.
DEFAULT_GROUP_LIMITS = {PEER: [3, 8], REPORT: [3, 10], CUSTOMER: [0, 5], OTHER: [0, 5]}


def default_group_limits() -> dict:
    return {group: list(bounds) for group, bounds in DEFAULT_GROUP_LIMITS.items()}


def label(group: str) -> str:
    return LABELS.get(group, group)
