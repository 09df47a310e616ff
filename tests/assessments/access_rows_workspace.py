"""Access-matrix rows of the consultant workspace.

Neither URL is a page of one organisation, so both are outside the matrix (its outsider is expected to get
404 on acme's pages, while the workspace is every user's own page). tests/assessments/test_workspace.py
checks them for every persona: /workspace/ lists only the user's own organisations (200 for everyone logged
in), /workspace/clients/new/ is 403 for everyone who is consultant nowhere, and both send anonymous
visitors to the login page.
"""

from __future__ import annotations

ROWS: dict = {}
NOT_SCOPED = {"workspace", "client_create"}
