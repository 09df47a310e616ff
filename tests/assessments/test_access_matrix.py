"""Every URL × every persona → the expected status. Built from the URL conf: a new URL without a
row here fails `test_every_url_has_a_row`."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ANON = "anonymous"
# name: (method, {persona: status}) for the page of organisation "acme".
OK_ALL = {"owner": 200, "manager": 200, "consultant": 200, "viewer": 200}
MATRIX = {
    "organisation": ("get", OK_ALL),
    "units": ("get", OK_ALL),
    "people": ("get", {"owner": 200, "manager": 200, "consultant": 200, "viewer": 403}),
    "people_import": ("get", {"owner": 200, "manager": 403, "consultant": 200, "viewer": 403}),
    "people_import_confirm": ("post", {"owner": 302, "manager": 403, "consultant": 302, "viewer": 403}),
    "audit_log": ("get", {"owner": 200, "manager": 403, "consultant": 403, "viewer": 403}),
    "members": ("get", {"owner": 200, "manager": 403, "consultant": 403, "viewer": 403}),
}
# URLs that are not organisation pages, with the reason they are outside the matrix.
NOT_SCOPED = {"home", "login", "logout", "password_reset", "password_reset_done", "password_reset_confirm",
              "password_reset_complete", "set_language", "health"}
# Rows of other apps (every tests/<app>/access_rows*.py): ROWS maps name -> (method, {persona: status}[, make_kwargs]),
# where make_kwargs(org) builds the URL's kwargs for organisation "acme" (e.g. an object id of acme);
# NOT_SCOPED lists their URLs that are not organisation pages (e.g. the respondent's pages, no login).
for _path in sorted(Path(__file__).parents[1].glob("*/access_rows*.py")):
    _rows = importlib.import_module(f"tests.{_path.parent.name}.{_path.stem}")
    MATRIX.update(getattr(_rows, "ROWS", {}))
    NOT_SCOPED |= getattr(_rows, "NOT_SCOPED", set())


def _named_urls(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            yield from _named_urls(entry.url_patterns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name


def test_every_url_has_a_row():
    # given the URL conf / when listing its named URLs / then each is in the matrix or explained
    missing = set(_named_urls()) - set(MATRIX) - NOT_SCOPED
    assert not missing, f"add these URLs to the access matrix: {sorted(missing)}"


CASES = [(name, persona) for name in MATRIX for persona in [*OK_ALL, "outsider", ANON]]


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_access(client, personas, org, name, persona):
    # given a persona of organisation acme (or an outsider, or nobody)
    method, expected, *make_kwargs = MATRIX[name]
    if persona != ANON:
        client.force_login(personas[persona])
    url = reverse(name, kwargs=make_kwargs[0](org) if make_kwargs else {"slug": "acme"})
    # when they open the page
    response = getattr(client, method)(url)
    # then they get exactly the status their role allows
    if persona == ANON:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif persona == "outsider":
        assert response.status_code == 404
    else:
        assert response.status_code == expected[persona]


def test_manager_sees_only_people_of_their_subtree(client, personas):
    # given the manager of Sales
    client.force_login(personas["manager"])
    # when listing people
    response = client.get(reverse("people", kwargs={"slug": "acme"}))
    # then Sales/North's person is listed, Operations' is not
    ids = [p.external_id for p in response.context["page"]]
    assert ids == ["S1"]


def test_outsider_cannot_see_foreign_people_even_by_search(client, personas):
    client.force_login(personas["outsider"])
    response = client.get(reverse("people", kwargs={"slug": "other"}), {"q": "S1"})
    assert [p.external_id for p in response.context["page"]] == []


def test_error_pages_render_in_both_languages(client, personas):
    client.force_login(personas["viewer"])
    for language, text in (("en", "You do not have access"), ("nl", "Je hebt geen toegang")):
        client.cookies["django_language"] = language
        response = client.get(reverse("people", kwargs={"slug": "acme"}))
        assert response.status_code == 403
        assert text in response.content.decode()
