"""CSV/XLSX exports (issue 8, point 3–4): the dashboard's figures and respondent rows, disclosure-safe."""

from __future__ import annotations

import csv
import io
from collections import Counter

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from assessments.models import Wave
from reports.models import TrendSnapshot
from reports.snapshots import snapshots_build
from reports.tabular import csv_lines, neutralise, xlsx_write
from tests.factories import AssessmentFactory, WaveFactory, unit_tree
from tests.reports.test_snapshots import FAST
from tests.reports.test_wave_scoring import fill


@pytest.fixture
def wave(org):
    # given a closed wave: 40 in Sales/North, 2 in Sales/South, 30 in Operations, snapshots built
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org), status=Wave.Status.CLOSED)
    u = org.test_units
    fill(wave, [u["Sales/North"]] * 40 + [u["Sales/South"]] * 2 + [u["Operations"]] * 30)
    snapshots_build(settings=FAST)
    return wave


def export(tmp_path, wave, *args: str, fmt: str = "csv") -> list[list[str]]:
    out = tmp_path / f"out.{fmt}"
    call_command("export_report", "--wave", str(wave.pk), "--format", fmt, "--output", str(out), *args,
                 stdout=io.StringIO())
    if fmt == "xlsx":
        book = openpyxl.load_workbook(out, read_only=True)
        return [["" if v is None else str(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    return list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_figures_export_matches_the_snapshot_and_hides_small_groups(tmp_path, wave, fmt) -> None:
    # when the owner's automation exports the figures
    rows = export(tmp_path, wave, fmt=fmt)
    header, body = rows[0], rows[1:]
    # then every snapshot row is there once, with the same Trust Index as the snapshot
    assert len(body) == TrendSnapshot.objects.filter(wave=wave).count()
    org_index = TrendSnapshot.objects.get(wave=wave, unit=None, measure="trust_index")
    line = next(r for r in body if r[0] == "Whole organisation" and r[1] == "trust_index")
    assert float(line[header.index("Score 0–100")]) == pytest.approx(org_index.mean_pomp)
    assert line[header.index("n (respondents)")] == str(org_index.n)
    rate = next(r for r in body if r[0] == "Whole organisation" and r[1] == "response_rate")
    assert rate[header.index("n (respondents)")] == "72"
    # and a hidden group's rows say "hidden" and carry no figure at all, not even n
    hidden_paths = set(TrendSnapshot.objects.filter(wave=wave, suppressed=True).values_list("unit__path", flat=True))
    assert "Sales/South" in hidden_paths
    for r in body:
        if r[0] in hidden_paths:
            assert r[3] == "hidden" and all(v == "" for v in r[4:]), r


def test_figures_export_in_dutch_for_a_manager_subtree(tmp_path, wave) -> None:
    # when exported for the Sales subtree in Dutch
    rows = export(tmp_path, wave, "--unit", "Sales", "--language", "nl")
    # then only Sales rows appear, with Dutch headers, and no organisation-wide row
    assert rows[0][0] == "Bereik"
    assert {r[0] for r in rows[1:]} <= {"Sales", "Sales/North", "Sales/South"}
    assert "Whole organisation" not in {r[0] for r in rows[1:]} and "Hele organisatie" not in {r[0] for r in rows[1:]}


def test_respondent_rows_never_form_a_group_below_the_threshold(tmp_path, wave, org) -> None:
    # when the respondent-level rows are exported
    rows = export(tmp_path, wave, "--respondents")
    header, body = rows[0], rows[1:]
    # then every response is there, without identifying columns, items as columns
    assert len(body) == 72
    assert header[0] == "Unit" and all(":" not in h and h not in {"id", "language", "submitted_on"} for h in header)
    # and no unit label covers fewer respondents than the threshold; Sales/South's 2 are counted higher up
    counts = Counter(r[0] for r in body)
    assert "Sales/South" not in counts
    assert min(counts.values()) >= org.min_group_size


def test_respondent_rows_of_a_manager_stay_inside_the_subtree(tmp_path, wave) -> None:
    rows = export(tmp_path, wave, "--respondents", "--unit", "Operations")
    assert {r[0] for r in rows[1:]} == {"Operations"} and len(rows) - 1 == 30


def test_no_respondent_rows_while_the_wave_is_open(tmp_path, org) -> None:
    # given an open wave with answers
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org), status=Wave.Status.OPEN)
    fill(wave, [org.test_units["Operations"]] * 30)
    # when respondent rows are asked for / then the command refuses with exit code 2 and writes nothing
    with pytest.raises(CommandError, match="after the wave has closed") as refused:
        export(tmp_path, wave, "--respondents")
    assert refused.value.returncode == 2
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--wave", "999999", "--format", "csv"], "No wave"),
    (["--wave", "abc", "--format", "csv"], "must be a wave id"),
    (["--format", "doc"], "--format must be one of"),
    (["--format", "csv", "--language", "de"], "--language must be one of"),
    (["--format", "csv", "--unit", "Nowhere"], "No unit 'Nowhere'"),
])
def test_bad_arguments_exit_with_2_and_a_clear_message(tmp_path, wave, args, message) -> None:
    argv = ["--wave", str(wave.pk), "--output", str(tmp_path / "x"), *args]
    with pytest.raises(CommandError, match=message) as bad:
        call_command("export_report", *argv, stdout=io.StringIO())
    assert bad.value.returncode == 2


def test_cells_that_spreadsheets_would_run_as_formulas_become_text(tmp_path) -> None:
    # given values a hostile respondent or unit name could carry
    hostile = ["=HYPERLINK(\"http://x\")", "+1", "-1+2", "@SUM(A1)", "\tcmd", "\rcmd"]
    # then each becomes text with a leading apostrophe, numbers stay numbers
    assert [neutralise(v) for v in hostile] == ["'" + v for v in hostile]
    assert neutralise(-3.5) == -3.5 and neutralise("Sales") == "Sales"
    text = "".join(csv_lines(["h"], [[v] for v in hostile]))
    assert all(row[0].startswith("'") for row in list(csv.reader(io.StringIO(text, newline="")))[1:])
    xlsx_write(str(tmp_path / "h.xlsx"), [("s", ["h"], [[v] for v in hostile])])
    sheet = openpyxl.load_workbook(tmp_path / "h.xlsx").active
    assert all(sheet.cell(row=i, column=1).data_type == "s" and sheet.cell(row=i, column=1).value.startswith("'")
               for i in range(2, len(hostile) + 2))


def test_the_command_writes_the_same_pdf_report(tmp_path, wave) -> None:
    # when automation asks for the PDF in Dutch
    out = tmp_path / "report.pdf"
    call_command("export_report", "--wave", str(wave.pk), "--format", "pdf", "--output", str(out), "--language", "nl",
                 stdout=io.StringIO())
    # then it is a PDF with the snapshot's Trust Index, and the run is in the audit log
    import subprocess

    from trustier.models import AuditEvent

    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout.split())
    index = TrendSnapshot.objects.get(wave=wave, unit=None, measure="trust_index")
    assert f"De Vertrouwensindex is {round(index.mean_pomp)} van de 100" in text
    assert AuditEvent.objects.filter(verb="export.command").count() == 1


def test_the_command_refuses_a_pdf_of_an_open_wave(tmp_path, org) -> None:
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org), status=Wave.Status.OPEN)
    with pytest.raises(CommandError, match="no built results") as refused:
        export(tmp_path, wave, fmt="pdf")
    assert refused.value.returncode == 2


PAYLOADS = ['=cmd|" -c calc"!A0', "+SUM(1;2)", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "=1+1"]


def _trigger_led(value) -> bool:
    """A text cell a spreadsheet would run: starts with = + - @ tab or CR and is not a plain number."""
    if not isinstance(value, str) or not value or value[0] not in "=+-@\t\r":
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def test_t3_hostile_names_export_as_text_in_csv_and_xlsx(tmp_path, org) -> None:
    # given units named with spreadsheet-formula payloads, each with enough respondents to be shown
    # (leading tabs and CRs are trimmed from names when stored; the rest stays as typed)
    units = list(unit_tree(org, PAYLOADS).values())
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org), status=Wave.Status.CLOSED)
    fill(wave, [unit for unit in units for _ in range(6)])
    snapshots_build(settings=FAST)
    trigger_cells = formula_cells = payload_cells = 0
    for fmt in ("csv", "xlsx"):
        for extra in ((), ("--respondents",)):
            # when the figures and the respondent rows are exported
            out = tmp_path / f"t3{len(extra)}.{fmt}"
            call_command("export_report", "--wave", str(wave.pk), "--format", fmt, "--output", str(out), *extra,
                         stdout=io.StringIO())
            if fmt == "csv":
                cells = [v for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline=""))
                         for v in row]
            else:
                book = openpyxl.load_workbook(out)
                raw = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
                formula_cells += sum(c.data_type == "f" for c in raw)
                cells = [c.value for c in raw]
            trigger_cells += sum(_trigger_led(v) for v in cells)
            payload_cells += sum(isinstance(v, str) and any(p.strip() in v for p in PAYLOADS) for v in cells)
    print(f"T3 {len(PAYLOADS)} payloads × 2 formats: {trigger_cells} trigger-led cells, {formula_cells} formula cells "
          f"({payload_cells} cells carried a payload)")
    # then every payload is there, as text that no spreadsheet runs
    assert payload_cells >= len(PAYLOADS) * 2
    assert trigger_cells == 0 and formula_cells == 0
