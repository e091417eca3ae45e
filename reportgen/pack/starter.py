"""``reportgen init-agenda``: a starter agenda, as YAML or as an Excel workbook.

Both hold the same example meeting, so either loads into the same agenda; the
workbook has dropdowns where a value comes from a list and an Instructions sheet.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportgen.errors import ReportgenError
from reportgen.pack.agenda import ITEM_KEYS, PARTS, PURPOSES
from reportgen.safeio import atomic_write
from reportgen.workbook.starter import add_dropdown

STARTER = """\
# A meeting agenda for `reportgen pack`. Paths are relative to this file.
# Every key must be one of those below: an unknown one stops the pack (a typo such as
# "papr:" or "private: true" would otherwise change what the pack holds).
organisation: NHS Example Integrated Care Board
meeting: Board Meeting
date: 2026-01-14
time: "10:00"
venue: Board Room, County Hall
chair: Sam Chair
contact_name: Jo Clerk, Board Secretary   # the cover's contact line (all three optional)
contact_email: jo.clerk@example.nhs.uk
contact_phone: 01234 567890
front_matter: unnumbered   # cover and agenda unnumbered; or "numbered"
dividers: false            # true: a divider page before each paper
items:
  - number: "1"                     # text as typed: "3.10" stays 3.10
    title: Welcome and apologies
    presenter: Chair
    purpose: note                   # note, discuss, approve or assurance
    time: "10:00"
  - number: "2"
    title: Organisational development update
    presenter: Deputy Director of OD
    purpose: note
    time: "10:10"
    paper: my-paper.xlsx            # a reportgen workbook, built on the fly
    # previous: last-paper.xlsx     # optional: what changed since the last paper
  - number: "3"
    title: Finance report
    presenter: Director of Finance
    purpose: assurance
    time: "10:30"
    paper: finance-report.pdf       # another author's PDF
  - number: "4"
    title: Contract award
    presenter: Director of Strategy
    purpose: approve
    time: "10:50"
    part: private                   # public (the default) or private: left out of the public pack
    paper: contract-award.pdf
    late: true                      # goes in the supplementary pack
"""

MEETING_EXAMPLE = [
    ("Organisation", "NHS Example Integrated Care Board", "Full name of the organisation."),
    ("Meeting", "Board Meeting", "The meeting, as on the cover and every page's stamp."),
    ("Date", "14/01/2026", "Date of the meeting: 14/01/2026 or 2026-01-14."),
    ("Time", "10:00", "Start time (optional)."),
    ("Venue", "Board Room, County Hall", "Where the meeting is held (optional)."),
    ("Chair", "Sam Chair", "Who chairs it (optional)."),
    ("Contact name", "Jo Clerk, Board Secretary",
     "The clerk or secretary, printed on the cover with the two below (optional)."),
    ("Contact email", "jo.clerk@example.nhs.uk", "Their email address (optional)."),
    ("Contact phone", "01234 567890", "Their telephone number (optional)."),
    ("Front matter", "unnumbered",
     "unnumbered: the cover and agenda have no page numbers; numbered: they do."),
    ("Dividers", "No", "Yes: a divider page before each paper."),
]
ITEM_HELP = {
    "number": "The item number as it should read (7.1, 10); kept as typed text.",
    "title": "The item's title.",
    "presenter": "Who presents it (optional).",
    "purpose": "note, discuss, approve or assurance (default note).",
    "time": "Its time on the agenda (optional).",
    "part": "public (default) or private: private items are left out of the public pack.",
    "late": "Yes: a late item, in the supplementary pack (default No).",
    "paper": "A reportgen workbook (.xlsx) or another author's PDF, relative to this "
             "file; empty for a verbal item.",
    "previous": "The previous paper's workbook, to show what changed (optional).",
}
AGENDA_EXAMPLE = [
    ["1", "Welcome and apologies", "Chair", "note", "10:00", "public", "No", None, None],
    ["2", "Organisational development update", "Deputy Director of OD", "note", "10:10",
     "public", "No", "my-paper.xlsx", None],
    ["3", "Finance report", "Director of Finance", "assurance", "10:30", "public", "No",
     "finance-report.pdf", None],
    ["4", "Contract award", "Director of Strategy", "approve", "10:50", "private", "Yes",
     "contract-award.pdf", None],
]
WIDTHS = {"number": 9, "title": 44, "presenter": 28, "purpose": 12, "time": 8, "part": 10,
          "late": 8, "paper": 30, "previous": 26}
NHS_BLUE = "005EB8"


def write_starter(path: Path, force: bool = False) -> None:
    """Write a starter agenda to ``path``: a workbook for *.xlsx, YAML otherwise."""
    if path.exists() and not force:
        raise ReportgenError(f"{path} already exists; use --force to replace it")
    if path.suffix.lower() == ".xlsx":
        buffer = io.BytesIO()
        starter_workbook().save(buffer)
        atomic_write(path, buffer.getvalue())
    elif path.suffix.lower() in {".yaml", ".yml"}:
        atomic_write(path, STARTER.encode("utf-8"))
    else:
        raise ReportgenError(f"{path}: name the agenda *.yaml (YAML) or *.xlsx (Excel)")


def starter_workbook():
    """The Excel starter: Instructions, Meeting (Field | Value) and Agenda sheets."""
    # openpyxl (a few hundred ms to import) only when a starter workbook is written.
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    book = openpyxl.Workbook()
    instructions = book.active
    instructions.title = "Instructions"
    heading = [Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor=NHS_BLUE)]
    lines = [
        ("reportgen meeting agenda", "", "title"),
        ("Fill in the Meeting and Agenda sheets, then run: reportgen pack this-file.xlsx",
         "", "text"),
        ("Keep the field names and column headings: an unknown one stops the pack, so a "
         "typo cannot change what the pack holds.", "", "text"),
        ("", "", "text"),
        ("Meeting", "One row per field: the field in column A, its value in column B.",
         "sheet"),
        *[(name, text, "row") for name, _, text in MEETING_EXAMPLE],
        ("", "", "text"),
        ("Agenda", "One row per item, in order, under these headings.", "sheet"),
        *[(key.capitalize(), ITEM_HELP[key], "row") for key in ITEM_KEYS],
    ]
    instructions.column_dimensions["A"].width = 18
    instructions.column_dimensions["B"].width = 100
    for index, (first, second, kind) in enumerate(lines, start=1):
        instructions.append([first, second])
        if kind == "title":
            instructions.cell(index, 1).font = Font(bold=True, size=14, color=NHS_BLUE)
        elif kind in {"sheet", "row"}:
            instructions.cell(index, 1).font = Font(bold=True,
                                                    color=NHS_BLUE if kind == "sheet" else None)
        instructions.cell(index, 2).alignment = Alignment(wrap_text=True, vertical="top")

    meeting = book.create_sheet("Meeting")
    meeting.append(["Field", "Value"])
    for name, value, _ in MEETING_EXAMPLE:
        meeting.append([name, value])
    for row in meeting.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "@"  # typed as text: "10:00" stays 10:00
    meeting.column_dimensions["A"].width = 18
    meeting.column_dimensions["B"].width = 44
    choices = {"Front matter": ("unnumbered", "numbered"), "Dividers": ("Yes", "No")}
    for index, (name, _, _) in enumerate(MEETING_EXAMPLE, start=2):
        if name in choices:
            choose(meeting, f"B{index}", choices[name])

    agenda = book.create_sheet("Agenda")
    agenda.append([key.capitalize() for key in ITEM_KEYS])
    for row in AGENDA_EXAMPLE:
        agenda.append(row)
    last = 200
    for column, key in enumerate(ITEM_KEYS, start=1):
        letter = openpyxl.utils.get_column_letter(column)
        agenda.column_dimensions[letter].width = WIDTHS[key]
        if key in {"number", "time"}:
            # Text, so Excel keeps "7.10" and "7/1" as typed instead of a number or date.
            for (cell,) in agenda.iter_rows(min_row=2, max_row=last, min_col=column,
                                            max_col=column):
                cell.number_format = "@"
    for cell in agenda[1]:
        cell.font, cell.fill = heading
    agenda.freeze_panes = "A2"
    letters = {key: openpyxl.utils.get_column_letter(i) for i, key in enumerate(ITEM_KEYS, 1)}
    choose(agenda, f"{letters['purpose']}2:{letters['purpose']}{last}", PURPOSES)
    choose(agenda, f"{letters['part']}2:{letters['part']}{last}", PARTS)
    choose(agenda, f"{letters['late']}2:{letters['late']}{last}", ("Yes", "No"))
    return book


def choose(sheet, cells: str, choices) -> None:
    """A dropdown of ``choices`` in ``cells``, saying what they are."""
    add_dropdown(sheet, cells, choices, "Choose one of: " + ", ".join(choices))


