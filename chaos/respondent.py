"""A respondent over HTTP (stdlib only, bounded): GET the first section for the CSRF cookie, POST every
section, then the final submit with one nonce chosen up front. Retries on connection errors and 5xx
(bounded) with the same token and the same nonce, as a browser's "send again" would.

Cookies are sent by hand: the app marks them Secure (DEBUG off) and the run talks plain HTTP on loopback.
"""

from __future__ import annotations

import random
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

THANKS = "Bedankt!"  # the Dutch thanks page ("Thank you!"); every seeded invitation is in Dutch
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass
class Outcome:
    token: str
    nonce: str
    acknowledged: bool = False
    statuses: list[int] = field(default_factory=list)  # every HTTP status seen (0 = connection error)
    retries: int = 0
    error: str = ""


def _request(url: str, data: dict | None, cookie: str, timeout: float) -> tuple[int, str, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Referer"] = url
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with _OPENER.open(request, timeout=timeout) as reply:
            return reply.status, reply.read().decode("utf-8", "replace"), "; ".join(reply.headers.get_all("Set-Cookie") or [])
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), "; ".join(exc.headers.get_all("Set-Cookie") or [])


def answer_form(section: list[tuple[str, str]], rng: random.Random) -> dict[str, str]:
    return {f"q_{key}": ("" if role == "comment" else str(rng.randint(1, 7))) for key, role in section}


def respond(base_url: str, token: str, sections: list[list[tuple[str, str]]], *, retries: int = 40,
            retry_pause: float = 0.5, timeout: float = 15.0, think: float = 0.0, seed: int = 0) -> Outcome:
    """One whole respondent. Never raises; the outcome says whether the server acknowledged the submit."""
    rng = random.Random(seed)
    outcome = Outcome(token=token, nonce=secrets.token_urlsafe(24))
    url = f"{base_url}/r/{token}/"

    def call(query: str, data: dict | None, cookie: str) -> tuple[int, str, str]:
        for attempt in range(retries + 1):
            try:
                status, text, set_cookie = _request(url + query, data, cookie, timeout)
            except Exception as exc:  # noqa: BLE001 - connection refused/reset during an outage: retry
                status, text, set_cookie = 0, str(exc), ""
            outcome.statuses.append(status)
            if status and status < 500:
                return status, text, set_cookie
            if attempt < retries:
                outcome.retries += 1
                time.sleep(retry_pause)
        return status, text, set_cookie

    try:
        status, html, set_cookie = call("?s=1&lang=nl", None, "")
        if status != 200:
            outcome.error = f"first GET {status}"
            return outcome
        match = re.search(r"csrftoken=([^;]+)", set_cookie)
        csrf = CSRF_RE.search(html)
        if not match or not csrf:
            outcome.error = "no CSRF cookie or field"
            return outcome
        cookie = f"csrftoken={match.group(1)}"
        for number, section in enumerate(sections, start=1):
            last = number == len(sections)
            form = {"csrfmiddlewaretoken": csrf.group(1), "action": "submit" if last else "next", **answer_form(section, rng)}
            if last:
                form["nonce"] = outcome.nonce
            if think:
                time.sleep(think)
            status, text, _ = call(f"?s={number}&lang=nl", form, cookie)
            if last and (status == 302 or (status == 200 and THANKS in text)):
                outcome.acknowledged = True  # 302 to the thanks page, or the thanks page itself on a retry
            elif status != 302:
                outcome.error = f"section {number}: {status}"
                return outcome
        if outcome.acknowledged:  # what the browser shows next: the thanks page
            status, text, _ = call("?lang=nl", None, cookie)
            if status != 200 or THANKS not in text:
                outcome.error = f"thanks page {status}"
    except Exception as exc:  # noqa: BLE001 - reported, never raised into the driver
        outcome.error = f"{type(exc).__name__}: {exc}"
    return outcome


def login(base_url: str, email: str, password: str, timeout: float = 10.0) -> int:
    """Log in through the real form; the status of the POST (302 = logged in)."""
    status, html, set_cookie = _request(f"{base_url}/accounts/login/", None, "", timeout)
    match = re.search(r"csrftoken=([^;]+)", set_cookie)
    csrf = CSRF_RE.search(html)
    if status != 200 or not match or not csrf:
        return status or 0
    status, _, set_cookie = _request(f"{base_url}/accounts/login/", {
        "csrfmiddlewaretoken": csrf.group(1), "username": email, "password": password}, f"csrftoken={match.group(1)}", timeout)
    if status == 302 and "sessionid=" not in set_cookie:
        return -1  # redirected without a session: not logged in
    return status
