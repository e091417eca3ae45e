"""Check a raw workbook and build the typed :class:`~reportgen.workbook.model.Report`.

Every problem is collected with its cell, then raised together, so a user fixes
the whole workbook in one pass.
"""

from __future__ import annotations

import calendar
import difflib
import math
import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reportgen.errors import InputError, Problem
from reportgen.workbook.dates import read_date
from reportgen.workbook.formats import show
from reportgen.workbook.model import (
    Action,
    Appendix,
    AssuranceMatter,
    CoverField,
    Due,
    HistoryRow,
    Metric,
    Milestone,
    MonthlyValue,
    Paper,
    Paragraph,
    Report,
    Section,
    TableCell,
    UserTable,
    WorkforceMeasure,
)
from reportgen.workbook.reader import (
    Cell,
    RawUserTable,
    RawWorkbook,
    Row,
    Table,
    read_workbook,
)
from reportgen.workbook.schema import (
    ACTIONS,
    APPENDICES,
    ASSURANCE,
    DIRECTIONS,
    FIX_AFTER_MIN,
    HISTORY,
    METRIC_DIRECTIONS,
    METRIC_KINDS,
    METRIC_REFERENCE,
    METRICS,
    NO_WORDS,
    PAPER_FIELDS,
    PAPER_SHEET,
    PURPOSE_SYNONYMS,
    PURPOSE_TICK_WORDS,
    PURPOSE_WORDS,
    PURPOSES,
    SECTIONS,
    STATUS_SYNONYMS,
    TABLE_REFERENCE,
    WIDE_TABLE_COLUMNS,
    WORKFORCE,
    YES_WORDS,
    Status,
    table_key,
)

#: Larger numbers than this in a cell are refused: no paper's figure is a trillion.
LARGEST_NUMBER = 1e12
_MONTH_WORDS = re.compile(
    r"\b(" + "|".join([*(m for m in calendar.month_name if m), *(m for m in calendar.month_abbr
                                                                if m), "Sept"])
    + r")\b|\b\d{1,2}(st|nd|rd|th)\b|\b\d{1,2}/\d{1,2}\b", re.IGNORECASE)


def looks_like_date(text: str) -> bool:
    """Whether text that is not a date names a month or a day ("31st March", "end of
    March"), so a reader would take it for a due date that overdue checks then miss."""
    return bool(_MONTH_WORDS.search(text))


def load_report(path: Path) -> Report:
    """Read and validate a workbook; raise :class:`InputError` with every problem."""
    report, problems = check_workbook(path)
    if report is None:
        raise InputError(problems, path)
    return report


def check_workbook(path: Path) -> tuple[Report | None, list[Problem]]:
    """Validate a workbook: the report (None if there were errors) and all problems.

    Problems come back in sheet order, warnings included.
    """
    try:
        raw = read_workbook(path)
    except InputError as exc:
        return None, exc.problems
    validator = Validator(raw)
    report = validator.report()
    return report, in_workbook_order(validator.problems, raw.sheet_names)


_CELL_PLACE = re.compile(r"([A-Z]*)([0-9]*)")


def in_workbook_order(problems: list[Problem], sheet_names: list[str]) -> list[Problem]:
    """Problems in the order a user goes through the workbook: sheet by sheet (as the
    tabs are ordered; missing sheets last), then row by row, then column by column."""
    order = {name.casefold(): index for index, name in enumerate(sheet_names)}

    def place(problem: Problem) -> tuple[int, int, int]:
        sheet = order.get((problem.sheet or "").casefold(), len(order))
        match = _CELL_PLACE.match((problem.cell or "").split(":")[0])
        letters, digits = match.groups() if match else ("", "")
        column = 0
        for letter in letters:
            column = column * 26 + ord(letter) - 64
        return sheet, int(digits or 0), column

    return sorted(problems, key=place)


#: A cell longer than this is worth a second look (a paragraph is rarely a tenth of it).
MAX_CELL_CHARS = 8000
#: A "word" (no spaces) longer than this is broken across lines wherever it reaches
#: the edge of its column; it is most likely a pasted string, not meant as one word.
MAX_WORD_CHARS = 120
#: Bidirectional controls that can make text display differently from how it is
#: stored ("Trojan Source"); right-to-left text itself needs none of them.
BIDI_CONTROLS = {"\u202a": "LEFT-TO-RIGHT EMBEDDING", "\u202b": "RIGHT-TO-LEFT EMBEDDING",
                 "\u202c": "POP DIRECTIONAL FORMATTING", "\u202d": "LEFT-TO-RIGHT OVERRIDE",
                 "\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u2066": "LEFT-TO-RIGHT ISOLATE",
                 "\u2067": "RIGHT-TO-LEFT ISOLATE", "\u2068": "FIRST STRONG ISOLATE",
                 "\u2069": "POP DIRECTIONAL ISOLATE"}


def text_problems(raw: RawWorkbook) -> list[Problem]:
    """Text no paper should print, cell by cell: control characters (Excel's
    ``_x0000_`` and ``_x001B_`` escapes arrive as NUL and ESC) are errors; bidirectional
    overrides, very long cells and very long words are warnings."""
    import re  # here, not at the top: only this check needs it

    cells = [(PAPER_SHEET, entry.ref, entry.value) for entry in raw.paper]
    cells += [(table.sheet, cell.ref, cell.value) for table in raw.tables.values()
              for row in table.rows for cell in row.cells.values()]
    cells += [(table.sheet, cell.ref, cell.value) for table in raw.user_tables
              for row in [table.header, *table.rows] for cell in row]
    long_word = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")
    control = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all Cc but \t \n \r
    bidi_control = re.compile("[" + "".join(BIDI_CONTROLS) + "]")
    suspicious = re.compile(f"{control.pattern}|{bidi_control.pattern}")
    problems = []

    def add(sheet: str, ref: str, message: str, hint: str, severity: str) -> None:
        problems.append(Problem(message, file=raw.path, sheet=sheet, cell=ref, hint=hint,
                                severity=severity))

    for sheet, ref, value in cells:
        if not isinstance(value, str) or (len(value) <= MAX_WORD_CHARS
                                          and not suspicious.search(value)):
            continue  # most cells: one search, nothing to say
        controls = sorted(set(control.findall(value)))
        if controls:
            names = ", ".join(f"U+{ord(ch):04X}" for ch in controls)
            many = len(controls) > 1
            add(sheet, ref, f"contains control character{'s' if many else ''} "
                f"{names}, which cannot be printed", f"delete {'them' if many else 'it'}"
                f" (Excel may show it as _x{ord(controls[0]):04X}_, or not at all) and save "
                "again", "error")
        bidi = sorted(set(bidi_control.findall(value)))
        if bidi:
            add(sheet, ref, "contains " + ", ".join(
                f"U+{ord(ch):04X} {BIDI_CONTROLS[ch]}" for ch in bidi)
                + ", which can make the text display differently from how it is stored",
                "delete it unless you put it there on purpose", "warning")
        if len(value) > MAX_CELL_CHARS:
            add(sheet, ref, f"is {len(value):,} characters long, over {MAX_CELL_CHARS:,}",
                "check it was pasted as intended; split a long text over several rows",
                "warning")
        word = long_word.search(value) if len(value) > MAX_WORD_CHARS else None
        if word:
            add(sheet, ref, f"has a {len(word.group()):,}-character word with no spaces "
                f"(\"{word.group()[:20]}…\"); it is broken wherever it reaches the edge",
                "check it was pasted as intended", "warning")
    return problems


def as_text(value: Any) -> str | None:
    """Cell value as text; whole numbers typed as numbers lose their ".0"."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return str(value)


class Validator:
    """Builds the model sheet by sheet, noting problems instead of stopping."""

    def __init__(self, raw: RawWorkbook):
        self.raw = raw
        self.problems: list[Problem] = list(raw.problems) + text_problems(raw)
        self.milestone_rows: list[Row] = []
        self.refused_status: set[int] = set()  # rows whose status was not understood
        self.purposes: tuple[str, ...] = ()  # the Purpose category, read

    # -- helpers -------------------------------------------------------------------

    def problem(self, sheet: str, cell: str, message: str, hint: str | None = None,
                severity: str = "error") -> None:
        if cell.startswith("?"):
            return  # the column is missing, which was reported once for the sheet
        self.problems.append(Problem(message, file=self.raw.path, sheet=sheet, cell=cell,
                                     hint=hint, severity=severity))

    def table(self, name: str) -> Table | None:
        return self.raw.tables.get(name)

    def required_text(self, table: Table, row: Row, column: str) -> str:
        text = as_text(row.value(column))
        if text is None:
            self.problem(table.sheet, row.ref(column), f"'{column}' is empty",
                         "fill it in or delete the row")
            return ""
        return text

    # -- the report ----------------------------------------------------------------

    def report(self) -> Report | None:
        paper = self.paper()
        metrics = self.metrics()
        report = Report(
            source=self.raw.path,
            paper=paper,
            assurance=self.assurance(),
            sections=self.sections({m.name.casefold() for m in metrics}),
            actions=self.actions(),
            metrics=metrics,
            appendices=self.appendices(),
            workforce=self.workforce(),
            history=self.history(),
        )
        report.tables = self.user_tables(report.sections)
        report.paper = replace(paper, purpose_categories=self.purposes,
                               extra_fields=self.extra_fields())
        self.warn_overdue_not_started(report)
        if any(p.severity == "error" for p in self.problems):
            return None
        return report

    def paper(self) -> Paper:
        values: dict[str, Any] = {}
        refs: dict[str, str] = {}
        principles: list[str] = []
        for entry in self.raw.paper:
            if entry.extra:
                continue  # a field of the organisation's own: see extra_fields
            if entry.field == "Strategic principle":
                if entry.value is not None:
                    principles += [line.lstrip("•-* ").strip()
                                   for line in str(entry.value).splitlines() if line.strip()]
                continue
            if entry.field in values and values[entry.field] is not None:
                self.problem(PAPER_SHEET, entry.ref, f"'{entry.field}' is given twice",
                             "keep one row per field", "warning")
                continue
            values[entry.field] = entry.value
            refs[entry.field] = entry.ref
        for spec in PAPER_FIELDS:
            value = values.get(spec.name)
            ref = refs.get(spec.name, "A:B")
            if spec.required and value is None:
                where = ref if spec.name in refs else "A:B"
                self.problem(PAPER_SHEET, where, f"'{spec.name}' is required",
                             f"add a row '{spec.name}' with its value"
                             if spec.name not in refs else "fill in its value")
            elif spec.kind == "date" and value is not None:
                reading = read_date(value)
                if reading.value is None or reading.month_only:
                    self.problem(PAPER_SHEET, ref, reading.error or f'"{value}" is not a date',
                                 "give the full date as day/month/year, e.g. 14/11/2018")
                values[spec.name] = None if reading.month_only else reading.value
            elif spec.kind == "purpose" and value is not None:
                self.purposes = self.purpose_categories(value, ref)
                values[spec.name] = self.purposes[0] if self.purposes else None
            elif spec.kind == "choice" and value is not None:
                wanted = (as_text(value) or "").casefold()
                match = next((c for c in spec.choices if c.casefold() == wanted), None)
                if match is None:
                    self.problem(PAPER_SHEET, ref, f'"{value}" is not a {spec.name.lower()}',
                                 "use one of " + ", ".join(spec.choices))
                values[spec.name] = match
            elif value is not None:
                values[spec.name] = as_text(value)

        def text(name: str, default: str = "") -> str:
            return values.get(name) or default

        return Paper(
            organisation=text("Organisation"),
            meeting=text("Meeting"),
            meeting_date=values.get("Meeting date") or date.min,
            agenda_item=text("Agenda item"),
            title=text("Title"),
            author=text("Author"),
            author_job_title=text("Author job title"),
            sponsor=text("Sponsoring board member"),
            purpose=text("Purpose of report"),
            recommendation=text("Recommendation"),
            purpose_category=values.get("Purpose category"),
            stakeholder_engagement=values.get("Stakeholder engagement"),
            previous_committees=values.get("Previous committees"),
            report_date=values.get("Date of report"),
            author_telephone=values.get("Author telephone"),
            author_initials=text("Author initials"),
            strategic_principles=tuple(principles),
            action_table_title=text("Action table title", "Action progress"),
            metrics_table_title=text("Metrics table title", "Metrics"),
        )

    def yes_no(self, table: Table, row: Row, column: str) -> bool:
        raw = as_text(row.value(column)) or ""
        word = raw.split("–")[0].split("-")[0].split(",")[0].strip().casefold()
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        self.problem(table.sheet, row.ref(column), f'"{raw}" is not Yes or No',
                     "use Yes or No")
        return False

    def assurance(self) -> list[AssuranceMatter]:
        table = self.table(ASSURANCE.name)
        if table is None:
            return []
        matters = []
        for row in table.rows:
            matter = self.required_text(table, row, "Matter")
            matters.append(AssuranceMatter(
                matter=matter,
                considered=self.yes_no(table, row, "Considered"),
                action_required=self.yes_no(table, row, "Action required"),
            ))
        if not matters:
            self.problem(table.sheet, "A2", "no matters listed",
                         "list the matters of the Monitoring and Assurance Summary")
        return matters

    def sections(self, metric_names: set[str]) -> list[Section]:
        table = self.table(SECTIONS.name)
        if table is None:
            return []
        sections: list[Section] = []
        for row in table.rows:
            number_value = row.value("Section")
            heading = as_text(row.value("Heading"))
            if number_value is not None:
                number = self.section_number(table, row, number_value, sections)
                if heading is None:
                    self.problem(table.sheet, row.ref("Heading"),
                                 f"section {number} has no heading", "type its heading")
                sections.append(Section(number, heading or ""))
            elif heading is not None:
                self.problem(table.sheet, row.ref("Section"),
                             f'heading "{heading}" has no section number',
                             "number the section (1, 2, ...)")
            if not sections:
                self.problem(table.sheet, row.ref("Section"),
                             "the first paragraph has no section",
                             "give the first row a section number and heading")
                sections.append(Section(1, heading or ""))
            section = sections[-1]
            text = as_text(row.value("Paragraph"))
            if text is None:
                self.problem(table.sheet, row.ref("Paragraph"), "the paragraph is empty",
                             "type the paragraph text or delete the row")
                continue
            self.check_pipe_table(table, row, text)
            for name in METRIC_REFERENCE.findall(text):
                if TABLE_REFERENCE.fullmatch(f"[[{name}]]"):
                    continue  # places a table: checked by user_tables
                if name.strip().casefold() not in metric_names:
                    close = difflib.get_close_matches(
                        name.strip().casefold(), sorted(metric_names), n=1, cutoff=0.5)
                    self.problem(table.sheet, row.ref("Paragraph"),
                                 f'[[{name}]] names no metric on the Metrics sheet',
                                 f"did you mean [[{close[0]}]]?" if close
                                 else "add it to the Metrics sheet")
            # A paragraph that only places a table is not numbered.
            numbered = sum(1 for p in section.paragraphs if p.number)
            section.paragraphs.append(Paragraph(
                number=f"{section.number}.{numbered + 1}"
                if TABLE_REFERENCE.sub("", text).strip() else "",
                text=text,
                cell=f"{table.sheet}!{row.ref('Paragraph')}",
                sub_heading=as_text(row.value("Sub-heading")),
                minor_heading=as_text(row.value("Minor heading")),
            ))
        if not sections:
            self.problem(table.sheet, "A2", "the report has no paragraphs",
                         "add at least one section with a paragraph")
        return sections

    def section_number(self, table: Table, row: Row, value: Any,
                       sections: list[Section]) -> int:
        text = (as_text(value) or "").rstrip(".")
        expected = len(sections) + 1
        if not text.isdigit():
            self.problem(table.sheet, row.ref("Section"), f'"{value}" is not a section number',
                         f"use {expected}")
            return expected
        number = int(text)
        if number != expected:
            self.problem(table.sheet, row.ref("Section"),
                         f"section {number} follows section {expected - 1}",
                         f"number sections 1, 2, 3 ... in order; this should be {expected}")
        return number

    def actions(self) -> list[Action]:
        """Actions and their milestones. A row with an ID starts an action (the same ID
        on the rows below is the same action); below it, a blank Theme, Action or Lead
        carries on the value above, as a merged cell over the rows reads. An Action or
        Theme typed differently on such a row is refused: it would otherwise vanish."""
        table = self.table(ACTIONS.name)
        if table is None:
            return []
        actions: list[Action] = []
        seen: dict[str, str] = {}
        first_cells: dict[str, tuple[str, str]] = {}  # action ID -> Theme and Action cells
        lead: tuple[str, str] | None = None  # the lead above, and its cell
        for row in table.rows:
            action_id = as_text(row.value("ID"))
            if action_id is not None and not (actions and actions[-1].id == action_id):
                lead = None
                if action_id in seen:
                    self.problem(table.sheet, row.ref("ID"),
                                 f'action ID "{action_id}" is used twice '
                                 f"(first at {seen[action_id]})",
                                 "give each action its own ID; put its milestones on the rows "
                                 "directly below it")
                    continue
                seen[action_id] = row.ref("ID")
                first_cells[action_id] = (row.ref("Theme"), row.ref("Action"))
                actions.append(Action(
                    id=action_id,
                    theme=self.required_text(table, row, "Theme"),
                    title=self.required_text(table, row, "Action"),
                ))
            elif not actions:
                self.problem(table.sheet, row.ref("ID"), "this milestone has no action above it",
                             "give the row an action ID, theme and action")
                continue
            else:
                self.same_as_action(table, row, actions[-1], first_cells[actions[-1].id])
            lead_text = as_text(row.value("Lead"))
            if lead_text is None and lead is not None:
                lead_text = lead[0]
            elif lead_text is not None:
                lead = (lead_text, row.ref("Lead"))
            actions[-1].milestones.append(self.milestone(table, row, lead_text))
            self.milestone_rows.append(row)
        return actions

    def same_as_action(self, table: Table, row: Row, action: Action,
                       cells: tuple[str, str]) -> None:
        """A further row of ``action`` may leave Theme and Action blank or repeat them;
        different text there is a problem naming both cells."""
        for column, current, first in (("Theme", action.theme, cells[0]),
                                       ("Action", action.title, cells[1])):
            text = as_text(row.value(column))
            if text is None or " ".join(text.split()) == " ".join(current.split()):
                continue
            word = column.lower()
            self.problem(table.sheet, row.ref(column),
                         f'{word} "{text}" differs from action {action.id}\'s '
                         f'"{current}" ({first}), on a row that continues {action.id}',
                         f"give it its own ID in {row.ref('ID')} to make it a new action, or "
                         f"clear {row.ref(column)} to make the row a milestone of {action.id}")

    def milestone(self, table: Table, row: Row, lead: str | None) -> Milestone:
        status_text = as_text(row.value("Status"))
        status = Status.parse(status_text) if status_text else None
        if status is None:
            self.refused_status.add(row.number)
            names = [s.value for s in Status]
            if status_text is None:
                self.problem(table.sheet, row.ref("Status"), "status is empty",
                             "use one of " + ", ".join(names))
            else:
                words = names + [w for st in Status for w in STATUS_SYNONYMS[st]]
                close = difflib.get_close_matches(status_text, words, n=1, cutoff=0.4)
                meant = Status.parse(close[0]) if close else None
                also = f" ({meant.value})" if meant is not None and close[0] != meant.value \
                    else ""
                hint = (f"did you mean '{close[0]}'{also}? " if close else "") + \
                    "use one of " + ", ".join(names)
                self.problem(table.sheet, row.ref("Status"),
                             f'"{status_text}" is not a status', hint)
        if lead is None:
            self.problem(table.sheet, row.ref("Lead"), "'Lead' is empty",
                         "fill it in or delete the row")
        return Milestone(
            description=as_text(row.value("Milestone")),
            lead=lead or "",
            due=self.due(table, row),
            status=status or Status.NOT_STARTED,
            note=as_text(row.value("Progress note")),
        )

    def due(self, table: Table, row: Row) -> Due:
        value = row.value("Due")
        if value is None:
            self.problem(table.sheet, row.ref("Due"),
                         "due date is empty; it is printed as \"–\" and not checked for "
                         "being overdue", 'give a date or a timescale such as "Ongoing"',
                         "warning")
            return Due()
        reading = read_date(value)
        if reading.error:
            self.problem(table.sheet, row.ref("Due"), reading.error,
                         "use day/month/year, e.g. 14/11/2018, or a timescale in words")
            return Due(text=as_text(value))
        if reading.value is not None:
            return Due(date=reading.value, text=str(value) if reading.month_only else None)
        text = as_text(value) or ""
        if looks_like_date(text):
            self.problem(table.sheet, row.ref("Due"),
                         f'"{text}" looks like a date but has no year, or is not one; it is '
                         "printed as typed and left out of the overdue checks",
                         "give the full date, e.g. 31/03/2019, if it is one", "warning")
        return Due(text=text)

    def warn_overdue_not_started(self, report: Report) -> None:
        """A "Not started" milestone due before the meeting is probably out of date."""
        meeting = report.paper.meeting_date
        table = self.table(ACTIONS.name)
        if table is None or meeting == date.min:
            return
        milestones = [m for action in report.actions for m in action.milestones]
        for row, milestone in zip(self.milestone_rows, milestones, strict=True):
            due = milestone.due.date
            if row.number in self.refused_status:
                continue  # its status was refused, not "Not started"
            if milestone.status is Status.NOT_STARTED and due is not None and due < meeting:
                self.problem(table.sheet, row.ref("Due"),
                             f"due {due:%d/%m/%Y}, before the meeting, but \"Not started\"",
                             "update the status or the due date", "warning")

    def metrics(self) -> list[Metric]:
        table = self.table(METRICS.name)
        if table is None:
            return []
        rows = []
        for row in table.rows:
            name = self.required_text(table, row, "Metric")
            count = self.number(table, row, "Count", required=True)
            population = self.number(table, row, "Population")
            if population is not None and population <= 0:
                self.problem(table.sheet, row.ref("Population"),
                             "population must be more than 0", "leave it blank if not a rate")
                population = None
            rows.append((row, name, count, population))
        kinds = self.per_metric(table, [(r, n) for r, n, _, _ in rows], "Kind",
                                METRIC_KINDS, "Rate, Count or Score")
        directions = self.per_metric(table, [(r, n) for r, n, _, _ in rows], "Direction",
                                     METRIC_DIRECTIONS, "Higher is better or Lower is better")
        metrics = []
        for row, name, count, population in rows:
            kind = kinds.get(name.casefold())
            typed_kind = kind
            if kind is None:
                kind = "rate" if population is not None else "count"
            maximum = self.metric_maximum(table, row, name, kind)
            if kind == "rate" and population is None and typed_kind and \
                    row.value("Population") is None:
                self.problem(table.sheet, row.ref("Population"),
                             f"{name} is a rate, which needs its Population (out of how "
                             "many)", "fill in the Population, or set Kind to Count")
            elif kind != "rate" and population is not None:
                self.problem(table.sheet, row.ref("Population"),
                             f"{name} is a {kind}, which has no Population",
                             "clear the Population, or set Kind to Rate" if kind == "count"
                             else "put the score's maximum in Maximum and clear Population")
                population = None
            if count is not None and population is not None and count > population:
                self.problem(table.sheet, row.ref("Count"),
                             f"count {as_text(count)} is larger than population "
                             f"{as_text(population)}", "check both figures")
            if count is not None and maximum is not None and count > maximum:
                self.problem(table.sheet, row.ref("Count"),
                             f"score {as_text(count)} is larger than its maximum "
                             f"{as_text(maximum)}", "check both figures")
            unit = as_text(row.value("Unit"))
            metrics.append(Metric(
                name=name,
                period=self.required_text(table, row, "Period"),
                count=count or 0,
                population=population,
                unit=unit,
                target=self.target(table, row, kind, maximum, unit),
                source=as_text(row.value("Source")),
                kind=kind,
                maximum=maximum,
                direction=directions.get(name.casefold(), "higher"),
            ))
        return metrics

    def per_metric(self, table: Table, rows: list[tuple[Row, str]], column: str,
                   words: dict[str, str], choices: str) -> dict[str, str]:
        """A setting typed on any row of a metric (Kind, Direction): metric name
        (casefolded) -> its value. A word not in ``words`` is an error with a did-you-mean;
        two different values for one metric are an error naming both cells."""
        chosen: dict[str, tuple[str, str]] = {}
        for row, name in rows:
            typed = as_text(row.value(column))
            if not typed or not typed.strip():
                continue
            value = words.get(" ".join(typed.split()).casefold())
            if value is None:
                close = difflib.get_close_matches(" ".join(typed.split()).casefold(),
                                                  list(words), n=1, cutoff=0.6)
                meant = f"did you mean '{close[0].capitalize()}'? " if close else ""
                self.problem(table.sheet, row.ref(column),
                             f'"{typed}" is not a {column.lower()}',
                             f"{meant}use {choices}")
                continue
            key = name.casefold()
            if key in chosen and chosen[key][0] != value:
                self.problem(table.sheet, row.ref(column),
                             f'{column.lower()} "{typed}" differs from {chosen[key][1]} for '
                             f"{name}", f"give {name} one {column.lower()}")
                continue
            chosen.setdefault(key, (value, f"{table.sheet}!{row.ref(column)}"))
        return {key: value for key, (value, _) in chosen.items()}

    def metric_maximum(self, table: Table, row: Row, name: str, kind: str) -> float | None:
        """A score's maximum; refused on a rate or a count, required for a score."""
        maximum = self.number(table, row, "Maximum")
        if kind != "score":
            if maximum is not None:
                self.problem(table.sheet, row.ref("Maximum"),
                             f"{name} is a {kind}, so it has no Maximum",
                             "clear the Maximum, or set Kind to Score")
            return None
        if maximum is None and row.value("Maximum") is None:
            where = row.ref("Maximum") if "Maximum" in row.cells else row.ref("Kind")
            self.problem(table.sheet, where,
                         f"{name} is a score, which needs its maximum (\"level 1 of 4\": 4)",
                         "type the maximum in a column headed 'Maximum'"
                         if "Maximum" not in row.cells else "type the highest score")
            return None
        if maximum is not None and maximum <= 0:
            self.problem(table.sheet, row.ref("Maximum"), "a score's maximum must be more "
                         "than 0", "type the highest score, e.g. 4")
            return None
        return maximum

    def number(self, table: Table, row: Row, column: str, required: bool = False) -> float | None:
        """A count: a number that cannot be negative, and is never a percentage."""
        raw = row.value(column)
        cell = row.cells.get(column)
        typed_percent = isinstance(raw, str) and raw.strip().endswith("%")
        if (cell is not None and cell.percent and isinstance(raw, int | float)) or typed_percent:
            shown = raw.strip() if typed_percent else f"{raw * 100:g}%"
            self.problem(table.sheet, row.ref(column),
                         f"{shown} is a percentage, but '{column}' is how many",
                         "type the number itself (e.g. 111 of a Population of 326); "
                         "the percentage is worked out from the two")
            return None
        value = self.signed_number(table, row, column, required=required,
                                   example="type digits only, e.g. 326")
        if value is not None and value < 0:
            self.problem(table.sheet, row.ref(column), f"{as_text(value)} is negative",
                         "counts cannot be negative")
            return None
        return value

    def target(self, table: Table, row: Row, kind: str = "rate",
               maximum: float | None = None, unit: str | None = None) -> float | None:
        """The target in the metric's own unit: a rate's a fraction (40% -> 0.4), a
        count's a number of its unit, a score's a level up to its maximum."""
        value = row.value("Target")
        if value is None:
            return None
        cell = row.cells.get("Target")
        text = (as_text(value) or "").strip()
        formatted_percent = cell is not None and cell.percent and \
            isinstance(value, int | float) and not isinstance(value, bool)
        if kind != "rate":
            shown = f"{value * 100:g}%" if formatted_percent else text
            what = f"a number of {unit}" if kind == "count" and unit else (
                "how many" if kind == "count" else
                f"a level out of {as_text(maximum) if maximum else 'its maximum'}")
            if formatted_percent or text.endswith("%"):
                self.problem(table.sheet, row.ref("Target"),
                             f'target "{shown}" is a percentage, but this {kind}\'s target '
                             f"is {what}",
                             "type the number itself, e.g. 2" if kind == "count" else
                             "type the level itself, e.g. 3",)
                return None
            try:
                number = float(text.replace(",", ""))
            except ValueError:
                self.problem(table.sheet, row.ref("Target"), f'"{text}" is not a target',
                             f"type {what} as a number")
                return None
            if not math.isfinite(number) or number < 0:
                self.problem(table.sheet, row.ref("Target"),
                             f'"{text}" is not a {kind} target', "type a number of 0 or more")
                return None
            if maximum is not None and number > maximum:
                self.problem(table.sheet, row.ref("Target"),
                             f'target {text} is above the maximum score {as_text(maximum)}',
                             "check both figures")
                return None
            return number
        try:
            number = float(text.rstrip("%").strip())
        except ValueError:
            self.problem(table.sheet, row.ref("Target"), f'"{text}" is not a target rate',
                         "type a percentage such as 40%")
            return None
        if text.endswith("%") or number > 1:
            number /= 100
        if not 0 <= number <= 1:
            self.problem(table.sheet, row.ref("Target"), f'"{text}" is not between 0% and 100%',
                         "type a percentage such as 40%")
            return None
        return number

    def workforce(self) -> list[WorkforceMeasure]:
        """Monthly measures, grouped by name in order of first appearance."""
        table = self.table(WORKFORCE.name)
        if table is None:
            return []
        measures: dict[str, WorkforceMeasure] = {}
        rows: dict[str, list[tuple[Row, MonthlyValue]]] = {}
        fix_cells: dict[str, list[str]] = {}  # where each measure's Fix after was typed
        for row in table.rows:
            name = self.required_text(table, row, "Metric")
            reading = read_date(row.value("Month"))
            if reading.value is None:
                self.problem(table.sheet, row.ref("Month"),
                             reading.error or f'"{as_text(row.value("Month"))}" is not a month',
                             'give the month as a date or e.g. "Nov 2018"')
                continue
            value = self.signed_number(table, row, "Value")
            if value is None or not name:
                continue
            key = name.casefold()
            measure = measures.setdefault(key, WorkforceMeasure(name=name, values=[]))
            month = reading.value.replace(day=1)
            entry = MonthlyValue(month, value, self.yes_no(table, row, "Rebase"))
            if any(existing.month == month for _, existing in rows.get(key, [])):
                self.problem(table.sheet, row.ref("Month"),
                             f"{name} has two values for {month:%b %Y}", "keep one row per month")
                continue
            rows.setdefault(key, []).append((row, entry))
            unit = as_text(row.value("Unit"))
            if unit:
                measure.unit = unit
            direction = as_text(row.value("Direction"))
            if direction:
                wanted = DIRECTIONS.get(" ".join(direction.split()).casefold())
                if wanted is None:
                    close = difflib.get_close_matches(" ".join(direction.split()).casefold(),
                                                      list(DIRECTIONS), n=1, cutoff=0.6)
                    meant = f"did you mean '{close[0].capitalize()}'? " if close else ""
                    self.problem(table.sheet, row.ref("Direction"),
                                 f'"{direction}" is not an improvement direction',
                                 f"{meant}use Higher is better, Lower is better or Neutral")
                else:
                    measure.direction = wanted
            self.spc_options(table, row, measure, fix_cells.setdefault(key, []))
            target = self.signed_number(table, row, "Target", required=False)
            if target is not None:
                measure.target = target
            measure.source = as_text(row.value("Source")) or measure.source
        for key, measure in measures.items():
            ordered = sorted(rows.get(key, []), key=lambda pair: pair[1].month)
            measure.values = [entry for _, entry in ordered]
            self.check_fix_after(table, measure, fix_cells.get(key, []))
            measure.percent = (measure.unit or "").strip() == "%"
            if measure.percent and measure.values and max(
                    abs(v.value) for v in measure.values) > 1:
                # Typed as 4.3 rather than 4.3%: the whole measure is on a 0-100 scale.
                measure.values = [MonthlyValue(v.month, v.value / 100, v.rebase)
                                  for v in measure.values]
                if measure.target is not None:
                    measure.target /= 100
            elif measure.percent and measure.target is not None and measure.target > 1:
                measure.target /= 100
        return list(measures.values())

    def spc_options(self, table: Table, row: Row, measure: WorkforceMeasure,
                    fix_cells: list[str]) -> None:
        """A measure's Fix after (whole number, 12 or more) and Screen outliers (Yes/No),
        typed on any row of the measure; two different values are an error."""
        fix = row.value("Fix after")
        if fix is not None and as_text(fix).strip():
            text = (as_text(fix) or "").strip()
            try:
                number = float(text)
            except ValueError:
                number = math.nan
            if not math.isfinite(number) or not number.is_integer():
                self.problem(table.sheet, row.ref("Fix after"),
                             f'"{text}" is not a number of months',
                             f"type a whole number of at least {FIX_AFTER_MIN}, e.g. 12")
            elif number < FIX_AFTER_MIN:
                self.problem(table.sheet, row.ref("Fix after"),
                             f"fixing the limits after {int(number)} months is too few: "
                             f"Making Data Count baselines need at least {FIX_AFTER_MIN} "
                             "points", f"type {FIX_AFTER_MIN} or more, or clear it")
            elif measure.fix_after is not None and measure.fix_after != int(number):
                self.problem(table.sheet, row.ref("Fix after"),
                             f"{measure.name} is fixed after {measure.fix_after} months in "
                             f"{fix_cells[0]} and after {int(number)} here",
                             f"give {measure.name} one Fix after")
            else:
                measure.fix_after = int(number)
                fix_cells.append(f"{table.sheet}!{row.ref('Fix after')}")
        screen = as_text(row.value("Screen outliers"))
        if screen is not None and screen.strip():
            word = screen.strip().casefold()
            if word in YES_WORDS or word in NO_WORDS:
                measure.screen = word in YES_WORDS
            else:
                self.problem(table.sheet, row.ref("Screen outliers"),
                             f'"{screen}" is not Yes or No',
                             "use No to keep every moving range (as the Making Data Count "
                             "Excel tool does) or Yes to screen them (the default)")

    def check_fix_after(self, table: Table, measure: WorkforceMeasure,
                        fix_cells: list[str]) -> None:
        """A fixed baseline must lie inside the data: N points no longer than the
        measure's first segment (the limits of each segment come from its first N)."""
        if measure.fix_after is None or not fix_cells:
            return
        first_segment = next((i for i, v in enumerate(measure.values) if v.rebase and i),
                             len(measure.values))
        if measure.fix_after > first_segment:
            where = "months" if first_segment == len(measure.values) else \
                "months before its first rebase"
            sheet, cell = fix_cells[0].split("!")
            self.problem(sheet, cell,
                         f"{measure.name} is fixed after {measure.fix_after} months, but "
                         f"has only {first_segment} {where}",
                         f"type a number from {FIX_AFTER_MIN} to {first_segment}, or clear it"
                         if first_segment >= FIX_AFTER_MIN else "clear it: there are too "
                         "few months to fix a baseline")

    def signed_number(self, table: Table, row: Row, column: str, required: bool = True,
                      example: str = "type a number, e.g. 4.3%") -> float | None:
        """A number that may be negative (a change) or a percentage typed as "4.3%"."""
        value = row.value(column)
        if value is None:
            if required:
                self.problem(table.sheet, row.ref(column), f"'{column}' is empty",
                             "type a number")
            return None
        if isinstance(value, bool):
            value = None
        elif isinstance(value, int | float):
            return self.printable(table, row, column, float(value), example)
        text = (as_text(row.value(column)) or "").replace(",", "").strip()
        try:
            number = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
        except ValueError:
            self.problem(table.sheet, row.ref(column), f'"{text}" is not a number', example)
            return None
        return self.printable(table, row, column, number, example)

    def printable(self, table: Table, row: Row, column: str, number: float,
                  example: str) -> float | None:
        """``number`` if a paper can print it: not NaN or infinite, and not absurdly big."""
        if not math.isfinite(number) or abs(number) > LARGEST_NUMBER:
            typed = row.value(column)
            shown = f"{typed:g}" if isinstance(typed, float) else as_text(typed)
            self.problem(table.sheet, row.ref(column),
                         f"{shown} is not a number a paper can print", example)
            return None
        return number

    def history(self) -> list[HistoryRow]:
        table = self.table(HISTORY.name)
        if table is None:
            return []
        rows = []
        for row in table.rows:
            reading = read_date(row.value("Date"))
            if reading.value is None or reading.month_only:
                self.problem(table.sheet, row.ref("Date"),
                             reading.error or f'"{as_text(row.value("Date"))}" is not a date',
                             "give the date of the earlier report, e.g. 09/05/2018")
                continue
            status_text = as_text(row.value("Status")) or ""
            status = Status.parse(status_text)
            if status is None:
                self.problem(table.sheet, row.ref("Status"), f'"{status_text}" is not a status',
                             "use one of " + ", ".join(s.value for s in Status))
                continue
            due = self.due(table, row) if row.value("Due") is not None else Due()
            rows.append(HistoryRow(reading.value, self.required_text(table, row, "ID"), status,
                                   due, as_text(row.value("Progress note"))))
        return rows

    def appendices(self) -> list[Appendix]:
        table = self.table(APPENDICES.name)
        if table is None:
            return []
        appendices = []
        folder = self.raw.path.parent
        for row in table.rows:
            file_text = as_text(row.value("File"))
            file = None
            if file_text:
                file = (folder / file_text).resolve()
                if not file.is_file():
                    self.problem(table.sheet, row.ref("File"), f'file "{file_text}" not found',
                                 f"paths are relative to {folder}")
                    file = None
                elif file.suffix.lower() != ".pdf":
                    self.problem(table.sheet, row.ref("File"), f'"{file_text}" is not a PDF',
                                 "only PDF files can be appended")
                    file = None
            appendices.append(Appendix(
                number=self.required_text(table, row, "Appendix"),
                title=self.required_text(table, row, "Title"),
                file=file,
                cell=f"{table.sheet}!{row.ref('File')}",
            ))
        return appendices

    # -- the organisation's own cover fields and tables -----------------------------

    def purpose_categories(self, value: Any, ref: str) -> tuple[str, ...]:
        """The Purpose category: one or more of :data:`PURPOSES` (or the words cover
        sheets use for them, "Approval", "For noting"), separated by commas, slashes or
        line breaks. Anything else is an error with a did-you-mean."""
        words: dict[str, str] = {}
        for purpose in PURPOSES:
            for word in (purpose, PURPOSE_WORDS[purpose], PURPOSE_TICK_WORDS[purpose],
                         *PURPOSE_SYNONYMS[purpose]):
                words[" ".join(word.split()).casefold()] = purpose
                words.setdefault("for " + " ".join(word.split()).casefold(), purpose)
        text = as_text(value) or ""
        parts = [p.strip() for p in re.split(r"[,;/\n]|\band\b|&", text) if p.strip()]
        found: list[str] = []
        for part in parts:
            purpose = words.get(" ".join(part.split()).casefold())
            if purpose is None:
                close = difflib.get_close_matches(part.casefold(), list(words), n=1, cutoff=0.6)
                meant = f"did you mean '{PURPOSE_TICK_WORDS[words[close[0]]]}'? " if close \
                    else ""
                self.problem(PAPER_SHEET, ref, f'"{part}" is not a purpose category',
                             meant + "use one of " + ", ".join(PURPOSES)
                             + " (several separated by commas)")
            elif purpose not in found:
                found.append(purpose)
        return tuple(found)

    def extra_fields(self) -> tuple[CoverField, ...]:
        """Paper rows of the organisation's own, in the workbook's order; a name given
        on several rows is one field whose values are on separate lines."""
        fields: dict[str, tuple[str, list[str], str]] = {}
        for entry in self.raw.paper:
            if not entry.extra:
                continue
            shown = show(entry.value, entry.number_format)
            if shown.unread:
                self.unread_format(PAPER_SHEET, entry.ref, entry.number_format or "",
                                   shown.text)
            text = shown.text
            if entry.value is None:
                self.problem(PAPER_SHEET, entry.ref, f"'{entry.field}' has no value; the "
                             "cover shows it empty", "fill it in, or delete the row",
                             "warning")
            key = " ".join(entry.field.split()).casefold()
            values = fields.setdefault(key, (entry.field, [], entry.ref))[1]
            if text:
                values.append(text)
        return tuple(CoverField(label, "\n".join(values), f"{PAPER_SHEET}!{cell}")
                     for label, values, cell in fields.values())

    def unread_format(self, sheet: str, ref: str, code: str, shown: str) -> None:
        self.problem(sheet, ref, f'number format "{code}" is not one reportgen can read; '
                     f"the number is printed as {shown}",
                     "use a number, percentage, currency or date format", "warning")

    def check_pipe_table(self, table: Table, row: Row, text: str) -> None:
        """A table typed with | characters (Markdown) would print as typed: refused."""
        lines = text.split("\n")
        delimiter = re.compile(r"\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*")
        piped = [line.strip().startswith("|") and line.count("|") >= 2 for line in lines]
        for index, line in enumerate(lines):
            if delimiter.fullmatch(line) or (piped[index] and index + 1 < len(lines)
                                             and piped[index + 1]):
                self.problem(table.sheet, row.ref("Paragraph"),
                             f"line {index + 1} is a table typed with | characters, which "
                             "would print as typed",
                             "put the table on a sheet named 'Table <name>' and place it "
                             "here with [[Table: <name>]] on a line of its own")
                return

    def user_tables(self, sections: list[Section]) -> list[UserTable]:
        """The "Table ..." sheets, numbered in the order the paper prints them: where a
        paragraph places each ([[Table: name]] on a line of its own), then those no
        paragraph places, at the end of the report body (each named in a warning)."""
        raw = {table_key(t.name): t for t in self.raw.user_tables}
        placed: dict[str, str] = {}  # table name as compared -> paragraph cell
        for section in sections:
            for paragraph in section.paragraphs:
                sheet, _, ref = paragraph.cell.partition("!")
                for line in paragraph.text.split("\n"):
                    for match in TABLE_REFERENCE.finditer(line):
                        self.place(match, line, raw, placed, sheet, ref, paragraph.cell)
        order = [raw[key] for key in placed if key in raw]
        unplaced = [t for key, t in raw.items() if key not in placed]
        tables = []
        for number, table in enumerate([*order, *unplaced], start=1):
            where = placed.get(table_key(table.name))
            if where is None:
                self.problem(table.sheet, table.title_ref or table.header[0].ref,
                             f"table '{table.name}' is placed by no paragraph; it is printed "
                             f"at the end of the report body, as Table {number}",
                             f"to print it elsewhere, put [[Table: {table.name}]] on a line "
                             "of its own in a paragraph", "warning")
            tables.append(self.user_table(table, number, where))
        return tables

    def place(self, match: re.Match[str], line: str, raw: dict[str, RawUserTable],
              placed: dict[str, str], sheet: str, ref: str, cell: str) -> None:
        name = match.group(1)
        key = table_key(name)
        if line.strip() != match.group(0):
            self.problem(sheet, ref, f"[[Table: {name}]] must be on a line of its own: it "
                         "places the table there", "put it on a line by itself (Alt+Enter "
                         "before and after it)")
            return
        if key not in raw:
            names = [t.name for t in raw.values()]
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.5) or [
                n for n in names if table_key(n).startswith(key) or key.startswith(
                    table_key(n))][:1]
            hint = (f"did you mean [[Table: {close[0]}]]?" if close else
                    f"add a sheet named 'Table {name}'" + (
                        f"; the Table sheets are {', '.join(names)}" if names else ""))
            self.problem(sheet, ref, f"[[Table: {name}]] names no Table sheet", hint)
            return
        if key in placed:
            self.problem(sheet, ref, f"[[Table: {name}]] places the table a second time "
                         f"(first at {placed[key]})", "a table is printed once: delete one "
                         "of the two")
            return
        placed[key] = cell

    def user_table(self, raw: RawUserTable, number: int, placed_at: str | None) -> UserTable:
        """The sheet's cells as Excel shows them (number formats read)."""
        unread: dict[str, tuple[str, str]] = {}  # format -> first cell, shown as

        def cell(source: Cell) -> TableCell:
            shown = show(source.value, source.number_format)
            if shown.unread and shown.unread not in unread:
                unread[shown.unread] = (source.ref, shown.text)
            return TableCell(shown.text, shown.number)

        header = tuple(cell(c) for c in raw.header)
        rows = tuple(tuple(cell(c) for c in row) for row in raw.rows)
        for code, (ref, text) in unread.items():
            self.unread_format(raw.sheet, ref, code, text)
        caption = raw.title or raw.name
        numbered = re.match(r"table\s+\d+\s*[:.\-–—]\s*(.+)", caption, re.IGNORECASE | re.DOTALL)
        if numbered:
            self.problem(raw.sheet, raw.title_ref or "A1",
                         f"the title's own number (\"{caption[:numbered.start(1)].strip()}\") "
                         f"is left out: the paper numbers its tables, and this is Table "
                         f"{number}", "type the title without a number", "warning")
            caption = numbered.group(1).strip()
        return UserTable(name=raw.name, caption=caption, sheet=raw.sheet, header=header,
                         rows=rows, number=number, placed_at=placed_at,
                         wide=len(header) > WIDE_TABLE_COLUMNS)
