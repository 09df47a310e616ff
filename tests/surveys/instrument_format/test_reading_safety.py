"""Unreadable and unsafe files are refused before or while parsing, with one clear problem."""

from __future__ import annotations

import codecs
import time

import pytest

from surveys.instrument_format import MAX_FILE_BYTES, InstrumentFormatError, dump, load, load_bundled, load_file

from .test_malformed_files import VALID


def _problems(source, fmt="yaml"):
    with pytest.raises(InstrumentFormatError) as error:
        load(source, fmt=fmt)
    return error.value.problems


def test_a_file_over_1_mb_is_refused_before_parsing():
    # given a file just over the limit, made of text that would be slow to parse
    source = b"a: [" + b"1," * (MAX_FILE_BYTES // 2) + b"]"
    # when it is loaded
    started = time.perf_counter()
    problems = _problems(source)
    # then it is refused at once by its size
    assert problems == [f"file: the file is {len(source):,} bytes; the limit is 1 MB (1,048,576 bytes)"]
    assert time.perf_counter() - started < 0.5


def test_the_size_limit_counts_utf8_bytes_of_text_too():
    # given text whose characters take 3 bytes each in UTF-8
    source = "€" * (MAX_FILE_BYTES // 3 + 1)
    # when it is loaded
    # then its UTF-8 size is what counts
    assert _problems(source) == [f"file: the file is {len(source.encode()):,} bytes; the limit is 1 MB (1,048,576 bytes)"]


def test_bytes_that_are_not_utf8_give_a_clear_error():
    # given a file saved as Latin-1
    source = VALID.replace("Vragen", "Vragen café").encode("latin-1")
    # when it is loaded
    # then the byte and its position are named
    position = source.index(b"\xe9")
    assert _problems(source) == [f"file: the file is not UTF-8 text (byte 0xE9 at position {position}); save it as UTF-8"]


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_utf16_files_are_named_as_such(bom):
    # given a file saved as UTF-16
    source = bom + VALID.encode("utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be")
    # when it is loaded
    # then the message says how to fix it
    assert _problems(source) == ["file: the file is saved as UTF-16 or UTF-32; save it as UTF-8"]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_utf8_byte_order_mark_is_accepted(fmt):
    # given a valid file that starts with a UTF-8 byte order mark (as some editors write it)
    text = VALID if fmt == "yaml" else '{"format": "x"}'
    source = codecs.BOM_UTF8 + text.encode()
    # when it is loaded
    # then the mark is not a problem (the JSON one fails only for its content)
    if fmt == "yaml":
        assert load(source).key == "mini"
    else:
        assert "file: missing field 'key'" in _problems(source, fmt)


@pytest.mark.parametrize("source", [b"", "", "   \n\n", "# only a comment\n"])
def test_an_empty_file_is_refused(source):
    # given an empty file
    # when it is loaded
    problems = _problems(source)
    # then it says so
    assert problems in (["file: the file is empty"], ["file: the file is empty (it holds only comments)"])


@pytest.mark.parametrize(
    ("source", "found"),
    [("- a\n- b\n", "a list"), ("just some words\n", "a single value"), ("42\n", "a single value")],
)
def test_yaml_that_is_not_a_mapping_is_refused(source, found):
    # given YAML whose top is not a mapping
    # when it is loaded
    # then it says what was found
    assert _problems(source) == [f"file: the file must hold a mapping of fields (such as 'key: ...') at the top, found {found}"]


BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
)


def test_a_yaml_bomb_is_refused_without_expanding_it():
    # given the "billion laughs" file (9^9 strings once its aliases are expanded)
    # when it is loaded
    started = time.perf_counter()
    problems = _problems(BILLION_LAUGHS)
    # then it is refused at its first alias, quickly
    assert problems == ["file: line 2: YAML aliases ('*name') are not allowed; write the value out in full"]
    assert time.perf_counter() - started < 0.5


def test_a_single_alias_is_refused_too():
    # given a file that reuses a text through an anchor and an alias
    source = VALID.replace("name: {nl: Mini, en: Mini}", "name: &n {nl: Mini, en: Mini}") + "description: *n\n"
    # when it is loaded
    # then the alias is named with its line
    assert _problems(source) == ["file: line 14: YAML aliases ('*name') are not allowed; write the value out in full"]


def test_python_tags_are_refused():
    # given a file with a tag that the unsafe loader would run as code
    source = VALID.replace("key: mini", "key: !!python/object/apply:os.system ['echo hi']")
    # when it is loaded
    # then the tag is refused (SafeLoader only)
    assert _problems(source) == [
        "file: the file is not valid YAML: line 2, column 6: YAML tags such as "
        "'!!python/object/apply:os.system' are not allowed; write plain values"
    ]


def test_more_than_one_document_is_refused():
    # given two YAML documents in one file
    # when it is loaded
    # then it says to keep one
    assert _problems(VALID + "---\nkey: other\n") == ["file: the file holds more than one YAML document ('---'); keep one"]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_deep_nesting_is_refused(fmt):
    # given a file nested thousands of levels deep
    source = '{"a": ' + "[" * 5000 + "]" * 5000 + "}"
    # when it is loaded
    # then it is refused, not a crash
    assert _problems(source, fmt) == ["file: the file is nested too deeply"]


def test_a_number_with_thousands_of_digits_is_refused():
    # given a version number of 5000 digits
    source = VALID + "version: " + "9" * 5000 + "\n"
    # when it is loaded
    # then it is refused clearly
    assert _problems(source) == ["file: the file holds a number with too many digits"]


def test_a_text_that_starts_with_a_placeholder_needs_quotes():
    # given a hand-written text that starts with {organisation} without quotes
    source = VALID.replace(
        "{nl: Het werk is goed., en: The work is good.}",
        "\n      nl: {organisation} werkt goed.\n      en: '{organisation} works well.'",
    )
    # when it is loaded
    problems = _problems(source)
    # then the YAML error carries the hint
    assert problems == [
        "file: the file is not valid YAML: line 14, column 26: expected <block end>, but found '<scalar>' "
        "(a text that starts with a placeholder like {organisation} must be put in quotes)"
    ]


def test_tabs_for_indentation_get_a_hint():
    # given a hand-written file indented with a tab
    # when it is loaded
    # then the hint says to use spaces
    assert _problems(VALID.replace("  - key: com_a", "\t- key: com_a")) == [
        "file: the file is not valid YAML: line 9, column 1: found character '\\t' that cannot start any token "
        "(indent with spaces, not tabs)"
    ]


def test_a_disallowed_raw_character_is_named():
    # given a raw control character in the file
    # when it is loaded
    # then its line and code point are named
    assert _problems(VALID.replace("Het werk", "Het\x07werk")) == [
        "file: line 13: the file contains a character that is not allowed (U+0007)"
    ]


def test_load_file_picks_the_format_by_suffix(tmp_path):
    # given the same instrument saved as YAML and as JSON
    instrument = load_bundled("core-inside")
    (tmp_path / "a.yml").write_text(dump(instrument), encoding="utf-8")
    (tmp_path / "a.json").write_text(dump(instrument, fmt="json"), encoding="utf-8")
    # when both are loaded from disk
    # then both give the same instrument
    assert load_file(tmp_path / "a.yml") == load_file(tmp_path / "a.json") == instrument


def test_load_file_refuses_a_large_file_without_reading_it(tmp_path):
    # given a file of 2 MB on disk
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 2_000_000)
    # when it is loaded
    with pytest.raises(InstrumentFormatError) as error:
        load_file(big)
    # then the size is the problem
    assert error.value.problems == ["file: the file is 2,000,000 bytes; the limit is 1 MB (1,048,576 bytes)"]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("missing.yaml", "file: cannot read '{path}': No such file or directory"),
        ("notes.txt", "file: 'notes.txt' must end in .yaml, .yml or .json"),
    ],
)
def test_load_file_reports_unreadable_paths(tmp_path, name, problem):
    # given a path that does not exist or has the wrong suffix
    path = tmp_path / name
    # when it is loaded
    with pytest.raises(InstrumentFormatError) as error:
        load_file(path)
    # then the problem is clear
    assert error.value.problems == [problem.format(path=path)]


def test_an_unknown_format_name_is_a_programming_error():
    # given a caller asking for XML
    # when loading
    # then it is a ValueError, not a file problem
    with pytest.raises(ValueError, match="fmt must be 'yaml' or 'json'"):
        load(VALID, fmt="xml")


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_file_with_too_many_values_is_refused_quickly(fmt):
    # given a file under 1 MB that holds half a million tiny values
    source = '{"a": [' + "1," * 500_000 + "1]}"
    # when it is loaded
    started = time.perf_counter()
    problems = _problems(source, fmt)
    # then it is refused once the limit of values is passed, without parsing the rest
    assert problems == ["file: the file holds more than 50,000 values; an instrument file is far smaller"]
    assert time.perf_counter() - started < 10


def test_a_repeated_anchor_is_named():
    # given a YAML file that defines the same anchor twice
    # when it is loaded
    # then the problem is named with its line
    assert _problems("a: &x 1\nb: &x 2\n") == ["file: line 2: a YAML anchor ('&name') is defined twice; anchors are not needed here"]


def test_at_most_100_problems_are_listed_and_the_rest_counted():
    # given a file with 300 unknown top-level fields
    source = VALID + "".join(f"extra_{n}: 1\n" for n in range(300))
    # when it is loaded
    problems = _problems(source)
    # then the first 100 are listed in file order and the rest are counted
    assert len(problems) == 101
    assert problems[0].startswith("extra_0 (line 14): unknown field 'extra_0'")
    assert problems[-1] == "file: 200 more problems not listed; fix the ones above first"
