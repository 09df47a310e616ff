"""Benchmark of the pure scoring engine (not collected by pytest: bench_*.py).

Run: cd /work/main && .venv/bin/python -m tests.assessments.scoring.bench_scoring [n_respondents]

Scores one wave of 100,000 respondents × 24 items (4 per dimension, 2 global trust,
6 intention) in 50 leaf units under 10 departments, then 100,000 × 30 items, then two
waves of 100,000 each (change per unit). Prints wall time (best of 3) and peak memory
(tracemalloc, a separate run because tracing slows allocation; ru_maxrss for the whole
process).
"""

from __future__ import annotations

import json
import resource
import sys
import time
import tracemalloc

import numpy as np

from assessments.scoring import DIMENSIONS, ItemSpec, score_dataset


def synthetic(n: int, per_dimension: int = 4, n_intention: int = 6, seed: int = 1,
              ) -> tuple[np.ndarray, list[ItemSpec], list[str]]:
    """Responses driven by one latent trust factor, 4% don't know, 50 units."""
    rng = np.random.default_rng(seed)
    items = [ItemSpec(f"{d}_{i}", d) for d in DIMENSIONS for i in range(per_dimension)]
    items += [ItemSpec(f"global_{i}", "global_trust") for i in range(2)]
    items += [ItemSpec(f"intention_{i}", "intention") for i in range(n_intention)]
    latent = rng.standard_normal(n)
    values = np.clip(np.round(4.6 + 1.1 * latent[:, None] + rng.standard_normal((n, len(items)))), 1, 7)
    values[rng.random(values.shape) < 0.04] = np.nan
    units = np.array([f"Dept {u // 5}/Team {u % 5}" for u in range(50)])[rng.integers(0, 50, n)]
    return values, items, units.tolist()


def run(values: np.ndarray, items: list[ItemSpec], units: list[str],
        waves: list[str] | None) -> tuple[float, float, int]:
    """Seconds for score_dataset, seconds including to_dict + json.dumps, JSON size."""
    start = time.perf_counter()
    result = score_dataset(values, items, units=units, waves=waves,
                           suppress=lambda sizes: {p for p, c in sizes.items() if c < 5})
    scored = time.perf_counter() - start
    payload = json.dumps(result.to_dict(), allow_nan=False)
    return scored, time.perf_counter() - start, len(payload)


def report(label: str, values: np.ndarray, items: list[ItemSpec], units: list[str],
           waves: list[str] | None = None) -> None:
    scored, total, size = min(run(values, items, units, waves) for _ in range(3))
    tracemalloc.start()
    run(values, items, units, waves)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label}: score_dataset {scored:.2f} s; + to_dict + json.dumps ({size / 1e6:.1f} MB) {total:.2f} s; "
          f"peak traced {peak / 2**20:.0f} MiB (input {values.nbytes / 2**20:.0f} MiB)")


def main(n: int) -> None:
    values, items, units = synthetic(n)
    report(f"{n} x {len(items)} items, 50 units, one wave", values, items, units)
    values, items, units = synthetic(n, per_dimension=5, n_intention=8)
    report(f"{n} x {len(items)} items, 50 units, one wave", values, items, units)
    values, items, units = synthetic(2 * n)
    waves = ["2025-1"] * n + ["2025-2"] * n
    report(f"2 waves x {n} x {len(items)} items, 50 units", values, items, units, waves)
    print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
