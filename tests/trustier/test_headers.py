"""T12 (issue 10): every page carries the security headers, and no page holds markup the CSP would block.

Walks the URL conf with the access matrix's rows (tests/assessments/test_access_matrix.py), so a new URL
is covered as soon as it has a row there; URLs outside the matrix get their kwargs below. Requests go over
HTTPS with the production-like security settings switched on. Reports "V pages: 0 violations, 0 missing
headers".
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import checks
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from surveys.fielding import wave_open_link_new
from surveys.respondent_privacy import privacy_key
from tests.assessments.test_access_matrix import MATRIX, NOT_SCOPED, _named_urls
from tests.factories import PASSWORD
from tests.surveys.respond_helpers import invite, open_wave

POLICY = {
    "default-src": {"'self'"}, "script-src": {"'self'"}, "style-src": {"'self'"}, "img-src": {"'self'", "data:"},
    "font-src": {"'self'"}, "connect-src": {"'self'"}, "frame-ancestors": {"'none'"}, "form-action": {"'self'"},
    "base-uri": {"'self'"}, "object-src": {"'none'"},
}
# Pages no cache may keep: the respondent's (token in the path), the account pages, file downloads.
NO_STORE = {"respond", "respond_open", "respond_copy", "respond_privacy", "login", "logout", "password_reset", "password_reset_done",
            "password_reset_confirm", "password_reset_complete", "export_download", "instrument_export"}
# Opened without a login: a respondent has none, and a logged-in user is sent away from the account pages.
ANONYMOUS = {"respond", "respond_open", "respond_copy", "respond_privacy", "login", "password_reset", "password_reset_done",
             "password_reset_confirm", "password_reset_complete"}
YEAR = 31536000


def _reset_kwargs(owner):
    return {"uidb64": urlsafe_base64_encode(force_bytes(owner.pk)), "token": default_token_generator.make_token(owner)}


def _outside_open_link(org, owner):
    wave = open_wave(org)
    wave.assessment.audience = "outside"
    wave.assessment.save(update_fields=["audience"])
    return {"token": wave_open_link_new(actor=owner, wave=wave)}


# URLs outside the access matrix: name -> (method, kwargs builder(org, owner), POST data)
EXTRA = {
    "respond": ("get", lambda org, owner: {"token": invite(open_wave(org))}, None),
    "respond_open": ("get", _outside_open_link, None),
    "respond_copy": ("post", lambda org, owner: {"token": invite(open_wave(org))}, {"email": "me@example.org"}),
    "respond_privacy": ("get", lambda org, owner: {"key": privacy_key(organisation=org, mode="anonymous")}, None),
    "password_reset_confirm": ("get", lambda org, owner: _reset_kwargs(owner), None),
    "logout": ("post", None, None),
    "set_language": ("post", None, {"language": "nl", "next": "/"}),
}


@pytest.fixture
def production(settings):
    """The security settings of a production deployment that the test settings relax for plain-HTTP tests."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


class InlineMarkup(HTMLParser):
    """Collects what `script-src 'self'; style-src 'self'` blocks: inline scripts, event-handler attributes,
    javascript: URLs, <style> elements and style attributes (SVG presentation attributes are allowed)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src") and names.get("type") not in ("application/json", "application/ld+json"):
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            elif name == "style":
                self.found.append(f"<{tag} style=…>")
            elif name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")


def inline_markup(html: str) -> list[str]:
    parser = InlineMarkup()
    parser.feed(html)
    return parser.found


def policy_of(header: str) -> dict[str, set[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: set(words[1:]) for words in directives}


def missing_headers(name: str, response) -> list[str]:
    missing = []
    policy = policy_of(response.get("Content-Security-Policy", ""))
    missing += [f"CSP {d}" for d, sources in POLICY.items() if policy.get(d) != sources]
    if "'unsafe-inline'" in response.get("Content-Security-Policy", ""):
        missing.append("CSP without 'unsafe-inline'")
    hsts = dict(p.strip().partition("=")[::2] for p in response.get("Strict-Transport-Security", "").split(";"))
    if int(hsts.get("max-age") or 0) < YEAR or "includeSubDomains" not in hsts:
        missing.append("HSTS ≥ 1 year with subdomains")
    expected = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}
    missing += [header for header, value in expected.items() if response.get(header) != value]
    if name in NO_STORE and "no-store" not in response.get("Cache-Control", ""):
        missing.append("Cache-Control: no-store")
    return missing


def _request(name, org, owner):
    if name in MATRIX:
        method, _statuses, *make_kwargs = MATRIX[name]
        kwargs, data = (make_kwargs[0](org) if make_kwargs else {"slug": "acme"}), None
    else:
        method, make_kwargs, data = EXTRA.get(name, ("get", None, None))
        kwargs = make_kwargs(org, owner) if make_kwargs else {}
    client = Client()
    if name not in ANONYMOUS:
        client.force_login(owner)
    url = reverse(name, kwargs=kwargs)
    response = getattr(client, method)(url, data or {}, secure=True)
    pages = [(name, response)]
    if name == "password_reset_confirm" and response.status_code == 302:  # the token moves into the session
        pages.append((name, client.get(response["Location"], secure=True)))  # "choose a new password"
    return pages


def test_every_page_has_the_security_headers_and_no_inline_code(production, personas, org, capsys):
    # given every named URL of the URL conf, an owner of acme and production-like security settings
    names = sorted(set(_named_urls()))
    unbuildable = []
    for name in names:
        if name not in MATRIX and name not in EXTRA:
            try:
                reverse(name)
            except NoReverseMatch:
                unbuildable.append(name)
    assert not unbuildable, f"add kwargs for these URLs to EXTRA in {__name__}: {unbuildable}"
    assert set(names) <= set(MATRIX) | NOT_SCOPED | set(EXTRA)
    # when each page is requested over HTTPS (respondent and account pages without a login)
    pages = [page for name in names for page in _request(name, org, personas["owner"])]
    # then every response carries every header, and no HTML page holds inline script or style
    missing = {f"{name} {r.status_code}": m for name, r in pages if (m := missing_headers(name, r))}
    html = [(name, r) for name, r in pages if r.get("Content-Type", "").startswith("text/html")]
    violations = {f"{name} {r.status_code}": v for name, r in html if (v := inline_markup(r.content.decode()))}
    errors = [f"{name} {r.status_code}" for name, r in pages if r.status_code >= 500]
    line = (f"{len(pages)} pages ({len(html)} HTML): {sum(map(len, violations.values()))} violations, "
            f"{sum(map(len, missing.values()))} missing headers")
    with capsys.disabled():
        print(f"\nT12 headers: {line}")
    assert not errors, errors
    assert not violations, violations
    assert not missing, missing
    assert len(html) >= 40 and any(name == "respond" and r.status_code == 200 for name, r in html)


def test_the_inline_markup_scanner_finds_what_the_policy_blocks():
    # given markup with each kind of inline code the policy blocks, and markup the policy allows
    blocked = ('<script>alert(1)</script><p style="color:red" onclick="x()"></p><a href="javascript:x()">a</a>'
               "<style>p{}</style>")
    allowed = ('<script src="/static/js/trustier.js"></script><script type="application/json">{}</script>'
               '<svg><rect fill="#1f4e79" stroke-width="2"/></svg><select data-autosubmit></select>')
    # when scanned / then each blocked piece is counted and nothing allowed is
    assert len(inline_markup(blocked)) == 5
    assert inline_markup(allowed) == []


def test_no_store_on_downloads_and_account_pages_but_not_on_dashboards(production, personas, org, client):
    # given an owner
    client.force_login(personas["owner"])
    # when they open their dashboard, and log out and open the login page
    dashboard = client.get(reverse("dashboard", kwargs={"slug": "acme"}), secure=True)
    client.logout()
    reset = client.get(reverse("password_reset"), secure=True)
    # then only the account page must not be stored (the dashboard keeps Django's default caching)
    assert dashboard.status_code == 200 and "no-store" not in dashboard.get("Cache-Control", "")
    assert reset.status_code == 200 and "no-store" in reset["Cache-Control"]


def test_session_and_csrf_cookies_are_secure(production, personas, client):
    # given production-like settings
    login = reverse("login")
    # when someone opens the login page and logs in over HTTPS
    page = client.get(login, secure=True)
    response = client.post(login, {"username": personas["owner"].email, "password": PASSWORD}, secure=True)
    # then the CSRF cookie is Secure, and the session cookie is Secure, HttpOnly and SameSite=Lax
    assert response.status_code == 302
    csrf, session = page.cookies["csrftoken"], response.cookies["sessionid"]
    assert csrf["secure"] is True
    assert session["secure"] is True and session["httponly"] is True and session["samesite"] == "Lax"


def test_deploy_checks_are_clean_with_production_settings(production, monkeypatch):
    # given production-like settings (and not the async escape hatch tests/conftest.py sets for Playwright)
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    # when Django's deployment checks run
    found = [m for m in checks.run_checks(include_deployment_checks=True) if m.level >= checks.WARNING]
    # then there is nothing to fix (tests/trustier/test_settings.py runs the same with the .ci/run environment)
    assert found == [], [str(m) for m in found]
