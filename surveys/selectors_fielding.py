"""Reads for the fielding pages: assessments, waves, and live response rates per unit.

Response rates are disclosure-controlled on the number of *invited* people: a unit with fewer than
the organisation's minimum group size is "too few to show", and complementary suppression over the
whole unit tree (assessments.disclosure.suppress_tree) hides enough others that no hidden unit can
be recovered by subtraction (Sales − North = South). The decisions are taken once for the whole
organisation and then cut down to what the viewer may see (managers: their subtree; viewers: the
organisation total), so every viewer sees a subset of one safe release.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from assessments.access import Access
from assessments.disclosure import DisclosurePolicy, Node, suppress_tree
from assessments.disclosure.live import stepped_count
from assessments.models import Assessment, Membership, Unit, Wave
from surveys.models import InstrumentVersion, Invitation

ROOT = "all"


def assessments_for_user(*, access: Access):
    return (Assessment.objects.filter(organisation=access.organisation)
            .select_related("instrument_version__instrument")
            .prefetch_related(Prefetch("waves", queryset=Wave.objects.order_by("number")))
            .annotate(n_waves=Count("waves")))


def assessment_get_for_user(*, access: Access, pk: int) -> Assessment:
    assessment = (Assessment.objects.filter(organisation=access.organisation, pk=pk)
                  .select_related("instrument_version__instrument", "created_by").prefetch_related("units").first())
    if assessment is None:
        raise Http404
    return assessment


def wave_get_for_user(*, access: Access, pk: int) -> Wave:
    wave = Wave.objects.filter(assessment__organisation=access.organisation, pk=pk).select_related(
        "assessment__instrument_version__instrument", "assessment__organisation").first()
    if wave is None:
        raise Http404
    return wave


def versions_for_organisation(*, organisation):
    """Published questionnaires this organisation may use: its own and the ones shipped with Trustier."""
    return (InstrumentVersion.objects.filter(status=InstrumentVersion.Status.PUBLISHED)
            .filter(Q(instrument__organisation=organisation) | Q(instrument__organisation__isnull=True))
            .select_related("instrument").order_by("instrument__organisation_id", "instrument__key", "-number"))


@dataclass(frozen=True)
class RateRow:
    key: object
    label: str
    depth: int
    shown: bool
    invited: int | None = None
    answered: int | None = None

    @property
    def rate(self) -> float | None:
        return round(100 * self.answered / self.invited) if self.shown and self.invited else None


def wave_rates(*, access: Access, wave: Wave) -> list[RateRow]:
    """Invited, answered and rate per unit (subtree totals), as far as the viewer may see. Two queries.
    While an anonymous wave is open, answered counts are rounded down to a multiple of the threshold."""
    organisation = access.organisation
    counts = {row["person__unit_id"]: row for row in Invitation.objects.filter(wave=wave).values("person__unit_id")
              .annotate(invited=Count("id"), answered=Count("id", filter=Q(answered=True))).order_by()}
    units = list(Unit.objects.filter(organisation=organisation).values("id", "parent_id", "path", "tree_path"))

    def nodes(field):
        yield Node(ROOT, None, counts.get(None, {}).get(field, 0))
        for u in units:
            yield Node(u["id"], u["parent_id"] or ROOT, counts.get(u["id"], {}).get(field, 0))

    k = organisation.min_group_size
    invited = suppress_tree(nodes("invited"), DisclosurePolicy(min_group=k, min_comments=max(10, k), min_raters=3))
    answered = suppress_tree(nodes("answered"), DisclosurePolicy()).sizes  # sizes only; decisions follow the invited counts

    live_anonymous = wave.status == Wave.Status.OPEN and wave.assessment.anonymity == Assessment.Anonymity.ANONYMOUS

    def row(key, label, depth):
        shown = invited[key].published
        count = answered[key] if shown else None
        if count is not None and live_anonymous:  # counts of an open anonymous wave move only in steps of k
            count = stepped_count(count, k)
        return RateRow(key, label, depth, shown, invited.sizes[key] if shown else None, count)

    rows = []
    if access.role != Membership.Role.MANAGER:
        rows.append(row(ROOT, "", 0))
    if access.role == Membership.Role.VIEWER:
        return rows
    prefix = access.membership.unit.tree_path if access.role == Membership.Role.MANAGER else "/"
    for u in units:
        if u["tree_path"].startswith(prefix) and invited.sizes[u["id"]] > 0:
            rows.append(row(u["id"], u["path"], u["path"].count("/") + 1))
    return rows
