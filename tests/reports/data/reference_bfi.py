"""Independent reference figures for test_score_file_real_data.py (NOT run by the test suite).

Run in a scratch venv, not the project's: `python -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install
pingouin statsmodels "factor_analyzer==0.5.1" "scikit-learn<1.6"` then
`/tmp/refvenv/bin/python tests/reports/data/reference_bfi.py`. Re-implements the scoring rules in pandas
(reverse keys 7 − x, dimension score = mean of answered items when ≥ 4 of 5 are answered) and uses
pingouin (alpha, Feldt), factor_analyzer (ML one-factor loadings → omega) and statsmodels (t-interval).
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
from factor_analyzer import FactorAnalyzer
from statsmodels.stats.weightstats import DescrStatsW

df = pd.read_csv(Path(__file__).parent / "bfi.csv")
for column in ("c4", "c5", "e1", "e2", "a1", "o2", "o5"):
    df[column] = 7 - df[column]
DIMENSIONS = {"competence": "c", "reliability": "e", "integrity": "a", "empathy": "o"}


def dimension_score(items: pd.DataFrame) -> pd.Series:
    return items.mean(axis=1).where(items.notna().sum(axis=1) >= 4)


reference = {}
for dimension, prefix in DIMENSIONS.items():
    items = df[[f"{prefix}{i}" for i in range(1, 6)]]
    complete = items.dropna()
    alpha, ci = pg.cronbach_alpha(complete, ci=0.95)
    lam = np.abs(FactorAnalyzer(n_factors=1, method="ml", rotation=None).fit(complete.values).loadings_[:, 0])
    score = dimension_score(items)
    valid = score.dropna()
    units = {}
    for unit in ("Male", "Female"):
        part = score[df.unit == unit].dropna()
        units[unit] = {"n": len(part), "mean": part.mean(), "ci": DescrStatsW(part.values).tconfint_mean()}
    reference[dimension] = {
        "n": len(valid), "mean": valid.mean(), "sd": valid.std(ddof=1),
        "ci": DescrStatsW(valid.values).tconfint_mean(), "alpha": alpha, "alpha_ci": list(ci),
        "omega": lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum()),
        "pct_favourable": np.mean([100 * (items[c].dropna() > 3.5).mean() for c in items]),
        "units": units,
    }
pomp = pd.concat([(dimension_score(df[[f"{p}{i}" for i in range(1, 6)]]) - 1) * 20 for p in DIMENSIONS.values()],
                 axis=1)
index = pomp.mean(axis=1, skipna=False).dropna()
reference["trust_index"] = {"n": len(index), "mean_pomp": index.mean(), "sd_pomp": index.std(ddof=1)}
print(json.dumps(reference, indent=1, default=lambda x: x.tolist() if hasattr(x, "tolist") else float(x)))
