"""score_file on a REAL data set, checked against independent software and published values.

Data: tests/reports/data/bfi.csv — psych::bfi (2,800 respondents, IPIP Big-Five items, 6-point scale,
SAPA project; Revelle, psych R package, GPL; see data/README.md), the 20 items of four traits mapped
onto Trustier's four dimensions by data/bfi-four.yaml (C→competence, E→reliability, A→integrity,
O→empathy; reverse keys as psych's bfi.keys), `unit` = gender (Male/Female).

References (computed independently in a scratch venv with data/reference_bfi.py, which re-implements
the scoring rules in pandas; the numbers are pasted below):
- alpha: pingouin 0.7.0 `cronbach_alpha(complete_cases, ci=.95)` — tolerance 1e-9; its Feldt
  interval is rounded by pingouin to 3 decimals — tolerance 5e-4 (half a unit of the 3rd decimal).
  The complete cases are passed in: with `nan_policy="listwise"` pingouin computes alpha on the
  complete cases but takes the Feldt degrees of freedom from the row count *before* deletion (2,800),
  which gives a slightly narrower interval (e.g. reliability .747–.775); we use the complete n.
- omega: factor_analyzer 0.5.1 `FactorAnalyzer(n_factors=1, method="ml")` loadings on the complete
  cases, ω = (Σλ)²/((Σλ)²+Σ(1−λ²)) — tolerance 1e-4 (two ML optimisers; observed ≤ 5e-7).
- means, SD and t-intervals of dimension scores (mean of answered items when ≥ 4 of 5 answered):
  pandas + statsmodels 0.15 `DescrStatsW.tconfint_mean` — tolerance 1e-9 (relative).
- % favourable: pandas, mean over items of % answers above the midpoint 3.5 — tolerance 1e-9.
- Published: psych's documentation (`?bfi`, `scoreItems(bfi.keys, bfi)`) reports alpha to two
  decimals: conscientious .72, extraversion .76, agree .70, openness .60. psych uses pairwise
  correlations (standardised alpha); we use listwise raw covariances, so the tolerance is .01.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from reports.score_file import score_file

DATA = Path(__file__).parent / "data"


class Ref(NamedTuple):
    n: int
    mean: float
    sd: float
    ci: tuple[float, float]
    alpha: float
    alpha_ci: tuple[float, float]
    omega: float
    pct_favourable: float
    male: tuple[int, float, tuple[float, float]]
    female: tuple[int, float, tuple[float, float]]


REFERENCE = {
    "competence": Ref(n=2790, mean=4.2656093189964155, sd=0.9520679525204384, ci=(4.230266397194932, 4.3009522407979), alpha=0.7292772031704422, alpha_ci=(0.713, 0.745), omega=0.7337557038308034, pct_favourable=72.23226489901978, male=(917, 4.138767720828789, (4.0760565683413, 4.201478873316279)), female=(1873, 4.327709556860651, (4.285184912322209, 4.370234201399094))),
    "reliability": Ref(n=2796, mean=4.144635193133047, sd=1.0612561375970817, ci=(4.105281288267815, 4.18398909799828), alpha=0.7609326394695516, alpha_ci=(0.746, 0.775), omega=0.7630599693883696, pct_favourable=68.16210177563747, male=(918, 3.9848583877995636, (3.9123331819305136, 4.057383593668614)), female=(1878, 4.222736954206603, (4.176450404615281, 4.269023503797925))),
    "integrity": Ref(n=2790, mean=4.651505376344086, sd=0.8974584003097913, ci=(4.618189684981654, 4.684821067706518), alpha=0.7037558943748362, alpha_ci=(0.686, 0.721), omega=0.7240214216156277, pct_favourable=82.28055597687585, male=(917, 4.386205016357688, (4.326103948834949, 4.446306083880427)), female=(1873, 4.781393486385477, (4.742732788071897, 4.820054184699058))),
    "empathy": Ref(n=2794, mean=4.587670007158196, sd=0.8086375212647551, ci=(4.557673062431711, 4.617666951884681), alpha=0.6025464285771843, alpha_ci=(0.578, 0.626), omega=0.617978223616817, pct_favourable=80.63564570871219, male=(918, 4.654684095860566, (4.601924084605057, 4.7074441071160775)), female=(1876, 4.5548773987206825, (4.518475212816347, 4.591279584625018))),
}
TRUST_INDEX = {"n": 2785, "mean_pomp": 68.23464991023339, "sd_pomp": 12.48002399934808}
PUBLISHED_ALPHA = {"competence": 0.72, "reliability": 0.76, "integrity": 0.70, "empathy": 0.60}


@pytest.fixture(scope="module")
def document() -> dict:
    # given the real bfi answers and the four-dimension mapping, scored as `manage.py score_file` does
    return score_file(DATA / "bfi.csv", DATA / "bfi-four.yaml", min_group=5)


@pytest.mark.parametrize("dimension", list(REFERENCE))
def test_alpha_and_feldt_interval_match_pingouin(document, dimension) -> None:
    ours, ref = document["dimensions"][dimension], REFERENCE[dimension]
    assert ours["alpha"] == pytest.approx(ref.alpha, abs=1e-9)
    assert ours["alpha_ci_low"] == pytest.approx(ref.alpha_ci[0], abs=5e-4)
    assert ours["alpha_ci_high"] == pytest.approx(ref.alpha_ci[1], abs=5e-4)


@pytest.mark.parametrize("dimension", list(REFERENCE))
def test_alpha_matches_the_published_psych_values(document, dimension) -> None:
    assert document["dimensions"][dimension]["alpha"] == pytest.approx(PUBLISHED_ALPHA[dimension], abs=0.01)


@pytest.mark.parametrize("dimension", list(REFERENCE))
def test_omega_matches_factor_analyzer(document, dimension) -> None:
    assert document["dimensions"][dimension]["omega"] == pytest.approx(REFERENCE[dimension].omega, abs=1e-4)


@pytest.mark.parametrize("dimension", list(REFERENCE))
def test_means_sd_and_intervals_match_statsmodels(document, dimension) -> None:
    ours, ref = document["dimensions"][dimension], REFERENCE[dimension]
    assert ours["n"] == ref.n
    for key, expected in (("mean", ref.mean), ("sd", ref.sd), ("ci_low", ref.ci[0]), ("ci_high", ref.ci[1]),
                          ("pct_favourable", ref.pct_favourable)):
        assert ours[key] == pytest.approx(expected, rel=1e-9), key
    # and the POMP mean is the raw mean moved to 0..100: 100·(m − 1)/5
    assert ours["mean_pomp"] == pytest.approx(100 * (ref.mean - 1) / 5, rel=1e-9)


@pytest.mark.parametrize("dimension", list(REFERENCE))
def test_unit_figures_match_statsmodels(document, dimension) -> None:
    for unit, (n, mean, ci) in (("Male", REFERENCE[dimension].male), ("Female", REFERENCE[dimension].female)):
        ours = document["units"][unit]
        assert ours["suppressed"] is False
        figures = ours["dimensions"][dimension]
        assert figures["n"] == n
        assert figures["mean"] == pytest.approx(mean, rel=1e-9)
        assert (figures["ci_low"], figures["ci_high"]) == pytest.approx(ci, rel=1e-9)


def test_trust_index_matches_pandas(document) -> None:
    ours = document["trust_index"]
    assert ours["n"] == TRUST_INDEX["n"]
    assert ours["mean_pomp"] == pytest.approx(TRUST_INDEX["mean_pomp"], rel=1e-9)


def test_without_an_outcome_item_drivers_say_why(document) -> None:
    assert document["drivers"]["reason"].startswith("no outcome items")
