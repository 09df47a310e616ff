"""Trustier's default response scale: 7-point, fully labelled agreement plus "don't know"."""

from __future__ import annotations

from .model import LocalizedText, Scale, ScaleLabel

_LABELS: tuple[tuple[str, str], ...] = (
    ("Helemaal oneens", "Strongly disagree"),
    ("Oneens", "Disagree"),
    ("Een beetje oneens", "Somewhat disagree"),
    ("Niet eens, niet oneens", "Neither agree nor disagree"),
    ("Een beetje eens", "Somewhat agree"),
    ("Eens", "Agree"),
    ("Helemaal eens", "Strongly agree"),
)
_DONT_KNOW = LocalizedText({"nl": "Weet ik niet / niet van toepassing", "en": "Don't know / not applicable"})

DEFAULT_SCALE_LANGUAGES = frozenset({"nl", "en"})

DEFAULT_SCALE = Scale(
    min=1,
    max=7,
    labels=tuple(ScaleLabel(value=value, text=LocalizedText({"nl": nl, "en": en})) for value, (nl, en) in enumerate(_LABELS, start=1)),
    dont_know=_DONT_KNOW,
)


def default_scale(languages: tuple[str, ...]) -> Scale:
    """The default scale with its texts in ``languages`` (each must be 'nl' or 'en')."""

    def pick(text: LocalizedText) -> LocalizedText:
        return LocalizedText({lang: text[lang] for lang in languages})

    return Scale(
        min=DEFAULT_SCALE.min,
        max=DEFAULT_SCALE.max,
        labels=tuple(ScaleLabel(label.value, pick(label.text)) for label in DEFAULT_SCALE.labels),
        dont_know=pick(_DONT_KNOW),
    )
