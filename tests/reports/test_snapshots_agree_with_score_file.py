"""The dashboards' numbers agree with `score_file` on the same data (issue 7, "done when")."""

from __future__ import annotations

import csv

import pytest

from assessments.models import Wave
from reports.models import TrendSnapshot
from reports.score_file import score_file
from reports.snapshots import snapshots_build
from reports.wave_scoring import wave_specs
from surveys.instrument_format.writing import instrument_to_data, to_yaml
from surveys.instrument_store import version_to_format
from surveys.models import Answer, Response
from tests.factories import AssessmentFactory, WaveFactory
from tests.reports.test_snapshots import FAST
from tests.reports.test_wave_scoring import fill


def test_snapshot_rows_equal_score_file_on_an_export_of_the_same_responses(org, tmp_path) -> None:
    # given a closed wave: 40 in Sales/North, 2 in Sales/South (hidden), 30 in Operations; snapshots built
    u = org.test_units
    wave = WaveFactory(assessment=AssessmentFactory(organisation=org), status=Wave.Status.CLOSED)
    fill(wave, [u["Sales/North"]] * 40 + [u["Sales/South"]] * 2 + [u["Operations"]] * 30, seed=7)
    snapshots_build(settings=FAST)
    # and the same responses written as the documented score_file CSV, with the instrument as a file
    version = wave.assessment.instrument_version
    specs, item_ids = wave_specs(version)
    keys = dict(zip(item_ids, [s.key for s in specs], strict=True))
    rows: dict = {}
    for response_id, path, item_id, value in Answer.objects.filter(response__wave=wave, item_id__in=item_ids) \
            .values_list("response_id", "response__unit__path", "item_id", "value"):
        rows.setdefault(response_id, {"unit": path})[keys[item_id]] = "DK" if value is None else value
    assert len(rows) == Response.objects.filter(wave=wave).count()
    responses = tmp_path / "responses.csv"
    with responses.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["unit", *keys.values()])
        writer.writeheader()
        writer.writerows(rows.values())
    instrument = tmp_path / "instrument.yaml"
    instrument.write_text(to_yaml(instrument_to_data(version_to_format(version))))
    # when score_file scores the files
    result = score_file(responses, instrument, min_group=org.min_group_size)
    # then every published figure of the snapshot equals score_file's, and the same groups are hidden
    snapshot = {(r.unit.path if r.unit else "", r.measure): r for r in TrendSnapshot.objects.filter(wave=wave)}
    groups = {"": result, **result["units"]}
    assert {p for p, g in groups.items() if g["suppressed"]} == {p for (p, m), r in snapshot.items() if r.suppressed}
    compared = 0
    for path, group in groups.items():
        if group["suppressed"]:
            continue
        for measure, figures in [*group["dimensions"].items(), ("trust_index", group["trust_index"])]:
            row = snapshot[(path, measure)]
            assert row.n == figures["n"]
            for field in ("mean", "mean_pomp", "ci_low_pomp", "ci_high_pomp", "alpha", "omega"):
                assert getattr(row, field) == pytest.approx(figures[field], abs=1e-9, nan_ok=True), (path, measure)
            compared += 1
    assert compared >= 10
