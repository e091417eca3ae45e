"""Build real .xlsx workbooks for tests, with openpyxl, from plain Python data.

``paper_workbook(path, **changes)`` writes a small but complete paper; each keyword
replaces one sheet's rows (or, for ``paper``, updates fields), so a test states only
what it is about.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

PAPER = {
    "Organisation": "NHS Test Clinical Commissioning Group",
    "Meeting": "Governing Body Meeting",
    "Meeting date": date(2018, 11, 14),
    "Agenda item": "9",
    "Title": "Test Framework Update 2018/2019",
    "Author": "Ann Author",
    "Author job title": "Deputy Director of Testing",
    "Sponsoring board member": "B Sponsor – Chief Officer",
    "Purpose of report": "To update members on progress.",
    "Recommendation": "The Governing Body is asked to note the report.",
    "Stakeholder engagement": "Staff were engaged throughout.",
    "Previous committees": "Update provided in May 2018.",
    "Date of report": date(2018, 10, 29),
    "Author telephone": "01234 567890",
    "Author initials": "AA",
}
PRINCIPLES = ["Services designed around people", "Care closer to home"]

ASSURANCE_HEADER = ["Matter", "Considered", "Action required"]
ASSURANCE = [
    ["Budgetary Impact", "Yes", "No"],
    ["People/Staff", "Yes", "Yes – detail in report"],
    ["Freedom of Information", "Yes", "No"],
]

SECTIONS_HEADER = ["Section", "Heading", "Sub-heading", "Minor heading", "Paragraph"]
SECTIONS = [
    [1, "Introduction", None, None, "First paragraph."],
    [None, None, None, None, "Second paragraph."],
    [2, "Report", "KEY ACTIVITIES", "Theme 1: Governance", "The **Integrated Care System** grows."],
    [None, None, None, None, "Highlights:\n- [[Culture survey]] completed the culture survey\n"
     "- [[Awards]] were made\n\nThe feedback was collated."],
    [None, None, None, "Theme 2: Values", "Values paragraph."],
    [None, None, "REMAINING ACTIVITIES", "Theme 1: Governance", "Remaining paragraph."],
    [3, "Conclusion", None, None, "The Governing Body is asked to note this report."],
]

ACTIONS_HEADER = ["ID", "Theme", "Action", "Milestone", "Lead", "Due", "Status", "Progress note"]
ACTIONS = [
    ["G1", "Theme 1: Governance", "Introduce Employee Self Service", "All staff access ESS",
     "Head of HR", date(2018, 11, 30), "On track", "Launch planned."],
    [None, None, None, "Manager Self Service", "Head of Finance", date(2019, 1, 31),
     "At risk", "Depends on ESR upgrade."],
    ["G2", "Theme 1: Governance", "Disband Quality Group", None, "Director of Quality",
     date(2018, 9, 30), "Complete", "Done."],
    ["V1", "Theme 2: Values", "People and Culture design workshops", None, "Deputy Director",
     "6 months – 3 years", "Not started", None],
    ["V2", "Theme 2: Values", "Staff survey", None, "Head of OD", date(2018, 12, 1),
     "Off track", "Response rate low."],
]

METRICS_HEADER = ["Metric", "Period", "Count", "Population", "Unit", "Target", "Source"]
METRICS = [
    ["Culture survey", "Oct 2018", 111, 326, "staff", 0.4, "Culture survey"],
    ["Awards", "2018", 107, None, "awards", None, "Spotlight scheme"],
]

APPENDICES_HEADER = ["Appendix", "Title", "File"]
APPENDICES = [[1, "Implementation Plan", None]]


def _table(book, name: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(name)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"


def paper_workbook(path: Path, *, paper: dict[str, Any] | None = None,
                   principles: list[str] | None = None, assurance=None, sections=None,
                   actions=None, metrics=None, appendices=None,
                   drop_sheets: tuple[str, ...] = ()) -> Path:
    """Write a complete, valid paper workbook to ``path`` (with the changes given)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    fields = {**PAPER, **(paper or {})}
    if "Paper" not in drop_sheets:
        sheet = book.create_sheet("Paper")
        sheet.append(["Field", "Value"])
        for name, value in fields.items():
            if value is not ...:
                sheet.append([name, value])
        for principle in PRINCIPLES if principles is None else principles:
            sheet.append(["Strategic principle", principle])
    tables = {
        "Assurance": (ASSURANCE_HEADER, ASSURANCE if assurance is None else assurance),
        "Sections": (SECTIONS_HEADER, SECTIONS if sections is None else sections),
        "Actions": (ACTIONS_HEADER, ACTIONS if actions is None else actions),
        "Metrics": (METRICS_HEADER, METRICS if metrics is None else metrics),
        "Appendices": (APPENDICES_HEADER, APPENDICES if appendices is None else appendices),
    }
    for name, (header, rows) in tables.items():
        if name not in drop_sheets:
            _table(book, name, header, rows)
    book.save(path)
    return path


def set_note(workbook: Path, row: int, text: str) -> None:
    """Edit one progress note, as an author saving the workbook would."""
    book = openpyxl.load_workbook(workbook)
    sheet = book["Actions"]
    column = [c.value for c in sheet[1]].index("Progress note") + 1
    sheet.cell(row=row, column=column).value = text
    book.save(workbook)
