"""Tables of the user's own ("Table ..." sheets), placed by [[Table: name]]: the shape of
plan other NHS bodies keep, built with the CLI and read back from the PDF."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from conftest import run_cli
from openpyxl.styles import Alignment
from pdftext import all_text, page_texts
from workbooks import PAPER, paper_workbook

COMPETENCY = [
    ["Competency", "Current level", "Target level", "Staff assessed", "Meeting target",
     "Assessed"],
    ["Compassionate leadership", 1, 3, 1234, 0.2645, date(2019, 3, 14)],
    ["Quality improvement", 2, 4, 86, 0.5, date(2019, 2, 1)],
    ["Working across systems", 3, 3, 12, 1, date(2019, 1, 31)],
]
SEVEN_S = [
    ["Element", "Where are we now", "Where do we want to be"],
    ["Strategy", "• Plan agreed in 2018\n• Not yet shared with staff",
     "• Every team knows its part\n• Reviewed each quarter"],
    ["Shared values", "Values <b>drafted</b> & tested", "• Values lived\n• Values recruited to"],
    ["Skills", "QI skills in 3 of 12 teams", "QI skills in every team"],
]
PROGRAMME_ACTIONS = [
    ["P1.1", "Programme 1: Leadership", "Develop compassionate leaders",
     "Leadership cohort 1 recruited", "Director of People\nDirector of Nursing",
     "3 months – 3 years", "On track", "Cohort of 24 started."],
    [None, None, None, "Cohort 1 evaluated", "Head of OD", "Q4 2019/20", "Not started", None],
    [None, None, None, "Cohort 2 recruited", "Head of OD\nDeputy Director of Workforce",
     "Ongoing", "Not started", None],
    ["P1.2", "Programme 1: Leadership", "Talent management for bands 8a+",
     "Talent conversations for all 8a+", "Chief People Officer", date(2019, 3, 31),
     "At risk", "Half complete."],
    ["P2.1", "Programme 2: Culture", "Embed the values", "Values in appraisal",
     "Head of HR", "6 months", "Complete", "In the new appraisal form."],
    [None, None, None, "Values-based recruitment", "Head of HR\nHead of Resourcing",
     "12–18 months", "On track", None],
]


def add_table(path: Path, sheet: str, rows: list[list], *, title: str | None = None,
              formats: dict[int, str] | None = None) -> Path:
    """A "Table ..." sheet as a user types it: an optional title row, the header, the
    rows (with Excel number formats by column), line breaks typed with Alt+Enter."""
    book = openpyxl.load_workbook(path)
    ws = book.create_sheet(sheet)
    if title is not None:
        ws.append([title])
    for values in rows:
        ws.append(values)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = Alignment(wrap_text=True)
            fmt = (formats or {}).get(cell.column)
            if fmt and ws.max_row > (2 if title else 1):
                cell.number_format = fmt
    book.save(path)
    return path


def other_trust_plan(path: Path, sections: list[list] | None = None) -> Path:
    """Programmes -> priority actions -> several milestones with joint leads and free-text
    timescales, a competency-score table and a 7S table with multi-item cells."""
    paper = {**PAPER, "Organisation": "NHS Example Community Health Trust",
             "Title": "Organisational Development Plan 2019-2021",
             "Purpose category": "Approval / Assurance"}
    sections = sections or [
        [1, "Introduction", None, None, "This paper sets out the OD plan."],
        [2, "Where we are", None, None, "Competency scores against target:\n"
         "[[Table: Competency scores]]\nScores are self-assessed."],
        [None, None, None, None, "[[Table: 7S]]"],
        [None, None, None, None, "The 7S review shows the gaps."],
        [3, "Recommendation", None, None, "The Board is asked to approve the plan."],
    ]
    paper_workbook(path, paper=paper, sections=sections, actions=PROGRAMME_ACTIONS,
                   metrics=[])
    book = openpyxl.load_workbook(path)
    paper_sheet = book["Paper"]
    for label, value in [("Executive lead", "Chief People Officer"),
                         ("BAF risk reference", "BAF 4.2"),
                         ("CQC domain", "Well-led"), ("Confidential", "No")]:
        paper_sheet.append([label, value])
    book.remove(book["Metrics"])
    book.save(path)
    add_table(path, "Table Competency scores", COMPETENCY,
              formats={4: "#,##0", 5: "0.0%", 6: "d mmm yyyy"})
    add_table(path, "Table - 7S", SEVEN_S,
              title="McKinsey 7S: where are we now / where do we want to be")
    return path


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    workbook = other_trust_plan(folder / "plan.xlsx")
    result = run_cli("build", workbook, "-o", folder / "out", "--html")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return folder / "out" / "organisational-development-plan-2019-2021.pdf"


def test_the_other_trusts_plan_passes_every_accessibility_check(plan_pdf):
    # Its Table sheets, landscape table and tick row are tagged as the example is: one
    # /Table per table across pages, /Headers from the grid, nothing unreachable.
    result = run_cli("check", plan_pdf)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 errors, 0 warnings"), result.output


def test_the_other_trusts_plan_builds_with_its_tables_where_placed(plan_pdf):
    text = all_text(plan_pdf)
    assert "Table 1: Competency scores" in text
    assert "Table 2: McKinsey 7S: where are we now / where do we want to be" in text
    # Placed where the paragraph says, between its own text; the 7S table follows.
    order = [text.index(s) for s in ("Competency scores against target:",
                                     "Table 1: Competency scores", "Scores are self-assessed",
                                     "Table 2: McKinsey 7S", "The 7S review shows the gaps")]
    assert order == sorted(order)
    # The paragraph that only places a table has no number; numbering runs on.
    assert re.search(r"2\.1 Competency scores against target:", text)
    assert re.search(r"2\.2 The 7S review shows the gaps", text)
    assert "2.3" not in text.split("Recommendation")[0].split("Where we are")[-1]


def test_numbers_are_shown_as_their_excel_format_says_and_right_aligned(plan_pdf):
    with pdfplumber.open(plan_pdf) as doc:
        page = next(p for p in doc.pages if "Table 1: Competency scores" in (p.extract_text()
                                                                            or ""))
        table = next(t for t in page.extract_tables() if t[0][0] == "Competency")
        words = page.extract_words()
    assert table[1] == ["Compassionate leadership", "1", "3", "1,234", "26.5%", "14 Mar 2019"]
    assert table[2][3:] == ["86", "50.0%", "1 Feb 2019"]
    assert table[3][4] == "100.0%"

    def right(word: str) -> float:
        return next(w["x1"] for w in words if w["text"] == word)

    # Right-aligned: the ends of 1,234 / 86 / 12 line up; text starts line up instead.
    assert abs(right("1,234") - right("86")) < 0.5 and abs(right("86") - right("12")) < 0.5
    assert abs(right("26.5%") - right("50.0%")) < 0.5


def test_multi_item_cells_keep_their_lines_and_text_is_escaped(plan_pdf):
    with pdfplumber.open(plan_pdf) as doc:
        page = next(p for p in doc.pages if "McKinsey 7S" in (p.extract_text() or ""))
        table = next(t for t in page.extract_tables() if t[0][0] == "Element")
    assert table[1][1] == "• Plan agreed in 2018\n• Not yet shared with staff"
    assert table[2][1] == "Values <b>drafted</b> & tested"  # printed as typed, not HTML
    html = plan_pdf.with_suffix(".html").read_text()
    assert "Values &lt;b&gt;drafted&lt;/b&gt; &amp; tested" in html
    assert '<th scope="col">Where are we now</th>' in html


def test_programmes_actions_and_joint_leads_are_in_the_tracker(plan_pdf):
    text = all_text(plan_pdf)
    for expected in ("Programme 1: Leadership", "Programme 2: Culture",
                     "Develop compassionate leaders", "Cohort 2 recruited", "Q4 2019/20",
                     "Head of Resourcing"):
        assert expected in text, expected
    with pdfplumber.open(plan_pdf) as doc:
        cells = {" ".join((cell or "").split()) for page in doc.pages
                 for table in page.extract_tables() if table and table[0][0] == "Ref"
                 for row in table for cell in row}
    for timescale in ("3 months – 3 years", "12–18 months", "Ongoing", "6 months"):
        assert timescale in cells, cells
    # Joint leads: one cell, a line each.
    assert "Director of People Director of Nursing" in cells
    assert "Head of HR Head of Resourcing" in cells


def test_extra_cover_fields_and_the_purpose_tick_row(plan_pdf):
    cover = page_texts(plan_pdf)[0]
    for line in ("Executive lead Chief People Officer", "BAF risk reference BAF 4.2",
                 "CQC domain Well-led", "Confidential No"):
        assert line in cover, cover
    # After the built-in fields, in the workbook's order.
    assert cover.index("Previous GB") < cover.index("Executive lead") < cover.index(
        "BAF risk") < cover.index("CQC domain") < cover.index("Confidential")
    assert "Paper is for ☒ Approval ☐ Discussion ☐ Noting ☒ Assurance ☐ Information" in cover


# -- hostile and mistaken Table sheets: each refused naming its cell ----------------------

def one_section(*paragraphs: str) -> list[list]:
    return [[1, "Introduction", None, None, paragraphs[0]],
            *[[None, None, None, None, p] for p in paragraphs[1:]]]


def refused(workbook: Path, out: Path, *expected: str) -> str:
    """Build ``workbook``: exit 1, each expected line in the message, no traceback,
    nothing written, the workbook untouched."""
    before = workbook.read_bytes()
    result = run_cli("build", workbook, "-o", out)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "bug" not in result.output.lower()
    for line in expected:
        assert line in result.output, result.output
    assert not out.exists() or not any(out.iterdir())
    assert workbook.read_bytes() == before
    return result.output


def with_sheet(path: Path, name: str, rows: list[list], merges: tuple[str, ...] = ()) -> Path:
    book = openpyxl.load_workbook(path)
    ws = book.create_sheet(name)
    for values in rows:
        ws.append(values)
    for cells in merges:
        ws.merge_cells(cells)
    book.save(path)
    return path


def placed(tmp_path: Path, *paragraphs: str) -> Path:
    return paper_workbook(tmp_path / "paper.xlsx", sections=one_section(*paragraphs))


def test_a_reference_naming_no_table_sheet_gets_a_did_you_mean(tmp_path):
    path = add_table(placed(tmp_path, "Scores:\n[[Table: Competency score]]"),
                     "Table Competency scores", COMPETENCY)
    refused(path, tmp_path / "out", "Sections!E2: [[Table: Competency score]] names no Table "
            "sheet (did you mean [[Table: Competency scores]]?)")
    path = placed(tmp_path, "[[Table: Risks]]")
    refused(path, tmp_path / "out", "Sections!E2: [[Table: Risks]] names no Table sheet (add "
            "a sheet named 'Table Risks')")


def test_two_sheets_giving_the_same_table_name_are_refused(tmp_path):
    path = add_table(add_table(placed(tmp_path, "[[Table: 7S]]"), "Table 7S", SEVEN_S),
                     "Table - 7S", SEVEN_S)
    refused(path, tmp_path / "out", "Table - 7S: gives the same table name '7S' as sheet "
            "'Table 7S' (rename one of the two sheets, so [[Table: name]] says which is meant)")


@pytest.mark.parametrize(("rows", "merges", "expected"), [
    ([], (), "Table Scores!A1: this Table sheet is empty (type the table's header row"),
    ([["Team", None, "Score"], ["A", 1, 2]], (),
     "Table Scores!B1: this column has no heading (type its heading: every column of a "
     "table needs one)"),
    ([["Team", "Score", "score "], ["A", 1, 2]], (),
     'Table Scores!C1: heading "score" is used twice (first at B1) (give each column its own '
     "heading)"),
    ([[2017, 2018, 2019], [1, 2, 3]], (),
     "Table Scores!1:1: the first row is all numbers: it is read as the header, and a table "
     "needs column headings (type a row of headings above the figures)"),
    ([["Team", "Score"]], (),
     "Table Scores!A2: the table has a header row but no rows under it"),
    ([["Team", "Score"], ["A", 1, "stray"]], (),
     "Table Scores!C2: value outside the table: its column has no heading (the header is "
     "A1:B1) (type a heading in C1, or delete the value)"),
    ([["Team", "Score"], ["A", 1], ["B", None], ["C", 3]], ("B2:B3",),
     "Table Scores!B2:B3: merged cells in a table (unmerge them and fill in each cell: a "
     "merged cell cannot say which rows or columns it belongs to)"),
    ([["Team", "Score"], ["A", "#REF!"]], (), "Table Scores!B2: Excel error #REF!"),
])
def test_a_table_sheet_without_a_proper_header_or_with_merges_is_refused(
        tmp_path, rows, merges, expected):
    path = with_sheet(placed(tmp_path, "[[Table: Scores]]"), "Table Scores", rows, merges)
    refused(path, tmp_path / "out", expected)


def test_references_that_cannot_place_a_table(tmp_path):
    path = add_table(placed(tmp_path, "As [[Table: Scores]] shows, all is well.",
                            "[[Table: Scores]]", "[[Table: scores]]"), "Table Scores",
                     COMPETENCY)
    refused(path, tmp_path / "out",
            "Sections!E2: [[Table: Scores]] must be on a line of its own: it places the table "
            "there (put it on a line by itself (Alt+Enter before and after it))",
            "Sections!E4: [[Table: scores]] places the table a second time (first at "
            "Sections!E3) (a table is printed once: delete one of the two)")


def test_a_markdown_pipe_table_in_a_paragraph_is_refused(tmp_path):
    path = placed(tmp_path, "Scores:\n| Team | Score |\n|---|---:|\n| A | 3 |")
    refused(path, tmp_path / "out", "Sections!E2: line 2 is a table typed with | characters, "
            "which would print as typed (put the table on a sheet named 'Table <name>' and "
            "place it here with [[Table: <name>]] on a line of its own)")
    # A delimiter row alone is enough; one line with bars in it is just text.
    path = placed(tmp_path, "Team | Score\n--- | ---")
    refused(path, tmp_path / "out", "Sections!E2: line 2 is a table typed with | characters")
    path = placed(tmp_path, "Either | or: both are fine.")
    result = run_cli("validate", path)
    assert result.exit_code == 0, result.output


def test_a_title_merged_across_the_table_is_its_caption(tmp_path):
    path = with_sheet(placed(tmp_path, "[[Table: 1]]"), "Table1",
                      [["Table 4: Risks scored above 15"], ["Risk", "Score"], ["Cyber", 16]],
                      merges=("A1:B1",))
    result = run_cli("build", path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert ("Table1!A1: the title's own number (\"Table 4:\") is left out: the paper numbers "
            "its tables, and this is Table 1") in result.output
    text = all_text(next((tmp_path / "out").glob("*.pdf")))
    assert "Table 1: Risks scored above 15" in text and "Table 4" not in text


def test_a_table_no_paragraph_places_is_printed_at_the_end_of_the_body_with_a_note(tmp_path):
    path = add_table(placed(tmp_path, "Opening."), "Table Competency scores", COMPETENCY)
    path = add_table(path, "Table Sci", [["Measure", "Value"], ["Big", 1.5e9]],
                     formats={2: "0.00E+00"})
    result = run_cli("build", path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert ("Table Competency scores!A1: table 'Competency scores' is placed by no paragraph; "
            "it is printed at the end of the report body, as Table 1") in result.output
    assert ('Table Sci!B2: number format "0.00E+00" is not one reportgen can read; the number '
            "is printed as 1500000000") in result.output
    text = all_text(next((tmp_path / "out").glob("*.pdf")))
    body = text[text.index("1.1 Opening."):text.index("Action progress")]
    assert "Table 1: Competency scores" in body and "Table 2: Sci" in body
    assert body.index("Table 1") < body.index("Table 2")
    assert "1500000000" in body


def test_a_wide_long_table_is_landscape_with_its_header_on_every_page(tmp_path):
    header = ["Ref", "Course", "Staff group", "Required", "Trained", "Compliance",
              "Due", "Owner"]
    rows = [[f"T{i:02d}", f"Course {i}\nrefresher", "Nursing", 120 + i, 100 + i,
             (100 + i) / (120 + i), date(2019, 1 + i % 12, 1), "Head of Learning"]
            for i in range(1, 61)]
    path = add_table(placed(tmp_path, "Training:\n[[Table: Training matrix]]\nAfter it."),
                     "Table Training matrix", [header, *rows],
                     formats={4: "#,##0", 5: "#,##0", 6: "0%", 7: "mmm yyyy"})
    result = run_cli("build", path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    with pdfplumber.open(next((tmp_path / "out").glob("*.pdf"))) as doc:
        pages = [(p.width > p.height, p.extract_text() or "") for p in doc.pages]
    table_pages = [(wide, text) for wide, text in pages if re.search(r"\bT\d\d\b", text)]
    assert len(table_pages) >= 2
    for wide, text in table_pages:
        assert wide, "a table of 8 columns is on landscape pages"
        assert "Ref Course Staff group Required Trained Compliance Due Owner" in text
    # Every row whole on one page: its reference, its second line and its owner together.
    for i in range(1, 61):
        page = next(text for _, text in table_pages if f"T{i:02d} " in text)
        line = next(line for line in page.splitlines() if line.startswith(f"T{i:02d} "))
        assert line.endswith("Head of Learning") and f"{(100 + i) / (120 + i):.0%}" in line
    assert "Jan 2019" in table_pages[0][1] or "Feb 2019" in table_pages[0][1]
    # Text before the table stays on its portrait page; the text after it follows.
    before = next(i for i, (_, text) in enumerate(pages) if "Training:" in text)
    after = next(i for i, (_, text) in enumerate(pages) if "After it." in text)
    assert not pages[before][0] and not pages[after][0] and after > before


def test_a_sheet_almost_named_as_a_table_sheet_is_named_in_a_warning(tmp_path):
    path = with_sheet(placed(tmp_path, "Opening."), "Tables", [["Team", "Score"], ["A", 1]])
    result = run_cli("validate", path)
    assert result.exit_code == 0, result.output
    assert "Tables" in result.output and "is not read: it is not a Table sheet" in result.output
    result = run_cli("validate", path, "--format", "json")
    assert ("a Table sheet is named \\\"Table\\\", a space and the table's name, e.g. 'Table "
            "Competency scores'") in result.output


@pytest.mark.parametrize(("value", "code", "shown"), [
    (0.2645, "0.0%", "26.5%"), (0.2645, "0%", "26%"), (0.5, "0.00%", "50.00%"),
    (12345.6, "#,##0", "12,346"), (12345.6, "#,##0.00", "12,345.60"), (3, "0.0", "3.0"),
    (-1234, "#,##0 ;(#,##0)", "(1,234)"), (-1234.5, '"£"#,##0.00', "-£1,234.50"),
    (1234.5, "[$£-809]#,##0.00", "£1,234.50"), (1234567, '#,##0,"k"', "1,235k"),
    (0, '0.00;-0.00;"–"', "–"), (5, '0 "staff"', "5 staff"), (1, "[Red]0.0", "1.0"),
    (2.675, "0.00", "2.68"), (0.1 + 0.2, None, "0.3"), (1 / 3, "General", "0.3333333333"),
    (7, "000", "007"), (12, "@", "12"),
    (date(2018, 11, 14), "mm-dd-yy", "14/11/2018"),
    (date(2018, 11, 14), "d mmm yyyy", "14 Nov 2018"),
    (date(2018, 11, 1), "mmmm yyyy", "November 2018"),
    (date(2018, 11, 1), "mmm-yy", "Nov 2018"),
])
def test_cells_read_as_their_number_format_shows_them(value, code, shown):
    from reportgen.workbook.formats import show

    result = show(value, code)
    assert result.text == shown and result.unread is None
    assert result.number == (not isinstance(value, date))


@pytest.mark.parametrize("code", ["0.00E+00", "# ?/?", "[>100]0;0.0"])
def test_a_number_format_that_cannot_be_read_is_general_and_said(code):
    from reportgen.workbook.formats import show

    result = show(2.5, code)
    assert result.text == "2.5" and result.unread == code
