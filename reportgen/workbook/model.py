"""The typed model of a board paper: what the templates and analysis work from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportgen.workbook.schema import Status, table_key


@dataclass(frozen=True)
class Paper:
    """The cover-sheet fields."""

    organisation: str
    meeting: str
    meeting_date: date
    agenda_item: str
    title: str
    author: str
    author_job_title: str
    sponsor: str
    purpose: str
    recommendation: str
    purpose_category: str | None = None  # one of schema.PURPOSES
    stakeholder_engagement: str | None = None
    previous_committees: str | None = None
    report_date: date | None = None
    author_telephone: str | None = None
    author_initials: str = ""
    strategic_principles: tuple[str, ...] = ()
    action_table_title: str = "Action progress"
    metrics_table_title: str = "Metrics"
    #: Every purpose category given, in order (purpose_category is the first).
    purpose_categories: tuple[str, ...] = ()
    #: Paper rows that are not built-in fields, in the workbook's order.
    extra_fields: tuple[CoverField, ...] = ()


@dataclass(frozen=True)
class CoverField:
    """A cover-sheet row of the organisation's own ("BAF risk reference")."""

    label: str
    value: str  # as Excel shows it; dates as UK long dates
    cell: str  # "Paper!B21", for messages


@dataclass(frozen=True)
class AssuranceMatter:
    matter: str
    considered: bool
    action_required: bool


@dataclass(frozen=True)
class Paragraph:
    number: str  # "2.13"
    text: str  # source markup, rendered by reportgen.render.markup
    cell: str  # "Sections!E17", for messages
    sub_heading: str | None = None  # starts at this paragraph
    minor_heading: str | None = None


@dataclass
class Section:
    number: int
    heading: str
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass(frozen=True)
class Due:
    """A due date, or a timescale in words when no single date applies."""

    date: date | None = None
    text: str | None = None


@dataclass(frozen=True)
class Milestone:
    description: str | None
    lead: str
    due: Due
    status: Status
    note: str | None = None


@dataclass
class Action:
    id: str
    theme: str
    title: str
    milestones: list[Milestone] = field(default_factory=list)

    @property
    def status(self) -> Status:
        """Complete when every milestone is; Off track or At risk if any milestone is;
        Not started if none has started; otherwise On track (under way)."""
        statuses = {m.status for m in self.milestones}
        if statuses == {Status.COMPLETE}:
            return Status.COMPLETE
        for worrying in (Status.OFF_TRACK, Status.AT_RISK):
            if worrying in statuses:
                return worrying
        if statuses == {Status.NOT_STARTED}:
            return Status.NOT_STARTED
        return Status.ON_TRACK


@dataclass(frozen=True)
class Metric:
    name: str
    period: str
    count: float
    population: float | None = None
    unit: str | None = None
    target: float | None = None  # a rate's as a fraction (0.4 for 40%); else in its unit
    source: str | None = None
    kind: str | None = None  # rate | count | score; None: rate with a population, else count
    maximum: float | None = None  # a score's maximum ("level 1 of 4": 4)
    direction: str = "higher"  # higher | lower: which way "Target met?" reads


@dataclass(frozen=True)
class MonthlyValue:
    month: date  # first day of the month
    value: float  # percentages as fractions (0.043 for 4.3%)
    rebase: bool = False


@dataclass
class WorkforceMeasure:
    """A monthly workforce measure, shown as an SPC (or run) chart."""

    name: str
    values: list[MonthlyValue]
    percent: bool = False
    unit: str | None = None
    target: float | None = None  # same scale as values
    direction: str = "neutral"  # higher | lower | neutral
    source: str | None = None
    fix_after: int | None = None  # limits from the first N points of each segment
    screen: bool = True  # moving ranges above 3.267 x their mean screened out


@dataclass(frozen=True)
class Appendix:
    number: str
    title: str
    file: Path | None = None
    cell: str | None = None  # where the file was named, for messages


@dataclass(frozen=True)
class HistoryRow:
    """An action's state in an earlier report (the History sheet)."""

    date: date
    action_id: str
    status: Status
    due: Due
    note: str | None = None


@dataclass(frozen=True)
class TableCell:
    """A cell of a table of the user's own, as Excel shows it."""

    text: str
    number: bool = False  # a number (or duration): printed right-aligned


@dataclass(frozen=True)
class UserTable:
    """A "Table ..." sheet, numbered in the order the paper prints it."""

    name: str  # as [[Table: name]] names it
    caption: str  # without its number: the title row, or the name
    sheet: str
    header: tuple[TableCell, ...]
    rows: tuple[tuple[TableCell, ...], ...]
    number: int
    placed_at: str | None = None  # "Sections!E7"; None: printed at the end of the body
    wide: bool = False  # printed on a landscape page

    @property
    def numeric_columns(self) -> tuple[bool, ...]:
        """Columns whose filled cells are all numbers (their heading is right-aligned)."""
        return tuple(
            any(row[i].text for row in self.rows)
            and all(row[i].number for row in self.rows if row[i].text)
            for i in range(len(self.header)))


@dataclass
class Report:
    """Everything one workbook says, validated."""

    source: Path
    paper: Paper
    assurance: list[AssuranceMatter]
    sections: list[Section]
    actions: list[Action]
    metrics: list[Metric]
    appendices: list[Appendix]
    workforce: list[WorkforceMeasure] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)
    tables: list[UserTable] = field(default_factory=list)  # in the order printed

    def table(self, name: str) -> UserTable | None:
        """The table a paragraph places as [[Table: name]] (case, spacing, hyphens and
        underscores ignored)."""
        return next((t for t in self.tables if table_key(t.name) == table_key(name)), None)
