"""Trust repair after an incident (measurement-science.md §6), from wave figures: pure, no Django.

For one measure in one scope: the level BEFORE (the last wave that closed before the incident), the
DROP (the first wave that opened on or after the incident day minus before) and the RECOVERY so far
(the latest such wave minus before), each a Welch difference with its 95% interval
(assessments.scoring.change.compare). Only waves measured with the same questionnaire version
(fingerprint) as the wave before are compared. "Recovered x% of the drop" is given only when the
drop is a clear drop (its interval lies below 0); a wave that was open on the incident day is left out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from assessments.scoring.change import DOWN, Difference, Summary, compare

# Why there is no drop figure; "" when there is one.
NO_BEFORE, BEFORE_HIDDEN, NO_AFTER, AFTER_HIDDEN = "no_before", "before_hidden", "no_after", "after_hidden"
# §6: fewer pre-incident points than this cannot separate a level change from an ongoing trend.
MIN_POINTS_BEFORE = 3


@dataclass(frozen=True)
class WavePoint:
    """One built wave's figures of one measure in one scope (POMP 0–100); hidden rows carry no figures."""

    wave_id: int
    number: int
    opened_on: datetime.date
    closed_on: datetime.date
    fingerprint: str
    hidden: bool = False
    n: int | None = None
    mean: float | None = None
    sd: float | None = None
    low: float | None = None
    high: float | None = None
    favourable: int | None = None

    def summary(self) -> Summary:
        return Summary(self.n, self.mean, self.sd**2 if self.sd is not None else float("nan"), self.favourable or 0)


@dataclass(frozen=True)
class Repair:
    before: WavePoint | None
    after: WavePoint | None
    latest: WavePoint | None  # the latest comparable wave after the incident, when later than `after`
    drop: Difference | None
    recovery: Difference | None
    recovered_pct: float | None  # share of a clear drop regained by the latest wave (100 = back to before)
    missing: str  # NO_BEFORE, BEFORE_HIDDEN, NO_AFTER, AFTER_HIDDEN or ""
    series: tuple[WavePoint, ...]  # comparable waves (same version as before), before and after, in time order
    other_version: tuple[int, ...]  # numbers of later waves not compared: another questionnaire version
    during: tuple[int, ...]  # numbers of waves that were open on the incident day (not used)
    points_before: int  # comparable waves before the incident

    @property
    def clear_drop(self) -> bool:
        return self.drop is not None and self.drop.verdict == DOWN

    @property
    def short_baseline(self) -> bool:
        return self.before is not None and self.points_before < MIN_POINTS_BEFORE


def repair(occurred_on: datetime.date, points: list[WavePoint]) -> Repair:
    """Before, drop and recovery of one measure around an incident dated `occurred_on`."""
    points = sorted(points, key=lambda p: (p.opened_on, p.closed_on, p.number, p.wave_id))
    before_all = [p for p in points if p.closed_on < occurred_on]
    after_all = [p for p in points if p.opened_on >= occurred_on]
    during = tuple(p.number for p in points if p.opened_on < occurred_on <= p.closed_on)
    before = max(before_all, key=lambda p: (p.closed_on, p.opened_on), default=None)
    if before is None:
        return Repair(None, None, None, None, None, None, NO_BEFORE, (), (), during, 0)
    same = [p for p in after_all if p.fingerprint == before.fingerprint]
    other = tuple(p.number for p in after_all if p.fingerprint != before.fingerprint)
    pre = [p for p in before_all if p.fingerprint == before.fingerprint]
    series = tuple(pre + same)
    after = same[0] if same else None
    latest = same[-1] if len(same) > 1 else None
    empty = Repair(before, after, latest, None, None, None, "", series, other, during, len(pre))
    if before.hidden:
        return replace(empty, missing=BEFORE_HIDDEN)
    if after is None:
        return replace(empty, missing=NO_AFTER)
    if after.hidden:
        return replace(empty, missing=AFTER_HIDDEN)
    drop = compare(after.summary(), before.summary())[0]
    recovery = None
    if latest is not None and not latest.hidden:
        recovery = compare(latest.summary(), before.summary())[0]
    recovered = None
    if drop.verdict == DOWN and recovery is not None and drop.diff:
        recovered = 100 * (1 - recovery.diff / drop.diff)
    return replace(empty, drop=drop, recovery=recovery, recovered_pct=recovered)
