"""filter_allowed: ad-hoc filters against the viewer's release log (measurement-science.md §4.2, rec. 3)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.disclosure import BELOW_THRESHOLD, DIFFERENCE, EMPTY, OVERLAP, PUBLISHED, DisclosurePolicy, filter_allowed

K5 = DisclosurePolicy()


def ids(*ranges: range) -> frozenset[int]:
    return frozenset(i for r in ranges for i in r)


def test_a_first_filter_needs_only_the_threshold():
    assert filter_allowed(ids(range(5)), [], K5).reason == PUBLISHED
    assert filter_allowed(ids(range(4)), [], K5).reason == BELOW_THRESHOLD
    assert filter_allowed(frozenset(), [], K5).reason == EMPTY


def test_one_person_more_than_a_group_already_seen_is_refused():
    # given the viewer saw "Sales" (20 people) and now asks for "Sales + tenure > 1 year" (19 of them)
    seen = [ids(range(100, 130)), ids(range(20))]
    decision = filter_allowed(ids(range(19)), seen, K5)
    # then refused: the two means would give away one person's answers; related = index in the log
    assert (decision.published, decision.reason, decision.related) == (False, DIFFERENCE, 1)


def test_the_same_group_again_is_fine_and_a_difference_of_k_is_fine():
    seen = [ids(range(20))]
    assert filter_allowed(ids(range(20)), seen, K5).published
    assert filter_allowed(ids(range(15)), seen, K5).published
    assert not filter_allowed(ids(range(16)), seen, K5).published


def test_a_small_symmetric_difference_between_overlapping_groups_is_refused():
    # given groups that differ by swapping 2 people each way: |A △ B| = 4 < 5
    decision = filter_allowed(ids(range(2, 22)), [ids(range(20))], K5)
    assert decision.reason == DIFFERENCE


def test_comment_lists_also_refuse_small_intersections():
    # given a comment list for A (10 people) already seen, and B (10 people) sharing exactly 1 with A
    a, b = ids(range(10)), ids(range(9, 19))
    # then for figures B is fine (|A △ B| = 18) but for comments the shared person's comment would
    # be the one that appears in both lists
    assert filter_allowed(b, [a], K5).published
    decision = filter_allowed(b, [a], K5, comments=True)
    assert decision.reason == OVERLAP


def test_comment_lists_with_large_regions_are_allowed():
    a, b = ids(range(20)), ids(range(10, 30))
    assert filter_allowed(b, [a], K5, comments=True).published


def test_comment_threshold_is_used_for_comments():
    assert not filter_allowed(ids(range(9)), [], K5, comments=True).published
    assert filter_allowed(ids(range(10)), [], K5, comments=True).published


def test_any_hashable_ids_work():
    seen = [frozenset(f"r{i}" for i in range(20))]
    assert filter_allowed({f"r{i}" for i in range(19)}, seen, K5).reason == DIFFERENCE


SETS = st.frozensets(st.integers(0, 40), max_size=30)


@settings(max_examples=300, deadline=None)
@given(SETS, st.lists(SETS, max_size=6), st.integers(3, 10))
def test_figures_rule_matches_its_definition(requested, seen, k):
    policy = DisclosurePolicy(min_group=k, min_comments=max(k, 10))
    expected = len(requested) >= k and all(len(requested ^ s) == 0 or len(requested ^ s) >= k for s in seen)
    assert filter_allowed(requested, seen, policy).published == expected


@settings(max_examples=300, deadline=None)
@given(SETS, st.lists(SETS, max_size=5), st.integers(3, 10))
def test_comment_rule_creates_no_small_region(requested, seen, k):
    # given the partition of everyone listed so far into regions (same membership in every list)
    policy = DisclosurePolicy(min_group=3, min_comments=k)
    everyone = frozenset().union(*seen) if seen else frozenset()
    regions: dict = {}
    for person in everyone:
        regions.setdefault(frozenset(i for i, s in enumerate(seen) if person in s), set()).add(person)
    # when the new list is allowed / then every region it creates or splits has 0 or ≥ k people
    parts = [requested - everyone] + [requested & r for r in regions.values()] + [r - requested for r in regions.values() if r & requested]
    safe = len(requested) >= k and all(len(p) == 0 or len(p) >= k for p in parts)
    assert filter_allowed(requested, seen, policy, comments=True).published == safe
