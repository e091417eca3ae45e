"""Workbooks made the way Excel users make them (issue 20): merged cells, blank
continuation cells, line breaks in cells, the headings and status words people use,
percentages typed as counts, dates without years. Every cell typed either reaches the
paper as meant or is named in a message; each workbook is a real .xlsx built here."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from conftest import run_cli
from pdftext import all_text
from workbooks import ACTIONS_HEADER, METRICS, METRICS_HEADER, SECTIONS, paper_workbook

from reportgen.workbook.validate import check_workbook

PDF = "test-framework-update-2018-2019.pdf"


def edit(path: Path, change) -> Path:
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


def build(path: Path, out: Path, *extra: str):
    result = run_cli("build", path, "-o", out, *extra)
    assert "Traceback" not in result.output
    return result


def refused(path: Path, out: Path, expected: str) -> str:
    """Build ``path``: it must fail naming ``expected``, write nothing, leave it as it was."""
    before = path.read_bytes()
    result = build(path, out)
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output
    assert not out.exists()
    assert path.read_bytes() == before
    checked = run_cli("validate", path, "--format", "json")
    assert checked.exit_code == 1, checked.output
    said = [f"{p['sheet']}!{p['cell']}: {p['message']}" + (f" ({p['hint']})" if p["hint"] else "")
            for p in json.loads(checked.output)["problems"]]
    assert any(expected in line for line in said), said
    return result.output


def tracker_rows(pdf: Path) -> list[list[str]]:
    """Every row of every action-tracker table (7 columns), cells as printed."""
    rows = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            for table in page.extract_tables():
                rows += [[cell or "" for cell in row] for row in table if len(row) == 7]
    return rows


# -- merged cells and blank continuation cells ------------------------------------------


def merged_tracker(path: Path) -> Path:
    """G1 has three milestones: Theme, Action and Lead typed once and merged down, as
    real trackers are laid out."""
    actions = [
        ["G1", "Theme 1: Governance", "Introduce Employee Self Service", "All staff access",
         "Head of HR", date(2018, 11, 30), "On track", "Launch planned."],
        [None, None, None, "Managers access", None, date(2019, 1, 31), "At risk", "ESR."],
        [None, None, None, "Old forms retired", None, date(2019, 3, 31), "Not started", None],
        ["V1", "Theme 2: Values", "Staff survey", None, "Head of OD", date(2018, 12, 1),
         "Off track", "Response rate low."],
    ]
    paper_workbook(path, actions=actions)

    def merge(book):
        for cells in ("B2:B4", "C2:C4", "E2:E4"):
            book["Actions"].merge_cells(cells)
    return edit(path, merge)


def test_merged_cells_are_read_as_their_value_on_every_row(tmp_path):
    path = merged_tracker(tmp_path / "merged.xlsx")
    report, problems = check_workbook(path)
    assert [p for p in problems if p.severity == "error"] == []
    g1 = report.actions[0]
    assert (g1.theme, g1.title) == ("Theme 1: Governance", "Introduce Employee Self Service")
    assert [m.lead for m in g1.milestones] == ["Head of HR"] * 3
    result = build(path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    rows = [row for row in tracker_rows(tmp_path / "out" / PDF) if row[2]]
    leads = {row[2]: row[3] for row in rows}
    assert leads["Managers access"] == "Head of HR"
    assert leads["Old forms retired"] == "Head of HR"


def test_blank_theme_action_and_lead_carry_on_from_the_row_above(tmp_path):
    actions = [
        ["G1", "Governance", "Introduce ESS", "All staff", "Head of HR", date(2019, 1, 1),
         "On track", None],
        [None, None, None, "Managers", None, date(2019, 2, 1), "On track", None],
        [None, None, None, "Retire forms", "Head of IT", date(2019, 3, 1), "On track", None],
        [None, None, None, "Review", None, date(2019, 4, 1), "On track", None],
    ]
    report, problems = check_workbook(paper_workbook(tmp_path / "w.xlsx", actions=actions))
    assert [p for p in problems if p.severity == "error"] == []
    assert [m.lead for m in report.actions[0].milestones] == [
        "Head of HR", "Head of HR", "Head of IT", "Head of IT"]


def test_a_continuation_row_with_other_action_text_is_refused_not_dropped(tmp_path):
    actions = [
        ["G1", "Governance", "Introduce ESS", "All staff", "Head of HR", date(2019, 1, 1),
         "On track", None],
        [None, None, "Retire paper timesheets", None, "Head of HR", date(2019, 2, 1),
         "On track", None],
    ]
    path = paper_workbook(tmp_path / "w.xlsx", actions=actions)
    refused(path, tmp_path / "out",
            'Actions!C3: action "Retire paper timesheets" differs from action G1\'s '
            '"Introduce ESS" (C2), on a row that continues G1 (give it its own ID in A3 to '
            "make it a new action, or clear C3 to make the row a milestone of G1)")


def test_the_same_id_with_another_action_on_the_next_row_is_refused(tmp_path):
    actions = [
        ["G1", "Governance", "Introduce ESS", None, "Head of HR", date(2019, 1, 1),
         "On track", None],
        ["G1", "Governance", "Disband the quality group", None, "Head of HR",
         date(2019, 2, 1), "On track", None],
    ]
    path = paper_workbook(tmp_path / "w.xlsx", actions=actions)
    refused(path, tmp_path / "out", 'Actions!C3: action "Disband the quality group" '
                                    'differs from action G1\'s "Introduce ESS" (C2)')


def test_duplicate_action_ids_name_both_cells(tmp_path):
    actions = [
        ["G1", "Governance", "Introduce ESS", None, "Lead", date(2019, 1, 1), "On track", None],
        ["G2", "Governance", "Other", None, "Lead", date(2019, 1, 1), "On track", None],
        ["G1", "Governance", "Something else", None, "Lead", date(2019, 1, 1), "On track", None],
    ]
    path = paper_workbook(tmp_path / "w.xlsx", actions=actions)
    refused(path, tmp_path / "out", 'Actions!A4: action ID "G1" is used twice (first at A2)')


def test_a_merge_across_columns_is_refused(tmp_path):
    path = edit(paper_workbook(tmp_path / "w.xlsx"),
                lambda book: book["Actions"].merge_cells("C2:D2"))
    refused(path, tmp_path / "out", "Actions!C2:D2: merged cells across columns "
                                    "(unmerge them and fill in each cell)")


# -- line breaks inside a cell --------------------------------------------------------


def test_line_breaks_in_a_cell_stay_line_breaks(tmp_path):
    actions = [["G1", "Governance", "Estates review", "Survey\nReport", "Director of "
                "Finance\nHead of Estates", date(2019, 1, 1), "On track", "Started.\nOn plan."]]
    path = paper_workbook(tmp_path / "w.xlsx", actions=actions)
    result = build(path, tmp_path / "out", "--html")
    assert result.exit_code == 0, result.output
    lines = all_text(tmp_path / "out" / PDF).splitlines()
    assert any(line.strip().endswith("Director of") or "Director of Finance" in line
               for line in lines)
    rows = tracker_rows(tmp_path / "out" / PDF)
    row = next(r for r in rows if r[0] == "G1")
    assert row[3].splitlines() == ["Director of Finance", "Head of Estates"]
    assert row[2].splitlines() == ["Survey", "Report"]
    twin = (tmp_path / "out" / PDF.replace(".pdf", ".html")).read_text(encoding="utf-8")
    assert "Director of Finance<br>Head of Estates" in twin


# -- headings and sheet names as people write them ------------------------------------


def test_the_headings_people_use_are_read(tmp_path):
    path = paper_workbook(tmp_path / "w.xlsx")

    def headings(book):
        for cell, text in zip(book["Actions"][1], ["Ref", "Workstream", "Priority action",
                                                   "Milestones", "Responsible officer",
                                                   "Target date", "RAG status", "Comments"],
                              strict=True):
            cell.value = text
    edit(path, headings)
    report, problems = check_workbook(path)
    assert [str(p) for p in problems] == []
    assert report.actions[0].milestones[0].description == "All staff access ESS"
    assert report.actions[0].milestones[0].note == "Launch planned."


def test_a_misspelt_optional_column_is_an_error_not_a_vanished_column(tmp_path):
    path = edit(paper_workbook(tmp_path / "w.xlsx"),
                lambda book: setattr(book["Actions"]["D1"], "value", "Milstone"))
    output = refused(path, tmp_path / "out",
                     "Actions!1:1: missing column 'Milestone' (did you mean 'Milstone'?)")
    assert "'Milstone' is not used" not in output


def test_a_renamed_actions_sheet_is_a_did_you_mean_warning_and_strict_fails(tmp_path):
    path = edit(paper_workbook(tmp_path / "w.xlsx"),
                lambda book: setattr(book["Actions"], "title", "Action plan"))
    result = run_cli("validate", path, "--format", "json")
    assert result.exit_code == 0, result.output
    expected = ("sheet 'Action plan' is not read, and there is no 'Actions' sheet "
                "(did you mean 'Actions'? rename the sheet to 'Actions')")
    said = [f"{p['message']} ({p['hint']})" for p in json.loads(result.output)["problems"]]
    assert said == [expected]
    assert run_cli("validate", path, "--strict").exit_code == 1
    built = build(path, tmp_path / "out")
    assert f"Warning: Action plan: {expected}" in built.output


def test_an_unknown_sheet_is_named(tmp_path):
    path = edit(paper_workbook(tmp_path / "w.xlsx"), lambda book: book.create_sheet("Notes"))
    result = run_cli("validate", path, "--format", "json")
    found = json.loads(result.output)["problems"]
    assert any(p["sheet"] == "Notes" and "not used by reportgen" in p["message"]
               for p in found), found


# -- statuses ------------------------------------------------------------------------


def test_brag_words_are_documented_synonyms_printed_as_the_status(tmp_path):
    words = ["Green", "Completed", "On-track", "Amber", "Red", "Grey", "blue"]
    actions = [[f"A{i}", "Theme", f"Action {i}", None, "Lead", date(2019, 1, 1), word, None]
               for i, word in enumerate(words, 1)]
    path = paper_workbook(tmp_path / "w.xlsx", actions=actions)
    result = build(path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    printed = {row[0]: row[5] for row in tracker_rows(tmp_path / "out" / PDF)
               if row[0] in {f"A{i}" for i in range(1, 8)}}
    assert printed == {"A1": "On track", "A2": "Complete", "A3": "On track",
                       "A4": "At risk", "A5": "Off track", "A6": "Not started",
                       "A7": "Complete"}


def test_an_unknown_status_suggests_over_both_lists(tmp_path):
    actions = [["G1", "Theme", "Action", None, "Lead", date(2019, 1, 1), "Ambre", None]]
    path = paper_workbook(tmp_path / "w.xlsx", actions=actions)
    refused(path, tmp_path / "out", "Actions!G2: \"Ambre\" is not a status (did you mean "
                                    "'Amber' (At risk)? use one of Complete")


def test_a_refused_status_is_not_then_called_not_started(tmp_path):
    actions = [["G1", "Theme", "Action", None, "Lead", date(2018, 1, 1), "Amberish", None]]
    path = paper_workbook(tmp_path / "w.xlsx", actions=actions)
    output = refused(path, tmp_path / "out", 'Actions!G2: "Amberish" is not a status')
    assert "Not started" not in output.split("(did you mean", 1)[0].replace(
        "use one of", "")
    assert "before the meeting" not in output


# -- numbers that are not what they look like ------------------------------------------


def test_a_count_formatted_as_a_percentage_is_refused(tmp_path):
    path = paper_workbook(tmp_path / "w.xlsx")

    def percent(book):
        cell = book["Metrics"]["C2"]
        cell.value, cell.number_format = 0.34, "0%"
    edit(path, percent)
    refused(path, tmp_path / "out", "Metrics!C2: 34% is a percentage, but 'Count' is how many "
                                    "(type the number itself")


def test_a_count_typed_as_percent_text_is_refused(tmp_path):
    metrics = [["Culture survey", "Oct 2018", "48%", 326, "staff", 0.4, "Survey"]]
    path = paper_workbook(tmp_path / "w.xlsx", metrics=metrics)
    refused(path, tmp_path / "out", "Metrics!C2: 48% is a percentage, but 'Count' is how many")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", 1e308, "1e400"])
def test_numbers_a_paper_cannot_print_are_refused(tmp_path, value):
    metrics = [["Culture survey", "Oct 2018", value, 326, "staff", 0.4, "Survey"], METRICS[1]]
    path = paper_workbook(tmp_path / "w.xlsx", metrics=metrics)
    refused(path, tmp_path / "out", "Metrics!C2: ")
    output = run_cli("validate", path).output
    assert "is not a number a paper can print" in output or "is larger than" in output, output


# -- dates and timescales ---------------------------------------------------------------


def dues(*values) -> list[list]:
    return [[f"A{i}", "Theme", f"Action {i}", None, "Lead", value, "On track", None]
            for i, value in enumerate(values, 1)]


def test_a_due_that_looks_like_a_date_but_is_not_is_a_warning(tmp_path):
    path = paper_workbook(tmp_path / "w.xlsx",
                          actions=dues("31st March", "end of March", "TBC", "Ongoing",
                                       "6 months – 3 years", date(2019, 1, 1)))
    result = run_cli("validate", path, "--format", "json")
    assert result.exit_code == 0, result.output
    warned = {p["cell"]: p["message"] for p in json.loads(result.output)["problems"]}
    assert set(warned) == {"F2", "F3"}, warned
    assert warned["F2"] == ('"31st March" looks like a date but has no year, or is not one; '
                            "it is printed as typed and left out of the overdue checks")


def test_a_blank_due_is_a_warning_and_prints_a_dash(tmp_path):
    path = paper_workbook(tmp_path / "w.xlsx", actions=dues(None))
    result = build(path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "Warning: Actions!F2: due date is empty" in result.output
    row = next(r for r in tracker_rows(tmp_path / "out" / PDF) if r[0] == "A1")
    assert row[4] == "–"


# -- numbered lists in a paragraph ------------------------------------------------------


def test_numbered_lists_keep_their_numbers(tmp_path):
    sections = [*SECTIONS[:1], [None, None, None, None,
                                "The plan has steps:\n\n5. Agree the scope\n6. Consult staff"]]
    path = paper_workbook(tmp_path / "w.xlsx", sections=sections)
    result = build(path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = all_text(tmp_path / "out" / PDF)
    assert "5. Agree the scope" in text and "6. Consult staff" in text, text
    assert "1. Agree the scope" not in text


# -- messages -------------------------------------------------------------------------


def test_every_problem_is_reported_once_in_sheet_and_row_order(tmp_path):
    actions = [["G1", "Theme", "Action", None, "Lead", "31/02/2019", "Amberish", None],
               ["G2", "Theme", "Other", None, None, date(2019, 1, 1), "On track", None]]
    metrics = [["Culture survey", "Oct 2018", "lots", 326, "staff", 0.4, "Survey"], METRICS[1]]
    path = paper_workbook(tmp_path / "w.xlsx", paper={"Title": None}, actions=actions,
                          metrics=metrics)
    result = run_cli("validate", path, "--format", "json")
    places = [(p["sheet"], p["cell"]) for p in json.loads(result.output)["problems"]
              if p["severity"] == "error"]
    assert places == [("Paper", "B6"), ("Actions", "F2"), ("Actions", "G2"),
                      ("Actions", "E3"), ("Metrics", "C2")], places
    assert len(set(places)) == len(places)


def test_the_starter_workbook_documents_the_rules(tmp_path):
    path = tmp_path / "starter.xlsx"
    assert run_cli("init", path).exit_code == 0
    book = openpyxl.load_workbook(path)
    text = " ".join(str(c.value) for row in book["Instructions"].iter_rows() for c in row
                    if c.value)
    for rule in ("merged", "carries on", "Alt+Enter", "Green", "percentage"):
        assert rule in text, rule
    assert ACTIONS_HEADER[0] == "ID" and METRICS_HEADER[2] == "Count"
