"""The command line: clean errors, exit codes, nothing written on failure."""

from __future__ import annotations

import os

from conftest import run_cli
from pdftext import all_text
from workbooks import paper_workbook

from reportgen import __version__


def test_version_and_help_with_examples():
    assert __version__ in run_cli("--version").output
    result = run_cli("build", "--help")
    assert result.exit_code == 0
    assert "reportgen build paper.xlsx" in result.output
    assert "--templates" in result.output


def test_build_prints_the_pdf_path_and_writes_html_on_request(tmp_path):
    workbook = paper_workbook(tmp_path / "paper.xlsx")
    result = run_cli("build", workbook, "-o", tmp_path / "out", "--html")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "test-framework-update-2018-2019.pdf"
    assert f"Wrote {pdf}" in result.output
    html = (tmp_path / "out" / "test-framework-update-2018-2019.html").read_text()
    assert '<html lang="en-GB">' in html
    assert "<title>Test Framework Update 2018/2019</title>" in html
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "test-framework-update-2018-2019.html", "test-framework-update-2018-2019.pdf"]


def test_input_workbook_is_never_modified(tmp_path):
    workbook = paper_workbook(tmp_path / "paper.xlsx")
    before = (workbook.read_bytes(), os.stat(workbook).st_mtime_ns)
    assert run_cli("build", workbook, "-o", tmp_path / "out").exit_code == 0
    assert (workbook.read_bytes(), os.stat(workbook).st_mtime_ns) == before


def test_all_problems_reported_at_once_with_cells_and_nothing_written(tmp_path):
    actions = [
        ["G1", "Theme 1", "An action", None, "Lead", "30/11/2018", "Amberish", None],
        ["G1", "Theme 1", "Another", None, "Lead", "30/11/2018", "On track", None],
        ["G2", "Theme 1", "Third", None, "Lead", "31/02/2019", "on track", None],
    ]
    metrics = [["Culture survey", "Oct 2018", 400, 326, "staff", None, None],
               ["Awards", "2018", -3, None, "awards", None, None]]
    workbook = paper_workbook(tmp_path / "bad.xlsx", actions=actions, metrics=metrics,
                              paper={"Title": None})
    out = tmp_path / "out"
    result = run_cli("build", workbook, "-o", out)
    assert result.exit_code == 1
    output = result.output
    assert "Traceback" not in output
    assert 'Actions!G2: "Amberish" is not a status' in output
    assert "At risk" in output  # the hint lists the statuses
    assert 'Actions!A3: action ID "G1" is used twice' not in output  # consecutive: same action
    assert 'Actions!F4: "31/02/2019" is not a real date' in output
    assert "Metrics!C2: count 400 is larger than population 326" in output
    assert "Metrics!C3: -3 is negative" in output
    assert "Paper!B6: 'Title' is required" in output
    assert not out.exists() or not any(out.iterdir())


def test_duplicate_action_ids_and_orphan_milestones(tmp_path):
    actions = [
        [None, None, None, "Orphan", "Lead", "30/11/2018", "On track", None],
        ["G1", "Theme 1", "An action", None, "Lead", "30/11/2018", "On track", None],
        ["G2", "Theme 1", "Other", None, "Lead", "30/11/2018", "On track", None],
        ["G1", "Theme 1", "Again", None, "Lead", "30/11/2018", "On track", None],
    ]
    result = run_cli("build", paper_workbook(tmp_path / "bad.xlsx", actions=actions),
                     "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "Actions!A2: this milestone has no action above it" in result.output
    assert 'Actions!A5: action ID "G1" is used twice (first at A3)' in result.output


def test_missing_sheet_column_and_unknown_metric_reference(tmp_path):
    sections = [[1, "Intro", None, None, "See [[Culture survy]]."]]
    result = run_cli("build", paper_workbook(tmp_path / "bad.xlsx", sections=sections,
                                             drop_sheets=("Assurance",)),
                     "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "Assurance: missing sheet 'Assurance'" in result.output
    assert "Sections!E2: [[Culture survy]] names no metric" in result.output
    assert "did you mean [[culture survey]]?" in result.output


def test_not_a_workbook(tmp_path):
    fake = tmp_path / "data.xlsx"
    fake.write_text("a,b,c\n1,2,3\n")
    result = run_cli("build", fake, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "data.xlsx: is not an Excel workbook (.xlsx)" in result.output
    missing = run_cli("build", tmp_path / "nope.xlsx", "-o", tmp_path / "out")
    assert "nope.xlsx: file not found" in missing.output


def test_hostile_cell_text_is_printed_literally(tmp_path):
    hostile = ('<img src="file:///etc/passwd"> <script>alert(1)</script> '
               '<link rel=stylesheet href=http://example.invalid/x.css> {{ 7*7 }} '
               '{% include "paper.css" %} [link](file:///etc/passwd)')
    workbook = paper_workbook(
        tmp_path / "hostile.xlsx",
        paper={"Title": "../../etc/passwd", "Purpose of report": hostile},
        sections=[[1, "Intro", None, None, hostile]],
    )
    result = run_cli("build", workbook, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "etc-passwd.pdf"  # the title cannot escape the folder
    text = all_text(pdf)
    flat = " ".join(text.split())
    assert '<img src="file:///etc/passwd">' in flat
    assert "<script>alert(1)</script>" in flat
    assert "{{ 7*7 }}" in flat and "49" not in flat
    assert '{% include "paper.css" %}' in flat
    assert "root:x:0:0" not in text
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["etc-passwd.pdf"]


def test_missing_column_is_reported_once_with_a_suggestion(tmp_path):
    import openpyxl

    workbook = paper_workbook(tmp_path / "paper.xlsx")
    book = openpyxl.load_workbook(workbook)
    book["Actions"]["F1"] = "Due dte"
    book.save(workbook)
    result = run_cli("build", workbook, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "Actions!1:1: missing column 'Due' (did you mean 'Due dte'?)" in result.output
    assert result.output.count("Actions!") == 1


def test_unwritable_output_is_a_clean_error(tmp_path):
    workbook = paper_workbook(tmp_path / "paper.xlsx")
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be")
    result = run_cli("build", workbook, "-o", blocker / "papers")  # a folder inside a file
    assert result.exit_code == 1
    assert "Error: could not read or write" in result.output
    assert "Traceback" not in result.output
