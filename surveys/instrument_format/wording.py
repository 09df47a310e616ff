"""Simple wording heuristics per language: double-barrelled, negative, too long.

They are deliberately simple and err on the side of asking the author to look again.

Double-barrelled: a coordinating word joins two parts of one item, e.g. "keeps its promises and
tells the truth". English: "and", "or", "as well as", "both", "either", "and/or", "&".
Dutch: "en", "of", "zowel", "alsmede", "evenals", "en/of", "&". Fixed expressions are ignored
("now and then", "more or less", "af en toe", "min of meer", "nu en dan" …), and Dutch "of"
meaning "whether" after verbs such as "weet", "vraag", "twijfel", "kijk" is ignored.
Known false positives: a pair that is one idea ("health and safety", "terms and conditions",
"gezondheid en veiligheid"), names ("Marks and Spencer"), and lists of examples. Known misses:
two parts joined by a comma, "but"/"maar", "while"/"terwijl", or no word at all.

Negative wording: English "not", "no", "never", "none", "nobody", "nothing", "nowhere",
"neither", "nor", "without", "cannot", "hardly", "rarely", "seldom", "barely" and any "…n't";
Dutch "niet", "nooit", "geen", "niemand", "niets", "nergens", "noch", "zonder", "nauwelijks",
"amper", "zelden". Known false positives: "not only … but also", "no matter", "niet alleen … maar
ook" (both also double-barrelled). Known misses: negative prefixes ("unfair", "oneerlijk") and
negative meaning without a negative word ("fails to", "schiet tekort").

Other languages get only the length check.
"""

from __future__ import annotations

import re

from .vocabulary import MAX_WORDS_PER_ITEM

_WORD = re.compile(r"[^\W_]+(?:['\u2019/-][^\W_]+)*|&")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")

_JOINERS = {
    "en": frozenset({"and", "or", "both", "either", "and/or", "&"}),
    "nl": frozenset({"en", "of", "zowel", "alsmede", "evenals", "en/of", "&"}),
}
_JOINER_PHRASES = {"en": ("as well as",), "nl": ()}
_FIXED_PHRASES = {
    "en": (
        "now and then",
        "more and more",
        "again and again",
        "over and over",
        "and so on",
        "sooner or later",
        "more or less",
        "or so",
    ),
    "nl": (
        "af en toe",
        "nu en dan",
        "meer en meer",
        "heen en weer",
        "op en neer",
        "min of meer",
        "vroeg of laat",
        "en zo",
        "of zo",
    ),
}
_NL_WHETHER_VERBS = frozenset(
    {
        "weet", "weten", "wist", "vraag", "vraagt", "vragen", "twijfel", "twijfelt", "twijfelen",
        "kijk", "kijkt", "kijken", "controleer", "controleert", "controleren", "check", "checkt",
        "bepaal", "bepaalt", "bepalen", "zie", "ziet", "zien", "hangt", "afhangt",
    }
)  # fmt: skip
_NEGATIONS = {
    "en": frozenset(
        {
            "not", "no", "never", "none", "nobody", "nothing", "nowhere", "neither", "nor",
            "without", "cannot", "hardly", "rarely", "seldom", "barely",
        }
    ),
    "nl": frozenset(
        {
            "niet", "nooit", "geen", "niemand", "niets", "nergens", "noch", "zonder",
            "nauwelijks", "amper", "zelden",
        }
    ),
}  # fmt: skip


def words(text: str) -> list[str]:
    """Lower-case words; a placeholder such as ``{organisation}`` counts as one word."""
    return _WORD.findall(_PLACEHOLDER.sub(" placeholder ", text).lower())


def word_count(text: str) -> int:
    return len([w for w in words(text) if w != "&"])


def too_long(text: str) -> bool:
    return word_count(text) > MAX_WORDS_PER_ITEM


def joining_words(text: str, language: str) -> list[str]:
    """The words that make ``text`` look double-barrelled (empty if it looks single)."""
    if language not in _JOINERS:
        return []
    lowered = " " + " ".join(words(text)) + " "
    for phrase in _FIXED_PHRASES[language]:
        lowered = lowered.replace(f" {phrase} ", " ")
    found = [phrase for phrase in _JOINER_PHRASES[language] if f" {phrase} " in lowered]
    tokens = lowered.split()
    for index, token in enumerate(tokens):
        if token in _JOINERS[language] and not _is_whether(tokens, index, language):
            found.append(token)
    return found


def _is_whether(tokens: list[str], index: int, language: str) -> bool:
    if language != "nl" or tokens[index] != "of":
        return False
    return any(token in _NL_WHETHER_VERBS for token in tokens[max(index - 3, 0) : index])


def negative_words(text: str, language: str) -> list[str]:
    """The negative words in ``text`` (empty for languages without a word list)."""
    if language not in _NEGATIONS:
        return []
    return [w for w in words(text) if w in _NEGATIONS[language] or (language == "en" and w.endswith(("n't", "n\u2019t")))]
