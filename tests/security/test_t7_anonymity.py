"""T7 (c) and (d) (issue 10): every group the product shows, and its complement, has n ≥ k — comments included.

The product has no attribute filters: snapshots are built with an empty `cut` only (reports/models.py), the
dashboards, heatmap and exports offer units and waves, and a person's attributes (tenure, site) are never a
selectable cut. So the search runs over unit trees × waves: Hypothesis draws how many respondents (and how many
commenters) each unit has in each of two waves and the organisation's threshold k; the real snapshot builder
runs; then every group shown — snapshot rows, the dashboard of the organisation and of every unit (figures,
children, trend points, comments), the heatmap (cells and their "unit vs rest" comparisons), the figures export
and the respondent-level export's unit labels — is checked against the respondents it really covers:
(c) each shown group has n ≥ k (comments: k_c = max(10, k)), and so has its complement within any shown group
that contains it (the heatmap's "rest" included); (d) any two shown groups of one wave that are nested differ by
0 or ≥ k respondents. The respondent export must hold no linking column.
Examples: T7_EXAMPLES (default 10). Reported line: "G filter combos: 0 groups < k, 0 complements < k, 0 linking columns".
"""

from __future__ import annotations

import os
import re
from collections import Counter

from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assessments.models import Organisation
from assessments.services import unit_ensure_path
from reports.exports import figures_table, respondents_table
from reports.models import SnapshotComment, TrendSnapshot
from reports.snapshots import snapshots_build
from surveys.models import Response
from tests.factories import AssessmentFactory
from tests.reports.test_dashboard_data import FAST, closed_wave
from tests.reports.test_snapshot_details import comment_on
from tests.reports.test_wave_scoring import fill

EXAMPLES = int(os.environ.get("T7_EXAMPLES", "10"))
UNITS = ["Sales", "Sales/North", "Sales/South", "Operations", "Operations/Plant"]
LINKING = re.compile(r"\b(id|uuid|date|time|submitted|language|attribute|tenure|site|invitation|token|email|ip|user|"
                     r"agent|person|comment|key)\b", re.I)
ORG = ""  # the organisation's path

size = st.integers(min_value=0, max_value=13)
wave_sizes = st.fixed_dictionaries({path: st.tuples(size, st.sampled_from([0, 0, 3, 6, 11])) for path in UNITS})


def _inside(path: str, group: str) -> bool:
    return group == ORG or path == group or path.startswith(group + "/")


class Shown:
    """The groups the product showed, by wave: figure groups, comment groups, and explicit complements."""

    def __init__(self):
        self.figures: set[tuple[int, str]] = set()
        self.comments: set[tuple[int, str]] = set()
        self.rests: set[tuple[int, str]] = set()  # heatmap: the organisation minus this unit
        self.labels: dict[int, Counter] = {}  # respondent export: rows per unit label

    def add_board(self, board, paths):
        wave = board.selection.wave.id
        root = board.scope.root.path if board.scope.root else ORG
        if any(f.shown or f.n is not None for f in board.figures.values()) or board.rate.n is not None:
            self.figures.add((wave, root))
        if board.comments:
            self.comments.add((wave, root))
        for child in board.children:
            if child.figure.shown or child.figure.n is not None or child.rate.n is not None:
                self.figures.add((wave, child.unit.path))
        for point in board.trend:
            if any(f.shown for f in point.figures.values()) or point.rate.n is not None:
                self.figures.add((point.wave.id, root))
        for row in board.heat:
            for cell in row.cells:
                if cell.figure.shown or cell.figure.n is not None:
                    self.figures.add((wave, row.unit.path))
                if cell.rest_diff is not None:
                    self.rests.add((wave, row.unit.path))


def _build(org, profile, k):
    Organisation.objects.filter(pk=org.pk).update(min_group_size=k)
    assessment = AssessmentFactory(organisation=org)
    waves = []
    for number, sizes in enumerate(profile, start=1):
        wave = closed_wave(assessment, number)
        for path, (plain, commenters) in sizes.items():
            if commenters:
                comment_on(wave, org.test_units[path], commenters, start=number * 10_000 + UNITS.index(path) * 100)
            if plain:
                fill(wave, [org.test_units[path]] * plain, seed=number * 31 + UNITS.index(path))
        waves.append(wave)
    snapshots_build(settings=FAST)
    return assessment, waves


def _collect(client, org, assessment, waves) -> Shown:
    shown = Shown()
    paths = {u.pk: u.path for u in org.test_units.values()}
    for wave in waves:
        query = {"assessment": assessment.pk, "wave": wave.number}
        pages = [reverse("dashboard", kwargs={"slug": "acme"}), reverse("dashboard_heatmap", kwargs={"slug": "acme"})]
        pages += [reverse("dashboard_unit", kwargs={"slug": "acme", "unit_pk": pk}) for pk in paths]
        for url in pages:
            response = client.get(url, query)
            assert response.status_code == 200, url
            shown.add_board(response.context["board"], paths)
        for row in TrendSnapshot.objects.filter(wave=wave, cut="", suppressed=False).select_related("unit"):
            shown.figures.add((wave.id, row.unit.path if row.unit_id else ORG))
        for unit_path in SnapshotComment.objects.filter(wave=wave).values_list("unit__path", flat=True).distinct():
            shown.comments.add((wave.id, unit_path or ORG))
        table = figures_table(wave)
        for line in table.rows:
            if not line[3]:  # not "hidden"
                shown.figures.add((wave.id, ORG if line[0] == "Whole organisation" else line[0]))
        try:
            export = respondents_table(wave)
        except Exception:  # noqa: BLE001 - refused (nothing published): no rows shown
            continue
        shown.labels[wave.id] = Counter(ORG if line[0] == "Whole organisation" else line[0] for line in export.rows)
        shown.labels.setdefault("header", Counter()).update(str(h) for h in export.header[:1])
        shown.linking = [h for h in export.header if LINKING.search(str(h)) and not str(h).startswith(("com_", "rel_", "int_", "emp_", "global_", "intent_", "open_"))]
    return shown


def _violations(shown: Shown, members: dict[int, list[str]], k: int):
    """Groups below k, and complements (nested differences) in 1..k-1."""
    kc = max(10, k)

    def n(wave, group):
        return sum(1 for path in members[wave] if _inside(path, group))

    small, complements = [], []
    for groups, threshold, kind in ((shown.figures, k, "figures"), (shown.comments, kc, "comments")):
        for wave, group in groups:
            if n(wave, group) < threshold:
                small.append(f"{kind} {group or 'organisation'} w{wave}: n={n(wave, group)} < {threshold}")
        for wave, inner in groups:
            for other_wave, outer in groups:
                if other_wave == wave and inner != outer and _inside(inner, outer) and inner != ORG:
                    difference = n(wave, outer) - n(wave, inner)
                    if 0 < difference < threshold:
                        complements.append(f"{kind} {outer or 'organisation'} − {inner} w{wave}: {difference} < {threshold}")
    for wave, unit in shown.rests:
        rest = n(wave, ORG) - n(wave, unit)
        if 0 < rest < k:
            complements.append(f"heatmap rest of {unit} w{wave}: {rest} < {k}")
    for wave, labels in shown.labels.items():
        if wave == "header":
            continue
        small += [f"export label {label or 'organisation'} w{wave}: {count} rows < {k}"
                  for label, count in labels.items() if count < k]
    return small, complements


def test_every_shown_group_and_its_complement_reach_k(org, personas, capsys):
    # given acme's owner and a unit tree with a deeper level (Operations/Plant)
    unit_ensure_path(actor=None, organisation=org, path="Operations/Plant", cache=org.test_units)
    client = Client()
    client.force_login(personas["owner"])
    totals = {"combos": 0, "groups": 0, "comments": 0, "labels": 0, "small": [], "complements": [], "linking": set()}

    @hsettings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, phases=[Phase.generate],
               suppress_health_check=list(HealthCheck))
    @given(profile=st.tuples(wave_sizes, wave_sizes), k=st.sampled_from([3, 5]))
    def one(profile, k):
        # when two closed waves with these respondents are built into snapshots
        assessment, waves = _build(org, profile, k)
        try:
            shown = _collect(client, org, assessment, waves)
            members = {w.id: list(Response.objects.filter(wave=w).values_list("unit__path", flat=True)) for w in waves}
            small, complements = _violations(shown, members, k)
            totals["combos"] += len(waves) * (len(UNITS) + 1)
            totals["groups"] += len(shown.figures) + len(shown.comments) + len(shown.rests)
            totals["comments"] += len(shown.comments)
            totals["labels"] += sum(len(c) for w, c in shown.labels.items() if w != "header")
            totals["small"] += small
            totals["complements"] += complements
            totals["linking"] |= set(getattr(shown, "linking", []))
        finally:
            assessment.delete()

    one()
    # then no shown group, complement or nested difference is below its threshold, and no export column links
    with capsys.disabled():
        print(f"\nT7 anonymity (units × waves; the product has no attribute filters): {totals['combos']} filter combos "
              f"({EXAMPLES} trees; {totals['groups']} shown groups, {totals['comments']} with comments, "
              f"{totals['labels']} export labels): {len(totals['small'])} groups < k, "
              f"{len(totals['complements'])} complements < k, {len(totals['linking'])} linking columns")
    assert totals["small"] == [], totals["small"][:20]
    assert totals["complements"] == [], totals["complements"][:20]
    assert totals["linking"] == set(), totals["linking"]
    assert totals["groups"] > EXAMPLES and totals["comments"] > 0 and totals["labels"] > 0


def test_the_checks_see_a_small_group_and_a_small_complement():
    # given a shown unit of 2 inside a shown organisation of 7 (k = 5)
    shown = Shown()
    shown.figures |= {(1, ORG), (1, "Sales"), (1, "Sales/North")}
    shown.rests.add((1, "Sales"))
    members = {1: ["Sales/North", "Sales/North", "Sales", "Sales", "Sales", "Sales", "Operations"]}
    # when checked / then the group of 2 and the differences of 1..4 are each reported
    small, complements = _violations(shown, members, 5)
    assert small == ["figures Sales/North w1: n=2 < 5"]
    assert len(complements) == 3  # organisation − Sales (1), Sales − Sales/North (4), heatmap rest of Sales (1)
