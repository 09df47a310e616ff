"""Steps the browser tests share."""

from __future__ import annotations

from tests.factories import PASSWORD


def log_in(page, base_url: str, who, password: str = PASSWORD) -> None:
    """Log in through the login form; `who` is a user or an email address."""
    page.goto(base_url + "/")
    page.get_by_label("Email").fill(getattr(who, "email", who))
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
