"""Charts: real matplotlib, real SVG parsed back; alt text checked word for word."""

from __future__ import annotations

import base64
import subprocess
import sys
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from reportgen.analysis.charts import Chart, spc_chart, status_by_theme_chart, trend_chart
from reportgen.analysis.spc import Assurance, Direction, SpcResult, Variation

SVG = "{http://www.w3.org/2000/svg}"
STATUSES = ["Complete", "On track", "At risk", "Off track", "Not started"]
THEME_1 = "Theme 1: Governance, Systems and Processes"
THEME_2 = "Theme 2: Leadership"


def texts(chart: Chart) -> list[str]:
    """The words drawn as SVG <text> (labels, ticks, captions), in document order."""
    root = ET.fromstring(chart.svg)
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def assert_self_contained(chart: Chart) -> None:
    root = ET.fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == chart.alt
    assert 'href="http' not in chart.svg
    assert "file:" not in chart.svg
    prefix = "data:image/svg+xml;base64,"
    assert chart.data_uri.startswith(prefix)
    assert base64.b64decode(chart.data_uri[len(prefix):]).decode("utf-8") == chart.svg


def summary_frame(rows: dict[str, list[int]], *, totals: bool = True) -> pd.DataFrame:
    """A status summary shaped like reportgen.analysis.status_summary."""
    table = pd.DataFrame.from_dict(rows, orient="index", columns=STATUSES)
    if totals:
        table["Total"] = table.sum(axis=1)
        table.loc["Total"] = table.sum(axis=0)
    return table.astype(int)


SUMMARY_ROWS = {THEME_1: [3, 6, 2, 0, 0], THEME_2: [4, 5, 1, 1, 3]}

# 20 months: steady at about 4.5%, then 7 points in a row below the mean.
MONTHS = pd.period_range("2017-03", periods=20, freq="M").strftime("%b %Y").tolist()
SICKNESS = [0.045, 0.047, 0.044, 0.046, 0.045, 0.048, 0.044, 0.046, 0.045, 0.047,
            0.044, 0.046, 0.045, 0.040, 0.039, 0.038, 0.040, 0.037, 0.039, 0.036]


def xmr_points(values, *, mean=0.043, upper=0.061, lower=0.025, special_from=None,
               kind="improvement") -> pd.DataFrame:
    """An SpcResult.points frame built by hand, one segment."""
    n = len(values)
    special = [special_from is not None and i >= special_from for i in range(n)]
    return pd.DataFrame({
        "period": MONTHS[:n],
        "value": values,
        "mean": mean,
        "upper": upper,
        "lower": lower,
        "upper_near": mean + 2 / 3 * (upper - mean),
        "lower_near": mean - 2 / 3 * (mean - lower),
        "segment": 0,
        "outside": False,
        "shift": special,
        "trend": False,
        "two_of_three": False,
        "special": special,
        "special_kind": [kind if s else None for s in special],
    })


@pytest.fixture(scope="module")
def improving() -> SpcResult:
    return SpcResult(points=xmr_points(SICKNESS, special_from=13), direction=Direction.LOWER,
                     is_spc=True, variation=Variation.IMPROVEMENT_LOW,
                     assurance=Assurance.HIT_AND_MISS, target=0.04)


# --- status by theme ---------------------------------------------------------------------


def test_status_chart_labels_each_segment_and_states_counts():
    chart = status_by_theme_chart(summary_frame(SUMMARY_ROWS))
    assert_self_contained(chart)
    assert chart.title == "Actions by theme and status"
    drawn = texts(chart)
    for label in ["3", "6", "2", "4", "5", "1", "11", "14", *STATUSES]:
        assert label in drawn, (label, drawn)
    assert chart.alt == (
        "Actions by theme and status: 7 of 25 complete, 11 on track, 3 at risk, "
        "1 off track, 3 not started. "
        "Theme 1: Governance, Systems and Processes has 11 actions: 3 complete, 6 on track, "
        "2 at risk; "
        "Theme 2: Leadership has 14 actions: 4 complete, 5 on track, 1 at risk, 1 off track, "
        "3 not started."
    )


def test_status_chart_ignores_total_row_and_column():
    with_totals = summary_frame(SUMMARY_ROWS)
    with_totals["Total"] = 987654  # must not be used: totals come from the status counts
    chart = status_by_theme_chart(with_totals)
    assert "Total" not in " ".join(texts(chart))
    assert "987654" not in chart.svg
    assert "Total" not in chart.alt
    assert chart.svg == status_by_theme_chart(summary_frame(SUMMARY_ROWS, totals=False)).svg


def test_status_chart_uses_nhs_colours_and_greyscale_cues():
    svg = status_by_theme_chart(summary_frame(SUMMARY_ROWS)).svg.lower()
    for colour in ["#005eb8", "#007f3b", "#ffb81c", "#8a1538", "#e8edee"]:
        assert colour in svg
    assert "<pattern" in svg  # hatching tells blue from green in greyscale


# --- trend -------------------------------------------------------------------------------


@pytest.mark.parametrize(("values", "target", "alt"), [
    ([0.29, 0.31, 0.34], 0.4,
     "Response rate rose from 29% in May 2018 to 34% in Oct 2018; target 40% not met."),
    ([0.34, 0.31, 0.29], 0.25,
     "Response rate fell from 34% in May 2018 to 29% in Oct 2018; target 25% met."),
    ([0.34, 0.29, 0.34], None,
     "Response rate was unchanged at 34% from May 2018 to Oct 2018."),
    ([0.29, 0.31, 0.40], 0.4,
     "Response rate rose from 29% in May 2018 to 40% in Oct 2018; target 40% met."),
    ([0.345, 0.31, 0.40], None,  # halves round up, as in the paper's tables
     "Response rate rose from 35% in May 2018 to 40% in Oct 2018."),
])
def test_trend_alt_states_direction_and_target(values, target, alt):
    chart = trend_chart("Response rate", ["May 2018", "Aug 2018", "Oct 2018"], values,
                        percent=True, target=target)
    assert chart.alt == alt


def test_trend_chart_labels_ends_and_target():
    chart = trend_chart("Culture survey response rate", ["May 2018", "Aug 2018", "Oct 2018"],
                        [0.29, 0.31, 0.34], percent=True, target=0.4)
    assert_self_contained(chart)
    assert chart.title == "Culture survey response rate"
    drawn = texts(chart)
    assert {"29%", "34%", "Target 40%", "May 2018", "Oct 2018"} <= set(drawn)
    assert "31%" not in drawn  # only the first and last points carry labels
    assert "0%" in drawn  # the y axis starts at zero
    assert "#da291c" in chart.svg


def test_trend_chart_counts_with_unit_and_no_target():
    chart = trend_chart("Long service awards", ["2016", "2017", "2018"], [80, 95, 107],
                        percent=False, unit="awards")
    assert chart.alt == "Long service awards rose from 80 awards in 2016 to 107 awards in 2018."
    drawn = texts(chart)
    assert {"80", "107", "awards"} <= set(drawn)
    assert not any(t.startswith("Target") for t in drawn)


# --- SPC ---------------------------------------------------------------------------------


def test_spc_chart_draws_limits_caption_and_special_points(improving):
    chart = spc_chart("Sickness absence", improving, percent=True)
    assert_self_contained(chart)
    drawn = texts(chart)
    for label in ["Upper limit 6.1%", "Mean 4.3%", "Lower limit 2.5%", "Target 4%",
                  "Special cause improving (low) · hit and miss", "Special cause: improvement"]:
        assert label in drawn, (label, drawn)
    svg = chart.svg.lower()
    assert "#41b6e6" in svg  # the improving points
    assert "#ed8b00" not in svg  # no concern points
    assert chart.alt == (
        "Sickness absence, monthly Mar 2017 to Oct 2018: mean 4.3%, process limits 2.5% to "
        "6.1%. Latest 3.6% (Oct 2018). Special cause improving (low): 7 points in a row below "
        "the mean. Target 4%: hit and miss."
    )


def test_spc_chart_names_the_rule_and_rebase_for_a_concern():
    points = pd.concat([xmr_points(SICKNESS[:15]), xmr_points(SICKNESS[15:], mean=0.038,
                                                                upper=0.042, lower=0.034)],
                       ignore_index=True)
    points["period"] = MONTHS
    points.loc[15:, "segment"] = 1
    points.loc[19, "value"] = 0.05
    points.loc[19, ["outside", "special"]] = True
    points.loc[19, "special_kind"] = "concern"
    result = SpcResult(points=points, direction=Direction.LOWER, is_spc=True,
                       variation=Variation.CONCERN_HIGH, assurance=Assurance.FAIL, target=0.03)
    chart = spc_chart("Sickness absence", result, percent=True)
    assert "#ed8b00" in chart.svg.lower()
    assert "Special cause concerning (high) · consistently failing" in texts(chart)
    assert chart.alt == (
        "Sickness absence, monthly Mar 2017 to Oct 2018: mean 3.8%, process limits 3.4% to "
        "4.2% since the rebase at Jun 2018. Latest 5% (Oct 2018). Special cause concerning "
        "(high): 1 point above the upper limit. Target 3%: consistently failing."
    )


def test_spc_alt_mentions_earlier_special_cause_when_latest_is_common():
    # Apr to Jun 2018 flagged (part of a shift), then four ordinary months.
    points = pd.concat([xmr_points(SICKNESS[:16], special_from=13), xmr_points(SICKNESS[:4])],
                       ignore_index=True)
    points["period"] = MONTHS
    result = SpcResult(points, Direction.LOWER, True, Variation.COMMON_CAUSE, None)
    chart = spc_chart("Sickness absence", result, percent=True)
    assert "Common cause variation" in texts(chart)
    assert chart.alt.endswith(
        "Common cause variation. Most recent special cause (improvement), Apr 2018 to "
        "Jun 2018: 3 points in a row below the mean."
    )


def test_run_chart_has_median_and_caption():
    points = xmr_points(SICKNESS[:10], mean=0.0455, upper=float("nan"), lower=float("nan"))
    result = SpcResult(points=points, direction=Direction.LOWER, is_spc=False, variation=None,
                       assurance=None, target=0.04)
    chart = spc_chart("Sickness absence", result, percent=True)
    assert_self_contained(chart)
    drawn = texts(chart)
    assert "Run chart: fewer than 15 points" in drawn
    assert "Median 4.55%" in drawn
    assert "Target 4%" in drawn
    assert not any("limit" in t for t in drawn)
    assert chart.alt == (
        "Sickness absence, monthly Mar 2017 to Dec 2017: run chart of 10 points (fewer than "
        "15, so no process limits), median 4.55%. Latest 4.7% (Dec 2017). Target 4%: latest "
        "value does not meet it."
    )


# --- all charts --------------------------------------------------------------------------


def test_same_data_gives_identical_svg(improving):
    summary = summary_frame(SUMMARY_ROWS)
    assert status_by_theme_chart(summary) == status_by_theme_chart(summary)
    args = ("Rate", ["May 2018", "Oct 2018"], [0.29, 0.34])
    assert trend_chart(*args, percent=True, target=0.4) == trend_chart(*args, percent=True,
                                                                       target=0.4)
    assert spc_chart("S", improving, percent=True) == spc_chart("S", improving, percent=True)


def test_charts_leave_global_matplotlib_settings_alone(improving):
    import matplotlib

    before = dict(matplotlib.rcParams)
    spc_chart("Sickness absence", improving, percent=True)
    assert dict(matplotlib.rcParams) == before


def test_import_is_cheap():
    code = "import sys, reportgen.analysis.charts; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
