"""Malformed instrument files: each gives exactly the expected clear problems, nothing else."""

from __future__ import annotations

import pytest

from surveys.instrument_format import InstrumentFormatError, load

VALID = """\
format: trustier-instrument/1
key: mini
name: {nl: Mini, en: Mini}
languages: [nl, en]
sections:
- key: main
  title: {nl: Vragen, en: Questions}
  items:
  - key: com_a
    role: dimension
    dimension: competence
    referent: organisation
    text: {nl: Het werk is goed., en: The work is good.}
"""
ITEM = "sections[0].items[0]"
AT = f"{ITEM} (item 'com_a', line"
SECOND_ITEM = """\
  - key: com_b
    role: dimension
    dimension: competence
    referent: organisation
    text: {nl: Goed., en: Good.}
"""


def _edit(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new)


def _with_scale(scale: str) -> str:
    return _edit("languages: [nl, en]\n", "languages: [nl, en]\n" + scale)


CASES = {
    "unknown dimension": (
        _edit("dimension: competence", "dimension: trustiness"),
        [f"{ITEM}.dimension (item 'com_a', line 11): unknown dimension 'trustiness'; allowed: competence, reliability, integrity, empathy"],
    ),
    "misspelt dimension": (
        _edit("dimension: competence", "dimension: competance"),
        [
            f"{ITEM}.dimension (item 'com_a', line 11): unknown dimension 'competance' "
            "(did you mean 'competence'?); allowed: competence, reliability, integrity, empathy"
        ],
    ),
    "unknown role": (
        _edit("role: dimension", "role: dimenson"),
        [
            f"{ITEM}.role (item 'com_a', line 10): unknown role 'dimenson' (did you mean 'dimension'?); "
            "allowed: dimension, global_trust, intention, comment, custom_scored, custom_unscored, felt_trust"
        ],
    ),
    "unknown referent": (
        _edit("referent: organisation", "referent: the boss"),
        [
            f"{ITEM}.referent (item 'com_a', line 12): unknown referent 'the boss'; "
            "allowed: organisation, leadership, company, person, manager, team"
        ],
    ),
    "duplicate item key": (
        VALID + SECOND_ITEM.replace("com_b", "com_a"),
        ["sections[0].items[1].key (item 'com_a', line 14): duplicate item key 'com_a' (first used at sections[0].items[0])"],
    ),
    "duplicate item key across sections": (
        VALID + "- key: more\n  title: {nl: Meer, en: More}\n  items:\n" + SECOND_ITEM.replace("com_b", "com_a"),
        ["sections[1].items[0].key (item 'com_a', line 17): duplicate item key 'com_a' (first used at sections[0].items[0])"],
    ),
    "duplicate section key": (
        VALID + "- key: main\n  title: {nl: Meer, en: More}\n  items:\n" + SECOND_ITEM,
        ["sections[1].key (line 14): duplicate section key 'main' (first used at sections[0])"],
    ),
    "missing language text": (
        _edit(", en: The work is good.", ""),
        [f"{ITEM}.text (item 'com_a', line 13): missing text for language 'en'"],
    ),
    "missing language in the name": (
        _edit("name: {nl: Mini, en: Mini}", "name: {nl: Mini}"),
        ["name (line 3): missing text for language 'en'"],
    ),
    "undeclared language": (
        _edit("en: The work is good.}", "en: The work is good., de: Die Arbeit ist gut.}"),
        [f"{ITEM}.text.de (item 'com_a', line 13): text in language 'de', which is not declared in 'languages' (nl, en)"],
    ),
    "wrong type for a yes/no field": (
        VALID + "    required: yes please\n",
        [f"{ITEM}.required (item 'com_a', line 14): expected true or false, found text ('yes please')"],
    ),
    "text that is a number": (
        _edit("Het werk is goed.", "42"),
        [f"{ITEM}.text.nl (item 'com_a', line 13): expected text, found a number (42); put the text in quotes"],
    ),
    "text that is a list": (
        _edit("{nl: Het werk is goed., en: The work is good.}", "[Het werk is goed.]"),
        [f"{ITEM}.text (item 'com_a', line 13): expected a text per language (such as 'nl: ...' and 'en: ...'), found a list"],
    ),
    "item that is not a mapping": (
        VALID + "  - just text\n",
        ["sections[0].items[1] (line 14): expected an item, found text ('just text')"],
    ),
    "empty instrument": (
        VALID.split("sections:")[0] + "sections: []\n",
        ["sections (line 5): the instrument has no items; add at least one section with items"],
    ),
    "section without items": (
        VALID.split("  items:")[0] + "  items: []\n",
        ["sections[0].items (line 8): the section has no items"],
    ),
    "custom_scored without a dimension": (
        _edit("role: dimension\n    dimension: competence\n", "role: custom_scored\n"),
        [
            f"{ITEM} (item 'com_a', line 9): an item with role 'custom_scored' needs the field 'dimension' "
            "(one of: competence, reliability, integrity, empathy)"
        ],
    ),
    "global trust with a dimension": (
        _edit("role: dimension", "role: global_trust"),
        [f"{ITEM}.dimension (item 'com_a', line 11): an item with role 'global_trust' has no dimension; remove 'dimension'"],
    ),
    "intention without its kind": (
        _edit("role: dimension\n    dimension: competence\n", "role: intention\n"),
        [f"{ITEM} (item 'com_a', line 9): an item with role 'intention' needs the field 'intention' (one of: reliance, disclosure)"],
    ),
    "missing required fields": (
        _edit("    referent: organisation\n", "").replace("  - key: com_a\n    role", "  - role"),
        [f"{ITEM} (line 9): missing field 'key'", f"{ITEM} (line 9): missing field 'referent'"],
    ),
    "unknown top-level field": (
        VALID + "author: me\n",
        ["author (line 14): unknown field 'author'; allowed fields: format, key, name, languages, sections, version, description, scale"],
    ),
    "misspelt item field": (
        VALID + "    reverse_keyd: true\n",
        [
            f"{ITEM}.reverse_keyd (item 'com_a', line 14): unknown field 'reverse_keyd' (did you mean 'reverse_keyed'?); "
            "allowed fields: key, role, referent, text, dimension, intention, self_text, reverse_keyed, required, pulse, scale"
        ],
    ),
    "reserved item key": (
        _edit("key: com_a", "key: unit"),
        [f"{ITEM}.key (item 'unit', line 9): item key 'unit' is reserved (it names a column in response files); choose another"],
    ),
    "item key with capitals": (
        _edit("key: com_a", "key: Com A"),
        [
            f"{ITEM}.key (item 'Com A', line 9): key 'Com A' is not allowed: use lower-case letters, digits and '_', "
            "starting with a letter (e.g. 'com_quality')"
        ],
    ),
    "unknown placeholder": (
        _edit("Het werk is goed.", "'{org} werkt goed.'").replace("The work is good.", "'{org} works well.'"),
        [
            f"{ITEM}.text.nl (item 'com_a', line 13): unknown placeholder '{{org}}'; allowed placeholders: {{organisation}}, {{name}}",
            f"{ITEM}.text.en (item 'com_a', line 13): unknown placeholder '{{org}}'; allowed placeholders: {{organisation}}, {{name}}",
        ],
    ),
    "placeholders differ between languages": (
        _edit("Het werk is goed.", "'{organisation} werkt goed.'"),
        [f"{ITEM}.text (item 'com_a', line 13): the languages use different placeholders: nl uses {{organisation}}; en uses none"],
    ),
    "{name} in an item that is not about a person": (
        _edit("Het werk is goed.", "'{name} werkt goed.'").replace("The work is good.", "'{name} works well.'"),
        [f"{ITEM}.text (item 'com_a', line 13): the placeholder {{name}} can only be used in items about a person (referent 'person')"],
    ),
    "self_text on an item not about a person": (
        VALID + "    self_text: {nl: Ik werk goed., en: I work well.}\n",
        [f"{ITEM}.self_text (item 'com_a', line 14): self_text is only for items about a person (referent 'person')"],
    ),
    "two pulse items for one dimension": (
        VALID + "    pulse: true\n" + SECOND_ITEM.replace("    text:", "    pulse: true\n    text:"),
        ["sections[0].items[1].pulse (item 'com_b', line 19): more than one pulse item for dimension 'competence' (first: 'com_a')"],
    ),
    "pulse on a comment": (
        _edit("role: dimension\n    dimension: competence\n", "role: comment\n") + "    pulse: true\n",
        [f"{ITEM}.pulse (item 'com_a', line 13): only items with role 'dimension' or 'global_trust' can be pulse items"],
    ),
    "open question with a scale": (
        _edit("role: dimension\n    dimension: competence\n", "role: comment\n") + "    scale: {min: 1, max: 5}\n",
        [f"{ITEM}.scale (item 'com_a', line 13): an open question (role 'comment') has no scale; remove 'scale'"],
    ),
    "field written twice": (
        VALID + "    referent: team\n",
        [f"{ITEM}.referent (item 'com_a', line 12): field 'referent' is written more than once here; keep one"],
    ),
    "scale min equals max": (
        _with_scale("scale: {min: 5, max: 5}\n"),
        ["scale (line 5): min (5) must be smaller than max (5)"],
    ),
    "scale min above max": (
        _with_scale("scale: {min: 7, max: 1}\n"),
        ["scale (line 5): min (7) must be smaller than max (1)"],
    ),
    "scale with a fraction": (
        _with_scale("scale: {min: 1.5, max: 5}\n"),
        ["scale.min (line 5): expected a whole number, found a number (1.5)"],
    ),
    "scale with too many points": (
        _with_scale("scale: {min: 0, max: 100}\n"),
        ["scale (line 5): a scale can have at most 21 points; this one has 101"],
    ),
    "scale labels out of order and out of range": (
        _with_scale(
            "scale:\n  min: 1\n  max: 5\n  labels:\n"
            "  - {value: 5, text: {nl: Eens, en: Agree}}\n"
            "  - {value: 1, text: {nl: Oneens, en: Disagree}}\n"
            "  - {value: 9, text: {nl: Super, en: Great}}\n"
        ),
        [
            "scale.labels[1] (line 10): labels must go up in order: 1 comes after 5",
            "scale.labels[2].value (line 11): value 9 is outside the scale (1 to 5)",
        ],
    ),
    "default scale without texts for a language": (
        _edit("[nl, en]", "[nl, de]")
        .replace("en: Mini", "de: Mini")
        .replace("en: Questions", "de: Fragen")
        .replace("en: The work is good.", "de: Die Arbeit ist gut."),
        ["scale: missing field 'scale': the default scale has texts in en and nl only; write out a scale with texts in nl, de"],
    ),
    "language code read as yes/no": (
        _edit("languages: [nl, en]", "languages: [nl, no]"),
        ["languages[1] (line 4): expected a code such as 'nl', 'en' or 'en-GB', found yes/no value (false); put it in quotes"],
    ),
    "language listed twice": (
        _edit("languages: [nl, en]", "languages: [nl, en, nl]"),
        ["languages[2] (line 4): language 'nl' is listed twice"],
    ),
    "text with spaces around it": (
        _edit("Het werk is goed.", "' Het werk is goed.'"),
        [f"{ITEM}.text.nl (item 'com_a', line 13): the text starts or ends with a space"],
    ),
    "empty text": (
        _edit("Het werk is goed.", "''"),
        [f"{ITEM}.text.nl (item 'com_a', line 13): the text is empty"],
    ),
    "control character in a text": (
        _edit("Het werk is goed.", '"Het werk\\u0007 is goed."'),
        [f"{ITEM}.text.nl (item 'com_a', line 13): the text contains a control or invisible character (U+0007)"],
    ),
    "wrong format marker": (
        _edit("trustier-instrument/1", "trustier-instrument/9"),
        ["format (line 1): expected 'trustier-instrument/1', found text ('trustier-instrument/9')"],
    ),
    "many problems at once": (
        _edit("dimension: competence", "dimension: trustiness").replace(", en: The work is good.", "").replace("key: mini", "key: Mini!")
        + SECOND_ITEM.replace("com_b", "com_a").replace("role: dimension\n    dimension: competence", "role: custom_scored"),
        [
            "key (line 2): key 'Mini!' is not allowed: use lower-case letters and digits, words joined by '-' (e.g. 'core-inside')",
            f"{ITEM}.dimension (item 'com_a', line 11): unknown dimension 'trustiness'; "
            "allowed: competence, reliability, integrity, empathy",
            f"{ITEM}.text (item 'com_a', line 13): missing text for language 'en'",
            "sections[0].items[1] (item 'com_a', line 14): an item with role 'custom_scored' needs the field 'dimension' "
            "(one of: competence, reliability, integrity, empathy)",
            "sections[0].items[1].key (item 'com_a', line 14): duplicate item key 'com_a' (first used at sections[0].items[0])",
        ],
    ),
}


@pytest.mark.parametrize(("source", "expected"), CASES.values(), ids=CASES.keys())
def test_malformed_yaml_gives_exactly_the_expected_problems(source, expected):
    # given a file with known problems
    # when it is loaded
    with pytest.raises(InstrumentFormatError) as error:
        load(source)
    # then exactly those problems are reported, with their location
    assert error.value.problems == expected


def test_the_valid_base_file_loads():
    # given the file the malformed cases are made from
    # when it is loaded
    instrument = load(VALID)
    # then it is valid (so every case above fails only for its own edit)
    assert [item.key for item in instrument.items] == ["com_a"]


def test_the_error_message_lists_every_problem():
    # given a file with two problems
    source = _edit("dimension: competence", "dimension: trustiness").replace("role: dimension", "role: dimenson")
    # when it is loaded
    with pytest.raises(InstrumentFormatError) as error:
        load(source)
    # then the exception text names both, for logs and command-line tools
    assert str(error.value).startswith("invalid instrument file, 2 problems:\n")
    assert "dimenson" in str(error.value) and "trustiness" in str(error.value)


JSON_VALID = """{
  "format": "trustier-instrument/1", "key": "mini", "name": {"nl": "Mini", "en": "Mini"},
  "languages": ["nl", "en"],
  "sections": [{"key": "main", "title": {"nl": "Vragen", "en": "Questions"}, "items": [
    {"key": "com_a", "role": "dimension", "dimension": "competence", "referent": "organisation",
     "text": {"nl": "Het werk is goed.", "en": "The work is good."}}]}]
}"""

JSON_CASES = {
    "unknown dimension (no line numbers in JSON)": (
        JSON_VALID.replace('"competence"', '"trustiness"'),
        [f"{ITEM}.dimension (item 'com_a'): unknown dimension 'trustiness'; allowed: competence, reliability, integrity, empathy"],
    ),
    "field written twice": (
        JSON_VALID.replace('"en": "The work is good."', '"en": "The work is good.", "en": "Good."'),
        [f"{ITEM}.text.en (item 'com_a'): field 'en' is written more than once here; keep one"],
    ),
    "trailing comma": (
        JSON_VALID.replace('"Mini"}', '"Mini",}', 1),
        ["file: the file is not valid JSON: line 2, column 89: Expecting property name enclosed in double quotes"],
    ),
    "a lone surrogate": (
        JSON_VALID.replace("Het werk is goed.", "Het werk \\ud800"),
        [f"{ITEM}.text.nl (item 'com_a'): the text contains a control or invisible character (U+D800)"],
    ),
    "a list at the top": ("[1, 2]", ["file: the file must hold a mapping of fields (such as 'key: ...') at the top, found a list"]),
    "booleans are not numbers": (
        JSON_VALID.replace('"languages"', '"version": true, "languages"'),
        ["version: expected a whole number, found yes/no value (true)"],
    ),
}


@pytest.mark.parametrize(("source", "expected"), JSON_CASES.values(), ids=JSON_CASES.keys())
def test_malformed_json_gives_exactly_the_expected_problems(source, expected):
    # given a JSON file with known problems
    # when it is loaded as JSON
    with pytest.raises(InstrumentFormatError) as error:
        load(source, fmt="json")
    # then exactly those problems are reported
    assert error.value.problems == expected


def test_the_valid_json_base_file_loads():
    # given the JSON base file
    # when it is loaded
    # then it equals the YAML base file
    assert load(JSON_VALID, fmt="json") == load(VALID)
