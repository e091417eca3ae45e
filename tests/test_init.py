"""`reportgen init`: a starter workbook that, filled in, builds cleanly."""

from __future__ import annotations

from datetime import date

import openpyxl
from conftest import run_cli
from pdftext import all_text

from reportgen.workbook.schema import TABLE_SHEETS, Status


def test_starter_has_every_sheet_header_dropdowns_and_instructions(tmp_path):
    path = tmp_path / "starter.xlsx"
    result = run_cli("init", path)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Instructions", "Paper", *[s.name for s in TABLE_SHEETS],
                              "Table Competency scores"]
    for spec in TABLE_SHEETS:
        sheet = book[spec.name]
        assert [c.value for c in sheet[1]] == [c.name for c in spec.columns]
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["A"].width > 5
    lists = {
        (name, v.formula1)
        for name in ("Actions", "Assurance", "Paper")
        for v in book[name].data_validations.dataValidation if v.type == "list"
    }
    statuses = '"' + ",".join(s.value for s in Status) + '"'
    assert ("Actions", statuses) in lists
    assert ("Assurance", '"Yes,No"') in lists
    assert ("Assurance", '"Yes – detail in report,No"') in lists
    assert ("Paper", '"Approve,Discuss,Note,Assurance,Information"') in lists
    instructions = " ".join(str(c.value) for row in book["Instructions"].iter_rows()
                            for c in row if c.value)
    assert "Progress note" in instructions and "reportgen build" in instructions


def test_init_refuses_to_overwrite_without_force(tmp_path):
    path = tmp_path / "starter.xlsx"
    path.write_bytes(b"precious")
    result = run_cli("init", path)
    assert result.exit_code == 1
    assert "already exists; use --force" in result.output
    assert path.read_bytes() == b"precious"
    assert run_cli("init", path, "--force").exit_code == 0
    assert path.read_bytes() != b"precious"


def test_filled_in_starter_builds(tmp_path):
    path = tmp_path / "mine.xlsx"
    run_cli("init", path)
    book = openpyxl.load_workbook(path)
    paper = book["Paper"]
    for row in paper.iter_rows(min_row=2):
        if row[0].value == "Title":
            row[1].value = "Our People Plan Update"
        if row[0].value == "Meeting date":
            row[1].value = date(2026, 3, 12)
    actions = book["Actions"]
    actions.append(["A2", "Theme 2: Wellbeing", "Open a wellbeing hub", None, "Head of HR",
                    "30/06/2026", "At risk", "Premises not yet found."])
    book["Sections"].append([None, None, None, None, "A further paragraph."])
    book.save(path)
    assert run_cli("validate", path, "--strict").exit_code == 0
    result = run_cli("build", path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = all_text(tmp_path / "out" / "our-people-plan-update.pdf")
    assert "Our People Plan Update" in text and "12 March 2026" in text
    assert "Open a wellbeing hub" in text and "At risk" in text
    assert "180 (45% of staff) completed the staff survey" in " ".join(text.split())


def test_debug_shows_the_traceback(tmp_path):
    from click.testing import CliRunner

    from reportgen.cli import cli
    from reportgen.errors import InputError

    result = CliRunner().invoke(cli, ["--debug", "build", str(tmp_path / "none.xlsx")])
    assert isinstance(result.exception, InputError)
