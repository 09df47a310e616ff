"""A logging filter that removes respondent tokens from every log line.

Django logs 4xx responses with their path ("Not Found: /r/<token>/"), the CSRF check logs the path
of a refused POST, and runserver logs every request line. A token in a log is a working link to
someone's survey (and, in confidential mode, to their identity), so every /r/<token>/ path is
written as /r/…/ before any handler sees it. `install()` puts the filter on the loggers that log
request paths (logger-level filters run before every handler, including Django's own); it is called
when the respondent URLconf is imported, i.e. before the first /r/ path can be resolved or logged.
"""

from __future__ import annotations

import logging
import re

_TOKEN_PATH = re.compile(r"(/r/(?:o/)?)[^/\s?\"']+")


def redact(text: str) -> str:
    return _TOKEN_PATH.sub(r"\1…", text)


LOGGERS = ("django.request", "django.security.csrf", "django.server", "django.security")


class RedactRespondentTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is left for the handler to report
            return True
        if "/r/" in message:
            record.msg, record.args = redact(message), None
        # Django's request loggers pass the request itself as `extra` (AdminEmailHandler and error trackers
        # print its path): a respondent's request is dropped from the record, the message above stays.
        if "/r/" in str(getattr(getattr(record, "request", None), "path", "")):
            record.request = None
        return True


def install() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactRespondentTokens) for f in logger.filters):
            logger.addFilter(RedactRespondentTokens())
