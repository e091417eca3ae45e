"""SPC charts as Making Data Count readers expect (issue 21), checked against the
conventions of NHSRplotthedots: "%" on a percentage's axis, no limits for a rebased
segment too short to have them, the rebase marked and named, labels precise enough to
be true, the chart's target label the text's, fix_after_n_points and moving-range
screening per measure, and a "consistently failing" reading that the latest points
contradict. Workbooks are built with the CLI; the PDF and its HTML twin are read back."""

from __future__ import annotations

import html
import os
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli
from pdftext import page_texts
from workbooks import paper_workbook

from reportgen.analysis.spc import Direction, xmr

HEADER = ["Metric", "Month", "Value", "Unit", "Target", "Direction", "Rebase", "Source",
          "Fix after", "Screen outliers"]
MONTHS = [date(2016 + (10 + i) // 12, (10 + i) % 12 + 1, 1) for i in range(24)]  # Nov 2016 on

APPRAISAL = [0.858, 0.871, 0.866, 0.852, 0.869, 0.861, 0.874, 0.858, 0.862, 0.867, 0.855,
             0.870, 0.863, 0.859, 0.868, 0.872, 0.857, 0.865, 0.861, 0.869, 0.854, 0.866,
             0.873, 0.860]
VACANCY = [0.074, 0.071, 0.076, 0.072, 0.075, 0.07, 0.073, 0.077, 0.071, 0.074, 0.072,
           0.076, 0.073, 0.075, 0.071, 0.074, 0.072, 0.075, 0.073, 0.07, 0.051, 0.049,
           0.052, 0.05]
TRAINING = [0.80, 0.82, 0.79, 0.81, 0.80, 0.83, 0.78, 0.81, 0.80, 0.82, 0.79, 0.81, 0.80,
            0.82, 0.81, 0.79, 0.80, 0.82, 0.81, 0.80, 0.81, 0.93, 0.94, 0.95]


def measure(name, values, target, direction, *, rebase_at=None, fix_after=None, screen=None):
    rows = []
    for i, (month, value) in enumerate(zip(MONTHS, values, strict=False)):
        rows.append([name, month, value, "%", target if i == 0 else None,
                     direction if i == 0 else None, "Yes" if month == rebase_at else None,
                     "ESR" if i == 0 else None, fix_after if i == 0 else None,
                     screen if i == 0 else None])
    return rows


def workbook(path: Path, rows, header=HEADER) -> Path:
    paper_workbook(path)
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("Workforce")
    sheet.append(header)
    for values in rows:
        sheet.append(values[:len(header)])
    for cells in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cells[0].number_format = "mmm yyyy"
    book.save(path)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spc")
    rows = (measure("Appraisal rate", APPRAISAL, 0.9, "Higher is better")
            + measure("Vacancy rate", VACANCY, 0.05, "Lower is better",
                      rebase_at=date(2018, 7, 1))
            + measure("Training compliance", TRAINING, 0.9, "Higher is better")
            + measure("Sickness absence", APPRAISAL, 0.9, "Higher is better", fix_after=12,
                      screen="No"))
    path = workbook(folder / "paper.xlsx", rows)
    out = folder / "out"
    result = run_cli("build", path, "-o", out, "--html")
    assert result.exit_code == 0, result.output
    pdf = out / "test-framework-update-2018-2019.pdf"
    twin = pdf.with_suffix(".html").read_text(encoding="utf-8")
    pages = [" ".join(text.split()) for text in page_texts(pdf)]
    return pdf, pages, twin


def measure_page(pages, name):
    """The words about a measure: from its heading to its chart's caption."""
    text = " ".join(pages)
    found = re.search(re.escape(name) + r" (?:[~HFLP?] )*(?:Variation|Rebased|Run chart).*?"
                      + re.escape(name) + r"\. Monthly figures", text)
    assert found, text
    return found.group()


def chart_labels(pages) -> str:
    """Every page's text without spaces, as the charts' SVG labels come out of the PDF."""
    return "".join("".join(page.split()) for page in pages)


def alt_of(twin: str, name: str) -> str:
    alts = [html.unescape(a) for a in re.findall(r'<img [^>]*alt="([^"]*)"', twin)]
    return next(a for a in alts if a.startswith(name + ","))


def test_a_percentage_measure_has_a_percent_axis_and_true_labels(built):
    _, pages, twin = built
    assert "% of %" not in " ".join(pages)
    labels = chart_labels(pages)
    assert "%of%" not in labels
    # The mean of the 24 appraisal values is 86.37% (to two decimals), not "86%".
    assert labels.count("Mean86.37%") == 1
    assert re.search(r"Upperlimit89\.01%Mean86\.37%Lowerlimit83\.74%", labels)
    # The target reads the same in the text and on the chart.
    assert "Target: 90%." in measure_page(pages, "Appraisal rate")
    assert "Target90%Upperlimit89.01%" in labels
    assert "Target 90%: consistently failing." in alt_of(twin, "Appraisal rate")


def test_a_short_rebased_segment_gets_no_limits_and_the_rebase_is_marked(built):
    _, pages, twin = built
    page = measure_page(pages, "Vacancy rate")
    assert page.startswith("Vacancy rate Rebased Jul 2018: fewer than 15 months since, too "
                           "few for process limits")
    assert "Variation:" not in page and "Assurance:" not in page
    labels = chart_labels(pages)
    # Its chart: the caption, the rebase marked at Jul 2018, the 4 months' median, and no
    # process limits labelled (the other three charts have theirs).
    assert "RebasedJul2018:toofewpointssinceforprocesslimitsRebasedJul2018Median5.05%" \
        "Target5%" in labels
    assert labels.count("Upperlimit") == 3
    alt = alt_of(twin, "Vacancy rate")
    assert "rebased at Jul 2018; the 4 points since are too few for process limits" in alt
    assert "shown with their median, 5.05%" in alt


def test_consistently_failing_while_the_latest_points_beat_the_target_says_so(built):
    _, pages, twin = built
    page = measure_page(pages, "Training compliance")
    assert "Assurance: Consistently failing the target." in page
    assert ("But the latest 3 points meet the target: the limits were computed before the "
            "process changed; consider rebasing from the month it changed.") in page
    assert "consider rebasing" in alt_of(twin, "Training compliance")


def test_fixed_baseline_and_unscreened_ranges_are_stated(built):
    _, pages, _ = built
    page = measure_page(pages, "Sickness absence")
    assert "Limits fixed from the first 12 months." in page
    assert "Moving ranges not screened for outliers." in page
    # Same values as the appraisal rate: the limits differ (first 12 points, unscreened).
    assert "Upperlimit89.31%Mean86.36%Lowerlimit83.41%" in chart_labels(pages)


def test_fix_after_uses_the_first_points_only_and_screening_can_be_off():
    values = [10.0] * 6 + [12.0] * 6 + [30.0] * 8  # 20 points; the baseline is the first 12
    fixed = xmr(values, [f"P{i:02d}" for i in range(20)], direction=Direction.HIGHER,
                fix_after=12)
    assert fixed.points["mean"].iloc[-1] == pytest.approx(11.0)
    # 11 moving ranges in the baseline: one of 2, the rest 0. Screened (the default),
    # the 2 is above 3.267 x 2/11 and dropped, as NHSRplotthedots does; unscreened, the
    # mean moving range is 2/11.
    assert fixed.points["upper"].iloc[0] == pytest.approx(11.0)
    assert fixed.points["outside"].iloc[-8:].all()
    raw = xmr(values, [f"P{i:02d}" for i in range(20)], direction=Direction.HIGHER,
              fix_after=12, screen=False)
    assert raw.points["upper"].iloc[0] == pytest.approx(11 + 2.66 * 2 / 11)
    spiky = [10.0, 11.0] * 8 + [40.0, 10.0, 11.0, 10.0]
    periods = [f"P{i:02d}" for i in range(20)]
    screened = xmr(spiky, periods, direction=Direction.HIGHER)
    unscreened = xmr(spiky, periods, direction=Direction.HIGHER, screen=False)
    assert unscreened.points["upper"].iloc[0] > screened.points["upper"].iloc[0]
    with pytest.raises(ValueError, match="at least 12"):
        xmr(spiky, periods, direction=Direction.HIGHER, fix_after=11)


HOSTILE = {
    "fix-after-too-few": (
        measure("Appraisal rate", APPRAISAL, 0.9, "Higher is better", fix_after=10),
        "Workforce!I2: fixing the limits after 10 months is too few: Making Data Count "
        "baselines need at least 12 points (type 12 or more, or clear it)"),
    "fix-after-beyond-the-data": (
        measure("Appraisal rate", APPRAISAL[:16], 0.9, "Higher is better", fix_after=20),
        "Workforce!I2: Appraisal rate is fixed after 20 months, but has only 16 months "
        "(type a number from 12 to 16, or clear it)"),
    "fix-after-beyond-the-rebase": (
        measure("Appraisal rate", APPRAISAL, 0.9, "Higher is better", fix_after=18,
                rebase_at=date(2018, 1, 1)),
        "Workforce!I2: Appraisal rate is fixed after 18 months, but has only 14 months "
        "before its first rebase (type a number from 12 to 14, or clear it)"),
    "fix-after-not-a-number": (
        measure("Appraisal rate", APPRAISAL, 0.9, "Higher is better", fix_after="twelve"),
        'Workforce!I2: "twelve" is not a number of months (type a whole number of at least '
        "12, e.g. 12)"),
    "screen-not-yes-or-no": (
        measure("Appraisal rate", APPRAISAL, 0.9, "Higher is better", screen="Sometimes"),
        'Workforce!J2: "Sometimes" is not Yes or No (use No to keep every moving range (as '
        "the Making Data Count Excel tool does) or Yes to screen them (the default))"),
    "direction-misspelt": (
        measure("Appraisal rate", APPRAISAL, 0.9, "Higher is btter"),
        "Workforce!F2: \"Higher is btter\" is not an improvement direction (did you mean "
        "'Higher is better'? use Higher is better, Lower is better or Neutral)"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_wrong_spc_option_is_refused_naming_its_cell(case, tmp_path):
    rows, expected = HOSTILE[case]
    path = workbook(tmp_path / "bad.xlsx", rows)
    before, mtime = path.read_bytes(), os.stat(path).st_mtime_ns
    out = tmp_path / "out"
    result = run_cli("build", path, "-o", out)
    assert result.exit_code == 1, result.output
    assert expected in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert path.read_bytes() == before and os.stat(path).st_mtime_ns == mtime
