"""The consultant's workspace: every organisation of the user with its assessments, wave status,
response rate and last Trust Index — in four queries, whatever the number of organisations.

Figures are organisation-level only, and only for roles that see the organisation as a whole
(owner, consultant, viewer); a manager's figures belong to their unit and stay on its dashboard.
- Open wave: invitations counted live; anonymous waves only in steps of the organisation's minimum
  group size (assessments.disclosure.stepped_count), and nothing below that many invited people.
- Closed/released wave: the organisation's "response_rate" snapshot row.
- Trust Index: the organisation's "trust_index" snapshot row of the assessment's latest built wave.
Suppressed snapshot rows carry no figure and none is shown, not even n.

The ladder (trustier ← assessments ← surveys ← reports) forbids importing surveys or reports here:
invitations and snapshots are read through Wave's reverse relations `invitations` and `snapshots`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, FilteredRelation, Q

from assessments.disclosure import stepped_count
from assessments.models import Assessment, Membership, Wave

Role = Membership.Role
Status = Wave.Status
FIGURE_ROLES = {Role.OWNER, Role.CONSULTANT, Role.VIEWER}
SNAPSHOT_MEASURES = ("trust_index", "response_rate")


@dataclass(frozen=True)
class WaveLine:
    id: int
    number: int
    status: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    opened_at: datetime.datetime | None
    closed_at: datetime.datetime | None

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


@dataclass(frozen=True)
class Rate:
    """state: live (open wave, counted now) | final (closed, from the snapshot) | hidden | not_built | not_open."""

    state: str
    answered: int | None = None
    invited: int | None = None
    stepped: bool = False

    @property
    def percent(self) -> int | None:
        if self.answered is None or not self.invited:
            return None
        return round(100 * self.answered / self.invited)


@dataclass(frozen=True)
class TrustIndex:
    """state: shown | hidden | not_built. Hidden carries nothing but the wave number."""

    state: str
    wave_number: int | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    n: int | None = None


@dataclass
class AssessmentLine:
    id: int
    name: str
    audience_label: str
    anonymous: bool
    waves: list[WaveLine] = field(default_factory=list)
    wave: WaveLine | None = None
    next_wave: WaveLine | None = None
    rate: Rate | None = None
    trust: TrustIndex | None = None


@dataclass
class ClientCard:
    slug: str
    name: str
    role: str
    role_label: str
    min_group_size: int
    show_figures: bool
    assessments: list[AssessmentLine] = field(default_factory=list)


def current_wave(waves: list[WaveLine]) -> tuple[WaveLine | None, WaveLine | None]:
    """The wave to show (an open one; else the last closed or released; else the first draft) and the
    next scheduled draft after it. `waves` is sorted by number."""
    open_ = [w for w in waves if w.status == Status.OPEN]
    done = [w for w in waves if w.status in (Status.CLOSED, Status.RELEASED)]
    drafts = [w for w in waves if w.status == Status.DRAFT]
    shown = open_[0] if open_ else done[-1] if done else drafts[0] if drafts else None
    later = [w for w in drafts if shown is not None and w.number > shown.number]
    return shown, (later[0] if later else None)


def live_rate(*, invited: int, answered: int, anonymous: bool, k: int) -> Rate:
    """An open wave's organisation-wide rate: nothing below k invited; anonymous answers in steps of k."""
    if invited < k:
        return Rate("hidden")
    if anonymous:
        return Rate("live", stepped_count(answered, k), invited, stepped=True)
    return Rate("live", answered, invited)


def final_rate(row: dict | None) -> Rate:
    if row is None:
        return Rate("not_built")
    if row["suppressed"]:
        return Rate("hidden")
    return Rate("final", row["n"], row["n_invited"])


def trust_from(row: dict | None, wave_number: int | None) -> TrustIndex:
    if row is None:
        return TrustIndex("not_built")
    if row["suppressed"] or row["mean_pomp"] is None:
        return TrustIndex("hidden", wave_number)
    return TrustIndex("shown", wave_number, row["mean_pomp"], row["ci_low_pomp"], row["ci_high_pomp"], row["n"])


def workspace_for_user(*, user) -> list[ClientCard]:
    """The user's organisations (by name) with their assessments (newest first). Four queries at most."""
    cards: dict[int, ClientCard] = {}
    for m in Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name"):
        o = m.organisation
        cards[o.pk] = ClientCard(o.slug, o.name, m.role, m.get_role_display(), o.min_group_size, m.role in FIGURE_ROLES)
    if not cards:
        return []
    lines = _assessments(cards)
    _add_figures(cards, lines)
    return list(cards.values())


def _assessments(cards: dict[int, ClientCard]) -> dict[int, AssessmentLine]:
    """One query: every assessment of the organisations, left-joined to its waves."""
    audiences = dict(Assessment.Audience.choices)
    lines: dict[int, AssessmentLine] = {}
    rows = (Assessment.objects.filter(organisation_id__in=list(cards))
            .order_by("organisation_id", "-created_at", "-id", "waves__number")
            .values_list("organisation_id", "id", "name", "audience", "anonymity", "waves__id", "waves__number",
                         "waves__status", "waves__opens_at", "waves__closes_at", "waves__opened_at", "waves__closed_at"))
    for org_id, a_id, name, audience, anonymity, *wave in rows:
        line = lines.get(a_id)
        if line is None:
            line = lines[a_id] = AssessmentLine(a_id, name, str(audiences.get(audience, audience)),
                                                anonymity == Assessment.Anonymity.ANONYMOUS)
            cards[org_id].assessments.append(line)
        if wave[0] is not None:
            line.waves.append(WaveLine(*wave))
    for line in lines.values():
        line.wave, line.next_wave = current_wave(line.waves)
    return lines


def _add_figures(cards: dict[int, ClientCard], lines: dict[int, AssessmentLine]) -> None:
    """Two queries: live invitation counts of the open waves shown, and the organisation-level snapshot rows."""
    k_of = {a.id: card.min_group_size for card in cards.values() if card.show_figures for a in card.assessments}
    shown = {a_id: lines[a_id] for a_id in k_of}
    if not shown:
        return
    open_ids = [line.wave.id for line in shown.values() if line.wave and line.wave.status == Status.OPEN]
    counts = {}
    if open_ids:
        answered = Count("invitations", filter=Q(invitations__answered=True))
        counts = {row[0]: row[1:] for row in Wave.objects.filter(pk__in=open_ids).order_by()
                  .annotate(invited=Count("invitations"), answered=answered).values_list("id", "invited", "answered")}
    snap = FilteredRelation("snapshots", condition=Q(snapshots__unit__isnull=True, snapshots__cut="",
                                                     snapshots__measure__in=SNAPSHOT_MEASURES))
    fields = ("measure", "suppressed", "n", "n_invited", "mean_pomp", "ci_low_pomp", "ci_high_pomp")
    rows = (Wave.objects.filter(assessment_id__in=list(shown)).annotate(snap=snap).filter(snap__id__isnull=False)
            .order_by().values_list("id", "assessment_id", "number", *(f"snap__{f}" for f in fields)))
    by_wave: dict[tuple[int, str], dict] = {}
    latest_built: dict[int, tuple[int, int]] = {}  # assessment → (number, wave id) of its newest trust_index row
    for wave_id, a_id, number, *values in rows:
        row = dict(zip(fields, values, strict=True))
        by_wave[(wave_id, row["measure"])] = row
        if row["measure"] == "trust_index" and number > latest_built.get(a_id, (0, 0))[0]:
            latest_built[a_id] = (number, wave_id)
    for a_id, line in shown.items():
        wave = line.wave
        if wave is None or wave.status == Status.DRAFT:
            line.rate = Rate("not_open")
        elif wave.status == Status.OPEN:
            invited, answered = counts.get(wave.id, (0, 0))
            line.rate = live_rate(invited=invited, answered=answered, anonymous=line.anonymous, k=k_of[a_id])
        else:
            line.rate = final_rate(by_wave.get((wave.id, "response_rate")))
        number, wave_id = latest_built.get(a_id, (None, None))
        line.trust = trust_from(by_wave.get((wave_id, "trust_index")), number)
