"""Statistical process control, NHS England "Making Data Count" style (XmR charts).

``xmr`` builds the chart's numbers: limits, special-cause flags and the variation
and assurance icons, as NHSRplotthedots (the NHS-R reference implementation) does.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np
import pandas as pd


class Direction(Enum):
    """Which way is better for a metric."""

    HIGHER = "higher"  # higher is better (e.g. appraisal rate)
    LOWER = "lower"  # lower is better (e.g. sickness absence)
    NEUTRAL = "neutral"  # neither (e.g. headcount)


class Variation(Enum):
    """The Making Data Count variation icon, for the latest point."""

    COMMON_CAUSE = "common cause"
    IMPROVEMENT_HIGH = "special cause improving (high)"
    IMPROVEMENT_LOW = "special cause improving (low)"
    CONCERN_HIGH = "special cause concerning (high)"
    CONCERN_LOW = "special cause concerning (low)"
    NEUTRAL_HIGH = "special cause neither improving nor concerning (high)"
    NEUTRAL_LOW = "special cause neither improving nor concerning (low)"


class Assurance(Enum):
    """The Making Data Count assurance icon: can the process be relied on to meet
    its target?"""

    PASS = "consistently passing the target"
    FAIL = "consistently failing the target"
    HIT_AND_MISS = "hit and miss: the target lies within the process limits"


@dataclass(frozen=True)
class SpcResult:
    """An XmR chart's numbers, one row per point, in time order.

    ``points`` has columns: ``period`` (label), ``value``, ``mean``, ``upper`` and
    ``lower`` (process limits, mean ± 2.66 × mean moving range of the point's
    segment), ``upper_near`` and ``lower_near`` (two thirds of the way to the
    limits), ``segment`` (0, 1, ... after each rebase), and booleans ``outside``,
    ``shift``, ``trend``, ``two_of_three`` (the point is part of that special-cause
    pattern) and ``special`` (any of them), and ``special_kind``: None, "improvement",
    "concern" or "neutral".
    For a run chart (too few points) only period, value, mean (median), segment
    are meaningful; limits are NaN and the rule columns are False.
    """

    points: pd.DataFrame
    direction: Direction
    is_spc: bool  # False: too few points, a run chart with the median
    variation: Variation | None  # None for a run chart
    assurance: Assurance | None  # None without a target, or for a run chart
    target: float | None = None
    #: Periods at which a rebase starts a new segment, in order.
    rebased_at: tuple[str, ...] = ()
    #: Whether the latest segment is too short for process limits (fewer points than
    #: the minimum since the last rebase): it is drawn as a run chart with its median,
    #: and the variation and assurance are not judged.
    short_latest: bool = False
    #: Limits from the first N points of each segment (NHSRplotthedots'
    #: ``fix_after_n_points``), or None: from all of them.
    fix_after: int | None = None
    screen: bool = True  # moving ranges screened (NHSRplotthedots' ``screen_outliers``)
    #: How many of the latest points are on the other side of the target from what the
    #: assurance says (met it while "consistently failing", or missed it while
    #: "consistently passing"): 2 or more suggest the process has changed since its
    #: limits were computed, and a rebase.
    against_assurance: int = 0


# Making Data Count constants for an XmR chart.
_LIMIT = 2.66  # process limits: mean ± 2.66 × mean moving range (≈ 3 sigma)
_NEAR = 2 * _LIMIT / 3  # "near" limits: two thirds of the way (≈ 2 sigma)
_SCREEN = 3.267  # upper limit of the moving range chart, for screening outliers
_RUN = 7  # points in a shift or a trend

_COLUMNS = [
    "period", "value", "mean", "upper", "lower", "upper_near", "lower_near", "segment",
    "outside", "shift", "trend", "two_of_three", "special", "special_kind",
]

_VARIATION = {
    ("improvement", 1): Variation.IMPROVEMENT_HIGH,
    ("improvement", -1): Variation.IMPROVEMENT_LOW,
    ("concern", 1): Variation.CONCERN_HIGH,
    ("concern", -1): Variation.CONCERN_LOW,
    ("neutral", 1): Variation.NEUTRAL_HIGH,
    ("neutral", -1): Variation.NEUTRAL_LOW,
}


def xmr(
    values: Sequence[float],
    periods: Sequence[str],
    *,
    direction: Direction,
    target: float | None = None,
    rebase_at: Sequence[str] = (),
    min_points: int = 15,
    fix_after: int | None = None,
    screen: bool = True,
) -> SpcResult:
    """An XmR chart of ``values`` with the Making Data Count rules and icons.

    Follows NHS England's "Making Data Count" and its R reference implementation,
    NHSRplotthedots (``ptd_spc`` with its defaults), so that a board paper shows the
    same flags and icons a reader would get from the NHS tools. ``rebase_at`` names
    the periods where a new segment, with its own mean and limits, starts. With fewer
    than ``min_points`` points the limits are not trustworthy, so the result is a run
    chart around the median instead; a segment after a rebase that is shorter than
    ``min_points`` gets no limits either (its median is drawn, and the latest point's
    variation and assurance are not judged), as NHSRplotthedots warns of short groups.
    ``fix_after`` computes each segment's mean and limits from its first N points only
    (``fix_after_n_points``); ``screen=False`` keeps every moving range (``screen_outliers
    = FALSE``, as the Making Data Count Excel tool does).
    """
    if fix_after is not None and fix_after < 12:
        raise ValueError(f"fix_after must be at least 12 points, not {fix_after!r}")
    if not isinstance(direction, Direction):
        raise TypeError(f"direction must be a Direction, not {direction!r}")
    y = _checked_values(values, periods)
    if target is not None and not math.isfinite(target):
        raise ValueError(f"the target must be a finite number, not {target!r}")
    segment = _segments(periods, rebase_at)
    n = len(y)
    no_flags = np.zeros(n, dtype=bool)
    columns: dict[str, object] = {"period": list(periods), "value": y}

    if n < min_points:
        median = np.empty(n)
        for start, stop in _bounds(segment):
            median[start:stop] = np.median(y[start:stop])
        nan = np.full(n, np.nan)
        columns |= {"mean": median, "upper": nan, "lower": nan, "upper_near": nan,
                    "lower_near": nan, "segment": segment, "outside": no_flags,
                    "shift": no_flags, "trend": no_flags, "two_of_three": no_flags,
                    "special": no_flags, "special_kind": [None] * n}
        return SpcResult(_frame(columns), direction, False, None, None, target,
                         rebased_at=_rebase_periods(periods, segment), fix_after=fix_after,
                         screen=screen)

    mean, width = np.empty(n), np.empty(n)
    outside, shift, two = no_flags.copy(), no_flags.copy(), no_flags.copy()
    rising, falling = no_flags.copy(), no_flags.copy()
    side = np.zeros(n, dtype=int)  # per special point: +1 a high pattern, -1 a low one
    short = False
    for start, stop in _bounds(segment):
        part = slice(start, stop)
        if stop - start < min_points:  # a short segment after a rebase: no limits
            mean[part] = np.median(y[part])
            width[part] = math.nan
            short = stop == n
            continue
        base = y[start:stop] if fix_after is None else y[start:min(stop, start + fix_after)]
        mean[part] = base.mean()
        width[part] = _mean_moving_range(base, screen=screen)
        (outside[part], shift[part], two[part], rising[part], falling[part],
         side[part]) = _segment_rules(y[part], mean[start], width[start])

    trend = rising | falling
    special = outside | shift | trend | two
    kinds = [_kind(s, direction) if flag else None for s, flag in zip(side, special, strict=True)]
    upper, lower = mean + _LIMIT * width, mean - _LIMIT * width
    columns |= {"mean": mean, "upper": upper, "lower": lower,
                "upper_near": mean + _NEAR * width, "lower_near": mean - _NEAR * width,
                "segment": segment, "outside": outside, "shift": shift, "trend": trend,
                "two_of_three": two, "special": special, "special_kind": kinds}
    variation = (
        Variation.COMMON_CAUSE if kinds[-1] is None else _VARIATION[(kinds[-1], int(side[-1]))]
    )
    assurance = _assurance(target, direction, float(lower[-1]), float(upper[-1]))
    if short:
        variation = assurance = None
    return SpcResult(_frame(columns), direction, True, variation, assurance, target,
                     rebased_at=_rebase_periods(periods, segment), short_latest=short,
                     fix_after=fix_after, screen=screen,
                     against_assurance=_against(y, target, direction, assurance))


def _rebase_periods(periods: Sequence[str], segment: np.ndarray) -> tuple[str, ...]:
    return tuple(periods[i] for i in np.flatnonzero(np.diff(segment)) + 1)


def _against(y: np.ndarray, target: float | None, direction: Direction,
             assurance: Assurance | None) -> int:
    """How many of the latest points contradict a consistent pass or fail."""
    if target is None or assurance not in (Assurance.PASS, Assurance.FAIL):
        return 0
    higher = direction is Direction.HIGHER
    meets = (y >= target) if higher else (y <= target)
    contrary = meets if assurance is Assurance.FAIL else ~meets
    count = 0
    for flag in contrary[::-1]:
        if not flag:
            break
        count += 1
    return count


def _frame(columns: dict[str, object]) -> pd.DataFrame:
    """The points table, columns in the documented order; special_kind holds None, not NaN."""
    frame = pd.DataFrame({name: columns[name] for name in _COLUMNS if name != "special_kind"})
    frame["special_kind"] = pd.Series(columns["special_kind"], dtype=object)
    return frame[_COLUMNS]


def _checked_values(values: Sequence[float], periods: Sequence[str]) -> np.ndarray:
    """The values as floats; a gap or a mislabelled series must fail loudly, not plot."""
    if len(values) != len(periods):
        raise ValueError(
            f"SPC needs one period per value: {len(values)} values, {len(periods)} periods"
        )
    if len(values) == 0:
        raise ValueError("SPC needs at least one value")
    seen: set[str] = set()
    for period in periods:
        if period in seen:
            raise ValueError(f"period {period!r} appears more than once")
        seen.add(period)
    out = np.empty(len(values))
    for i, (value, period) in enumerate(zip(values, periods, strict=True)):
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"the value for {period!r} is not a number: {value!r}") from None
        if not math.isfinite(number):
            raise ValueError(f"the value for {period!r} is missing or not finite ({value!r})")
        out[i] = number
    return out


def _segments(periods: Sequence[str], rebase_at: Sequence[str]) -> np.ndarray:
    """Segment number per point: 0 up to the first rebase, then 1, 2, ..."""
    position = {period: i for i, period in enumerate(periods)}
    starts = np.zeros(len(periods), dtype=int)
    for period in rebase_at:
        if period not in position:
            raise ValueError(
                f"cannot rebase at {period!r}: it is not one of the periods of this series"
            )
        if position[period] > 0:  # a rebase at the first point starts nothing new
            starts[position[period]] = 1
    return np.cumsum(starts)


def _bounds(segment: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) slice bounds of each segment; segments are contiguous and ordered."""
    edges = [0, *(np.flatnonzero(np.diff(segment)) + 1).tolist(), len(segment)]
    return list(itertools.pairwise(edges))


def _mean_moving_range(seg: np.ndarray, *, screen: bool = True) -> float:
    """The segment's mean moving range, with outlying moving ranges screened out.

    NHSRplotthedots screens by default (``screen_outliers = TRUE``, after Nelson 1982):
    moving ranges that are not below 3.267 × the mean moving range are dropped, once,
    and the mean of the rest sets the limits, so that one freak month does not widen
    the limits for everyone. We do the same. (The MDC Excel tool does not screen.)
    The mean itself is never screened. Moving ranges never cross a rebase.
    """
    ranges = np.abs(np.diff(seg))
    if ranges.size == 0:
        return math.nan  # a one-point segment has no limits
    average = ranges.mean()
    if average == 0:
        return 0.0  # a flat segment: R would screen everything and give NaN limits
    if not screen:
        return float(average)
    return float(ranges[ranges < _SCREEN * average].mean())


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True values."""
    padded = np.concatenate([[False], mask, [False]]).astype(int)
    changes = np.flatnonzero(np.diff(padded))
    return list(zip(changes[0::2].tolist(), changes[1::2].tolist(), strict=True))


def _segment_rules(seg: np.ndarray, mean: float, width: float) -> tuple[np.ndarray, ...]:
    """The special-cause flags within one segment (runs never continue across a rebase).

    Returns outside, shift, two_of_three, rising trend, falling trend, and the side of
    each point's deciding pattern (+1 high, -1 low).
    """
    n = len(seg)
    above = seg > mean
    below = seg < mean
    sign = above.astype(int) - below.astype(int)  # a point on the mean is 0: it breaks runs

    # Rule 1: beyond a process limit (a point exactly on the limit is inside).
    outside = (seg > mean + _LIMIT * width) | (seg < mean - _LIMIT * width)

    # Rule 2: a shift, 7 or more points in a row on the same side of the mean.
    shift = np.zeros(n, dtype=bool)
    for mask in (above, below):
        for start, stop in _runs(mask):
            if stop - start >= _RUN:
                shift[start:stop] = True

    # Rule 3: a trend, 7 or more points each strictly higher (lower) than the one before.
    rising, falling = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    steps = np.diff(seg)
    for flags, mask in ((rising, steps > 0), (falling, steps < 0)):
        for start, stop in _runs(mask):
            if stop - start >= _RUN - 1:  # 6 steps join 7 points
                flags[start : stop + 1] = True

    # Rule 4: two out of three points in a row beyond a near limit, all three points on
    # the same side of the mean. As in NHSRplotthedots, only points between a near limit
    # and a process limit count (a point beyond the limit is rule 1's), and only those
    # points are flagged, not the third point of the three.
    near = ~outside & ((seg > mean + _NEAR * width) | (seg < mean - _NEAR * width))
    two = np.zeros(n, dtype=bool)
    for start in range(n - 2):
        window = slice(start, start + 3)
        if near[window].sum() >= 2 and abs(sign[window].sum()) == 3:
            two[window] |= near[window]

    # A point in more than one pattern takes its side from the first of: outside a limit,
    # trend, two out of three, shift; the order NHSRplotthedots uses. A trend's side is
    # its direction, not the side of the mean; a point that ends one trend and starts
    # the opposite one belongs to the later trend.
    side = np.zeros(n, dtype=int)
    for i in range(n):
        if outside[i]:
            side[i] = sign[i]
        elif rising[i] and falling[i]:
            side[i] = 1 if seg[i + 1] > seg[i] else -1
        elif rising[i] or falling[i]:
            side[i] = 1 if rising[i] else -1
        elif two[i] or shift[i]:
            side[i] = sign[i]
    return outside, shift, two, rising, falling, side


def _kind(side: int, direction: Direction) -> str:
    """Whether a special-cause pattern on this side is good news for the metric."""
    if direction is Direction.NEUTRAL:
        return "neutral"
    better = 1 if direction is Direction.HIGHER else -1
    return "improvement" if side == better else "concern"


def _assurance(
    target: float | None, direction: Direction, lower: float, upper: float
) -> Assurance | None:
    """Can the latest segment's process be relied on to meet the target?

    As in NHSRplotthedots, the target must lie strictly outside the limits for a
    consistent pass or fail; a target exactly on a limit is hit and miss.
    """
    if target is None or direction is Direction.NEUTRAL:
        return None
    if math.isnan(lower) or math.isnan(upper):
        return None  # a one-point last segment has no limits to judge by
    higher = direction is Direction.HIGHER
    if target > upper:
        return Assurance.FAIL if higher else Assurance.PASS
    if target < lower:
        return Assurance.PASS if higher else Assurance.FAIL
    return Assurance.HIT_AND_MISS
