"""`manage.py score_file`: bad files exit 2 with one line per problem; suppression; json == csv; --output."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.disclosure import DisclosurePolicy, Node, suppress_tree, tree_remainders
from reports.score_file import FIGURES, ScoreFileError, score_file, tree_suppressor

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENT = ROOT / "surveys" / "instruments" / "core-inside.yaml"
DIMENSION_KEYS = [
    "com_expertise", "rel_promises", "int_honest", "emp_interests", "com_quality", "rel_predictable", "int_fair",
    "emp_concerns", "com_knows_job", "rel_agreements", "int_truth", "emp_perspective", "com_solutions",
    "rel_count_on", "int_right", "emp_best_for",
]
KEYS = [*DIMENSION_KEYS, "global_trust", "intent_reliance", "intent_disclosure"]


def write_responses(path: Path, units: list[str], *, waves: list[str] | None = None, seed: int = 0,
                    delimiter: str = ",") -> Path:
    """A plausible responses file: one latent trust level per respondent, answers 1..7, some DK."""
    rng = np.random.default_rng(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["unit", *(["wave"] if waves else []), *KEYS])
        for i, unit in enumerate(units):
            level = rng.normal(5, 1)
            answers = [("DK" if rng.random() < 0.03 else int(np.clip(round(level + rng.normal(0, 1)), 1, 7)))
                       for _ in KEYS]
            writer.writerow([unit, *([waves[i]] if waves else []), *answers])
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("score_file", *args, stdout=out)
    return out.getvalue()


def problems_of(*args: str) -> list[str]:
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert caught.value.returncode == 2
    return str(caught.value).splitlines()


@pytest.fixture
def good(tmp_path: Path) -> Path:
    units = ["Sales/North"] * 30 + ["Sales/South"] * 25 + ["Operations"] * 40 + [""] * 5
    return write_responses(tmp_path / "responses.csv", units)


# --- bad files ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "expected"), [
    (b"", "the file is empty"),
    (b"unit,com_expertise,colour\nSales,5,red\n", "column 'colour' is not an item of the instrument"),
    (b"unit,com_expertize\nSales,5\n", "did you mean 'com_expertise'"),
    ("unit,com_expertise\nVerkoop,5\nZ\u00fcrich,4\n".encode("latin-1"), "not UTF-8 encoded"),
    (b"PK\x03\x04\x00\x00binary spreadsheet", "not a text CSV file"),
    (b"just some words\nand more words\n", "no column is an item of the instrument"),
    (b"unit," + ",".join(KEYS).encode() + b"\n", "no respondents"),
    (b"com_expertise,com_expertise\n1,2\n", "appears twice"),
])
def test_bad_responses_files_exit_2_with_a_clear_message(tmp_path, content, expected) -> None:
    # given a broken responses file
    path = tmp_path / "responses.csv"
    path.write_bytes(content)
    # when it is scored, then the command fails with exit code 2 and says what is wrong
    lines = problems_of(str(path), "--instrument", str(INSTRUMENT))
    assert any(expected in line for line in lines), lines


def test_values_off_the_scale_are_each_reported_with_their_line(tmp_path, good) -> None:
    # given a good file with three bad cells
    rows = good.read_text().splitlines()
    header = rows[0].split(",")
    col = header.index("com_quality")
    for line, bad in ((2, "9"), (3, "0"), (4, "4.5")):
        cells = rows[line - 1].split(",")
        cells[col] = bad
        rows[line - 1] = ",".join(cells)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(rows) + "\n")
    # when scored, then each cell is one line naming line, column and the scale
    lines = problems_of(str(path), "--instrument", str(INSTRUMENT))
    assert len(lines) == 3
    for line, bad in ((2, "9"), (3, "0"), (4, "4.5")):
        assert any(f"line {line}, column 'com_quality': '{bad}' is not on the scale 1..7" in x for x in lines)


def test_a_row_with_too_few_fields_is_reported(tmp_path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("unit,com_expertise,rel_promises\nSales,5\n")
    assert any("line 2: 2 fields, but the header has 3" in x for x in problems_of(str(path), "--instrument",
                                                                                   str(INSTRUMENT)))


def test_missing_and_invalid_instruments_exit_2(tmp_path, good) -> None:
    # given no instrument file, and one that is not a valid instrument
    lines = problems_of(str(good), "--instrument", str(tmp_path / "nope.yaml"))
    assert any("nope.yaml' does not exist" in x for x in lines)
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: trustier-instrument/1\nkey: x\n")
    lines = problems_of(str(good), "--instrument", str(broken))
    assert lines and all(x.startswith(("CommandError: instrument:", "instrument:")) for x in lines)
    wrong_suffix = tmp_path / "instrument.txt"
    wrong_suffix.write_text("x")
    assert any("must end in .yaml" in x for x in problems_of(str(good), "--instrument", str(wrong_suffix)))


def test_missing_responses_file_and_bad_min_group_exit_2(tmp_path, good) -> None:
    assert any("does not exist" in x for x in problems_of(str(tmp_path / "none.csv"), "--instrument",
                                                          str(INSTRUMENT)))
    assert any("--min-group" in x for x in problems_of(str(good), "--instrument", str(INSTRUMENT),
                                                       "--min-group", "2"))


def test_a_dimension_without_any_column_is_refused(tmp_path) -> None:
    path = tmp_path / "three.csv"
    keys = [k for k in DIMENSION_KEYS if not k.startswith("emp_")]
    path.write_text(",".join(keys) + "\n" + ",".join("5" for _ in keys) + "\n")
    assert any("dimension 'empathy'" in x for x in problems_of(str(path), "--instrument", str(INSTRUMENT)))


def test_the_real_process_exits_2_and_writes_to_stderr(tmp_path) -> None:
    # given a file with an unknown column, run as a person would
    path = tmp_path / "responses.csv"
    path.write_text("unit,com_expertise,colour\nSales,5,red\n")
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "trustier.settings.test"}
    proc = subprocess.run([sys.executable, "manage.py", "score_file", str(path), "--instrument", str(INSTRUMENT)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    # then exit code 2, the problem on stderr, nothing on stdout, no traceback
    assert proc.returncode == 2
    assert "column 'colour' is not an item" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""


# --- good files ---------------------------------------------------------------------------------

def test_json_has_the_documented_shape(good) -> None:
    document = json.loads(run(str(good), "--instrument", str(INSTRUMENT)))
    assert set(document["dimensions"]) == {"competence", "reliability", "integrity", "empathy"}
    for figures in [*document["dimensions"].values(), document["trust_index"]]:
        assert set(FIGURES) <= set(figures) and figures["n"] > 0
        assert figures["ci_low"] < figures["mean"] < figures["ci_high"]
    assert document["dimensions"]["competence"]["alpha"] is not None  # n = 100 ≥ 50
    assert set(document["units"]) == {"Sales", "Sales/North", "Sales/South", "Operations"}
    assert document["waves"] == {} and document["items_missing"] == []
    assert document["drivers"]["outcome"] == "global_trust"


def test_dont_know_and_semicolons_and_a_bom_are_read(tmp_path) -> None:
    # given a semicolon CSV with a BOM, DK in lower case and empty cells
    path = tmp_path / "nl.csv"
    rows = [";".join(DIMENSION_KEYS)] + [";".join(["dk", "", *(["6"] * 14)])] * 6
    path.write_bytes("\ufeff".encode() + "\n".join(rows).encode())
    document = score_file(path, INSTRUMENT)
    # then it scores, with don't know as missing (competence still has 3 of 4 items)
    assert document["dimensions"]["competence"]["mean"] == pytest.approx(6.0)
    assert document["n"] == 6
    assert "global_trust" in document["items_missing"]


def test_small_unit_is_suppressed_with_its_sibling_and_has_no_figures(tmp_path) -> None:
    # given Sales/South with 3 respondents (< 5) and Sales/North with 20; Sales = 23 exactly
    units = ["Sales/North"] * 20 + ["Sales/South"] * 3 + ["Operations"] * 30
    path = write_responses(tmp_path / "r.csv", units)
    document = json.loads(run(str(path), "--instrument", str(INSTRUMENT), "--min-group", "5"))
    # then South is hidden with no figures at all (no n either)
    assert document["units"]["Sales/South"] == {"suppressed": True}
    # and Sales minus North would reveal South, so one of them is hidden too
    assert document["units"]["Sales/North"]["suppressed"] or document["units"]["Sales"]["suppressed"]
    # and no published group's remainder is between 1 and 4 (independent check of the tree)
    published = {p for p, u in document["units"].items() if not u["suppressed"]} | {""}
    sizes = {"": 53, "Sales": 23, "Sales/North": 20, "Sales/South": 3, "Operations": 30}
    for group in published:
        below = [p for p in published if p != group and (group == "" or p.startswith(group + "/"))]
        nearest = [p for p in below if not any(q != p and p.startswith(q + "/") for q in below)]
        rem = sizes[group] - sum(sizes[p] for p in nearest)
        assert rem == 0 or rem >= 5, (group, rem)


def test_a_unit_of_exactly_the_threshold_is_published(tmp_path) -> None:
    units = ["Sales/North"] * 5 + ["Sales/South"] * 5 + ["Operations"] * 10
    document = score_file(write_responses(tmp_path / "r.csv", units), INSTRUMENT, min_group=5)
    assert document["units"]["Sales/North"]["n"] == 5 and not document["units"]["Sales/North"]["suppressed"]


def test_tree_suppressor_matches_the_disclosure_audit() -> None:
    # given subtree sizes as the engine passes them
    sizes = {"": 60, "A": 26, "A/x": 20, "A/y": 4, "B": 30, "B/z": 30}
    hidden = tree_suppressor(5)(sizes)
    # then the disclosure package's own audit finds every remainder 0 or ≥ 5
    direct = {"": 4, "A": 2, "A/x": 20, "A/y": 4, "B": 0, "B/z": 30}
    nodes = [Node(p, None if p == "" else (p.rpartition("/")[0]), direct[p]) for p in
             ["", "A", "B", "A/x", "A/y", "B/z"]]
    decisions = suppress_tree(nodes, DisclosurePolicy(min_group=5)).decisions
    assert hidden == {p for p, d in decisions.items() if not d.published}
    assert all(r == 0 or r >= 5 for r in tree_remainders(nodes, decisions).values())


def test_too_small_a_file_is_suppressed_whole(tmp_path) -> None:
    document = score_file(write_responses(tmp_path / "r.csv", ["Sales"] * 3), INSTRUMENT)
    assert document["suppressed"] is True and "dimensions" not in document and "n" not in document


def test_waves_are_scored_each_with_change(tmp_path) -> None:
    units = ["Sales"] * 60
    waves = ["2025"] * 30 + ["2026"] * 30
    document = score_file(write_responses(tmp_path / "r.csv", units, waves=waves), INSTRUMENT)
    assert list(document["waves"]) == ["2025", "2026"] and document["current_wave"] == "2026"
    assert document["n"] == 30 and document["waves"]["2026"]["change_from"] == "2025"


def test_json_and_csv_agree_and_output_writes_the_file(tmp_path, good) -> None:
    # given the same file scored as JSON and CSV into files
    json_path, csv_path = tmp_path / "out.json", tmp_path / "out.csv"
    assert run(str(good), "--instrument", str(INSTRUMENT), "--output", str(json_path)) == ""
    run(str(good), "--instrument", str(INSTRUMENT), "--format", "csv", "--output", str(csv_path))
    document = json.loads(json_path.read_text())
    rows = list(csv.DictReader(csv_path.open()))
    # then every CSV figure equals the JSON figure of its group and measure
    assert rows
    for row in rows:
        group = document if row["group_type"] == "organisation" else document[
            "units" if row["group_type"] == "unit" else "waves"][row["group"]]
        assert row["suppressed"] == ("true" if group["suppressed"] else "false")
        if group["suppressed"]:
            assert all(row[f] == "" for f in FIGURES)
            continue
        measure = row["measure"]
        figures = (group["dimensions"].get(measure) or group.get(measure) or group["outcomes"][measure])
        for f in FIGURES:
            expected = figures[f]
            assert (row[f] == "") if expected is None else float(row[f]) == pytest.approx(expected, rel=1e-12)
    organisation_rows = [r for r in rows if r["group_type"] == "organisation"]
    assert {r["measure"] for r in organisation_rows} >= {"competence", "empathy", "trust_index"}


def test_score_file_error_lists_problems() -> None:
    error = ScoreFileError(["a", "b"])
    assert error.problems == ["a", "b"] and str(error) == "a\nb"
