"""Answering a survey: find the wave behind a link, keep a draft, submit exactly once.

Anonymity by design (docs/anonymity-threat-model.md):
- an anonymous Response holds no invitation, no person, no time finer than the day;
- the draft is keyed by a *different* keyed hash of the raw token than the invitation's, so the
  database alone cannot tell whose draft it is;
- submitting writes no audit event and no outbox row (either would carry a timestamp next to an
  identity), and touches no broker.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment, Organisation, Wave
from surveys import instrument_format as fmt
from surveys.instrument_format.vocabulary import OPEN_ROLES
from surveys.instrument_store import version_published_format
from surveys.models import Answer, Draft, Invitation, Response
from surveys.tokens import draft_key_for, token_hash

DONT_KNOW = "dk"
MAX_COMMENT = 2000
NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
TAMPERED = "__tampered__"

# Audiences whose invitations rate someone (360° feedback): feedback/ registers, in its AppConfig.ready, a callable
# invitation -> dict for the answering pages ({"about_name", "self_rating", "attributed", "group_label", "min_raters"}).
RESPONDENT_CONTEXT: dict = {}


class LinkState(enum.Enum):
    OK = "ok"
    UNKNOWN = "unknown"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    ANSWERED = "answered"


class AnswerError(Exception):
    """The answers cannot be stored; `errors` maps item key (or TAMPERED / "__all__") to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Session:
    """Everything the answering pages need about one link."""

    wave: Wave
    assessment: Assessment
    organisation: Organisation
    instrument: fmt.Instrument
    item_ids: dict[str, int]  # item key -> Item primary key
    invitation: Invitation | None  # None: the wave's open link
    draft_key: str

    @property
    def anonymous(self) -> bool:
        return self.assessment.anonymity == Assessment.Anonymity.ANONYMOUS

    @property
    def is_open_link(self) -> bool:
        return self.invitation is None

    @property
    def rating(self) -> dict:
        """360° context of this invitation (whom it is about, self or attributed manager), else {}."""
        if self.invitation is None or not self.invitation.response_attributes:
            return {}
        if not hasattr(self, "_rating"):
            hook = RESPONDENT_CONTEXT.get(self.assessment.audience)
            self._rating = hook(self.invitation) if hook else {}
        return self._rating


def wave_state(wave: Wave, *, now=None) -> LinkState:
    now = now or timezone.now()
    if wave.status == Wave.Status.DRAFT:
        return LinkState.UNKNOWN  # invitations of a wave that never opened are no link to anything
    if wave.status == Wave.Status.OPEN and now < wave.opens_at:
        return LinkState.NOT_YET_OPEN
    if wave.status != Wave.Status.OPEN or now >= wave.closes_at:
        return LinkState.CLOSED
    return LinkState.OK


_WAVE_RELATED = ("wave__assessment__organisation", "wave__assessment__instrument_version__instrument", "person")


def link_lookup(*, token: str) -> tuple[LinkState, Invitation | Wave | None]:
    """An invitation's link or a wave's open link. Unknown and forged tokens take the same path."""
    hashed = token_hash(token)
    invitation = Invitation.objects.select_related(*_WAVE_RELATED).filter(token_hash=hashed).first()
    if invitation is not None:
        state = wave_state(invitation.wave)
        if state == LinkState.OK and invitation.answered:
            state = LinkState.ANSWERED
        return state, (invitation if state != LinkState.UNKNOWN else None)
    return open_link_lookup(token=token, hashed=hashed)


def open_link_lookup(*, token: str, hashed: str | None = None) -> tuple[LinkState, Wave | None]:
    hashed = hashed or token_hash(token)
    wave = (Wave.objects.select_related("assessment__organisation", "assessment__instrument_version__instrument")
            .filter(open_link_hash=hashed).exclude(open_link_hash="").first())
    if wave is None:
        return LinkState.UNKNOWN, None
    state = wave_state(wave)
    return state, (wave if state != LinkState.UNKNOWN else None)


def session_for(*, invitation: Invitation | None = None, wave: Wave | None = None, secret: str) -> Session:
    wave = invitation.wave if invitation is not None else wave
    assessment = wave.assessment
    instrument, item_ids = version_published_format(assessment.instrument_version)
    return Session(wave=wave, assessment=assessment, organisation=assessment.organisation,
                   instrument=instrument, item_ids=item_ids, invitation=invitation,
                   draft_key=draft_key_for(f"open:{wave.pk}:{secret}" if invitation is None else invitation.token_hash))


# --- checking answers -----------------------------------------------------------------------------

def _scale_value(raw: str, scale: fmt.Scale) -> str | None:
    if raw == DONT_KNOW:
        return DONT_KNOW if scale.dont_know is not None else None
    if not re.fullmatch(r"-?\d{1,3}", raw):
        return None
    value = int(raw)
    return str(value) if scale.min <= value <= scale.max else None


def answers_check(*, instrument: fmt.Instrument, answers: Mapping[str, object], items: Sequence[fmt.Item] | None = None,
                  require: bool = True) -> tuple[dict[str, str], dict[str, str]]:
    """(valid answers, errors) for `items` (default: all). Keys outside `items` are tampering."""
    items = instrument.items if items is None else items
    known = {item.key: item for item in items}
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    if any(key not in known for key in answers):
        errors[TAMPERED] = _("The form contained a question that is not part of this survey. Please reload the page and try again.")
    for item in items:
        raw = answers.get(item.key, "")
        raw = raw if isinstance(raw, str) else ""
        if item.role in OPEN_ROLES:
            text = raw.replace("\r\n", "\n").strip()
            if len(text) > MAX_COMMENT:
                errors[item.key] = _("Please keep your answer to %(max)d characters; it has %(n)d.") % {"max": MAX_COMMENT, "n": len(text)}
            elif text:
                cleaned[item.key] = text
            elif require and item.required:
                errors[item.key] = _("Please answer this question.")
            continue
        raw = raw.strip()
        if not raw:
            if require and item.required:
                errors[item.key] = _("Please choose an answer (or “don't know”).") if instrument.scale_for(item).dont_know \
                    else _("Please choose an answer.")
            continue
        value = _scale_value(raw, instrument.scale_for(item))
        if value is None:
            errors[item.key] = _("Please choose one of the answers shown.")
            errors.setdefault(TAMPERED, _("The form contained an answer that is not possible. Please choose again."))
        else:
            cleaned[item.key] = value
    return cleaned, errors


# --- drafts ---------------------------------------------------------------------------------------

def draft_load(*, session: Session) -> Draft | None:
    return Draft.objects.filter(key=session.draft_key, wave=session.wave).first()


def draft_save(*, session: Session, answers: Mapping[str, str], items: Sequence[fmt.Item], language: str,
               draft: Draft | None = None) -> Draft:
    """Replace the answers of `items` in the draft by `answers` (already checked); other items stay."""
    current = dict(draft.answers) if draft is not None else {}
    for item in items:
        if item.key in answers:
            current[item.key] = answers[item.key]
        else:
            current.pop(item.key, None)
    known = {item.key for item in session.instrument.items}
    current = {k: v for k, v in current.items() if k in known}
    if draft is None:
        draft, _created = Draft.objects.update_or_create(
            key=session.draft_key, defaults={"wave": session.wave, "answers": current, "language": language,
                                             "updated_at": timezone.now()})
        return draft
    Draft.objects.filter(pk=draft.pk).update(answers=current, language=language, updated_at=timezone.now())
    draft.answers, draft.language = current, language
    return draft


# --- submitting -----------------------------------------------------------------------------------

def response_submit(*, session: Session, answers: Mapping[str, object], language: str, submission_key: str) -> Response | None:
    """Store one response, once. Raises AnswerError (nothing stored) for invalid answers.

    Returns None when this invitation (or this form, by its nonce) was submitted already.
    One transaction: the conditional invitation update, the response, all answers in one INSERT,
    the draft's deletion. A constant number of queries whatever the number of items.
    """
    if not isinstance(submission_key, str) or not NONCE_RE.match(submission_key):
        raise AnswerError({"__all__": _("This form has expired. Please check your answers and send them again.")})
    cleaned, errors = answers_check(instrument=session.instrument, answers=answers)
    if errors:
        raise AnswerError(errors)
    item_ids = session.item_ids
    invitation = session.invitation
    response = Response(id=uuid.uuid4(), wave_id=session.wave.pk, language=language, submission_key=submission_key,
                        submitted_on=timezone.localdate())
    if invitation is not None:
        person = invitation.person
        response.unit_id = person.unit_id
        response.attributes = dict(person.attributes or {})
        if invitation.response_attributes:  # 360°: whom it is about and the rater group, never the unit or the person
            response.unit_id = None
            response.attributes = dict(invitation.response_attributes)
        if not session.anonymous:
            response.invitation_id = invitation.pk
    open_keys = {item.key for item in session.instrument.items if item.role in OPEN_ROLES}
    rows = [Answer(id=uuid.uuid4(), response=response, item_id=item_ids[key],
                   value=None if key in open_keys or value == DONT_KNOW else int(value),
                   text=value if key in open_keys else "")
            for key, value in cleaned.items()]
    try:
        with transaction.atomic():
            if invitation is not None and not Invitation.objects.filter(pk=invitation.pk, answered=False).update(answered=True):
                return None
            response.save(force_insert=True)
            Answer.objects.bulk_create(rows, batch_size=None)
            Draft.objects.filter(key=session.draft_key).delete()
    except IntegrityError:
        return None  # the same form (nonce) was stored already: a double click or a retry
    return response
