"""Locust respondents for `make load` (chaos/load.py starts the stack and runs this headless).

Each simulated user answers one invitation after another: GET the first section, POST every section
(think time LOAD_THINK_MIN..LOAD_THINK_MAX seconds before each POST), then the thanks page. Tokens and
the questionnaire's sections come from the JSON file LOAD_SEED_FILE written by chaos/load.py; a user
whose pool is empty stops. Cookies go in a Cookie header: the app marks them Secure (DEBUG off) and
the run talks plain HTTP on loopback, where a cookie jar would not send them.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets

import gevent
from locust import HttpUser, task
from locust.exception import StopUser

with open(os.environ["LOAD_SEED_FILE"]) as _handle:
    _SEED = json.load(_handle)
TOKENS: list[str] = _SEED["tokens"][int(os.environ.get("LOAD_TOKEN_OFFSET", "0")):int(os.environ.get("LOAD_TOKEN_END", "0")) or None]
SECTIONS: list[list[list[str]]] = _SEED["sections"]
THINK = (float(os.environ.get("LOAD_THINK_MIN", "5")), float(os.environ.get("LOAD_THINK_MAX", "30")))
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COOKIE_RE = re.compile(r"csrftoken=([^;]+)")


class Respondent(HttpUser):
    def wait_time(self) -> float:
        return 0  # think time is inside the task, before each POST

    def _think(self) -> None:
        if THINK[1] > 0:
            gevent.sleep(random.uniform(*THINK))

    @task
    def answer_one_invitation(self) -> None:
        if not TOKENS:
            raise StopUser()
        token = TOKENS.pop()
        base = f"/r/{token}/"
        with self.client.get(base + "?s=1&lang=nl", name="GET /r/[token]/ (section 1)", catch_response=True,
                             allow_redirects=False) as reply:
            match, csrf = COOKIE_RE.search(reply.headers.get("Set-Cookie", "")), CSRF_RE.search(reply.text)
            if reply.status_code != 200 or not match or not csrf:
                reply.failure(f"status {reply.status_code} or no CSRF")
                return
            reply.success()
        headers = {"Cookie": f"csrftoken={match.group(1)}"}
        for number, section in enumerate(SECTIONS, start=1):
            last = number == len(SECTIONS)
            form = {"csrfmiddlewaretoken": csrf.group(1), "action": "submit" if last else "next"}
            form.update({f"q_{key}": ("" if role == "comment" else str(random.randint(1, 7))) for key, role in section})
            if last:
                form["nonce"] = secrets.token_urlsafe(24)
            self._think()
            name = "POST /r/[token]/ (submit)" if last else "POST /r/[token]/ (next section)"
            with self.client.post(f"{base}?s={number}&lang=nl", data=form, headers=headers, name=name,
                                  catch_response=True, allow_redirects=False) as reply:
                if reply.status_code != 302:
                    reply.failure(f"status {reply.status_code}")
                    return
                reply.success()
        with self.client.get(base + "?lang=nl", name="GET /r/[token]/ (thanks)", headers=headers, catch_response=True,
                             allow_redirects=False) as reply:
            if reply.status_code != 200 or "Bedankt!" not in reply.text:
                reply.failure(f"thanks page {reply.status_code}")
            else:
                reply.success()
