"""The workbook contract: which sheets, columns and fields a paper workbook has.

The reader, the validator and the documentation all use these definitions, so the
format is described once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum


class Status(Enum):
    """Progress of an action milestone, in BRAG terms (configurable colours in CSS)."""

    COMPLETE = "Complete"
    ON_TRACK = "On track"
    AT_RISK = "At risk"
    OFF_TRACK = "Off track"
    NOT_STARTED = "Not started"

    @property
    def css_class(self) -> str:
        return "status-" + self.name.lower().replace("_", "-")

    @classmethod
    def parse(cls, text: str) -> Status | None:
        """Match a status, or a word people use for it, case-, space- and
        hyphen-insensitively ("on-Track " and "Green" -> ON_TRACK)."""
        return STATUS_WORDS.get(status_key(text))


def status_key(text: str) -> str:
    """A status as compared: case, spacing and hyphens ignored ("On-track" = "on track")."""
    return " ".join(text.replace("-", " ").replace("_", " ").split()).casefold()


#: The words people type for each status: BRAG colours and the usual spellings. Each
#: prints as the status's own word (a paper says "On track", never "Green").
STATUS_SYNONYMS: dict[Status, tuple[str, ...]] = {
    Status.COMPLETE: ("Completed", "Done", "Blue"),
    Status.ON_TRACK: ("Ontrack", "Green"),
    Status.AT_RISK: ("Amber",),
    Status.OFF_TRACK: ("Offtrack", "Red"),
    Status.NOT_STARTED: ("Not yet started", "Grey", "Gray"),
}
STATUS_WORDS: dict[str, Status] = {
    status_key(word): status for status in Status
    for word in (status.value, *STATUS_SYNONYMS[status])}


#: Background and text colour of each status (BRAG), used by the stylesheets and charts.
#: Each pair has contrast of at least 4.5:1 and the five differ in greyscale (tested).
STATUS_COLOURS: dict[Status, tuple[str, str]] = {
    Status.COMPLETE: ("#005EB8", "#FFFFFF"),  # NHS Blue
    Status.ON_TRACK: ("#007F3B", "#FFFFFF"),  # NHS Dark Green
    Status.AT_RISK: ("#FFB81C", "#231F20"),  # NHS Warm Yellow
    Status.OFF_TRACK: ("#8A1538", "#FFFFFF"),  # NHS Dark Red
    Status.NOT_STARTED: ("#E8EDEE", "#231F20"),  # NHS Pale Grey
}


@dataclass(frozen=True)
class Column:
    """A column of a table sheet."""

    name: str
    help: str
    required: bool = False
    aliases: tuple[str, ...] = ()  # other headings people use; plurals match too


@dataclass(frozen=True)
class TableSheet:
    """A sheet holding a table: one header row, then one record per row."""

    name: str
    help: str
    columns: tuple[Column, ...]
    required: bool = True
    #: Sheet names people give it; a workbook using one (and not the name itself) gets
    #: a did-you-mean warning, as the sheet is not read under another name.
    near_names: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class PaperField:
    """A row of the Paper sheet (Field | Value)."""

    name: str
    help: str
    required: bool = False
    kind: str = "text"  # text | date | list | choice
    aliases: tuple[str, ...] = field(default=())
    choices: tuple[str, ...] = ()


PAPER_SHEET = "Paper"

#: What a paper asks of the meeting, and how the cover sheet says it.
PURPOSES = ("Approve", "Discuss", "Note", "Assurance", "Information")
PURPOSE_WORDS = {"Approve": "For approval", "Discuss": "For discussion",
                 "Note": "For noting", "Assurance": "For assurance",
                 "Information": "For information"}
#: The words of the cover's purpose tick row, one box per purpose.
PURPOSE_TICK_WORDS = {"Approve": "Approval", "Discuss": "Discussion", "Note": "Noting",
                      "Assurance": "Assurance", "Information": "Information"}
#: Other words cover sheets use for each purpose (matched case-insensitively, with or
#: without "For").
PURPOSE_SYNONYMS = {"Approve": ("Approval", "Decision", "For decision"),
                    "Discuss": ("Discussion",), "Note": ("Noting", "For noting"),
                    "Assurance": ("Assure",), "Information": ("Info", "For info")}

#: The nine matters of the Monitoring and Assurance Summary (NHS Dorset CCG's form).
DEFAULT_MATTERS = (
    "All three Domains of Quality (Safety, Quality, Patient Experience)",
    "Board Assurance Framework Risk Register",
    "Budgetary Impact",
    "Legal/Regulatory",
    "People/Staff",
    "Financial/Value for Money/Sustainability",
    "Information Management & Technology",
    "Equality Impact Assessment",
    "Freedom of Information",
)
ACTION_REQUIRED_CHOICES = ("Yes – detail in report", "No")

PAPER_FIELDS: tuple[PaperField, ...] = (
    PaperField("Organisation", "Full name of the organisation.", True),
    PaperField("Meeting", 'The meeting, e.g. "Governing Body Meeting".', True),
    PaperField("Meeting date", "Date of the meeting.", True, "date"),
    PaperField("Agenda item", 'The agenda item reference, e.g. "9" or "GB 18/09".', True,
               aliases=("Item", "Agenda item reference")),
    PaperField("Title", "Title of the paper.", True),
    PaperField("Author", "Author's name.", True, aliases=("Author name",)),
    PaperField("Author job title", "Author's job title.", True, aliases=("Author title",)),
    PaperField("Sponsoring board member", 'Name and role, e.g. "T Goodson – Chief Officer".',
               True, aliases=("Sponsor",)),
    PaperField("Purpose of report", "Why the paper comes to the meeting.", True,
               aliases=("Purpose",)),
    PaperField("Purpose category", "What the meeting is asked to do: "
               + ", ".join(PURPOSES) + " (or Approval, Discussion, Noting; several "
               "separated by commas), shown as a tick row (optional).", False, "purpose",
               choices=PURPOSES),
    PaperField("Recommendation", 'What the meeting is asked to do, e.g. "to note".', True),
    PaperField("Stakeholder engagement", "Who has been engaged in the work."),
    PaperField("Previous committees", "Previous Governing Body / committee(s) and dates.",
               aliases=("Previous GB / committee(s) and dates",
                        "Previous GB / Committee/s, Dates")),
    PaperField("Date of report", "Date the author signed the report off.", False, "date",
               aliases=("Report date",)),
    PaperField("Author telephone", "Author's telephone number.",
               aliases=("Telephone", "Telephone number")),
    PaperField("Author initials", "Initials confirming the assurance summary.", True,
               aliases=("Initials",)),
    PaperField("Strategic principle", "A strategic principle the report links to; "
               "one row each (or one per line).", False, "list",
               aliases=("Strategic principles",)),
    PaperField("Action table title", 'Heading of the action-progress table '
               '(default "Action progress").'),
    PaperField("Metrics table title", 'Heading of the metrics table (default "Metrics").'),
)

ASSURANCE = TableSheet(
    "Assurance",
    "The Monitoring and Assurance Summary: one row per matter.",
    (
        Column("Matter", "The matter considered, e.g. \"Budgetary Impact\".", True),
        Column("Considered", "Yes if the implications were considered, else No.", True),
        Column("Action required", '"Yes – detail in report" or "No".', True,
               aliases=("Any action required?", "Action")),
    ),
)

SECTIONS = TableSheet(
    "Sections",
    "The report's narrative: one row per numbered paragraph, in order.",
    (
        Column("Section", "Section number (1, 2, ...) on the first row of a section.", True),
        Column("Heading", "Section heading, on the first row of a section.", True),
        Column("Sub-heading", "A sub-heading starting at this paragraph (optional)."),
        Column("Minor heading", "A minor heading, e.g. a theme, starting here (optional).",
               aliases=("Theme heading",)),
        Column("Paragraph", "Paragraph text. **bold**, lines starting \"- \" are bullets, "
               "lines starting \"1. \" are a numbered list, a blank line starts unnumbered "
               "text, [[Metric]] inserts a metric's figure.",
               True, aliases=("Text", "Narrative", "Content")),
    ),
    near_names=("Narrative", "Report", "Body", "Text", "Section"),
)

ACTIONS = TableSheet(
    "Actions",
    "The action tracker: one row per milestone. A row with an ID starts an action; "
    "rows below it with a blank ID are further milestones of that action.",
    (
        Column("ID", "Action reference, e.g. G1, on the action's first row.", True,
               aliases=("Ref", "Reference", "Action ID", "Action ref", "Action number",
                        "Action no")),
        Column("Theme", "Theme or programme the action belongs to; blank on a milestone "
               "row: the action's.", True,
               aliases=("Programme", "Workstream", "Priority area", "Objective", "Area")),
        Column("Action", "What will be done; blank on a milestone row: the action's.", True,
               aliases=("Priority action", "Action description", "Description",
                        "Key action")),
        Column("Milestone", "A milestone of the action (optional).",
               aliases=("Key milestone", "Deliverable", "Milestone description")),
        Column("Lead", "Who leads this milestone; blank on a milestone row: the row "
               "above's.", True,
               aliases=("Responsible officer", "Owner", "Lead officer", "Responsible",
                        "Action owner", "Lead responsible", "Accountable lead", "Who")),
        Column("Due", 'Due date, or a timescale such as "6 months – 3 years".', True,
               aliases=("Due date", "Timescale", "Target date", "Deadline", "Due by",
                        "Completion date", "By when", "Date due")),
        Column("Status", "One of: " + ", ".join(s.value for s in Status) + " (or "
               "Blue, Green, Amber, Red, Grey).", True,
               aliases=("RAG", "RAG status", "BRAG", "BRAG status", "RAG rating",
                        "Progress status", "Current status")),
        Column("Progress note", "Latest progress, in a sentence or two.",
               aliases=("Progress", "Notes", "Update", "Comments", "Comment",
                        "Progress update", "Commentary", "Latest update")),
    ),
    required=False,
    near_names=("Action plan", "Action tracker", "Tracker", "Action log", "Plan",
                "Milestones"),
)

METRICS = TableSheet(
    "Metrics",
    "Survey and workforce figures; percentages are computed, never typed.",
    (
        Column("Metric", "Name, also used to quote it in a paragraph as [[Name]].", True,
               aliases=("Measure", "Indicator")),
        Column("Period", 'Period the figure covers, e.g. "Oct 2018".', True,
               aliases=("Date", "Month", "Quarter", "Year")),
        Column("Count", "How many (the numerator), as a whole number; never a "
               "percentage.", True, aliases=("Numerator", "Number")),
        Column("Population", "Out of how many (the denominator), if a rate.",
               aliases=("Denominator", "Out of", "Total", "Base")),
        Column("Unit", 'What is counted, e.g. "staff".'),
        Column("Target", "Target in the metric's own unit, if any: a rate's as a "
               "percentage (40%), a count's or a score's as a number (2)."),
        Column("Source", "Where the figure comes from."),
        Column("Kind", "How the figure reads: Rate (a percentage of the Population), "
               "Count (how many) or Score (out of a Maximum, e.g. level 1 of 4); by "
               "default a Rate with a Population, else a Count (on any row of the metric).",
               aliases=("Reads as", "Metric type", "Measure type", "Type")),
        Column("Maximum", "A score's maximum, e.g. 4 for \"level 1 of 4\".",
               aliases=("Max", "Maximum score", "Max score", "Scale")),
        Column("Direction", "Higher is better (the default) or Lower is better: which way "
               "\"Target met?\" reads (on any row of the metric).",
               aliases=("Improvement direction",)),
    ),
    required=False,
    near_names=("Metric", "Measures", "Figures", "Survey", "Data", "KPIs", "KPI"),
)

APPENDICES = TableSheet(
    "Appendices",
    "Appendices listed at the end; a PDF named in File is appended to the paper.",
    (
        Column("Appendix", "Appendix number.", True, aliases=("Number", "No")),
        Column("Title", "Appendix title.", True),
        Column("File", "A PDF to append, relative to the workbook (optional).",
               aliases=("PDF", "Path")),
    ),
    required=False,
    near_names=("Appendix", "Attachments", "Annexes", "Annex"),
)

#: Fewer months than this get a run chart rather than an SPC chart (Making Data Count).
SPC_MIN_POINTS = 15

#: How a paragraph quotes a metric's latest figure: [[Metric name]].
METRIC_REFERENCE = re.compile(r"\[\[([^\[\]\n]+)\]\]")

DIRECTIONS = {"higher is better": "higher", "lower is better": "lower", "neutral": "neutral"}
#: How a Metrics row's figure reads, by the Kind typed (case ignored).
METRIC_KINDS = {"rate": "rate", "count": "count", "score": "score"}
#: Which way a Metrics row's "Target met?" reads (a metric has no neutral direction:
#: its target is met or not).
METRIC_DIRECTIONS = {"higher is better": "higher", "lower is better": "lower"}
#: The fewest points a fixed baseline may have (NHSRplotthedots: fix_after_n_points >= 12).
FIX_AFTER_MIN = 12

WORKFORCE = TableSheet(
    "Workforce",
    "Monthly workforce measures (turnover, sickness absence, appraisal, training, "
    "vacancies): one row per measure per month. Each gets a Making Data Count SPC chart "
    "(a run chart with fewer than 15 months).",
    (
        Column("Metric", "Name of the measure, e.g. \"Sickness absence\".", True,
               aliases=("Measure",)),
        Column("Month", "The month, as a date or e.g. \"Nov 2018\".", True,
               aliases=("Period", "Date")),
        Column("Value", "The value; percentages as 4.3% (or all typed as 4.3).", True),
        Column("Unit", '"%" for a percentage, otherwise what is counted (optional).'),
        Column("Target", "Target, in the same unit as the value (optional)."),
        Column("Direction", "Higher is better, Lower is better or Neutral "
               "(on any row of the measure).", aliases=("Improvement direction",)),
        Column("Rebase", "Yes on the month from which the process limits are "
               "recalculated, e.g. after a change of policy (optional)."),
        Column("Source", "Where the figures come from (optional)."),
        Column("Fix after", "Fix the limits from the first N months (N of at least 12) of "
               "each segment, as fix_after_n_points does in NHSRplotthedots (optional; "
               "on any row of the measure).",
               aliases=("fix_after_n_points", "Fix after n points", "Baseline points",
                        "Fix limits after")),
        Column("Screen outliers", "No to keep every moving range when computing the "
               "limits, as the Making Data Count Excel tool does; Yes (the default) "
               "screens out those above 3.267 times their mean, as NHSRplotthedots does.",
               aliases=("Screen", "Screen moving ranges", "screen_outliers",
                        "Moving range screening")),
    ),
    required=False,
    near_names=("Workforce metrics", "Workforce data", "HR", "HR metrics", "SPC"),
)

HISTORY = TableSheet(
    "History",
    "Earlier status reports of the actions, one row per action per report, so one "
    "workbook can say what changed since the last report (instead of --previous). The "
    "latest report dated before the meeting is compared.",
    (
        Column("Date", "Date of the earlier report (e.g. the last meeting).", True,
               aliases=("Report date", "Snapshot")),
        Column("ID", "Action reference, as on the Actions sheet.", True,
               aliases=("Ref", "Reference")),
        Column("Status", "The action's status then.", True),
        Column("Due", "Its due date then (compared with its first milestone's).",
               aliases=("Due date",)),
        Column("Progress note", "Its progress note then.", aliases=("Progress", "Notes")),
    ),
    required=False,
)

TABLE_SHEETS: tuple[TableSheet, ...] = (ASSURANCE, SECTIONS, ACTIONS, METRICS, WORKFORCE,
                                        HISTORY, APPENDICES)

#: A sheet whose name starts with "Table" ("Table Competency scores", "Table - 7S",
#: "Table1") is a table of the user's own; the rest of its name names the table.
USER_TABLE_SHEET = re.compile(r"^\s*table(?![^\W\d_])[\s\-–—_.,;]*(.*)$",
                              re.IGNORECASE | re.DOTALL)
#: Where a paragraph places one: [[Table: Competency scores]] on a line of its own.
TABLE_REFERENCE = re.compile(r"\[\[\s*table\s*:\s*([^\[\]\n]*?)\s*\]\]", re.IGNORECASE)


def table_key(name: str) -> str:
    """A table's name as compared: case, spacing, hyphens, underscores and trailing
    punctuation ignored ("Competency-scores" and "competency scores" are one name)."""
    text = " ".join(re.sub(r"[-_–—]+", " ", str(name)).split()).casefold()
    return re.sub(r"[\s:?*.]+$", "", text)


#: A table of more columns than this is printed on a landscape page.
WIDE_TABLE_COLUMNS = 6

#: How cells are read, in the words the README and the starter's Instructions use.
READING_RULES: tuple[str, ...] = (
    "Headings are matched loosely: case, spacing and a trailing colon do not matter, "
    "plurals are read (\"Milestones\"), and the other names listed with each column are "
    "accepted. A heading that looks like a column's but is misspelt is an error with a "
    "did-you-mean, never a column quietly left out.",
    "Cells merged down one column (an action's Theme, Action or Lead over its milestone "
    "rows) are read as their value on every row; cells merged across columns are refused.",
    "On the Actions sheet a row with a blank ID continues the action above: a blank "
    "Theme, Action or Lead carries on the value from the row above. Another Action or "
    "Theme typed on such a row is an error: give it its own ID to make it a new action.",
    "Line breaks typed in a cell (Alt+Enter) stay line breaks in the paper.",
    "A status may be typed as its BRAG colour: Blue (Complete), Green (On track), Amber "
    "(At risk), Red (Off track), Grey (Not started); Completed, Done and On-track are read "
    "too. The paper prints the status's own word.",
    "A Count is how many, never a percentage: a Count typed or formatted as a percentage "
    "is refused, as is a number a paper cannot print (NaN, infinite, over a trillion). "
    "Percentages are worked out from Count and Population.",
    "A Due that names a month or a day but is not a full date (\"31st March\") is printed "
    "as typed, with a warning, and left out of the overdue checks; a blank Due is a "
    "warning and prints as \"–\".",
    "A sheet whose name starts with \"Table\" (\"Table Competency scores\", \"Table - 7S\") "
    "is a table of your own: a paragraph with [[Table: Competency scores]] on a line of "
    "its own places it there (the name is the sheet's name after \"Table\"); one no "
    "paragraph places is printed at the end of the report body, with a warning. Tables "
    "are numbered in the order they are printed: \"Table 1: Competency scores\".",
    "On a Table sheet the first non-blank row is the header: every column needs a "
    "heading, and no two the same. Each row below it is a row of the table (blank rows are "
    "skipped, with a warning). A row above the header with only one cell filled is the "
    "table's title, printed in the caption instead of the sheet's name (sheet names are "
    "at most 31 characters, without : / ? * [ ]); so a table of one column has no title "
    "row. Merged cells are refused, except a title merged across the table.",
    "Table cells are printed as Excel shows them: numbers by their number format "
    "(percentages, thousands separators, decimals, currency) and right-aligned, dates in "
    "UK order (14/11/2018, or 14 Nov 2018 when the format names the month), text exactly "
    "as typed with its line breaks. A number format reportgen cannot read (scientific, "
    "fractions) prints as Excel's General, with a warning naming the cell.",
    f"A table of more than {WIDE_TABLE_COLUMNS} columns is printed on a landscape page; "
    "its header row is repeated on every page and no row is split across pages.",
    "A table typed into a paragraph with | characters (Markdown) is refused, naming its "
    "cell: put it on a Table sheet and place it with [[Table: name]].",
    "A Paper row whose field is none of those listed below is printed on the cover sheet "
    "as a field of its own, after the built-in ones, in the workbook's order; one whose "
    "name is close to a built-in field's (\"Authors\") gets a did-you-mean warning.",
    "Other sheets are not read, and each is named in a warning (with a did-you-mean when "
    "it looks like a sheet that is missing).",
)

YES_WORDS = {"yes", "y", "true", "✓", "✔", "x"}
NO_WORDS = {"no", "n", "false", ""}
