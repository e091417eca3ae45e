"""The agenda of a meeting: what goes into a pack, read from YAML or Excel and checked.

The agenda is a contract: every key, field and column heading must be one reportgen
knows (an unknown one is an error with a did-you-mean, never ignored — ``private:
true`` for ``part: private`` would otherwise put a confidential paper in the public
pack), every value must have its type (an item number is text as typed: YAML is read
without turning ``3.10`` into the number 3.1 or ``10:00`` into 600), and item numbers
must make distinct link targets. Every problem is collected, each with its place
(``item 7.1`` in YAML, ``Agenda!C4`` in Excel), and reported together.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any, ClassVar

import yaml

from reportgen.errors import InputError, Problem
from reportgen.safeio import NoAliases, slugify
from reportgen.workbook.dates import read_date
from reportgen.workbook.reader import HEADER_SEARCH_ROWS, Reader, cell_ref, clean, normalise

PURPOSES = ("note", "discuss", "approve", "assurance")
PARTS = ("public", "private")
FRONT_MATTER = ("unnumbered", "numbered")

#: The meeting's keys (YAML) or fields (the Excel Meeting sheet), in starter order.
MEETING_KEYS = ("organisation", "meeting", "date", "time", "venue", "chair",
                "contact_name", "contact_email", "contact_phone", "front_matter",
                "dividers")
#: Each item's keys (YAML) or the Agenda sheet's column headings.
ITEM_KEYS = ("number", "title", "presenter", "purpose", "time", "part", "late", "paper",
             "previous")
#: Other spellings accepted in Excel, where headings are matched loosely.
MEETING_ALIASES = {"meeting date": "date", "organization": "organisation",
                   "clerk": "contact_name", "contact": "contact_name",
                   "contact telephone": "contact_phone", "contact tel": "contact_phone",
                   "email": "contact_email", "contact e-mail": "contact_email",
                   "telephone": "contact_phone", "phone": "contact_phone"}
ITEM_ALIASES = {"item": "number", "item number": "number", "item no": "number",
                "no": "number", "item title": "title", "presented by": "presenter",
                "lead": "presenter", "late item": "late", "paper file": "paper",
                "file": "paper", "previous paper": "previous",
                "previous workbook": "previous"}
#: Keys people reach for to mark an item confidential: never silently ignored.
_CONFIDENTIALITY = {"private", "public", "confidential", "public/private",
                    "private/public", "public or private", "public_private",
                    "public-private", "session", "confidentiality", "restricted",
                    "in private", "exempt", "part 2", "part ii"}


@dataclass(frozen=True)
class Item:
    number: str
    title: str
    presenter: str | None = None
    purpose: str | None = None
    time: str | None = None
    part: str = "public"
    late: bool = False
    paper: Path | None = None  # a workbook (.xlsx) or a PDF
    previous: Path | None = None  # previous workbook, for a workbook paper
    place: str = ""  # where the item is given: "item 7.1", or its paper's cell "Agenda!H9"

    @property
    def kind(self) -> str:
        if self.paper is None:
            return "verbal"
        return "workbook" if self.paper.suffix.lower() == ".xlsx" else "pdf"

    @property
    def private(self) -> bool:
        return self.part == "private"


@dataclass(frozen=True)
class Agenda:
    path: Path
    organisation: str
    meeting: str
    date: date
    time: str | None = None
    venue: str | None = None
    chair: str | None = None
    front_matter: str = "unnumbered"
    dividers: bool = False
    items: list[Item] = field(default_factory=list)
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None

    @property
    def contact(self) -> str:
        """The cover's contact line: "Jo Clerk · jo.clerk@nhs.net · 01234 567890"."""
        return " · ".join(v for v in (self.contact_name, self.contact_email,
                                      self.contact_phone) if v)


# -- what was given, and where ---------------------------------------------------------


@dataclass
class Given:
    """The values given for the meeting or for one item, each with its place."""

    values: dict[str, Any]
    cells: dict[str, tuple[str | None, str | None]]  # key -> (sheet, cell)
    place: tuple[str | None, str | None]  # of the whole meeting / item

    @property
    def excel(self) -> bool:
        return self.place[0] in ("Meeting", "Agenda")

    def name(self, key: str, value: Any = None) -> str:
        """How a key (and its value) is named in a message: as the user wrote it,
        'part: secret' in YAML, Part 'secret' in Excel."""
        if self.excel:
            heading = key.replace("_", " ").capitalize()
            return heading if value is None else f"{heading} '{value}'"
        return f"'{key}'" if value is None else f"'{key}: {value}'"

    def file_name(self, key: str, value: str) -> str:
        """A file named in a message: paper 'x.pdf' (YAML), Paper 'x.pdf' (Excel)."""
        return f"{key.capitalize() if self.excel else key} '{value}'"

    def where(self, key: str | None = None) -> tuple[str | None, str | None]:
        return self.cells.get(key, self.place) if key else self.place

    def label(self) -> str:
        sheet, cell = self.place
        return f"{sheet}!{cell}" if sheet and cell else sheet or ""


def _did_you_mean(name: str, known: tuple[str, ...], excel: bool = False) -> str:
    """The hint for an unknown key: the key meant, or the confidentiality rule."""
    plain = " ".join(normalise(name).replace("_", " ").split())
    if plain in _CONFIDENTIALITY or plain.rstrip("?") in _CONFIDENTIALITY:
        return ("a column headed 'Part' with public or private in each row keeps an item "
                "out of the public pack" if excel else
                "use 'part: private' to keep an item out of the public pack, "
                "or 'part: public'")
    shown = {(k.replace("_", " ").capitalize() if excel else k): k for k in known}
    close = difflib.get_close_matches(plain.replace(" ", "_"), known, n=1, cutoff=0.6)
    if close:
        return "did you mean '" + next(s for s, k in shown.items() if k == close[0]) + "'?"
    return "use one of " + ", ".join(shown)


# -- YAML ------------------------------------------------------------------------------

_NULL = "tag:yaml.org,2002:null"


class _Loader(NoAliases, yaml.SafeLoader):
    """YAML read as typed: every scalar is text (``3.10`` stays "3.10", ``10:00`` stays
    "10:00", ``no`` stays "no"; nothing becomes a number, date or boolean behind the
    user's back) except an empty value, and aliases are refused (an alias "bomb" of a
    few hundred bytes expands to gigabytes)."""

    yaml_implicit_resolvers: ClassVar[dict] = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag == _NULL]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _yaml_mapping(loader: _Loader, node) -> tuple[dict[str, Any] | None, list[str]]:
    """A mapping node's keys and values, and each key given again (YAML would keep the
    last silently: ``part: private`` then ``part: public``), with its line."""
    if not isinstance(node, yaml.MappingNode):
        return None, []
    values: dict[str, Any] = {}
    repeated = []
    for key_node, value_node in node.value:
        key = str(loader.construct_object(key_node, deep=True))
        if key in values:
            repeated.append(f"'{key}' is given twice (line {key_node.start_mark.line + 1})")
            continue
        values[key] = loader.construct_object(value_node, deep=True)
    return values, repeated


def _from_yaml(path: Path, problems: list[Problem]) -> tuple[Given, list[Given]] | None:
    try:
        loader = _Loader(path.read_text(encoding="utf-8"))
        try:
            root = loader.get_single_node()
            if root is None or not isinstance(root, yaml.MappingNode):
                problems.append(Problem("should hold 'key: value' settings and a list of "
                                        "items", file=path))
                return None
            meeting, repeated = _yaml_mapping(loader, root)
            problems += [Problem(text, file=path, sheet="meeting", hint="keep one")
                         for text in repeated]
            items_node = next((v for k, v in root.value if k.value == "items"), None)
            raw_items = [_yaml_mapping(loader, node) for node in items_node.value] \
                if isinstance(items_node, yaml.SequenceNode) else []
        finally:
            loader.dispose()
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        problems.append(Problem(f"is not valid YAML ({getattr(exc, 'problem', exc)})",
                                file=path, sheet=where))
        return None
    items_value = meeting.pop("items", None)
    given = Given(meeting, {}, ("meeting", None))
    for key in meeting:
        if key not in MEETING_KEYS:
            hint = ("that is an item's key: put it under the item in 'items:'"
                    if key in ITEM_KEYS else _did_you_mean(key, (*MEETING_KEYS, "items")))
            problems.append(Problem(f"unknown key '{key}'", file=path, sheet="meeting",
                                    hint=hint))
    if items_value is not None and not isinstance(items_value, list):
        problems.append(Problem("'items' should be a list of items, each starting with "
                                "'- number:'", file=path, sheet="items"))
    items = []
    for index, (values, repeated) in enumerate(raw_items, start=1):
        if values is None:
            problems.append(Problem("should be 'key: value' settings", file=path,
                                    sheet=f"items #{index}"))
            continue
        number = values.get("number")
        place = f"item {number.strip()}" if isinstance(number, str) and number.strip() \
            else f"items #{index}"
        problems += [Problem(text, file=path, sheet=place, hint="keep one")
                     for text in repeated]
        for key in values:
            if key not in ITEM_KEYS:
                problems.append(Problem(f"unknown key '{key}'", file=path, sheet=place,
                                        hint=_did_you_mean(key, ITEM_KEYS)))
        items.append(Given({k: v for k, v in values.items() if k in ITEM_KEYS}, {},
                           (place, None)))
    given.values = {k: v for k, v in meeting.items() if k in MEETING_KEYS}
    return given, items


# -- Excel -----------------------------------------------------------------------------


def _excel_key(text: Any, known: tuple[str, ...], aliases: dict[str, str]) -> str | None:
    name = normalise(text).replace("_", " ").replace("-", " ")
    name = " ".join(name.split())
    for key in known:
        if name == key.replace("_", " "):
            return key
    return aliases.get(name)


def _excel_value(value: Any) -> Any:
    """A cell as the agenda reads it: times as "14:00", whole numbers without ".0",
    other numbers as Excel shows them (7.1); dates stay dates (for 'date')."""
    value = clean(value)
    if isinstance(value, clock):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    return value


def _from_workbook(path: Path, problems: list[Problem]) -> tuple[Given, list[Given]] | None:
    """An agenda kept in Excel: a Meeting sheet (Field | Value) and an Agenda sheet with
    a heading row naming the columns and one row per item."""
    try:
        reader = Reader(path)
    except InputError as exc:
        problems += exc.problems
        return None
    missing = [name for name in ("Meeting", "Agenda") if reader.find(name) is None]
    for name in missing:
        problems.append(Problem(f"missing sheet '{name}'", file=path, sheet=name,
                                hint="an agenda workbook has a Meeting sheet (Field | Value) "
                                     "and an Agenda sheet (one row per item); "
                                     "reportgen init-agenda agenda.xlsx writes one"))
    if missing:
        return None

    # Messages name the sheets "Meeting" and "Agenda" however the workbook spells them.
    def value_of(sheet, name: str, row: int, column: int) -> Any:
        ref = cell_ref(row, column)
        bad = sheet.bad_cells.get(ref)
        if bad is not None:
            problems.append(Problem(
                "formula has no calculated value" if bad == "formula"
                else f"Excel error {bad[6:]}", file=path, sheet=name, cell=ref,
                hint="type the value"))
            return None
        values = sheet.rows[row] if row < len(sheet.rows) else []
        return _excel_value(values[column]) if column < len(values) else None

    sheet = reader.sheet(reader.find("Meeting"))
    meeting = Given({}, {}, ("Meeting", None))
    for row, values in enumerate(sheet.rows):
        for column, extra in enumerate(values[2:], start=2):
            if clean(extra) is not None:
                problems.append(Problem(
                    "only columns A (Field) and B (Value) are read; this is ignored",
                    file=path, sheet="Meeting", cell=cell_ref(row, column),
                    hint="move it into column B, or delete it", severity="warning"))
        label = clean(values[0]) if values else None
        if label is None:
            if len(values) > 1 and clean(values[1]) is not None:
                problems.append(Problem("a value without a field name", file=path,
                                        sheet="Meeting", cell=cell_ref(row, 1),
                                        hint="name the field in column A"))
            continue
        if normalise(label) in {"field", "value"}:
            continue
        key = _excel_key(label, MEETING_KEYS, MEETING_ALIASES)
        if key is None:
            problems.append(Problem(f"'{label}' is not a Meeting field", file=path,
                                    sheet="Meeting", cell=cell_ref(row, 0),
                                    hint=_did_you_mean(str(label), MEETING_KEYS, True)))
            continue
        if key in meeting.values:
            problems.append(Problem(f"'{label}' is given twice", file=path, sheet="Meeting",
                                    cell=cell_ref(row, 0), hint="keep one row"))
            continue
        meeting.values[key] = value_of(sheet, "Meeting", row, 1)
        meeting.cells[key] = ("Meeting", cell_ref(row, 1))

    sheet = reader.sheet(reader.find("Agenda"))
    header_row, columns = 0, {}
    for row, values in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        found = {}
        for column, text in enumerate(values):
            key = _excel_key(text, ITEM_KEYS, ITEM_ALIASES) if clean(text) else None
            if key is not None and key not in found:
                found[key] = column
        if len(found) > len(columns):
            header_row, columns = row, found
    if not columns:
        problems.append(Problem("no heading row found", file=path, sheet="Agenda",
                                cell="A1", hint="the first row names the columns: "
                                + ", ".join(k.capitalize() for k in ITEM_KEYS)))
        return meeting, []
    heading = sheet.rows[header_row]
    used = set(columns.values())
    for column, text in enumerate(heading):
        text = clean(text)
        if text is None or column in used:
            continue
        ref = cell_ref(header_row, column)
        if _excel_key(text, ITEM_KEYS, ITEM_ALIASES) is not None:
            problems.append(Problem(f"column '{text}' is there twice", file=path,
                                    sheet="Agenda", cell=ref, hint="keep one"))
            continue
        problems.append(Problem(f"column '{text}' is not an agenda column", file=path,
                                sheet="Agenda", cell=ref,
                                hint=_did_you_mean(str(text), ITEM_KEYS, True)))
    for key in ("number", "title"):
        if key not in columns:
            problems.append(Problem(f"missing column '{key.capitalize()}'", file=path,
                                    sheet="Agenda", cell=f"{header_row + 1}:{header_row + 1}",
                                    hint=f"add a column headed '{key.capitalize()}'"))
    items = []
    for row in range(header_row + 1, len(sheet.rows)):
        values = sheet.rows[row]
        extra = [column for column, v in enumerate(values) if clean(v) is not None
                 and column not in used and clean(heading[column] if column < len(heading)
                                                  else None) is None]
        for column in extra:
            problems.append(Problem("a value in a column without a heading", file=path,
                                    sheet="Agenda", cell=cell_ref(row, column),
                                    hint="head the column, or move the value"))
        given = Given({}, {}, ("Agenda", cell_ref(row, columns.get("number", 0))))
        for key, column in columns.items():
            value = value_of(sheet, "Agenda", row, column)
            given.cells[key] = ("Agenda", cell_ref(row, column))
            if value is not None:
                given.values[key] = value
        if given.values:
            items.append(given)
    return meeting, items


# -- checking --------------------------------------------------------------------------


class _Checker:
    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, where: tuple[str | None, str | None], message: str,
                hint: str | None = None, severity: str = "error") -> None:
        sheet, cell = where
        self.problems.append(Problem(message, file=self.path, sheet=sheet, cell=cell,
                                     hint=hint, severity=severity))

    def text(self, given: Given, key: str, required: bool = False) -> str | None:
        value = given.values.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if required:
                sheet, cell = given.where(key)
                hint = ("fill in its value" if cell or sheet not in ("Meeting", "Agenda")
                        else f"add a row '{key.replace('_', ' ').capitalize()}' with its value")
                self.problem((sheet, cell), f"{given.name(key)} is required", hint)
            return None
        if isinstance(value, list | dict):
            kind = "a list" if isinstance(value, list) else "a set of 'key: value' settings"
            self.problem(given.where(key), f"{given.name(key)} should be text, not {kind}",
                         "write it on one line after the colon; quote it if it holds ': '")
            return None
        if isinstance(value, datetime | date):
            self.problem(given.where(key),
                         f"{given.name(key)} is a date ({value:%d/%m/%Y}), not text",
                         "Excel turned what was typed into a date: format the cell as Text "
                         "and type it again")
            return None
        return str(value)

    def choice(self, given: Given, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(given, key)
        if value is None:
            return default
        if value.casefold() not in choices:
            close = difflib.get_close_matches(value.casefold(), choices, n=1, cutoff=0.5)
            hint = (f"did you mean '{close[0]}'? " if close else "") + "use one of " \
                + ", ".join(choices)
            self.problem(given.where(key), f"{given.name(key, value)} is not allowed", hint)
            return default
        return value.casefold()

    def flag(self, given: Given, key: str) -> bool:
        value = given.values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return False
        text = str(value).strip().casefold() if isinstance(value, str) else None
        if text in {"true", "yes", "on", "y"}:
            return True
        if text in {"false", "no", "off", "n"}:
            return False
        self.problem(given.where(key), f"{given.name(key, value)} should be true or false",
                     "write true or false, or yes or no")
        return False

    def file(self, given: Given, key: str, kinds: tuple[str, ...]) -> Path | None:
        value = self.text(given, key)
        if value is None:
            return None
        where = given.where(key)
        path = (self.path.parent / value).resolve()
        suffix = path.suffix.lower()
        if path.is_dir():
            self.problem(where, f"{given.file_name(key, value)} is a folder, not a file",
                         "name the file inside it")
            return None
        if suffix in {".docx", ".doc", ".odt", ".rtf"}:
            self.problem(where, f"{given.file_name(key, value)} is a word-processor document",
                         "a pack takes PDFs and reportgen workbooks: save it as PDF and "
                         "name the PDF")
            return None
        if suffix not in kinds:
            self.problem(where, f"{given.file_name(key, value)} is not a "
                         + " or ".join(kinds) + " file",
                         "a pack takes PDFs and reportgen workbooks"
                         if key == "paper" else "name the previous paper's workbook")
            return None
        if not path.is_file():
            self.problem(where, f"{given.file_name(key, value)} not found",
                         f"paths are relative to {self.path.parent}")
            return None
        return path


def read_agenda(path: Path) -> tuple[Agenda | None, list[Problem]]:
    """Read and check an agenda (YAML, or an .xlsx with Meeting and Agenda sheets).

    Returns the agenda (None if it could not be read at all) and every problem found,
    so a pack can report them together with its papers' problems.
    """
    problems: list[Problem] = []
    if not path.is_file():
        return None, [Problem("file not found", file=path)]
    # Other spreadsheets go to the workbook reader too, which says what they are.
    is_excel = path.suffix.lower() in {".xlsx", ".xlsm", ".xls", ".ods"}
    read = (_from_workbook if is_excel else _from_yaml)(path, problems)
    if read is None:
        return None, problems
    meeting, raw_items = read
    checker = _Checker(path)
    checker.problems = problems
    agenda = _check(checker, meeting, raw_items, is_excel)
    return agenda, _in_order(checker.problems, [given.place[0] for given in raw_items])


def _in_order(problems: list[Problem], places: list[str | None]) -> list[Problem]:
    """Problems in the agenda's order: the meeting's, then each item's (by row in
    Excel), so everything wrong with one item reads together."""
    rank = {place: index for index, place in enumerate(places, start=1)}

    def key(problem: Problem) -> tuple[int, int]:
        if problem.sheet in ("Meeting", "Agenda"):
            row = re.match(r"[A-Z]*(\d+)", problem.cell or "")
            return (1 if problem.sheet == "Meeting" else 2, int(row[1]) if row else 0)
        if problem.sheet in rank:
            return (2, rank[problem.sheet])
        return (0 if problem.sheet == "meeting" else 3, 0)

    return sorted(problems, key=key)


def load_agenda(path: Path) -> Agenda:
    """Read and check an agenda; raise :class:`InputError` with every problem."""
    agenda, problems = read_agenda(path)
    errors = [p for p in problems if p.severity == "error"]
    if agenda is None or errors:
        raise InputError(problems, path)
    return agenda


def _check(checker: _Checker, meeting: Given, raw_items: list[Given], excel: bool) -> Agenda:
    raw_date = meeting.values.get("date")
    meeting_date = read_date(raw_date)
    if raw_date is None:
        checker.problem(meeting.where("date"), "'date' is required",
                        "write it as 2018-11-14 or 14/11/2018")
    elif meeting_date.value is None or meeting_date.month_only:
        checker.problem(meeting.where("date"),
                        meeting_date.error or f"'date: {raw_date}' is not a date",
                        "write it as 2018-11-14 or 14/11/2018")
    if not raw_items:
        checker.problem(("Agenda", None) if excel else ("items", None),
                        "the agenda has no items",
                        "add one row per item" if excel else "list them under 'items:'")
    items: list[Item] = []
    numbers: dict[str, str] = {}  # number -> place
    slugs: dict[str, tuple[str, str]] = {}  # link target -> (number, place)
    for index, given in enumerate(raw_items, start=1):
        number = checker.text(given, "number", required=True)
        label = given.label() or f"item {number or index}"
        place = "{}!{}".format(*given.where("paper")) if excel and "paper" in given.values \
            else label  # a paper's problems point at its cell
        if number is not None:
            if number in numbers:
                checker.problem(given.where("number"), f"item number {number} is used twice",
                                f"also at {numbers[number]}" if excel else "number each "
                                "item once")
            else:
                numbers[number] = label
                target = f"item-{slugify(number, 'x')}"
                if target in slugs:
                    other, other_place = slugs[target]
                    checker.problem(
                        given.where("number"),
                        f"item numbers {other} and {number} would share the link target "
                        f"'{target}', so the agenda could not link each to its own paper",
                        (f"{other} is at {other_place}; " if excel else "")
                        + "number items apart by their letters and digits, e.g. 7.1 and "
                        "7.2, not 7.1 and 7/1")
                else:
                    slugs[target] = (number, label)
        paper = checker.file(given, "paper", (".xlsx", ".pdf"))
        if not excel:  # a key written with nothing after it: never taken as the default
            blank = [key for key in ("part", "paper") if key in given.values
                     and (given.values[key] is None or str(given.values[key]).strip() == "")]
            if "part" in blank:
                checker.problem(given.where("part"), "'part' is empty",
                                "write part: public or part: private")
            if "paper" in blank:
                checker.problem(given.where("paper"),
                                "'paper' is empty, so this is a verbal item",
                                "name the paper's file, or delete the line", "warning")
        previous = checker.file(given, "previous", (".xlsx",))
        if given.values.get("previous") and paper is not None and paper.suffix.lower() != ".xlsx":
            checker.problem(given.where("previous"),
                            "'previous' only applies to a workbook paper",
                            "remove it, or name the paper's workbook in 'paper'")
        elif given.values.get("previous") and given.values.get("paper") is None:
            checker.problem(given.where("previous"),
                            "'previous' only applies to a workbook paper",
                            "name the paper's workbook in 'paper'")
        items.append(Item(
            number=number or str(index),
            title=checker.text(given, "title", required=True) or "",
            presenter=checker.text(given, "presenter"),
            purpose=checker.choice(given, "purpose", PURPOSES, "note"),
            time=checker.text(given, "time"),
            part=checker.choice(given, "part", PARTS, "public"),
            late=checker.flag(given, "late"),
            paper=paper,
            previous=previous,
            place=place,
        ))
    email = checker.text(meeting, "contact_email")
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        checker.problem(meeting.where("contact_email"),
                        f"{meeting.name('contact_email', email)} is not an email address",
                        "write it as name@example.nhs.uk")
    return Agenda(
        path=checker.path,
        organisation=checker.text(meeting, "organisation", required=True) or "",
        meeting=checker.text(meeting, "meeting", required=True) or "",
        date=meeting_date.value or date.min,
        time=checker.text(meeting, "time"),
        venue=checker.text(meeting, "venue"),
        chair=checker.text(meeting, "chair"),
        front_matter=checker.choice(meeting, "front_matter", FRONT_MATTER, "unnumbered"),
        dividers=checker.flag(meeting, "dividers"),
        items=items,
        contact_name=checker.text(meeting, "contact_name"),
        contact_email=email,
        contact_phone=checker.text(meeting, "contact_phone"),
    )
