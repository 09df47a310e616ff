"""The respondent's pages: no login, one section per page, works without JavaScript.

Every response carries `Cache-Control: no-store` and `Referrer-Policy: same-origin` (the token is in
the path). Unknown and forged tokens get the same 404 page; token lookups are rate-limited per IP.
"""

from __future__ import annotations

import hashlib
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from surveys import answering
from surveys.answering import TAMPERED, AnswerError, LinkState
from surveys.forms_respond import CopyForm, nonce_new, posted_answers
from surveys.models import Answer, Invitation, Response
from trustier.login_throttle import client_ip

OPEN_SECRET_COOKIE = "trustier_ob"  # a random browser key: the open link's draft key is derived from it
DONE_COOKIE = "trustier_done_"  # per wave: this browser has answered the open link
COOKIE_SALT = "trustier.respond"
LANGUAGES = ("nl", "en")


# --- rate limiting (Django's cache; fails open when the cache is down) -----------------------------

def _bucket(request, name: str) -> str:
    ip = client_ip(request) or ""  # the same client address as login throttling (trusted proxies honoured)
    return f"respond:{name}:{hashlib.sha256(ip.encode()).hexdigest()[:24]}:{int(time.time() // 60)}"


def _count(request, name: str) -> int:
    key = _bucket(request, name)
    try:
        cache.add(key, 0, 120)
        return cache.incr(key)
    except Exception:  # noqa: BLE001 - a broken cache must never stop a respondent
        return 0


def _rate_limited(request) -> bool:
    """More than N unknown tokens a minute (enumeration), or a flood of lookups, from one IP."""
    try:
        failed = cache.get(_bucket(request, "failed"), 0)
    except Exception:  # noqa: BLE001
        failed = 0
    return (failed >= getattr(settings, "TRUSTIER_RESPOND_FAILED_PER_MINUTE", 30)
            or _count(request, "all") > getattr(settings, "TRUSTIER_RESPOND_LOOKUPS_PER_MINUTE", 1000))


# --- helpers --------------------------------------------------------------------------------------

def _private(response):
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # not no-referrer: that makes the browser send "Origin: null", failing CSRF
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _language(request, session, draft) -> str:
    available = [lang for lang in session.instrument.languages if lang in LANGUAGES] or ["en"]
    for candidate in (request.GET.get("lang"), draft.language if draft else None,
                      session.invitation.language if session.invitation else None, translation.get_language()):
        if candidate in available:
            return candidate
    return available[0]


def _activate(request, language: str) -> None:
    translation.activate(language)
    request.LANGUAGE_CODE = language


def _url(name: str, token: str, **query) -> str:
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return reverse(name, kwargs={"token": token}) + ("?" + urlencode(query) if query else "")


def _message(request, kind: str, status: int, **context):
    return _private(render(request, "surveys/respond/message.html", {"kind": kind, **context}, status=status))


def _section_index(request, session, answers: dict) -> int:
    sections = session.instrument.sections
    try:
        index = int(request.GET.get("s", "")) - 1
        if 0 <= index < len(sections):
            return index
    except ValueError:
        pass
    for i, section in enumerate(sections):  # resume: the first section with a required question left open
        if any(item.required and item.key not in answers for item in section.items):
            return i
    return len(sections) - 1


def _anonymity(session) -> dict:
    if session.rating:
        return {"mode": "rating", "min_group_size": session.organisation.min_group_size, **session.rating}
    person = session.invitation.person if session.invitation else None
    unit = None
    if person is not None and person.unit_id:
        from assessments.models import Unit

        unit = Unit.objects.filter(pk=person.unit_id).values_list("path", flat=True).first()
    return {"mode": "open" if session.is_open_link else session.assessment.anonymity, "unit": unit,
            "attributes": sorted((person.attributes or {}).items()) if person else [],
            "min_group_size": session.organisation.min_group_size}


# --- views ----------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def respond(request, token):
    """An invitation's link (or, equally, a wave's open link) under /r/<token>/."""
    if _rate_limited(request):
        return _message(request, "rate_limited", 429)
    state, found = answering.link_lookup(token=token)
    return _dispatch(request, "respond", token, state, found)


@require_http_methods(["GET", "POST"])
def respond_open(request, token):
    """A wave's open link for outside audiences under /r/o/<token>/."""
    if _rate_limited(request):
        return _message(request, "rate_limited", 429)
    state, found = answering.open_link_lookup(token=token)
    return _dispatch(request, "respond_open", token, state, found)


def _dispatch(request, url_name, token, state, found):
    if state == LinkState.UNKNOWN:
        _count(request, "failed")
        return _message(request, "unknown", 404)
    invitation = found if isinstance(found, Invitation) else None
    wave = invitation.wave if invitation else found
    if state == LinkState.CLOSED:
        return _message(request, "closed", 410, organisation=wave.assessment.organisation)
    if state == LinkState.NOT_YET_OPEN:
        return _message(request, "not_yet_open", 403, organisation=wave.assessment.organisation, opens_at=wave.opens_at)
    new_secret = None
    if invitation is None:
        if request.get_signed_cookie(f"{DONE_COOKIE}{wave.pk}", default=None, salt=COOKIE_SALT) == "1":
            state = LinkState.ANSWERED
        secret = request.get_signed_cookie(OPEN_SECRET_COOKIE, default=None, salt=COOKIE_SALT)
        if not secret:
            secret = new_secret = nonce_new()
    else:
        secret = token
    session = answering.session_for(invitation=invitation, wave=wave, secret=secret)
    if state == LinkState.ANSWERED:
        return _thanks(request, session, url_name, token)
    response = _answer(request, session, url_name, token)
    if new_secret:
        response.set_signed_cookie(OPEN_SECRET_COOKIE, new_secret, salt=COOKIE_SALT, max_age=90 * 86400, path="/r/",
                                   secure=not settings.DEBUG and request.is_secure(), httponly=True, samesite="Lax")
    return response


def _answer(request, session, url_name, token):
    draft = answering.draft_load(session=session)
    language = _language(request, session, draft)
    _activate(request, language)
    saved = dict(draft.answers) if draft else {}
    sections = session.instrument.sections
    index = _section_index(request, session, saved)
    section = sections[index]
    if request.method == "GET":
        return _page(request, session, url_name, token, index, saved, {}, language)

    posted = posted_answers(request.POST)
    action = request.POST.get("action", "")
    autosave = request.POST.get("autosave") == "1"
    require = action in ("next", "submit") and not autosave
    cleaned, errors = answering.answers_check(instrument=session.instrument, answers=posted, items=section.items,
                                              require=require)
    if TAMPERED in errors:
        if autosave:
            return _private(JsonResponse({"saved": False}, status=400))
        return _page(request, session, url_name, token, index, {**saved, **cleaned}, errors, language, status=400)
    if action == "submit" and index == len(sections) - 1 and not autosave:
        return _submit(request, session, url_name, token, draft, saved, section, cleaned, posted, language)
    draft = answering.draft_save(session=session, answers=cleaned, items=section.items, language=language, draft=draft)
    if autosave:
        return _private(JsonResponse({"saved": True}))
    if action == "next" and errors:
        return _page(request, session, url_name, token, index, dict(draft.answers), errors, language)
    target, lang = index, language
    if action == "next":
        target = min(index + 1, len(sections) - 1)
    elif action == "back":
        target = max(index - 1, 0)
    elif action.startswith("lang:") and action[5:] in LANGUAGES:
        lang = action[5:]
    return _private(redirect(_url(url_name, token, s=target + 1, lang=lang)))


def _submit(request, session, url_name, token, draft, saved, section, cleaned, posted, language):
    section_keys = {item.key for item in section.items}
    answers = {**{k: v for k, v in saved.items() if k not in section_keys}, **posted}
    try:
        answering.response_submit(session=session, answers=answers, language=language,
                                  submission_key=request.POST.get("nonce", ""))
    except AnswerError as exc:
        if TAMPERED in exc.errors:
            return _page(request, session, url_name, token, session.instrument.sections.index(section),
                         saved, exc.errors, language, status=400)
        draft = answering.draft_save(session=session, answers=cleaned, items=section.items, language=language, draft=draft)
        sections = session.instrument.sections
        first = next((i for i, s in enumerate(sections) if any(item.key in exc.errors for item in s.items)),
                     len(sections) - 1)
        return _page(request, session, url_name, token, first, dict(draft.answers), exc.errors, language)
    response = _private(redirect(_url(url_name, token, lang=language)))
    if session.is_open_link:
        response.set_signed_cookie(f"{DONE_COOKIE}{session.wave.pk}", "1", salt=COOKIE_SALT, max_age=400 * 86400, path="/r/",
                                   secure=not settings.DEBUG and request.is_secure(), httponly=True, samesite="Lax")
    return response


def _page(request, session, url_name, token, index, answers, errors, language, status=200):
    sections = session.instrument.sections
    section = sections[index]
    questions = [{"item": item, "scale": session.instrument.scale_for(item), "value": answers.get(item.key),
                  "error": errors.get(item.key)} for item in section.items]
    general = [message for key, message in errors.items() if key in (TAMPERED, "__all__")]
    context = {
        "session": session, "organisation": session.organisation, "language": language,
        "section": section, "index": index, "number": index + 1, "count": len(sections),
        "is_last": index == len(sections) - 1, "questions": questions, "errors": errors, "general_errors": general,
        "missing": sum(1 for key in errors if key not in (TAMPERED, "__all__")),
        "first_error": next((q["item"].key for q in questions if q["error"]), ""),
        "action_url": _url(url_name, token, s=index + 1, lang=language),
        "languages": [(lang, _url(url_name, token, s=index + 1, lang=lang)) for lang in session.instrument.languages
                      if lang in LANGUAGES],
        "nonce": nonce_new(), "anonymity": _anonymity(session), "progress": round(100 * (index + 1) / len(sections)),
        "about_name": session.rating.get("about_name", ""), "self_rating": bool(session.rating.get("self_rating")),
    }
    return _private(render(request, "surveys/respond/page.html", context, status=status))


def _thanks(request, session, url_name, token, *, copy_sent=False, status=200):
    language = _language(request, session, None)
    _activate(request, language)
    can_copy = bool(session.invitation) and not session.anonymous
    return _private(render(request, "surveys/respond/thanks.html", {
        "session": session, "organisation": session.organisation, "language": language, "can_copy": can_copy,
        "copy_sent": copy_sent, "copy_url": reverse("respond_copy", kwargs={"token": token}) if can_copy else "",
        "languages": [(lang, _url(url_name, token, lang=lang)) for lang in session.instrument.languages if lang in LANGUAGES],
    }, status=status))


@require_POST
def respond_copy(request, token):
    """Confidential mode: email the respondent a copy of their answers (through the outbox)."""
    if _rate_limited(request):
        return _message(request, "rate_limited", 429)
    state, found = answering.link_lookup(token=token)
    if state == LinkState.UNKNOWN or not isinstance(found, Invitation):
        _count(request, "failed")
        return _message(request, "unknown", 404)
    session = answering.session_for(invitation=found, secret=token)
    if state != LinkState.ANSWERED or session.anonymous or not CopyForm(request.POST).is_valid():
        return _private(redirect(_url("respond", token)))
    response = Response.objects.filter(invitation=found).first()
    once = f"respond:copy:{found.pk}"
    if response is not None and cache.add(once, 1, 600):
        language = _language(request, session, None)
        _activate(request, language)
        send_mail(_("Your answers to the survey of %(organisation)s") % {"organisation": session.organisation.name},
                  _copy_text(session, response, language), None, [found.person.email])
    return _thanks(request, session, "respond", token, copy_sent=True)


def _copy_text(session, response, language) -> str:
    answers = {a.item.key: a for a in Answer.objects.filter(response=response).select_related("item")}
    lines = [_("Your answers to the survey of %(organisation)s, as you sent them:") % {"organisation": session.organisation.name}, ""]
    for item in session.instrument.items:
        text = item.text.get(language) or next(iter(item.text.values()))
        lines.append(text.replace("{organisation}", session.organisation.name))
        answer = answers.get(item.key)
        scale = session.instrument.scale_for(item)
        if answer is None:
            lines.append("  —")
        elif answer.text:
            lines.append("  " + answer.text)
        elif answer.value is None:
            lines.append("  " + ((scale.dont_know or {}).get(language) or _("Don't know")))
        else:
            words = {label.value: label.text.get(language, "") for label in scale.labels}
            lines.append(f"  {answer.value} {words.get(answer.value, '')}")
        lines.append("")
    return "\n".join(lines)
