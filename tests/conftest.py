"""Shared fixtures: personas of one organisation, an outsider's organisation, browser launch."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, UserFactory, unit_tree

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"]


def require(condition: bool, reason: str) -> None:
    """Skip when a service is missing locally; in CI (CI=true) a missing service is a failure."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(os.path.exists(CHROMIUM), "Debian's chromium is not installed")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def org(db):
    organisation = OrganisationFactory(name="Acme", slug="acme")
    units = unit_tree(organisation, ["Sales/North", "Sales/South", "Operations"])
    organisation.test_units = units
    return organisation


@pytest.fixture
def other_org(db):
    organisation = OrganisationFactory(name="Other", slug="other")
    organisation.test_units = unit_tree(organisation, ["Finance"])
    return organisation


@pytest.fixture
def personas(org, other_org):
    """owner, manager (of Sales), consultant, viewer of `org`; outsider is an owner of `other_org`."""
    people = {
        "owner": MembershipFactory(organisation=org, role="owner").user,
        "manager": MembershipFactory(organisation=org, role="manager", unit=org.test_units["Sales"]).user,
        "consultant": MembershipFactory(organisation=org, role="consultant").user,
        "viewer": MembershipFactory(organisation=org, role="viewer").user,
        "outsider": MembershipFactory(organisation=other_org, role="owner").user,
    }
    PersonFactory(organisation=org, unit=org.test_units["Sales/North"], external_id="S1")
    PersonFactory(organisation=org, unit=org.test_units["Operations"], external_id="O1")
    PersonFactory(organisation=other_org, unit=other_org.test_units["Finance"], external_id="F1")
    return people


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture(autouse=True)
def _english_by_default():
    """Requests switch the thread's language; each test starts in English again."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _mail_through_the_outbox(settings):
    """pytest-django swaps in locmem mail; Trustier's mail always goes through the outbox first."""
    settings.EMAIL_BACKEND = "trustier.mail.OutboxEmailBackend"
