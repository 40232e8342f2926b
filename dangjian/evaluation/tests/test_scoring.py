"""The arithmetic, with hand-computed cases."""

from decimal import Decimal

import pytest

from dangjian.evaluation.scoring import automatic_points, competition_ranks, titled


@pytest.mark.parametrize(("value", "expected"), [
    (0, "0.00"), (5, "15.00"), (7.5, "22.50"), (10, "30.00"), (14, "30.00"), (-3, "0.00"), (None, "0.00"),
])
def test_linear_points_between_baseline_and_target(value, expected):
    """30 points, 0 at 0 and full at 10: 5 → 15, 7.5 → 22.5, above the target stays 30."""
    assert automatic_points(value=value, weight=30, target=10, baseline=0) == Decimal(expected)


@pytest.mark.parametrize(("value", "expected"), [(0, "20.00"), (2, "16.00"), (5, "10.00"), (10, "0.00"), (12, "0.00")])
def test_linear_points_lower_is_better(value, expected):
    """Overdue concerns: 20 points at 0, none at 10 or more: 2 → 16, 5 → 10."""
    assert automatic_points(value=value, weight=20, target=0, baseline=10) == Decimal(expected)


def test_linear_points_from_a_baseline_above_zero():
    """Coverage 80 % gives 0, 100 % full 25: 95 % → 25 × 15/20 = 18.75."""
    assert automatic_points(value=95, weight=25, target=100, baseline=80) == Decimal("18.75")


@pytest.mark.parametrize(("value", "target", "baseline", "expected"), [
    (90, 90, 0, "10.00"), (89.9, 90, 0, "0.00"), (3, 5, 10, "10.00"), (6, 5, 10, "0.00"),
])
def test_threshold_points(value, target, baseline, expected):
    assert automatic_points(value=value, weight=10, target=target, baseline=baseline, curve="threshold") == Decimal(expected)


def test_ties_share_a_rank_and_the_next_is_skipped():
    assert competition_ranks({"a": 90, "b": 95, "c": 90, "d": 70}) == {"b": 1, "a": 2, "c": 2, "d": 4}


@pytest.mark.parametrize(("rank", "total", "share", "minimum", "expected"), [
    (1, 80, 20, None, True),     # top 20 % of 11 → ranks 1–3
    (3, 80, 20, None, True),
    (4, 80, 20, None, False),
    (1, 59, 20, 60, False),      # top but below the threshold
    (9, 61, None, 60, True),     # threshold only
    (1, 99, None, None, False),  # the scheme awards no title
])
def test_titles(rank, total, share, minimum, expected):
    assert titled(rank=rank, total=total, peers=11, top_share=share, min_score=minimum) is expected


def test_a_small_top_share_still_titles_the_first():
    assert titled(rank=1, total=50, peers=3, top_share=10, min_score=None)
