"""The fixed words of the instrument file format: roles, dimensions, referents and limits."""

from __future__ import annotations

from typing import Final, Literal, get_args

FORMAT_ID: Final = "trustier-instrument/1"

Dimension = Literal["competence", "reliability", "integrity", "empathy"]
DIMENSIONS: Final[tuple[str, ...]] = ("competence", "reliability", "integrity", "empathy")

Role = Literal[
    "dimension",
    "global_trust",
    "intention",
    "comment",
    "custom_scored",
    "custom_unscored",
    "felt_trust",
]
ROLES: Final[tuple[str, ...]] = get_args(Role)
# Roles whose answers are scored into one of the four dimensions.
ROLES_WITH_DIMENSION: Final = frozenset({"dimension", "custom_scored", "felt_trust"})
# Roles that count as trust *given* to the referent (felt trust is kept apart).
TRUST_GIVEN_ROLES: Final = frozenset({"dimension", "custom_scored"})
# Every role except the open question is answered on a scale.
OPEN_ROLES: Final = frozenset({"comment"})
PULSE_ROLES: Final = frozenset({"dimension", "global_trust"})

Intention = Literal["reliance", "disclosure"]
INTENTIONS: Final[tuple[str, ...]] = ("reliance", "disclosure")

Referent = Literal["organisation", "leadership", "company", "person", "manager", "team"]
REFERENTS: Final[dict[str, str]] = {
    "organisation": "the respondent's own organisation as a whole (employees, inside)",
    "leadership": "the people who lead the organisation: top management, directors (inside)",
    "company": "the organisation as its customers and partners see it, including the staff who serve them (outside)",
    "person": "one named individual, rated by colleagues, customers and themself (360°)",
    "manager": "the respondent's own direct manager",
    "team": "a team as a whole, rated by its manager (never one named team member)",
}

# Placeholders a text may contain, replaced when the survey is shown.
PLACEHOLDERS: Final[dict[str, str]] = {
    "organisation": "the display name of the client organisation",
    "name": "the name of the person being rated (only in items whose referent is 'person')",
}
PERSON_PLACEHOLDER: Final = "name"

# Column names that score_file gives another meaning; an item key may not use them.
RESERVED_ITEM_KEYS: Final = frozenset({"unit", "wave", "id", "respondent"})

MAX_FILE_BYTES: Final = 1_048_576
# Values (YAML nodes / JSON values) in one file; the core instruments have about 500.
MAX_VALUES: Final = 50_000
# Problems listed in one error; the rest are counted.
MAX_PROBLEMS: Final = 100
MAX_TEXT_CHARS: Final = 1000
MAX_KEY_CHARS: Final = 64
MAX_SCALE_POINTS: Final = 21
MAX_WORDS_PER_ITEM: Final = 20
MIN_ITEMS_PER_DIMENSION: Final = 3
