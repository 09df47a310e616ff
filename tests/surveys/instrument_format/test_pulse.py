"""The pulse form: one item per dimension plus global trust, derived from a full instrument."""

from __future__ import annotations

import pytest

from surveys.instrument_format import InstrumentFormatError, dump, load, load_bundled, pulse

from .builders import balanced, instrument, item


@pytest.mark.parametrize("key", ["core-inside", "core-outside", "core-person"])
def test_the_core_pulse_takes_the_marked_items(key):
    # given a core instrument with one pulse item marked per dimension
    full = load_bundled(key)
    # when its pulse is derived
    short = pulse(full)
    # then it holds exactly those four items plus global trust, with their keys and wording unchanged
    assert [i.key for i in short.items] == ["rel_promises", "int_honest", "emp_interests", "com_quality", "global_trust"]
    assert all(i == full.item(i.key) for i in short.items)
    assert short.key == f"{key}-pulse"
    assert short.scale == full.scale and short.languages == full.languages


def test_the_pulse_names_say_pulse_in_each_language():
    # given the inside core instrument
    # when its pulse is derived
    short = pulse(load_bundled("core-inside"))
    # then the name says so in Dutch and English
    assert dict(short.name) == {
        "nl": "Trustier kern — intern (medewerkers) — pulsmeting",
        "en": "Trustier core — inside (employees) — pulse",
    }


def test_the_pulse_keeps_only_sections_that_still_have_items():
    # given the inside core instrument (4 sections; the open questions are not in the pulse)
    # when its pulse is derived
    short = pulse(load_bundled("core-inside"))
    # then the open-question section is gone and the others keep their order
    assert [s.key for s in short.sections] == ["organisation", "overall"]


def test_without_marks_the_first_item_per_dimension_is_taken():
    # given an instrument where no item is marked as pulse
    full = balanced(3)
    # when its pulse is derived
    short = pulse(full)
    # then the first item of each dimension and the global item are taken, now marked
    assert [i.key for i in short.items] == ["com_0", "rel_0", "int_0", "emp_0", "global"]
    assert all(i.pulse for i in short.items)


def test_a_marked_item_wins_over_the_first():
    # given an instrument where the second competence item is marked
    full = balanced(3)
    marked = [i if i.key != "com_1" else item("com_1", pulse=True) for i in full.items]
    # when its pulse is derived
    short = pulse(instrument(*marked))
    # then the marked one is taken
    assert [i.key for i in short.items][:1] == ["com_1"]


def test_the_pulse_of_a_pulse_has_the_same_items():
    # given a derived pulse
    once = pulse(load_bundled("core-outside"))
    # when a pulse is derived from it again
    twice = pulse(once)
    # then it asks the same items
    assert twice.items == once.items


def test_the_pulse_is_a_valid_instrument_file():
    # given a derived pulse
    short = pulse(load_bundled("core-person"))
    # when it is written and read back
    # then it is unchanged
    assert load(dump(short)) == short


def test_a_pulse_needs_every_dimension_and_global_trust():
    # given an instrument with competence items only
    only = instrument(*(item(f"com_{n}") for n in range(3)))
    # when a pulse is derived
    with pytest.raises(InstrumentFormatError) as error:
        pulse(only)
    # then every missing part is named
    assert error.value.problems == [
        "pulse: the instrument has no item for dimension 'reliability'",
        "pulse: the instrument has no item for dimension 'integrity'",
        "pulse: the instrument has no item for dimension 'empathy'",
        "pulse: the instrument has no global trust item (role 'global_trust')",
    ]


def test_custom_and_felt_trust_items_are_not_pulse_candidates():
    # given competence measured only by custom and felt-trust items
    items = [i for i in balanced(3).items if i.dimension != "competence"]
    items += [item("custom", role="custom_scored"), item("felt", role="felt_trust", referent="manager")]
    # when a pulse is derived
    with pytest.raises(InstrumentFormatError) as error:
        pulse(instrument(*items))
    # then competence counts as missing: a pulse compares core items only
    assert error.value.problems == ["pulse: the instrument has no item for dimension 'competence'"]
