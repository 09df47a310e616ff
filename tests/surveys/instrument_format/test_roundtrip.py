"""Round trip: dump -> load gives back the same instrument, in YAML and in JSON."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.instrument_format import InstrumentFormatError, dump, load, load_bundled, pulse, warnings

from .strategies import instruments

ROUND_TRIP = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ROUND_TRIP
@given(instrument=instruments(), fmt=st.sampled_from(["yaml", "json"]))
def test_dump_then_load_gives_back_the_same_instrument(instrument, fmt):
    # given a random valid instrument
    # when it is dumped and loaded again
    text = dump(instrument, fmt=fmt)
    loaded = load(text, fmt=fmt)
    # then it is equal, and dumping it again gives the same text
    assert loaded == instrument
    assert dump(loaded, fmt=fmt) == text


@ROUND_TRIP
@given(instrument=instruments())
def test_yaml_and_json_hold_the_same_structure(instrument):
    # given a random valid instrument
    # when it is dumped in both formats
    as_yaml = yaml.safe_load(dump(instrument, fmt="yaml"))
    as_json = json.loads(dump(instrument, fmt="json"))
    # then both files hold the same data, and each loads into the same instrument
    assert as_yaml == as_json
    assert load(dump(instrument, fmt="json").encode("utf-8"), fmt="json") == instrument


@ROUND_TRIP
@given(instrument=instruments())
def test_warnings_and_pulse_never_crash_on_valid_instruments(instrument):
    # given a random valid instrument
    # when warnings and the pulse are derived
    found = warnings(instrument)
    try:
        short = pulse(instrument)
    except InstrumentFormatError as error:
        # then a pulse is refused only for a missing dimension or global trust item
        assert all(problem.startswith("pulse: the instrument has no") for problem in error.problems)
    else:
        # then the pulse has one item per dimension plus global trust, and round-trips too
        assert len(short.items) == 5
        assert load(dump(short)) == short
    assert all(w.code for w in found)


@pytest.mark.parametrize("key", ["core-inside", "core-outside", "core-person", "module-felt-trust", "module-manager-team"])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_shipped_instruments_round_trip(key, fmt):
    # given a shipped instrument
    instrument = load_bundled(key)
    # when it is dumped and loaded
    text = dump(instrument, fmt=fmt)
    # then nothing changes
    assert load(text, fmt=fmt) == instrument
    assert dump(load(text, fmt=fmt), fmt=fmt) == text


@settings(max_examples=300, deadline=None)
@given(source=st.binary(max_size=300) | st.text(max_size=300), fmt=st.sampled_from(["yaml", "json"]))
def test_any_input_gives_an_instrument_or_a_format_error(source, fmt):
    # given arbitrary bytes or text
    # when loaded
    try:
        load(source, fmt=fmt)
    except InstrumentFormatError as error:
        # then the only failure is a format error with readable problems
        assert error.problems and all(isinstance(p, str) and ": " in p for p in error.problems)


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=30,
)
_FIELDS = st.sampled_from(["format", "key", "name", "languages", "sections", "scale", "version", "items", "text"])


@settings(max_examples=300, deadline=None)
@given(data=st.dictionaries(_FIELDS, _JSONISH, max_size=6))
def test_random_structures_give_only_format_errors(data):
    # given a mapping with plausible field names and random values
    text = json.dumps(data)
    # when loaded as JSON and as YAML
    for fmt in ("json", "yaml"):
        with pytest.raises(InstrumentFormatError) as error:
            load(text, fmt=fmt)
        # then every problem names where it is
        assert all(": " in problem for problem in error.value.problems)


CORE_TEXT = dump(load_bundled("core-person"))
CORE_LINES = CORE_TEXT.splitlines(keepends=True)


@settings(max_examples=300, deadline=None)
@given(
    line=st.integers(0, len(CORE_LINES) - 1),
    action=st.sampled_from(["delete", "duplicate", "indent", "replace"]),
    junk=st.sampled_from(["", "x", ": ", "- ", "{", "'", "*a", "&a ", "\t", "yes", "- key: x", "  ", "[]", "{}"]),
)
def test_small_edits_to_a_valid_file_give_an_instrument_or_a_format_error(line, action, junk):
    # given the person core file with one line deleted, doubled, shifted or partly replaced
    lines = list(CORE_LINES)
    if action == "delete":
        del lines[line]
    elif action == "duplicate":
        lines.insert(line, lines[line])
    elif action == "indent":
        lines[line] = "  " + lines[line]
    else:
        lines[line] = lines[line][: len(lines[line]) // 2] + junk + "\n"
    # when it is loaded
    try:
        load("".join(lines))
    except InstrumentFormatError as error:
        # then any failure is a format error whose problems all say where
        assert all(": " in problem for problem in error.problems)
