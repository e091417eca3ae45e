"""A corpus of bad workbooks, each made here, each with its own specific message.

For every case: `build` exits 1 with the message naming the file or the sheet and
cell, prints no traceback, writes nothing, and leaves the input untouched; `validate`
reports the same message.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli
from workbooks import ACTIONS, paper_workbook

import reportgen.workbook.reader


def edit(path: Path, change: Callable) -> Path:
    """Save ``path`` again after ``change(book)`` (openpyxl keeps no cached values)."""
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


def with_actions(*rows):
    return lambda p: paper_workbook(p, actions=[list(r) for r in rows])


def action(status="On track", due=date(2019, 1, 31), action_id="G1", lead="Head of HR"):
    return [action_id, "Theme 1", "An action", None, lead, due, status, None]


def with_metrics(*rows):
    return lambda p: paper_workbook(p, metrics=[list(r) for r in rows])


def metric(count=111, population=326, target=0.4, name="Culture survey"):
    return [name, "Oct 2018", count, population, "staff", target, None]


def with_paper(**fields):
    return lambda p: paper_workbook(p, paper={k.replace("_", " "): v for k, v in fields.items()})


def set_cell(sheet: str, ref: str, value) -> Callable:
    def make(path):
        paper_workbook(path)
        return edit(path, lambda book: book[sheet].__setitem__(ref, value))
    return make


def write_bytes(data: bytes) -> Callable:
    def make(path):
        path.write_bytes(data)
        return path
    return make


def truncated(path):
    paper_workbook(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def encrypted(path):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = paper_workbook(path.with_name("plain.xlsx"))
    with plain.open("rb") as source, path.open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    return path


def old_xls(path):
    import xlwt

    book = xlwt.Workbook()
    book.add_sheet("Paper").write(0, 0, "Field")
    book.save(str(path))
    return path


def plain_zip(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return path


def ods(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return path


def folder(path):
    path.mkdir()
    return path


def drop(sheet):
    return lambda p: paper_workbook(p, drop_sheets=(sheet,))


def rename_sheet(old, new):
    def make(path):
        paper_workbook(path)
        return edit(path, lambda book: setattr(book[old], "title", new))
    return make


def merged(sheet, cells):
    def make(path):
        paper_workbook(path)
        return edit(path, lambda book: book[sheet].merge_cells(cells))
    return make


def garbage_header(path):
    paper_workbook(path)

    def change(book):
        sheet = book["Metrics"]
        for row in sheet.iter_rows():
            for cell in row:
                cell.value = None
        sheet["A1"] = "nothing here"
    return edit(path, change)


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    # -- not a workbook ----------------------------------------------------------
    "csv-renamed": (write_bytes(b"Field,Value\nTitle,x\n"),
                    "bad.xlsx: is not an Excel workbook (.xlsx): it is a text or CSV file"),
    "binary-junk": (write_bytes(bytes(range(256)) * 4), "it is not a spreadsheet"),
    "truncated-zip": (truncated, "bad.xlsx: is damaged or incomplete"),
    "corrupt-zip": (write_bytes(b"PK\x03\x04" + b"\x00" * 200), "is damaged or incomplete"),
    "password-protected": (encrypted, "bad.xlsx: is password-protected"),
    "old-xls": (old_xls, "bad.xlsx: is an old Excel 97-2003 (.xls) file"),
    "empty-file": (write_bytes(b""), "bad.xlsx: is empty (0 bytes)"),
    "directory": (folder, "bad.xlsx: is a folder, not a workbook"),
    "plain-zip": (plain_zip, "is a zip file but not an Excel workbook"),
    "ods": (ods, "is an OpenDocument spreadsheet (.ods)"),
    # -- structure ---------------------------------------------------------------
    "missing-paper-sheet": (drop("Paper"), "Paper: missing sheet 'Paper'"),
    "missing-sections-sheet": (drop("Sections"), "Sections: missing sheet 'Sections'"),
    "misnamed-sheet": (rename_sheet("Assurance", "Assurnce"),
                       "missing sheet 'Assurance' (did you mean 'Assurnce'?)"),
    "misnamed-column": (set_cell("Actions", "F1", "Due dte"),
                        "Actions!1:1: missing column 'Due' (did you mean 'Due dte'?)"),
    "missing-column": (set_cell("Metrics", "C1", None),
                       "Metrics!1:1: missing column 'Count' (add a column headed 'Count')"),
    "no-header-row": (garbage_header, "Metrics!A1: no header row found"),
    # A merge down one column is read as its value on every row (test_real_sheets.py);
    # one across columns cannot say which column it belongs to.
    "merged-table-cells": (merged("Actions", "B2:C2"),
                           "Actions!B2:C2: merged cells across columns"),
    "merged-paper-cells": (merged("Paper", "B2:B3"), "Paper!B2:B3: merged cells in a table"),
    # -- values --------------------------------------------------------------------
    "formula-without-value": (set_cell("Metrics", "C2", "=100+11"),
                              "Metrics!C2: formula has no calculated value"),
    "ref-error": (set_cell("Actions", "E2", "#REF!"), "Actions!E2: Excel error #REF!"),
    "na-error": (set_cell("Metrics", "D2", "#N/A"), "Metrics!D2: Excel error #N/A"),
    "div0-error": (set_cell("Metrics", "C2", "#DIV/0!"), "Metrics!C2: Excel error #DIV/0!"),
    "impossible-date": (with_actions(action(due="31/02/2019")),
                        'Actions!F2: "31/02/2019" is not a real date'),
    "us-date": (with_actions(action(due="11/14/2018")),
                'Actions!F2: "11/14/2018" looks like a US date'),
    "us-meeting-date": (with_paper(Meeting_date="11/14/2018"),
                        'Paper!B4: "11/14/2018" looks like a US date'),
    "meeting-date-words": (with_paper(Meeting_date="next Tuesday"),
                           'Paper!B4: "next Tuesday" is not a date'),
    "meeting-date-month-only": (with_paper(Meeting_date="November 2018"),
                                "Paper!B4: \"November 2018\" is not a date (give the full date"),
    "number-as-due-date": (with_actions(action(due=43418)),
                           "Actions!F2: 43418 is a number, not a date"),
    "unknown-status": (with_actions(action(status="Amberish")),
                       'Actions!G2: "Amberish" is not a status'),
    "status-typo": (with_actions(action(status="On trak")), "did you mean 'On track'?"),
    "empty-status": (with_actions(action(status=None)), "Actions!G2: status is empty"),
    "empty-lead": (with_actions(action(lead=None)), "Actions!E2: 'Lead' is empty"),
    "duplicate-action-id": (with_actions(action(), action(action_id="G2"), action()),
                            'Actions!A4: action ID "G1" is used twice (first at A2)'),
    "milestone-without-action": (
        with_actions([None, None, None, "Orphan", "Lead", date(2019, 1, 1), "On track", None]),
        "Actions!A2: this milestone has no action above it"),
    "numerator-over-denominator": (with_metrics(metric(count=400)),
                                   "Metrics!C2: count 400 is larger than population 326"),
    "negative-count": (with_metrics(metric(count=-5)), "Metrics!C2: -5 is negative"),
    "count-not-a-number": (with_metrics(metric(count="lots")),
                           'Metrics!C2: "lots" is not a number'),
    "zero-population": (with_metrics(metric(population=0)),
                        "Metrics!D2: population must be more than 0"),
    "bad-target": (with_metrics(metric(target="high")), 'Metrics!F2: "high" is not a target'),
    "target-over-100": (with_metrics(metric(target=150)),
                        'Metrics!F2: "150" is not between 0% and 100%'),
    "blank-title": (with_paper(Title=None), "Paper!B6: 'Title' is required (fill in its value)"),
    "missing-initials-row": (with_paper(Author_initials=...),
                             "Paper!A:B: 'Author initials' is required (add a row"),
    "bad-purpose-category": (with_paper(Purpose_category="Rubber-stamp"),
                             '"Rubber-stamp" is not a purpose category'),
    "considered-maybe": (lambda p: paper_workbook(p, assurance=[["Budget", "Maybe", "No"]]),
                         'Assurance!B2: "Maybe" is not Yes or No'),
    "no-assurance-matters": (lambda p: paper_workbook(p, assurance=[]),
                             "Assurance!A2: no matters listed"),
    "sections-out-of-order": (
        lambda p: paper_workbook(p, sections=[[1, "A", None, None, "x"],
                                              [3, "B", None, None, "y"]]),
        "Sections!A3: section 3 follows section 1"),
    "heading-without-number": (
        lambda p: paper_workbook(p, sections=[[1, "A", None, None, "x"],
                                              [None, "B", None, None, "y"]]),
        'Sections!A3: heading "B" has no section number'),
    "empty-paragraph": (
        lambda p: paper_workbook(p, sections=[[1, "A", None, None, None]]),
        "Sections!E2: the paragraph is empty"),
    "unknown-metric-reference": (
        lambda p: paper_workbook(p, sections=[[1, "A", None, None, "[[Culture survy]] did"]]),
        "Sections!E2: [[Culture survy]] names no metric on the Metrics sheet "
        "(did you mean [[culture survey]]?)"),
    "missing-appendix-file": (lambda p: paper_workbook(p, appendices=[[1, "X", "gone.pdf"]]),
                              'Appendices!C2: file "gone.pdf" not found'),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_workbook_is_reported_precisely(case, tmp_path):
    make, expected = CASES[case]
    path = make(tmp_path / "bad.xlsx")
    before = path.read_bytes() if path.is_file() else None
    mtime = os.stat(path).st_mtime_ns
    out = tmp_path / "out"
    result = run_cli("build", path, "-o", out)
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    if before is not None:
        assert path.read_bytes() == before
    assert os.stat(path).st_mtime_ns == mtime
    checked = run_cli("validate", path, "--format", "json")
    assert checked.exit_code == 1
    flat = " ".join(checked.output.split())
    assert expected.split(": ", 1)[-1].split(" (")[0].replace('"', '\\"') in flat


def test_corpus_is_large_enough():
    assert len(CASES) >= 40


def test_zip_bomb_is_refused_without_unpacking(tmp_path, monkeypatch):
    # The real limit is 300 MB; a 3 MB entry against a 1 MB limit exercises the same check.
    monkeypatch.setattr(reportgen.workbook.reader, "MAX_UNCOMPRESSED_BYTES", 2**20)
    path = paper_workbook(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * 3 * 2**20)
    assert path.stat().st_size < 2**20 // 4
    result = run_cli("validate", path)
    assert result.exit_code == 1
    assert "would unpack to 3 MB, over the 1 MB limit" in result.output


WARNING_CASES = {
    # Real plans have milestones without a due date: printed as "–", named in a warning.
    "empty-due": (with_actions(action(due=None)), "Actions!F2: due date is empty"),
    "extra-column": (set_cell("Actions", "J1", "Comments"),
                     "Actions!J1: column 'Comments' is not used by reportgen; it is ignored"),
    "hidden-sheet": (lambda p: edit(paper_workbook(p),
                                    lambda b: setattr(b["Metrics"], "sheet_state", "hidden")),
                     "Metrics: this sheet is hidden; it is still used"),
    "blank-rows": (lambda p: paper_workbook(p, actions=[ACTIONS[2], [None] * 8, [None] * 8,
                                                        ACTIONS[4]]),
                   "Actions!A3: blank rows 3, 4 skipped"),
    "overdue-not-started": (with_actions(action(status="Not started", due=date(2018, 10, 1))),
                            'Actions!F2: due 01/10/2018, before the meeting, but "Not started"'),
    "paper-field-like-a-built-in": (
        lambda p: edit(paper_workbook(p), lambda b: b["Paper"].append(["Authors", "blue"])),
        'Paper!A19: "Authors" is not a built-in Paper field; it is printed on the cover as a '
        "field of its own (did you mean 'Author'?)"),
}


@pytest.mark.parametrize("case", sorted(WARNING_CASES))
def test_warnings_do_not_stop_the_build_but_strict_fails(case, tmp_path):
    make, expected = WARNING_CASES[case]
    path = make(tmp_path / "warn.xlsx")
    result = run_cli("validate", path)
    assert result.exit_code == 0, result.output
    assert "warning" in result.output and expected.split(": ", 1)[-1][:40] in result.output
    assert run_cli("validate", path, "--strict").exit_code == 1
    built = run_cli("build", path, "-o", tmp_path / "out")
    assert built.exit_code == 0, built.output
    assert f"Warning: {expected}" in built.output


def test_header_row_below_title_rows_is_found(tmp_path):
    def change(book):
        book["Actions"].insert_rows(1, 2)
        book["Actions"]["A1"] = "Action tracker (as at November 2018)"
    path = edit(paper_workbook(tmp_path / "p.xlsx"), change)
    result = run_cli("validate", path)
    assert result.exit_code == 0, result.output
    bad = edit(path, lambda b: b["Actions"].__setitem__("G4", "Amberish"))
    assert 'Actions!G4: "Amberish" is not a status' in run_cli("build", bad, "-o",
                                                               tmp_path / "out").output


def test_spaces_are_trimmed_and_text_dates_accepted(tmp_path):
    path = paper_workbook(tmp_path / "p.xlsx", paper={"Title": "  Spaced title  ",
                                                      "Meeting date": "14 Nov 2018"},
                          actions=[action(status="  on TRACK ", due="November 2018")])
    result = run_cli("build", path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "spaced-title.pdf").exists()


def test_many_problems_are_all_listed(tmp_path):
    rows = [action(status=f"Bad{i}", action_id=f"A{i}") for i in range(12)]
    awards = metric(name="Awards", count=107, population=None, target=None)
    path = paper_workbook(tmp_path / "p.xlsx", actions=rows, metrics=[metric(count=999), awards])
    result = run_cli("validate", path)
    assert result.exit_code == 1
    assert result.output.count("is not a status") == 12
    assert "count 999 is larger than population 326" in result.output
    assert "13 errors" in result.output


def test_json_output_for_scripts(tmp_path):
    import json

    path = with_actions(action(status="Amberish"))(tmp_path / "p.xlsx")
    data = json.loads(run_cli("validate", path, "--format", "json").output)
    assert data["errors"] == 1 and data["warnings"] == 0
    problem = data["problems"][0]
    assert (problem["sheet"], problem["cell"], problem["severity"]) == ("Actions", "G2", "error")
    assert "At risk" in problem["hint"]



def test_unicode_of_all_kinds_and_a_5000_character_cell(tmp_path):
    import pikepdf
    from pdftext import page_texts

    long_text = " ".join(f"word{i:04d}" for i in range(560))  # > 5,000 characters
    assert len(long_text) > 5000
    special = "Emoji 😀 and Welsh ŵ ŷ Ŵ Ŷ, £5 – “curly” ‘single’ Zoë Ñ Siân"
    path = paper_workbook(tmp_path / "u.xlsx",
                          paper={"Author": "Siân Llŷr – Ffion O’Brien"},
                          sections=[[1, "Intro", None, None, special],
                                    [None, None, None, None, long_text]])
    result = run_cli("build", path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "test-framework-update-2018-2019.pdf"
    texts = page_texts(pdf)
    assert "Siân Llŷr – Ffion O’Brien" in texts[0]
    assert special in texts[1]
    pages_with_long = [i for i, t in enumerate(texts) if "word0" in t]
    assert len(pages_with_long) >= 2, "the long paragraph wraps onto a second page"
    assert "word0000" in texts[pages_with_long[0]] and "word0559" in texts[pages_with_long[-1]]
    with pikepdf.open(pdf) as doc:
        fonts = {str(font.get("/BaseFont")) for page in doc.pages
                 for font in page.Resources.get("/Font", {}).values()}
    assert any("Emoji" in name for name in fonts), fonts
