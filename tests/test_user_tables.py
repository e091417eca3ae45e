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
    assert re.search(r"3 months – 3\s*years", text) and re.search(r"12–18\s*months", text)
    assert re.search(r"Director of People\s+Director of Nursing", text)


def test_extra_cover_fields_and_the_purpose_tick_row(plan_pdf):
    cover = page_texts(plan_pdf)[0]
    for line in ("Executive lead Chief People Officer", "BAF risk reference BAF 4.2",
                 "CQC domain Well-led", "Confidential No"):
        assert line in cover, cover
    # After the built-in fields, in the workbook's order.
    assert cover.index("Previous GB") < cover.index("Executive lead") < cover.index(
        "BAF risk") < cover.index("CQC domain") < cover.index("Confidential")
    assert "Paper is for ☒ Approval ☐ Discussion ☐ Noting ☒ Assurance ☐ Information" in cover
