"""``reportgen init``: a starter workbook laid out from the schema.

Every sheet has its header row (frozen), sensible widths, dropdowns where a value
comes from a list, an Instructions sheet generated from the same schema the
validator uses, and a worked example to overwrite.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from reportgen.errors import ReportgenError
from reportgen.safeio import atomic_write
from reportgen.workbook.schema import (
    ACTION_REQUIRED_CHOICES,
    ACTIONS,
    APPENDICES,
    ASSURANCE,
    DEFAULT_MATTERS,
    METRICS,
    PAPER_FIELDS,
    PAPER_SHEET,
    READING_RULES,
    SECTIONS,
    TABLE_SHEETS,
    Status,
)

NHS_BLUE = "005EB8"
#: The starter's example table of the user's own: a "Table ..." sheet.
EXAMPLE_TABLE_NAME = "Competency scores"
EXAMPLE_TABLE = [
    ["Competency", "Current level", "Target level", "Managers at target"],
    ["Compassionate leadership", 2, 3, 0.45],
    ["Quality improvement", 1, 3, 0.2],
    ["Working across systems", 3, 3, 1],
]
EXAMPLE_PAPER = {
    "Organisation": "NHS Example Integrated Care Board",
    "Meeting": "Board Meeting",
    "Meeting date": date(2026, 1, 14),
    "Agenda item": "7.2",
    "Title": "Organisational Development Update",
    "Author": "Alex Example",
    "Author job title": "Deputy Director of Organisational Development",
    "Sponsoring board member": "Sam Sponsor – Chief People Officer",
    "Purpose of report": "To update the Board on progress with the organisational "
                         "development plan.",
    "Purpose category": "Note",
    "Recommendation": "The Board is asked to note the report.",
    "Stakeholder engagement": "Staff and partners were engaged through workshops.",
    "Previous committees": "People Committee, December 2025.",
    "Date of report": date(2025, 12, 20),
    "Author telephone": "01234 567890",
    "Author initials": "AE",
    "Strategic principle": "Services designed around people",
    "Action table title": "Action progress",
    "Metrics table title": "Survey and participation figures",
}
EXAMPLE_ROWS = {
    ASSURANCE.name: [[m, "Yes", "No"] for m in DEFAULT_MATTERS],
    SECTIONS.name: [
        [1, "Introduction", None, None,
         "This paper updates the Board on the **organisational development plan**."],
        [None, None, "KEY ACTIVITIES", "Theme 1: Culture",
         "Highlights include:\n- [[Staff survey]] completed the staff survey\n"
         "- Two workshops were held"],
        [None, None, None, None, "Competency scores against the target levels:\n"
         f"[[Table: {EXAMPLE_TABLE_NAME}]]\nScores are from the managers' self-assessment."],
        [2, "Conclusion", None, None, "The Board is asked to note the report."],
    ],
    ACTIONS.name: [
        ["A1", "Theme 1: Culture", "Run culture workshops", "Design workshops held",
         "Head of OD", date(2026, 2, 28), "On track", "Three workshops booked."],
        [None, None, None, "Delivery plan agreed", "Director of People", "March 2026",
         "Not started", None],
    ],
    METRICS.name: [["Staff survey", "Dec 2025", 180, 400, "staff", 0.5, "Staff survey 2025"]],
    APPENDICES.name: [[1, "Organisational development plan", None]],
}
WIDTHS = {
    "Matter": 60, "Considered": 14, "Action required": 24,
    "Section": 9, "Heading": 26, "Sub-heading": 26, "Minor heading": 28, "Paragraph": 90,
    "ID": 8, "Theme": 28, "Action": 40, "Milestone": 32, "Lead": 24, "Due": 14,
    "Status": 13, "Progress note": 50, "Metric": 30, "Period": 12, "Count": 10,
    "Population": 12, "Unit": 12, "Target": 10, "Source": 30, "Appendix": 10,
    "Title": 60, "File": 40,
}
WRAPPED = {"Paragraph", "Action", "Milestone", "Progress note", "Matter", "Title"}


def write_starter(path: Path, *, force: bool = False) -> None:
    """Write the starter workbook to ``path`` (refusing to overwrite unless ``force``)."""
    if path.suffix.lower() != ".xlsx":
        raise ReportgenError(f"{path}: the starter workbook must be named *.xlsx")
    if path.exists() and not force:
        raise ReportgenError(f"{path} already exists; use --force to replace it")
    buffer = io.BytesIO()
    build_starter().save(buffer)
    atomic_write(path, buffer.getvalue())


def build_starter():
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    _instructions(book)
    _paper(book)
    for spec in TABLE_SHEETS:
        _table(book, spec)
    _user_table(book)
    return book


def _user_table(book) -> None:
    """An example "Table ..." sheet, placed by a paragraph of the example Sections."""
    sheet = book.create_sheet(f"Table {EXAMPLE_TABLE_NAME}")
    for values in EXAMPLE_TABLE:
        sheet.append(values)
    _style_header(sheet, len(EXAMPLE_TABLE[0]))
    for letter, width in zip("ABCD", (34, 14, 14, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in range(2, len(EXAMPLE_TABLE) + 1):
        sheet[f"D{row}"].number_format = "0%"


def _style_header(sheet, count: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in sheet[1][:count]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=NHS_BLUE)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"


def add_dropdown(sheet, cells: str, choices, prompt: str, only: bool = True) -> None:
    """A list to choose from in ``cells`` (the agenda starter uses it too); with
    ``only`` False other text may be typed too (several choices, comma-separated)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                allow_blank=True, showErrorMessage=only,
                                errorTitle="Not in the list", error=prompt,
                                promptTitle="Choose", prompt=prompt, showInputMessage=True)
    sheet.add_data_validation(validation)
    validation.add(cells)


def _instructions(book) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet("Instructions")
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 100
    lines: list[tuple[str, str, str, str]] = [
        ("reportgen paper workbook", "", "", "title"),
        ("Fill in each sheet, replacing the worked example, then run: "
         "reportgen build this-file.xlsx", "", "", "text"),
        ("Check it first with: reportgen validate this-file.xlsx", "", "", "text"),
        ("", "", "", "text"),
        ("How cells are read", "", "", "sheet"),
        *(("", "", rule, "text") for rule in READING_RULES),
        ("", "", "", "text"),
        (PAPER_SHEET, "", "One row per field: the field name in column A, its value in "
         "column B.", "sheet"),
        ("Field", "Required", "What to enter", "head"),
    ]
    lines += [(f.name, "yes" if f.required else "", f.help, "row") for f in PAPER_FIELDS]
    for spec in TABLE_SHEETS:
        lines += [("", "", "", "text"), (spec.name, "", spec.help, "sheet"),
                  ("Column", "Required", "What to enter", "head")]
        lines += [(c.name, "yes" if c.required else "", c.help, "row") for c in spec.columns]
    for index, (a, b, c, kind) in enumerate(lines, start=1):
        sheet.append([a, b, c])
        row = sheet[index]
        if kind == "title":
            row[0].font = Font(bold=True, size=14, color=NHS_BLUE)
        elif kind in {"sheet", "head"}:
            for cell in row:
                cell.font = Font(bold=True, color=NHS_BLUE if kind == "sheet" else "000000")
        row[2].alignment = Alignment(wrap_text=True, vertical="top")


def _paper(book) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = book.create_sheet(PAPER_SHEET)
    sheet.append(["Field", "Value", "Guidance"])
    _style_header(sheet, 3)
    for width, letter in zip((28, 70, 60), "ABC", strict=True):
        sheet.column_dimensions[letter].width = width
    for spec in PAPER_FIELDS:
        value = EXAMPLE_PAPER.get(spec.name)
        sheet.append([spec.name, value, spec.help])
        row = sheet.max_row
        sheet.cell(row, 1).font = Font(bold=spec.required)
        sheet.cell(row, 2).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row, 3).font = Font(italic=True, color="425563")
        if spec.kind == "date":
            sheet.cell(row, 2).number_format = "dd/mm/yyyy"
            validation = DataValidation(type="date", operator="greaterThan",
                                        formula1="1", allow_blank=True,
                                        error="Type a date, e.g. 14/11/2018")
            sheet.add_data_validation(validation)
            validation.add(f"B{row}")
        elif spec.kind == "choice":
            add_dropdown(sheet, f"B{row}", spec.choices, "Choose from the list")
        elif spec.kind == "purpose":
            add_dropdown(sheet, f"B{row}", spec.choices, "Choose from the list, or type "
                         "several separated by commas", only=False)


def _table(book, spec) -> None:
    from openpyxl.styles import Alignment

    sheet = book.create_sheet(spec.name)
    names = [c.name for c in spec.columns]
    sheet.append(names)
    _style_header(sheet, len(names))
    for index, name in enumerate(names):
        sheet.column_dimensions[chr(65 + index)].width = WIDTHS.get(name, 16)
    for values in EXAMPLE_ROWS.get(spec.name, []):
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"
            if names[cell.column - 1] in WRAPPED:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = 5000

    def column(name: str) -> str:
        return chr(65 + names.index(name))

    if spec is ASSURANCE:
        add_dropdown(sheet, f"{column('Considered')}2:{column('Considered')}{last}",
                  ("Yes", "No"), "Yes or No")
        add_dropdown(sheet, f"{column('Action required')}2:{column('Action required')}{last}",
                  ACTION_REQUIRED_CHOICES, "Is action required?")
    if spec is ACTIONS:
        add_dropdown(sheet, f"{column('Status')}2:{column('Status')}{last}",
                  [s.value for s in Status], "Choose a status")
    if spec is METRICS:
        sheet[f"{column('Target')}2"].number_format = "0%"
        add_dropdown(sheet, f"{column('Kind')}2:{column('Kind')}{last}",
                     ("Rate", "Count", "Score"), "How the figure reads")
        add_dropdown(sheet, f"{column('Direction')}2:{column('Direction')}{last}",
                     ("Higher is better", "Lower is better"), "Which way is better")
