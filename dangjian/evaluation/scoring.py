"""The arithmetic of a scheme: points of one indicator, ranks with ties, titles. Pure functions,
tested with hand-computed cases (tests/test_scoring.py)."""

import math
from decimal import ROUND_HALF_UP, Decimal

from dangjian.evaluation.models import Curve

TWO_PLACES = Decimal("0.01")


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def automatic_points(*, value, weight, target, baseline=0, curve: str = Curve.LINEAR) -> Decimal:
    """Points of an automatic indicator. ``value`` None (no records to compute from) scores 0.

    LINEAR: weight × (value − baseline) / (target − baseline), clamped to [0, weight]; a target
    below the baseline means lower is better. THRESHOLD: the full weight once the target is
    reached (at or below it when the target is below the baseline), else 0."""
    if value is None:
        return Decimal("0.00")
    value, weight, target, baseline = (_decimal(v) for v in (value, weight, target, baseline))
    lower_is_better = target < baseline
    if curve == Curve.THRESHOLD:
        reached = value <= target if lower_is_better else value >= target
        return (weight if reached else Decimal(0)).quantize(TWO_PLACES)
    if target == baseline:
        return (weight if value >= target else Decimal(0)).quantize(TWO_PLACES)
    fraction = (value - baseline) / (target - baseline)
    fraction = min(max(fraction, Decimal(0)), Decimal(1))
    return (weight * fraction).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def competition_ranks(totals: dict) -> dict:
    """{key: rank} with ties sharing a rank and the next rank skipped (1, 1, 3)."""
    ordered = sorted(totals.items(), key=lambda item: item[1], reverse=True)
    ranks, previous_total, previous_rank = {}, None, 0
    for position, (key, total) in enumerate(ordered, start=1):
        rank = previous_rank if total == previous_total else position
        ranks[key] = rank
        previous_total, previous_rank = total, rank
    return ranks


def titled(*, rank: int, total, peers: int, top_share: int | None, min_score) -> bool:
    """Does an area earn the scheme's title? Within the top ``top_share`` per cent of the peers
    (at least one area; ties at the cut share it) and at or above ``min_score``, each criterion
    applying only when the scheme sets it; a scheme setting neither awards no title."""
    if top_share is None and min_score is None:
        return False
    if top_share is not None and rank > max(1, math.ceil(peers * top_share / 100)):
        return False
    return min_score is None or _decimal(total) >= _decimal(min_score)
