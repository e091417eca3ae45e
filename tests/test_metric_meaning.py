"""Metrics that mean what they say (issue 21): a Direction for "Target met?", a target
in the metric's own unit, and a Kind (rate / count / score) that decides how a figure
reads. Workbooks are written with openpyxl, built with the CLI and read back from the
PDF."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli
from pdftext import all_text
from workbooks import METRICS_HEADER, SECTIONS, paper_workbook

HEADER = [*METRICS_HEADER, "Kind", "Maximum", "Direction"]  # A..G, then H, I, J


def row(name="Harassment", count=26, population=100, unit="staff", target=0.2,
        kind=None, maximum=None, direction=None, period="Oct 2018"):
    return [name, period, count, population, unit, target, "Staff survey", kind, maximum,
            direction]


def workbook(path: Path, *rows, header=HEADER, percent_cells=(), sections=None) -> Path:
    paper_workbook(path, metrics=[], sections=sections)
    book = openpyxl.load_workbook(path)
    sheet = book["Metrics"]
    sheet.delete_rows(1, sheet.max_row)
    sheet.append(header)
    for values in rows:
        sheet.append(list(values)[:len(header)])
    for ref in percent_cells:
        sheet[ref].number_format = "0%"
    book.save(path)
    return path


def refused(path: Path, expected: str, tmp_path: Path) -> None:
    """The build fails with exactly this message, writes nothing, leaves the input be."""
    before, mtime = path.read_bytes(), os.stat(path).st_mtime_ns
    out = tmp_path / "out"
    result = run_cli("build", path, "-o", out)
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output
    assert "Traceback" not in result.output and "bug" not in result.output
    assert not out.exists()
    assert path.read_bytes() == before and os.stat(path).st_mtime_ns == mtime


HOSTILE = {
    "direction-misspelt": (
        [row(direction="Lower is btter")], (),
        "Metrics!J2: \"Lower is btter\" is not a direction (did you mean 'Lower is "
        "better'? use Higher is better or Lower is better)"),
    "direction-neutral": (
        [row(direction="Neutral")], (),
        'Metrics!J2: "Neutral" is not a direction (use Higher is better or Lower is '
        "better)"),
    "directions-differ": (
        [row(direction="Lower is better"),
         row(direction="Higher is better", period="Nov 2018")], (),
        'Metrics!J3: direction "Higher is better" differs from Metrics!J2 for Harassment '
        "(give Harassment one direction)"),
    "count-target-typed-as-percent": (
        [row(name="Incidents", count=3, population=None, unit="incidents", target="20%",
             direction="Lower is better")], (),
        'Metrics!F2: target "20%" is a percentage, but this count\'s target is a number '
        "of incidents (type the number itself, e.g. 2)"),
    "count-target-formatted-as-percent": (
        [row(name="Incidents", count=3, population=None, unit="incidents", target=0.2)],
        ("F2",),
        'Metrics!F2: target "20%" is a percentage, but this count\'s target is a number '
        "of incidents (type the number itself, e.g. 2)"),
    "score-without-maximum": (
        [row(name="Competency", count=1, population=None, unit="level", target=3,
             kind="Score")], (),
        'Metrics!I2: Competency is a score, which needs its maximum ("level 1 of 4": 4) '
        "(type the highest score)"),
    "score-target-as-percent": (
        [row(name="Competency", count=1, population=None, unit="level", target="75%",
             kind="Score", maximum=4)], (),
        'Metrics!F2: target "75%" is a percentage, but this score\'s target is a level '
        "out of 4 (type the level itself, e.g. 3)"),
    "score-above-maximum": (
        [row(name="Competency", count=5, population=None, unit="level", target=3,
             kind="Score", maximum=4)], (),
        "Metrics!C2: score 5 is larger than its maximum 4 (check both figures)"),
    "score-target-above-maximum": (
        [row(name="Competency", count=1, population=None, unit="level", target=5,
             kind="Score", maximum=4)], (),
        "Metrics!F2: target 5 is above the maximum score 4 (check both figures)"),
    "kind-misspelt": (
        [row(kind="Scor")], (),
        "Metrics!H2: \"Scor\" is not a kind (did you mean 'Score'? use Rate, Count or "
        "Score)"),
    "rate-without-population": (
        [row(population=None, kind="Rate")], (),
        "Metrics!D2: Harassment is a rate, which needs its Population (out of how many) "
        "(fill in the Population, or set Kind to Count)"),
    "count-with-population": (
        [row(kind="Count", target=20)], (),
        "Metrics!D2: Harassment is a count, which has no Population (clear the "
        "Population, or set Kind to Rate)"),
    "maximum-on-a-rate": (
        [row(maximum=4)], (),
        "Metrics!I2: Harassment is a rate, so it has no Maximum (clear the Maximum, or "
        "set Kind to Score)"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_metric_that_cannot_mean_what_it_says_is_refused_naming_the_cell(case, tmp_path):
    rows, percent_cells, expected = HOSTILE[case]
    path = workbook(tmp_path / "bad.xlsx", *rows, percent_cells=percent_cells)
    refused(path, expected, tmp_path)


def test_a_score_without_a_maximum_column_names_its_kind_cell(tmp_path):
    header = [*METRICS_HEADER, "Kind"]
    path = workbook(tmp_path / "bad.xlsx",
                    row(name="Competency", count=1, population=None, unit="level",
                        target=3, kind="Score"), header=header)
    refused(path, 'Metrics!H2: Competency is a score, which needs its maximum ("level 1 of '
            "4\": 4) (type the maximum in a column headed 'Maximum')", tmp_path)


def test_direction_kind_and_unit_reach_the_paper(tmp_path):
    sections = [list(r) for r in SECTIONS]
    sections[3][4] = ("Highlights:\n- [[Harassment]] reported harassment\n"
                      "- Competency stands at [[Competency]]\n- [[Incidents]] recorded")
    path = workbook(
        tmp_path / "paper.xlsx",
        # 26% against at most 20% is not met, though 26 >= 20.
        row(direction="Lower is better"),
        # A count with a count target, lower is better: 3 against at most 2.
        row(name="Incidents", count=3, population=None, unit="incidents", target=2,
            direction="Lower is better"),
        # A score out of 4 against a level-3 target.
        row(name="Competency", count=1, population=None, unit="level", target=3,
            kind="score", maximum=4),
        # 39.6% against 40%: not met, so not printed as "40%".
        row(name="Response", count=396, population=1000, target=0.4),
        # The default reads higher as better, and says so: "at least 30%".
        row(name="Awareness", count=31, population=100, target=0.3),
        sections=sections)
    out = tmp_path / "out"
    result = run_cli("build", path, "-o", out)
    assert result.exit_code == 0, result.output
    text = " ".join(all_text(out / "test-framework-update-2018-2019.pdf").split())
    assert "26 (26% of staff) reported harassment" in text
    assert "Competency stands at level 1 of 4" in text
    assert "3 incidents recorded" in text
    assert "25%" not in text  # never "1 (25% of level)"
    rows = {
        "Harassment": "Harassment Oct 2018 26 100 staff 26% at most 20% Not met",
        "Incidents": "Incidents Oct 2018 3 incidents – – at most 2 Not met",
        "Competency": "Competency Oct 2018 level 1 4 – at least 3 Not met",
        "Response": "Response Oct 2018 396 1,000 staff 39.6% at least 40% Not met",
        "Awareness": "Awareness Oct 2018 31 100 staff 31% at least 30% Met",
    }
    for name, expected in rows.items():
        assert expected in text, (name, text[text.find(name + " Oct"):][:120])
    assert "Count or score" in text


def test_the_table_note_explains_only_what_the_table_holds():
    # A long note did not fit under the example's table and sat alone on a page.
    import pandas as pd

    from reportgen.analysis.figures import metrics_note

    plain = pd.DataFrame({"rate_text": ["34%", None], "direction": ["higher", "higher"]})
    assert metrics_note(plain) == ("Rates are computed from the count and population, "
                                   "rounded to the nearest whole percent; changes are "
                                   "against the metric's previous period.")
    both = pd.DataFrame({"rate_text": ["39.6%"], "direction": ["lower"]})
    note = metrics_note(both)
    assert "(to one decimal where that decides whether the target is met)" in note
    assert "at most the target where lower is better" in note
