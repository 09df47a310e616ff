"""The shipped instruments: structure, wording rules, parallel variants and the rationale table."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from surveys.instrument_format import (
    BUNDLED_DIR,
    DIMENSIONS,
    dump,
    load,
    load_bundled,
    warnings,
)
from surveys.instrument_format.wording import word_count

CORE = ("core-inside", "core-outside", "core-person")
ALL = (*CORE, "module-felt-trust", "module-manager-team")
PREFIX_DIMENSION = {"com": "competence", "rel": "reliability", "int": "integrity", "emp": "empathy"}
RATIONALE = Path(__file__).resolve().parents[3] / "docs" / "instrument-rationale.md"


def _texts(instrument):
    for item in instrument.items:
        for field in (item.text, item.self_text):
            yield from (field or {}).items()


@pytest.mark.parametrize("key", ALL)
def test_each_shipped_file_loads_without_errors_or_warnings(key):
    # given a shipped instrument file
    # when it is loaded and checked
    instrument = load_bundled(key)
    # then its key matches the file name, it is bilingual and nothing is flagged
    assert instrument.key == key
    assert instrument.languages == ("nl", "en")
    assert warnings(instrument) == []


@pytest.mark.parametrize("key", ALL)
def test_each_shipped_file_is_written_in_canonical_form(key):
    # given a shipped file (a comment header, then the data)
    text = (BUNDLED_DIR / f"{key}.yaml").read_text(encoding="utf-8")
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    # when it is loaded and dumped again
    # then only the comment header is lost: the file is exactly what dump writes
    assert dump(load(text)) == body


@pytest.mark.parametrize("key", CORE)
def test_core_has_four_positive_items_per_dimension(key):
    # given a core instrument
    instrument = load_bundled(key)
    dimension_items = [i for i in instrument.items if i.role == "dimension"]
    # when its dimension items are counted
    counts = Counter(i.dimension for i in dimension_items)
    # then each dimension has four, none reverse keyed, all required
    assert counts == dict.fromkeys(DIMENSIONS, 4)
    assert not any(i.reverse_keyed for i in dimension_items)
    assert all(i.required for i in dimension_items)


@pytest.mark.parametrize("key", CORE)
def test_core_has_global_trust_two_intentions_and_two_open_questions(key):
    # given a core instrument
    instrument = load_bundled(key)
    # when its other items are listed by role
    roles = Counter(i.role for i in instrument.items)
    intentions = sorted(i.intention for i in instrument.items if i.role == "intention")
    comments = [i for i in instrument.items if i.role == "comment"]
    # then there is one global item, reliance and disclosure, and the two optional open questions
    assert roles == {"dimension": 16, "global_trust": 1, "intention": 2, "comment": 2}
    assert intentions == ["disclosure", "reliance"]
    assert [c.key for c in comments] == ["open_raise_trust", "open_keep_doing"]
    assert not any(c.required for c in comments)
    assert "raise your trust" in comments[0].text["en"] and "keep doing" in comments[1].text["en"]


@pytest.mark.parametrize("key", ALL)
def test_every_item_maps_to_the_dimension_its_key_claims(key):
    # given a shipped instrument whose keys start with the dimension (com_, rel_, int_, emp_)
    instrument = load_bundled(key)
    # when each scored item's key is read
    for item in instrument.items:
        if item.dimension is None:
            continue
        core_key = re.sub(r"^(team|ft)_", "", item.key)
        # then the key's prefix names the dimension the item is scored into
        assert PREFIX_DIMENSION[core_key[:3]] == item.dimension, item.key


@pytest.mark.parametrize("key", ALL)
def test_every_text_is_short_plain_and_in_both_languages(key):
    # given a shipped instrument
    instrument = load_bundled(key)
    # when every text (and self text) is measured
    lengths = [word_count(text) for _, text in _texts(instrument)]
    # then each language has a text for every item and none is over 14 words (limit 20)
    assert all(set(i.text) == {"nl", "en"} for i in instrument.items)
    assert max(lengths) <= 14


def test_inside_and_outside_are_parallel():
    # given the inside and outside core instruments
    inside, outside = load_bundled("core-inside"), load_bundled("core-outside")
    # when their items are lined up
    pairs = list(zip(inside.items, outside.items, strict=True))
    # then keys, roles and dimensions match one for one
    assert all((a.key, a.role, a.dimension, a.intention) == (b.key, b.role, b.dimension, b.intention) for a, b in pairs)
    # and the organisation items are word for word the same in both languages
    assert inside.sections[0].items == tuple(replace(i, referent="organisation") for i in outside.sections[0].items)


def test_referents_are_explicit_per_variant():
    # given the three core variants and two modules
    # when their referents are collected
    referents = {key: {i.referent for i in load_bundled(key).items} for key in ALL}
    # then each asks about the parties its audience can judge
    assert referents == {
        "core-inside": {"organisation", "leadership"},
        "core-outside": {"company"},
        "core-person": {"person"},
        "module-felt-trust": {"manager", "organisation"},
        "module-manager-team": {"team"},
    }


def test_inside_asks_eight_items_about_leadership():
    # given the inside core instrument
    inside = load_bundled("core-inside")
    # when its leadership items are counted per dimension
    counts = Counter(i.dimension for i in inside.items if i.referent == "leadership")
    # then two per dimension
    assert counts == dict.fromkeys(DIMENSIONS, 2)


def test_person_items_name_the_person_and_have_self_wording():
    # given the person (360°) instrument
    person = load_bundled("core-person")
    # when each item is read
    for item in person.items:
        # then others see {name} in both languages; the self-rater sees first-person wording without it
        assert all("{name}" in text for text in item.text.values()), item.key
        assert item.self_text is not None and set(item.self_text) == {"nl", "en"}
        assert not any("{name}" in text for text in item.self_text.values()), item.key


def test_person_uses_the_same_facet_keys_as_the_organisation_forms_where_they_fit():
    # given the person and inside instruments
    person = {i.key for i in load_bundled("core-person").items}
    inside = {i.key for i in load_bundled("core-inside").items}
    # when the keys are compared
    # then only two facets differ, each replaced within its own dimension
    assert inside - person == {"com_knows_job", "rel_agreements"}
    assert person - inside == {"com_judgement", "rel_on_time"}


def test_each_core_form_marks_one_pulse_item_per_dimension_and_global_trust():
    # given the core forms
    for key in CORE:
        instrument = load_bundled(key)
        # when the pulse marks are listed
        marked = [(i.role, i.dimension) for i in instrument.items if i.pulse]
        # then one per dimension plus global trust
        assert sorted(marked, key=str) == sorted([("dimension", d) for d in DIMENSIONS] + [("global_trust", None)], key=str)


def test_felt_trust_module_has_two_items_per_dimension_one_per_referent():
    # given the felt-trust module
    felt = load_bundled("module-felt-trust")
    # when its items are grouped
    pairs = Counter((i.dimension, i.referent) for i in felt.items)
    # then every item is felt trust, with one manager and one organisation item per dimension
    assert {i.role for i in felt.items} == {"felt_trust"}
    assert pairs == {(d, r): 1 for d in DIMENSIONS for r in ("manager", "organisation")}


def test_manager_team_form_is_short_and_about_the_team_only():
    # given the manager-about-team form
    team = load_bundled("module-manager-team")
    # when its items are counted
    counts = Counter(i.dimension for i in team.items if i.role == "dimension")
    # then three per dimension plus a global item, all about the team, naming nobody
    assert counts == dict.fromkeys(DIMENSIONS, 3)
    assert [i.key for i in team.items if i.role == "global_trust"] == ["team_global_trust"]
    assert not any("{name}" in text for _, text in _texts(team))


def _rationale_rows(key: str) -> dict[str, tuple[str, str]]:
    """key -> (dimension column, English wording) from the table under '### `<key>.yaml`'."""
    text = RATIONALE.read_text(encoding="utf-8")
    section = text.split(f"### `{key}.yaml`", 1)[1].split("\n### ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = (cells[1], cells[2])
    return rows


def _expected_dimension_cell(item) -> str:
    if item.dimension is not None:
        return item.dimension
    return {"global_trust": "global trust", "comment": "open question"}.get(item.role, f"intention ({item.intention})")


@pytest.mark.parametrize("key", ALL)
def test_the_rationale_table_matches_the_file(key):
    # given the rationale document and a shipped instrument
    rows = _rationale_rows(key)
    instrument = load_bundled(key)
    # when their items are compared
    # then the table lists every item once, in order, with its dimension and exact English wording
    assert list(rows) == [i.key for i in instrument.items]
    for item in instrument.items:
        assert rows[item.key] == (_expected_dimension_cell(item), item.text["en"]), item.key


def test_the_documented_example_file_loads():
    # given the example in the file-format section of the rationale document
    text = RATIONALE.read_text(encoding="utf-8")
    example = text.split("### Example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    # when it is loaded
    instrument = load(example)
    # then it is a valid instrument with the default scale
    assert [i.key for i in instrument.items] == ["rel_promises", "safety_first", "open_raise_trust"]
    assert instrument.scale.points == 7 and instrument.scale.dont_know is not None
