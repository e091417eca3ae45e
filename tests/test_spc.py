"""Known answers for the XmR engine, worked out by hand from small series.

Throughout: mR = moving range |x_i - x_(i-1)|, mR̄ its mean, limits mean ± 2.66 mR̄,
near limits mean ± (2/3)(2.66) mR̄ = mean ± 1.77333 mR̄, and a moving range is screened
out of mR̄ when it is not below 3.267 mR̄ (the NHSRplotthedots default).
"""

from __future__ import annotations

import math

import pytest

from reportgen.analysis.spc import Assurance, Direction, SpcResult, Variation, xmr

HIGHER, LOWER, NEUTRAL = Direction.HIGHER, Direction.LOWER, Direction.NEUTRAL


def periods(n: int) -> list[str]:
    return [f"P{i:02d}" for i in range(n)]


def chart(values: list[float], direction: Direction = HIGHER, **kwargs: object) -> SpcResult:
    return xmr(values, periods(len(values)), direction=direction, **kwargs)


def flagged(result: SpcResult, rule: str) -> list[int]:
    """Positions of the points the rule flags."""
    return [i for i, flag in enumerate(result.points[rule]) if flag]


def segment_means(result: SpcResult) -> list[float]:
    return result.points.groupby("segment")["mean"].first().tolist()


# A spike at the end: 10, 14 alternating (14 points), then 40.
# sum = 7*10 + 7*14 + 40 = 208, mean = 208/15 = 13.8667
# mR: thirteen 4s and 26: mR̄ = 78/14 = 5.571, 3.267 * 5.571 = 18.20 so 26 is screened;
# mR̄ = 52/13 = 4; UPL = 13.8667 + 10.64 = 24.5067 < 40; LPL = 3.2267 < 10.
SPIKE = [10, 14] * 7 + [40]
# Its mirror image (54 - x): 44, 40 alternating, then 14. mean = 54 - 13.8667 = 40.1333,
# mR̄ = 4 as above, LPL = 40.1333 - 10.64 = 29.4933 > 14.
DIP = [44, 40] * 7 + [14]
# 1000, 1100 alternating, 16 points: mean 1050, every mR 100, mR̄ 100;
# 2.66 * 100 = 266 exactly, so UPL = 1316 and LPL = 784 exactly.
STEADY = [1000, 1100] * 8


# --- limits ---------------------------------------------------------------------------


def test_mean_and_limits_of_a_simple_series():
    values = [10, 11, 14, 12, 10, 11, 8, 10, 12, 10]
    result = chart(values, min_points=10)
    points = result.points
    # sum = 108, mean = 10.8
    # mR = 1, 3, 2, 2, 1, 3, 2, 2, 2: sum 18, mR̄ = 2; 3.267 * 2 = 6.53, none screened
    # UPL = 10.8 + 2.66*2 = 16.12, LPL = 10.8 - 5.32 = 5.48
    # near: 10.8 ± 1.77333*2 = 10.8 ± 3.54667 -> 14.34667 and 7.25333
    assert result.is_spc
    assert list(points.columns) == [
        "period", "value", "mean", "upper", "lower", "upper_near", "lower_near", "segment",
        "outside", "shift", "trend", "two_of_three", "special", "special_kind",
    ]
    assert list(points["period"]) == periods(10)
    assert list(points["value"]) == values
    assert points["mean"].tolist() == pytest.approx([10.8] * 10)
    assert points["upper"].tolist() == pytest.approx([16.12] * 10)
    assert points["lower"].tolist() == pytest.approx([5.48] * 10)
    assert points["upper_near"].tolist() == pytest.approx([10.8 + 3.546667] * 10)
    assert points["lower_near"].tolist() == pytest.approx([10.8 - 3.546667] * 10)
    assert points["segment"].tolist() == [0] * 10
    assert not points["special"].any()
    assert points["special_kind"].tolist() == [None] * 10
    assert result.variation is Variation.COMMON_CAUSE
    assert result.assurance is None


def test_outlying_moving_ranges_are_screened_out_of_the_limits():
    # The NHSRplotthedots "deviations" vignette series (18 points, one spike of 10).
    values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    result = chart(values)
    # sum = 35, mean = 35/18 = 1.9444
    # mR = 1, 1, 1, 8, 9, then twelve 1s: sum 32, mR̄ = 32/17 = 1.882;
    # 3.267 * 1.882 = 6.15, so 8 and 9 are screened: mR̄ = 15/15 = 1
    # UPL = 1.9444 + 2.66 = 4.6044, LPL = 1.9444 - 2.66 = -0.7156 (vignette: 4.6, -0.72;
    # unscreened it would be 1.9444 + 2.66*1.882 = 6.95, the Excel tool's answer)
    assert result.points["mean"].iloc[0] == pytest.approx(35 / 18)
    assert result.points["upper"].iloc[0] == pytest.approx(35 / 18 + 2.66)
    assert result.points["lower"].iloc[0] == pytest.approx(35 / 18 - 2.66)
    assert flagged(result, "outside") == [4]


# --- rule 1: outside the limits -------------------------------------------------------


def test_a_point_above_the_upper_limit():
    # 10, 14 alternating with 40 at position 7.
    values = [10, 14, 10, 14, 10, 14, 10, 40, 10, 14, 10, 14, 10, 14, 10]
    result = chart(values)
    # sum = 8*10 + 6*14 + 40 = 204, mean 13.6
    # mR: twelve 4s and 30, 30: mR̄ = 108/14 = 7.714, 3.267 * 7.714 = 25.2: both 30s
    # screened, mR̄ = 48/12 = 4; UPL = 13.6 + 10.64 = 24.24 < 40
    assert result.points["upper"].iloc[0] == pytest.approx(24.24)
    assert flagged(result, "outside") == [7]
    assert flagged(result, "special") == [7]
    assert result.points["special_kind"].iloc[7] == "improvement"
    assert result.variation is Variation.COMMON_CAUSE  # the last point, 10, is not special


def test_a_point_below_the_lower_limit():
    result = chart(DIP)
    # mean 40.1333, mR̄ 4 (26 screened), LPL = 29.4933 > 14
    assert result.points["lower"].iloc[0] == pytest.approx(602 / 15 - 10.64)
    assert flagged(result, "outside") == [14]
    assert result.points["special_kind"].iloc[14] == "concern"  # low is bad when higher is better


def test_a_point_exactly_on_a_limit_is_not_outside():
    values = [978, 1022] * 5 + [1000] * 5 + [1000, 1133, 1000, 867, 1000]
    result = chart(values)
    # sum = 10000 + 5000 + 5000 = 20000, mean 1000
    # mR: 44 (x9), 22, 0 (x5), 133 (x4): sum 396 + 22 + 532 = 950, mR̄ = 950/19 = 50;
    # 3.267 * 50 = 163.35, none screened. UPL = 1000 + 2.66*50 = 1133, LPL = 867: exactly.
    # (1133 and 867 are beyond the near limits, 1000 ± 88.67, but on opposite sides.)
    assert result.points["upper"].iloc[0] == 1133
    assert result.points["lower"].iloc[0] == 867
    assert flagged(result, "outside") == []
    assert flagged(result, "special") == []


def test_a_flat_series_has_limits_on_the_mean_and_nothing_special():
    # Every mR is 0, so mR̄ = 0 and the limits sit on the mean, 5: every point is on a
    # limit (not beyond it), on the mean (no shift) and equal to the last (no trend).
    # (NHSRplotthedots would screen every mR as "not below 3.267 * 0" and give NaN limits.)
    result = chart([5] * 15, target=5)
    points = result.points
    assert points["upper"].tolist() == [5.0] * 15
    assert points["lower"].tolist() == [5.0] * 15
    assert flagged(result, "special") == []
    assert result.variation is Variation.COMMON_CAUSE
    assert result.assurance is Assurance.HIT_AND_MISS


# --- rule 2: shifts -------------------------------------------------------------------


def test_a_shift_of_seven_points_above_the_mean_is_flagged():
    values = [11, 7] * 4 + [11, 11, 11, 12, 11, 11, 11]
    result = chart(values)
    # sum = 4*18 + 78 = 150, mean 10; the first 8 cross the mean every point, the last 7
    # are all above it.
    # mR: 4 (x8, the last from 7 to 11), 0, 0, 1, 1, 0, 0: sum 34, mR̄ = 2.4286
    # UPL = 10 + 6.46 = 16.46, near 10 + 4.307 = 14.307, near low 5.693 < 7: no other rule
    assert result.points["mean"].iloc[0] == pytest.approx(10)
    assert flagged(result, "shift") == list(range(8, 15))
    assert flagged(result, "special") == list(range(8, 15))
    assert set(result.points["special_kind"].iloc[8:]) == {"improvement"}
    assert result.variation is Variation.IMPROVEMENT_HIGH


def test_a_run_of_six_points_above_the_mean_is_not_a_shift():
    values = [7, 11, 7, 11, 7, 11, 7, 11, 7, 11, 12, 12, 12, 12, 12]  # positions 9-14 above
    result = chart(values)
    # sum = 5*7 + 5*11 + 5*12 = 150, mean 10; only the last 6 points are above it in a row
    # mR: 4 (x9), 1, 0, 0, 0, 0: sum 37, mR̄ = 2.643; near 10 + 4.687 = 14.687 > 12
    assert flagged(result, "shift") == []
    assert flagged(result, "special") == []
    assert result.variation is Variation.COMMON_CAUSE


def test_a_point_exactly_on_the_mean_breaks_a_shift():
    values = [11, 7, 11, 7, 11, 7, 6, 11, 12, 11, 10, 11, 12, 11, 12]  # 10 at position 10
    result = chart(values)
    # sum = 60 + 90 = 150, mean 10 exactly; positions 7-14 are 3 above, one ON the mean
    # (10), then 4 above: 8 points none below, but no 7 in a row strictly above.
    # mR: 4,4,4,4,4,1,5,1,1,1,1,1,1,1: sum 33, mR̄ 2.357; near 10 ± 4.18 (6 and 12 inside)
    assert result.points["mean"].iloc[10] == 10
    assert flagged(result, "shift") == []
    assert flagged(result, "special") == []


def test_a_shift_below_the_mean_is_an_improvement_when_lower_is_better():
    values = [9, 13] * 4 + [9, 9, 9, 8, 9, 9, 9]  # 20 - x of the seven-above series
    result = chart(values, LOWER)
    # mean = 20 - 10 = 10, the last 7 are all below it
    assert flagged(result, "shift") == list(range(8, 15))
    assert set(result.points["special_kind"].iloc[8:]) == {"improvement"}
    assert result.variation is Variation.IMPROVEMENT_LOW


# --- rule 3: trends -------------------------------------------------------------------


def test_a_trend_of_seven_rising_points_is_flagged():
    values = [12, 8] * 4 + [7, 8, 9, 10, 11, 12, 13]
    result = chart(values)
    # sum = 80 + 70 = 150, mean 10. 7 to 13 rises at every one of 6 steps: 7 points.
    # mR: 4 (x7), 1, 1 (x6): sum 35, mR̄ 2.5; UPL 16.65, near 14.433 > 13, near low 5.567
    # Shifts: 8, 7, 8, 9 below (4), 10 on the mean, 11-13 above (3): none.
    assert flagged(result, "trend") == list(range(8, 15))
    assert flagged(result, "special") == list(range(8, 15))
    assert set(result.points["special_kind"].iloc[8:]) == {"improvement"}
    assert result.variation is Variation.IMPROVEMENT_HIGH


def test_six_rising_points_are_not_a_trend():
    values = [12, 8, 12, 8, 12, 8, 12, 8, 12, 6, 7, 9, 10, 12, 14]  # rising from position 9
    result = chart(values)
    # sum = 92 + 58 = 150, mean 10; 6, 7, 9, 10, 12, 14 is 6 points (5 rises).
    # mR: 4 (x8), 6, 1, 2, 1, 2, 2: sum 46, mR̄ 3.286; near 10 ± 5.827 (14 and 6 inside)
    assert flagged(result, "trend") == []
    assert flagged(result, "special") == []
    assert result.variation is Variation.COMMON_CAUSE


def test_an_equal_value_breaks_a_trend():
    values = [8, 12, 8, 12, 8, 12, 8, 7, 8, 9, 9, 10, 11, 12, 13]  # from position 7 on
    result = chart(values)
    # 7, 8, 9, 9, 10, 11, 12, 13 never falls, but 9 -> 9 is not a rise: runs of 3 and 5.
    # sum = 68 + 79 = 147, mean 9.8; below: 8, 7, 8, 9, 9 (5), above: 10-13 (4): no shift.
    # mR: 4 (x6), 1, 1, 1, 0, 1, 1, 1, 1: sum 31, mR̄ 2.214; near 9.8 + 3.927 = 13.727 > 13
    assert flagged(result, "trend") == []
    assert flagged(result, "special") == []


def test_a_falling_trend_is_low():
    values = [8, 12] * 4 + [13, 12, 11, 10, 9, 8, 7]
    # sum = 80 + 70 = 150, mean 10; 13 to 7 falls at all 6 steps.
    # mR: 4 (x7), 1 (x7): sum 35, mR̄ 2.5; near 10 ± 4.433 (13 and 7 inside)
    higher = chart(values, HIGHER)
    assert flagged(higher, "trend") == list(range(8, 15))
    assert set(higher.points["special_kind"].iloc[8:]) == {"concern"}
    assert higher.variation is Variation.CONCERN_LOW
    lower = chart(values, LOWER)
    assert set(lower.points["special_kind"].iloc[8:]) == {"improvement"}
    assert lower.variation is Variation.IMPROVEMENT_LOW


def test_a_trend_outranks_a_shift_when_they_disagree():
    values = [14, 6] * 4 + [19, 18, 17, 16, 15, 14, 13]
    result = chart(values, HIGHER)
    # sum = 80 + 112 = 192, mean 12.8: the last 7 are all above the mean (a shift, high)
    # AND fall at every step (a trend, low). mR: 8 (x7), 13, 1 (x6): sum 75, mR̄ 5.357,
    # 3.267 * 5.357 = 17.5 > 13 so nothing is screened; near 12.8 ± 9.5 (19 and 6 inside).
    # NHSRplotthedots ranks the patterns outside > trend > two of three > shift, so the
    # falling trend decides: concern, low.
    assert flagged(result, "shift") == list(range(8, 15))
    assert flagged(result, "trend") == list(range(8, 15))
    assert set(result.points["special_kind"].iloc[8:]) == {"concern"}
    assert result.variation is Variation.CONCERN_LOW


# --- rule 4: two out of three beyond a near limit ---------------------------------------


def test_two_of_three_beyond_the_near_limit_are_flagged_but_not_the_third():
    values = [10, 12] * 6 + [18, 13, 18, 11]
    result = chart(values)
    # sum = 132 + 60 = 192, mean 12
    # mR: 2 (x11), 6, 5, 5, 7: sum 45, mR̄ 3; 3.267 * 3 = 9.8, none screened
    # near = 12 + 1.77333*3 = 17.32, UPL = 12 + 7.98 = 19.98: both 18s between them,
    # and 13 between them is above the mean too. Only the two 18s are flagged.
    assert result.points["upper_near"].iloc[0] == pytest.approx(17.32)
    assert flagged(result, "two_of_three") == [12, 14]
    assert flagged(result, "special") == [12, 14]
    assert result.points["special_kind"].iloc[12] == "improvement"
    assert result.variation is Variation.COMMON_CAUSE  # the last point, 11, is not special


def test_one_of_three_beyond_the_near_limit_is_not_flagged():
    values = [10, 12] * 6 + [18, 13, 12, 18, 11]
    result = chart(values)
    # sum = 132 + 72 = 204, mean 204/17 = 12
    # mR: 2 (x11), 6, 5, 1, 6, 7: sum 47, mR̄ = 47/16 = 2.9375
    # near = 12 + 1.77333*2.9375 = 17.209, UPL = 19.81: both 18s beyond the near limit,
    # but three apart, so no three in a row hold two of them.
    assert flagged(result, "two_of_three") == []
    assert flagged(result, "special") == []


def test_two_beyond_the_near_limits_on_opposite_sides_are_not_flagged():
    values = [10, 12] * 6 + [18, 12, 5, 13]
    result = chart(values)
    # sum = 132 + 48 = 180, mean 11.25
    # mR: 2 (x11), 6, 6, 7, 8: sum 49, mR̄ 3.2667; 3.267 * 3.2667 = 10.67, none screened
    # near: 11.25 ± 5.793 -> 17.043 and 5.457; limits 11.25 ± 8.689 -> 19.94 and 2.56.
    # 18 is beyond the upper near limit and 5 beyond the lower one, two points apart.
    points = result.points
    assert points["upper_near"].iloc[0] < 18 < points["upper"].iloc[0]
    assert points["lower"].iloc[0] < 5 < points["lower_near"].iloc[0]
    assert flagged(result, "two_of_three") == []
    assert flagged(result, "special") == []


def test_a_point_beyond_the_process_limit_does_not_count_towards_two_of_three():
    values = [10, 15] * 7 + [26, 19, 32, 9]
    result = chart(values)
    # sum = 175 + 86 = 261, mean 261/18 = 14.5 (10 below it, 15 above)
    # mR: 5 (x13), 11, 7, 13, 23: sum 119, mR̄ = 7; 3.267 * 7 = 22.87 screens the 23:
    # mR̄ = 96/16 = 6. near = 14.5 + 10.64 = 25.14, UPL = 14.5 + 15.96 = 30.46.
    # 26 is beyond the near limit, 19 above the mean, 32 beyond the process limit.
    # As in NHSRplotthedots, two out of three counts only points between the near and
    # the process limit, so 26 is not flagged; 32 is, by rule 1.
    assert result.points["upper_near"].iloc[0] == pytest.approx(25.14)
    assert result.points["upper"].iloc[0] == pytest.approx(30.46)
    assert flagged(result, "outside") == [16]
    assert flagged(result, "two_of_three") == []
    assert flagged(result, "special") == [16]


# --- classification and the variation icon --------------------------------------------


@pytest.mark.parametrize(
    ("values", "direction", "kind", "variation"),
    [
        (SPIKE, HIGHER, "improvement", Variation.IMPROVEMENT_HIGH),
        (SPIKE, LOWER, "concern", Variation.CONCERN_HIGH),
        (SPIKE, NEUTRAL, "neutral", Variation.NEUTRAL_HIGH),
        (DIP, HIGHER, "concern", Variation.CONCERN_LOW),
        (DIP, LOWER, "improvement", Variation.IMPROVEMENT_LOW),
        (DIP, NEUTRAL, "neutral", Variation.NEUTRAL_LOW),
    ],
)
def test_the_last_point_sets_the_variation_icon(values, direction, kind, variation):
    result = chart(values, direction)
    assert flagged(result, "special") == [14]
    assert result.points["special_kind"].iloc[14] == kind
    assert result.variation is variation
    assert result.direction is direction


def test_common_cause_when_the_last_point_is_not_special():
    result = chart(STEADY)
    assert result.variation is Variation.COMMON_CAUSE
    assert flagged(result, "special") == []


# --- the assurance icon ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "target", "assurance"),
    [
        (HIGHER, 700, Assurance.PASS),  # below the LPL of 784: every month beats it
        (HIGHER, 1400, Assurance.FAIL),  # above the UPL of 1316: no month reaches it
        (HIGHER, 1000, Assurance.HIT_AND_MISS),
        (LOWER, 1400, Assurance.PASS),
        (LOWER, 700, Assurance.FAIL),
        (LOWER, 1100, Assurance.HIT_AND_MISS),
        (NEUTRAL, 700, None),
    ],
)
def test_assurance_icon(direction, target, assurance):
    result = chart(STEADY, direction, target=target)
    assert result.assurance is assurance
    assert result.target == target


@pytest.mark.parametrize("direction", [HIGHER, LOWER])
@pytest.mark.parametrize("target", [784, 1316])
def test_a_target_exactly_on_a_limit_is_hit_and_miss(direction, target):
    # NHSRplotthedots needs the target strictly outside the limits (784 and 1316 exactly).
    result = chart(STEADY, direction, target=target)
    assert result.points["lower"].iloc[-1] == 784
    assert result.points["upper"].iloc[-1] == 1316
    assert result.assurance is Assurance.HIT_AND_MISS


def test_no_assurance_without_a_target():
    assert chart(STEADY).assurance is None


def test_assurance_uses_the_last_segments_limits():
    values = [1000, 1100] * 8 + [2000, 2100] * 8
    result = chart(values, target=1500, rebase_at=["P16"])
    # first segment 784 to 1316 (target above: FAIL); last segment: mean 2050, mR̄ 100,
    # limits 1784 to 2316, target below them: PASS
    assert result.points["lower"].iloc[-1] == 1784
    assert result.assurance is Assurance.PASS


# --- rebasing -------------------------------------------------------------------------


def test_rebasing_gives_each_segment_its_own_mean_and_limits():
    values = [10, 14] * 4 + [20, 22] * 4
    result = chart(values, rebase_at=["P08"], min_points=8)  # 8-point segments
    points = result.points
    # segment 0: mean 12, mR 4 (x7), mR̄ 4: limits 12 ± 10.64 -> 22.64 and 1.36
    # segment 1: mean 21, mR 2 (x7), mR̄ 2: limits 21 ± 5.32 -> 26.32 and 15.68
    # The jump 14 -> 20 (6) is no moving range of either segment: with it segment 1's
    # mR̄ would be 20/8 = 2.5.
    assert points["segment"].tolist() == [0] * 8 + [1] * 8
    assert points["mean"].tolist() == pytest.approx([12] * 8 + [21] * 8)
    assert points["upper"].tolist() == pytest.approx([22.64] * 8 + [26.32] * 8)
    assert points["lower"].tolist() == pytest.approx([1.36] * 8 + [15.68] * 8)
    assert points["upper_near"].iloc[-1] == pytest.approx(21 + 2 * 2.66 * 2 / 3)
    assert flagged(result, "special") == []


def test_runs_do_not_continue_across_a_rebase():
    values = [10, 14, 10, 14, 13, 13, 13, 13, 25, 25, 25, 25, 20, 24, 20, 24]  # 8 + 8
    result = chart(values, rebase_at=["P08"], min_points=8)  # 8-point segments
    # segment 0: mean 100/8 = 12.5, its last 4 points (13) above it
    # segment 1: mean 188/8 = 23.5, its first 4 points (25) above it
    # 8 points in a row above their own mean, but 4 + 4 in two segments: no shift.
    # (mR̄ 13/7 = 1.857 and 17/7 = 2.429: every point inside the near limits.)
    assert segment_means(result) == pytest.approx([12.5, 23.5])
    assert flagged(result, "shift") == []
    assert flagged(result, "special") == []


def test_a_rebase_at_the_first_period_changes_nothing():
    plain = chart(STEADY)
    rebased = chart(STEADY, rebase_at=["P00"])
    assert rebased.points["segment"].tolist() == [0] * 16
    assert rebased.points.equals(plain.points)


# --- run charts -----------------------------------------------------------------------


def test_too_few_points_make_a_run_chart_around_the_median():
    values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7]  # 14 points, fewer than 15
    result = chart(values, LOWER, target=4)
    points = result.points
    # sorted: 1 1 2 3 3 4 5 | 5 5 6 7 8 9 9: median (5 + 5)/2 = 5
    assert not result.is_spc
    assert points["mean"].tolist() == [5.0] * 14
    for column in ["upper", "lower", "upper_near", "lower_near"]:
        assert points[column].isna().all()
    for column in ["outside", "shift", "trend", "two_of_three", "special"]:
        assert not points[column].any()
    assert points["special_kind"].tolist() == [None] * 14
    assert result.variation is None
    assert result.assurance is None


def test_min_points_is_configurable():
    values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7]
    assert chart(values, min_points=14).is_spc
    assert not chart(STEADY, min_points=17).is_spc  # 16 points
    assert chart([5], min_points=1).is_spc


def test_a_run_chart_takes_the_median_of_each_segment():
    result = chart([1, 2, 3, 10, 20, 30, 40], rebase_at=["P03"])
    assert result.points["segment"].tolist() == [0, 0, 0, 1, 1, 1, 1]
    assert result.points["mean"].tolist() == [2, 2, 2, 25, 25, 25, 25]


# --- input errors ---------------------------------------------------------------------


def test_values_and_periods_must_match_in_length():
    with pytest.raises(ValueError, match="3 values, 2 periods"):
        xmr([1, 2, 3], ["a", "b"], direction=HIGHER)


def test_at_least_one_point_is_needed():
    with pytest.raises(ValueError, match="at least one"):
        xmr([], [], direction=HIGHER)


@pytest.mark.parametrize("bad", [math.nan, None, "n/a", math.inf])
def test_a_missing_value_names_its_period(bad):
    with pytest.raises(ValueError, match="'Mar 2024'"):
        xmr([1, 2, bad, 4], ["Jan 2024", "Feb 2024", "Mar 2024", "Apr 2024"], direction=HIGHER)


def test_an_unknown_rebase_period_is_an_error():
    with pytest.raises(ValueError, match="cannot rebase at 'P99'"):
        chart(STEADY, rebase_at=["P99"])


def test_a_repeated_period_is_an_error():
    with pytest.raises(ValueError, match="'b' appears more than once"):
        xmr([1, 2, 3], ["a", "b", "b"], direction=HIGHER)
