"""Statistical process control, NHS England "Making Data Count" style (XmR charts).

Types only for now; the engine (``xmr``) is being written.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

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
