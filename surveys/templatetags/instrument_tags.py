"""Template helpers for instruments: the text of a {language: text} mapping."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

from surveys.instrument_format.fields import placeholders_filled

register = template.Library()


@register.filter
def lang(texts, language):
    """`texts` in `language`, else the first language it has, else ''."""
    if not isinstance(texts, Mapping) or not texts:
        return ""
    if language in texts:
        return texts[language]
    return next(iter(texts.values()))


@register.filter
def fill(text, organisation):
    """Replace the {organisation} placeholder for display."""
    return placeholders_filled(text, organisation)


@register.simple_tag
def question_text(item, language, organisation="", about_name="", self_rating=False):
    """The wording a respondent sees: the self-rating wording when rating themself (360°), placeholders filled."""
    texts = item.self_text if self_rating and getattr(item, "self_text", None) else item.text
    return placeholders_filled(lang(texts, language), organisation, about_name or None)


@register.filter
def scale_points(scale, language):
    """[(value, words)] for every point of a format Scale; a point without words shows its number."""
    words = {label.value: lang(label.text, language) for label in scale.labels}
    return [(value, words.get(value) or str(value)) for value in range(scale.min, scale.max + 1)]


@register.filter
def is_checked(value, point):
    """True when the stored answer `value` (int, str or None) is `point`."""
    return value is not None and value != "" and str(value) == str(point)
