"""Access-matrix rows of two-factor authentication: the organisation's requirement is for its owners only."""

from __future__ import annotations

ROWS = {"organisation_security": ("get", {"owner": 200, "manager": 403, "consultant": 403, "viewer": 403})}
# The user's own account pages: they act on request.user only (no organisation, no object id); tested in
# tests/trustier/test_two_factor.py.
NOT_SCOPED = {"two_factor", "two_factor_setup", "two_factor_recovery", "two_factor_disable", "two_factor_verify"}
