"""Score a responses CSV against an instrument file (`manage.py score_file`), without the database.

Pure apart from reading the two files: CSV → respondents × items matrix → `assessments.scoring.
score_dataset` → disclosure (`assessments.disclosure.suppress_tree` over the unit tree built from
the `unit` paths) → the documented JSON (README, "Scoring a file") or a flat CSV.

Input rules: UTF-8 (a BOM is fine), comma or semicolon separated, a header row; reserved columns
`unit` (a path such as Sales/North; parents are its prefixes), `wave`, and `id`/`respondent`
(ignored); every other column must be an item key of the instrument. Values: an integer on the
item's scale, empty or `DK` (any case) for don't know. Instrument items without a column are left
out of the scoring (listed under `items_missing`), since a dimension's 2/3 rule counts its items.
Every problem found is reported, one line each, as `ScoreFileError.problems`.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assessments.disclosure import DisclosurePolicy, Node, suppress_tree
from assessments.scoring import DIMENSIONS, OUTCOMES, ItemSpec, Settings, score_dataset
from assessments.scoring.groups import direct_counts, normalise_path, parent_path
from surveys.instrument_format import InstrumentFormatError, load_file, scored_items

RESERVED = ("unit", "wave", "id", "respondent")
IGNORED = ("id", "respondent")
DONT_KNOW = "dk"
MAX_PROBLEMS = 20
MAX_BYTES = 200 * 1024 * 1024
FIGURES = ("n", "mean", "mean_pomp", "sd", "ci_low", "ci_high", "ci_low_pomp", "ci_high_pomp",
           "pct_favourable", "alpha", "alpha_ci_low", "alpha_ci_high", "omega")
MEASURES = (*DIMENSIONS, "trust_index", *OUTCOMES)
CSV_COLUMNS = ("group_type", "group", "wave", "suppressed", "measure", *FIGURES)
TRUST_GIVEN_ROLES = frozenset({"dimension", "custom_scored"})


class ScoreFileError(ValueError):
    """The input cannot be scored; `problems` has one line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Responses:
    """A parsed responses file: values (NaN = don't know) for `items`, and per-row unit and wave."""

    items: tuple[ItemSpec, ...]
    values: np.ndarray
    units: list[str] | None
    waves: list[str] | None
    items_missing: tuple[str, ...]


def item_specs(instrument_path: str | Path) -> dict[str, ItemSpec]:
    """Item key → ItemSpec for every closed item of the instrument file.

    Roles 'dimension' and 'custom_scored' count for their dimension; 'global_trust' and
    'intention' are outcomes; 'felt_trust' (kept apart from trust given) and 'custom_unscored'
    are checked against their scale but not scored."""
    path = Path(instrument_path)
    if not path.is_file():
        raise ScoreFileError([f"instrument: '{path}' does not exist or is not a file"])
    try:
        instrument = load_file(path)
    except InstrumentFormatError as exc:
        raise ScoreFileError([f"instrument: {p}" for p in exc.problems]) from None
    specs = {}
    for key, item in scored_items(instrument).items():
        if item.role in TRUST_GIVEN_ROLES and item.dimension:
            role = item.dimension
        elif item.role in OUTCOMES:
            role = item.role
        else:
            role = "unscored"
        specs[key] = ItemSpec(key, role, item.reverse_keyed, item.scale_min, item.scale_max)
    return specs


def read_responses(source: bytes, specs: Mapping[str, ItemSpec], *, name: str = "responses") -> Responses:
    """Parse and check a responses CSV (bytes); ScoreFileError lists every problem."""
    text = _decode(source, name)
    rows = _rows(text, name)
    header = [h.strip() for h in rows[0]]
    problems = _header_problems(header, specs, name)
    if problems:
        raise ScoreFileError(problems)
    body = [(i + 2, row) for i, row in enumerate(rows[1:]) if any(cell.strip() for cell in row)]
    if not body:
        raise ScoreFileError([f"{name}: the file has a header but no respondents"])
    columns = [(j, specs[h]) for j, h in enumerate(header) if h in specs]
    values = np.full((len(body), len(columns)), np.nan)
    for r, (line, row) in enumerate(body):
        if len(row) != len(header):
            problems.append(f"{name} line {line}: {len(row)} fields, but the header has {len(header)}")
            continue
        for c, (j, spec) in enumerate(columns):
            cell = row[j].strip()
            if not cell or cell.lower() == DONT_KNOW:
                continue
            value = _integer(cell)
            if value is None or not spec.scale_min <= value <= spec.scale_max:
                problems.append(f"{name} line {line}, column '{spec.key}': {cell!r} is not on the scale "
                                f"{spec.scale_min}..{spec.scale_max} (leave empty or write DK for don't know)")
                continue
            values[r, c] = value
        if len(problems) > MAX_PROBLEMS:
            break
    if problems:
        raise ScoreFileError(_capped(problems))
    units = _column(header, body, "unit", normalise_path)
    waves = _column(header, body, "wave", str.strip)
    if waves is not None and (blank := [line for (line, _), w in zip(body, waves, strict=True) if not w]):
        raise ScoreFileError([f"{name} line {line}: the wave is empty" for line in blank[:MAX_PROBLEMS]])
    present = {spec.key for _, spec in columns}
    missing = tuple(key for key in specs if key not in present)
    used = tuple(spec for _, spec in columns)
    scored = {spec.role for spec in used}
    if gaps := [d for d in DIMENSIONS if d not in scored]:
        raise ScoreFileError([f"{name}: no column for any item of the dimension '{d}'" for d in gaps])
    return Responses(used, values, units, waves, missing)


def tree_suppressor(min_group: int) -> Callable[[Mapping[str, int]], Set[str]]:
    """The engine's `suppress` callable: primary + complementary suppression on the unit tree.

    Paths are nodes, their parents the path prefixes, '' the organisation (the root)."""
    policy = DisclosurePolicy(min_group=min_group, min_comments=max(10, min_group))

    def hidden(sizes: Mapping[str, int]) -> set[str]:
        direct = direct_counts(sizes)
        ordered = sorted(sizes, key=lambda p: (p.count("/") + bool(p), p))
        nodes = [Node(path, parent_path(path), direct[path]) for path in ordered]
        decisions = suppress_tree(nodes, policy).decisions
        return {path for path, decision in decisions.items() if not decision.published}

    return hidden


def score_responses(responses: Responses, *, min_group: int = 5, settings: Settings = Settings()) -> dict[str, Any]:
    """Score parsed responses and return the documented JSON document (a dict)."""
    result = score_dataset(responses.values, responses.items, units=responses.units, waves=responses.waves,
                           suppress=tree_suppressor(min_group), settings=settings).to_dict()
    out: dict[str, Any] = {"min_group": min_group, **_group(result)}
    out["units"] = {path: _group(unit) for path, unit in sorted(result["units"].items())}
    out["waves"] = {label: _group(wave) for label, wave in result["waves"].items()}
    out["current_wave"] = result["current_wave"]
    out["drivers"] = result["drivers"]
    out["items_missing"] = list(responses.items_missing)
    return out


def score_file(responses_path: str | Path, instrument_path: str | Path, *, min_group: int = 5,
               settings: Settings = Settings()) -> dict[str, Any]:
    """Read, check and score a responses CSV; ScoreFileError lists what is wrong with the input."""
    problems = []
    if not isinstance(min_group, int) or min_group < 3:
        problems.append(f"--min-group: must be a whole number of at least 3, got {min_group!r}")
    path = Path(responses_path)
    source = b""
    if not path.is_file():
        problems.append(f"responses: '{path}' does not exist or is not a file")
    elif path.stat().st_size > MAX_BYTES:
        problems.append(f"responses: the file is larger than {MAX_BYTES // 1024 // 1024} MB")
    else:
        source = path.read_bytes()
    try:
        specs = item_specs(instrument_path)
    except ScoreFileError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ScoreFileError(problems)
    responses = read_responses(source, specs, name=path.name)
    try:
        return score_responses(responses, min_group=min_group, settings=settings)
    except ValueError as exc:  # e.g. items of one dimension on different scales
        raise ScoreFileError([f"{path.name}: {exc}"]) from None


def to_json(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def csv_rows(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per (group, measure): the organisation, each unit, each wave."""
    groups: list[tuple[str, str, str, Mapping[str, Any]]] = [
        ("organisation", "", document.get("current_wave") or "", document)]
    groups += [("unit", path, document.get("current_wave") or "", unit) for path, unit in document["units"].items()]
    groups += [("wave", label, label, wave) for label, wave in document["waves"].items()]
    rows = []
    for kind, label, wave, group in groups:
        for measure in MEASURES:
            figures = _measure(group, measure)
            if figures is None and not group["suppressed"]:
                continue
            row = {"group_type": kind, "group": label, "wave": wave, "suppressed": group["suppressed"],
                   "measure": measure}
            rows.append(row | {f: (figures or {}).get(f) for f in FIGURES})
    return rows


def to_csv(document: Mapping[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in csv_rows(document):
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def _measure(group: Mapping[str, Any], measure: str) -> Mapping[str, Any] | None:
    if group["suppressed"]:
        return None
    if measure in DIMENSIONS:
        return group["dimensions"][measure]
    return group.get("outcomes", {}).get(measure) if measure in OUTCOMES else group.get(measure)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else value


def _group(group: Mapping[str, Any]) -> dict[str, Any]:
    """The documented subset of one engine group dict; a suppressed group keeps only the flag."""
    if group.get("suppressed"):
        return {"suppressed": True}
    out: dict[str, Any] = {"suppressed": False, "n": group["n"],
                           "dimensions": {d: _figures(group["dimensions"][d]) for d in DIMENSIONS},
                           "trust_index": _figures(group["trust_index"])}
    out["outcomes"] = {o: _figures(group[o]) for o in OUTCOMES if o in group}
    if group.get("change") is not None:
        out["change_from"] = group["change_from"]
        out["change"] = group["change"]
    return out


def _figures(measure: Mapping[str, Any]) -> dict[str, Any]:
    return {f: measure.get(f) for f in FIGURES}


def _decode(source: bytes, name: str) -> str:
    if not source.strip():
        raise ScoreFileError([f"{name}: the file is empty"])
    if b"\x00" in source[:8192]:
        raise ScoreFileError([f"{name}: this is not a text CSV file (it contains NUL bytes; "
                              "a spreadsheet must be saved as CSV UTF-8)"])
    try:
        return source.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScoreFileError([f"{name}: not UTF-8 encoded (byte 0x{source[exc.start]:02x} at offset {exc.start}); "
                              "save it as CSV UTF-8"]) from None


def _rows(text: str, name: str) -> list[list[str]]:
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise ScoreFileError([f"{name}: not a readable CSV file ({exc})"]) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ScoreFileError([f"{name}: the first line must be a header naming the columns"])
    return rows


def _header_problems(header: list[str], specs: Mapping[str, ItemSpec], name: str) -> list[str]:
    if not any(h in specs or _suggest(h, specs) for h in header):
        shown = ", ".join(repr(h) for h in header[:5]) + (", ..." if len(header) > 5 else "")
        return [f"{name}: no column is an item of the instrument (header: {shown}); "
                "is this the right file, a CSV with a header row?"]
    problems = []
    seen: set[str] = set()
    for column in header:
        if not column:
            problems.append(f"{name} header: a column has no name")
        elif column in seen:
            problems.append(f"{name} header: column '{column}' appears twice")
        elif column not in specs and column not in RESERVED:
            problems.append(f"{name} header: column '{column}' is not an item of the instrument "
                            f"(nor unit, wave, id or respondent){_suggest(column, specs)}")
        seen.add(column)
    return _capped(problems)


def _suggest(column: str, keys: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(column, list(keys), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _integer(cell: str) -> int | None:
    try:
        number = float(cell.replace(",", "."))
    except ValueError:
        return None
    return int(number) if math.isfinite(number) and number == int(number) else None


def _column(header: list[str], body: list[tuple[int, list[str]]], name: str,
            clean: Callable[[str], str]) -> list[str] | None:
    if name not in header:
        return None
    j = header.index(name)
    return [clean(row[j]) for _, row in body]


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return [*problems[:MAX_PROBLEMS], f"... and {len(problems) - MAX_PROBLEMS} more problems"]
