"""The agenda of a meeting: what goes into a pack, read from YAML and checked.

Every problem is collected (a missing paper, a bad date, an unreadable PDF, errors in
a paper's workbook) and reported together before anything is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from datetime import time as clock
from pathlib import Path

import yaml

from reportgen.errors import InputError, Problem, ReportgenError
from reportgen.safeio import atomic_write, load_yaml
from reportgen.workbook.dates import read_date
from reportgen.workbook.reader import Reader, clean, normalise

PURPOSES = ("note", "discuss", "approve", "assurance")
PARTS = ("public", "private")
FRONT_MATTER = ("unnumbered", "numbered")


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


STARTER = """\
# A meeting agenda for `reportgen pack`. Paths are relative to this file.
organisation: NHS Example Integrated Care Board
meeting: Board Meeting
date: 2026-01-14
time: "10:00"
venue: Board Room, County Hall
chair: Sam Chair
front_matter: unnumbered   # cover and agenda unnumbered; or "numbered"
dividers: false            # true: a divider page before each paper
items:
  - number: "1"
    title: Welcome and apologies
    presenter: Chair
    purpose: note
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
    part: private                   # left out of the public pack
    paper: contract-award.pdf
    late: true                      # goes in the supplementary pack
"""


def write_starter(path: Path, force: bool = False) -> None:
    if path.exists() and not force:
        raise ReportgenError(f"{path} already exists; use --force to replace it")
    atomic_write(path, STARTER.encode("utf-8"))


class _Reader:
    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(message, file=self.path, sheet=where, hint=hint))

    def text(self, data: dict, key: str, where: str, required: bool = False) -> str | None:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(where, f"'{key}' is required")
            return None
        return str(value).strip()

    def choice(self, data: dict, key: str, where: str, choices: tuple[str, ...],
               default: str) -> str:
        value = self.text(data, key, where)
        if value is None:
            return default
        if value.casefold() not in choices:
            self.problem(where, f"'{key}: {value}' is not allowed",
                         "use one of " + ", ".join(choices))
            return default
        return value.casefold()

    def flag(self, data: dict, key: str, where: str) -> bool:
        value = data.get(key, False)
        if isinstance(value, bool):
            return value
        self.problem(where, f"'{key}: {value}' should be true or false")
        return False

    def file(self, data: dict, key: str, where: str, kinds: tuple[str, ...]) -> Path | None:
        value = self.text(data, key, where)
        if value is None:
            return None
        path = (self.path.parent / value).resolve()
        if not path.is_file():
            self.problem(where, f"{key} '{value}' not found",
                         f"paths are relative to {self.path.parent}")
            return None
        if path.suffix.lower() not in kinds:
            self.problem(where, f"{key} '{value}' is not a " + " or ".join(kinds) + " file")
            return None
        return path


AGENDA_COLUMNS = ("number", "title", "presenter", "purpose", "time", "part", "late",
                  "paper", "previous")


def _from_workbook(path: Path) -> dict:
    """An agenda kept in Excel: a Meeting sheet (Field | Value) and an Agenda sheet with
    one row per item and the same names as the YAML keys as headings."""
    reader = Reader(path)
    missing = [name for name in ("Meeting", "Agenda") if reader.find(name) is None]
    if missing:
        raise InputError([Problem(f"missing sheet '{name}'", file=path, sheet=name,
                                  hint="an agenda workbook has a Meeting and an Agenda sheet")
                          for name in missing], path)

    def plain(value):
        value = clean(value)
        if isinstance(value, clock):
            return value.strftime("%H:%M")
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, str) and normalise(value) in {"yes", "true"}:
            return True
        if isinstance(value, str) and normalise(value) in {"no", "false"}:
            return False
        return value

    data: dict = {}
    for row in reader.sheet(reader.find("Meeting")).rows:
        if row and clean(row[0]) and normalise(row[0]) not in {"field"}:
            data[normalise(row[0]).replace(" ", "_")] = plain(row[1] if len(row) > 1 else None)
    rows = reader.sheet(reader.find("Agenda")).rows
    header = [normalise(h) for h in (rows[0] if rows else [])]
    items = []
    for row in rows[1:]:
        item = {key: plain(row[header.index(key)]) for key in AGENDA_COLUMNS
                if key in header and header.index(key) < len(row)}
        if any(value not in (None, "") for value in item.values()):
            items.append({k: v for k, v in item.items() if v is not None})
    data["items"] = items
    return data


def load_agenda(path: Path) -> Agenda:
    """Read and check an agenda (YAML, or an .xlsx with Meeting and Agenda sheets);
    raise :class:`InputError` with every problem."""
    if not path.is_file():
        raise InputError([Problem("file not found", file=path)], path)
    if path.suffix.lower() == ".xlsx":
        return _check(path, _from_workbook(path))
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))  # aliases refused
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        raise InputError([Problem(f"is not valid YAML ({getattr(exc, 'problem', exc)})",
                                  file=path, sheet=where)], path) from exc
    if not isinstance(data, dict):
        raise InputError([Problem("should hold 'key: value' settings and a list of items",
                                  file=path)], path)
    return _check(path, data)


def _check(path: Path, data: dict) -> Agenda:
    reader = _Reader(path)
    where = "meeting"
    meeting_date = read_date(data.get("date"))
    if meeting_date.value is None or meeting_date.month_only:
        reader.problem(where, meeting_date.error or f"'date: {data.get('date')}' is not a date",
                       "write it as 2018-11-14 or 14/11/2018")
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        reader.problem("items", "the agenda has no items", "list them under 'items:'")
        raw_items = []
    items = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_items, start=1):
        if not isinstance(raw, dict):
            reader.problem(f"items #{index}", "should be 'key: value' settings")
            continue
        number = reader.text(raw, "number", f"items #{index}", required=True) or str(index)
        place = f"item {number}"
        if number in seen:
            reader.problem(place, f"item number {number} is used twice")
        seen.add(number)
        paper = reader.file(raw, "paper", place, (".xlsx", ".pdf"))
        previous = reader.file(raw, "previous", place, (".xlsx",))
        if previous is not None and (paper is None or paper.suffix.lower() != ".xlsx"):
            reader.problem(place, "'previous' only applies to a workbook paper")
        items.append(Item(
            number=number,
            title=reader.text(raw, "title", place, required=True) or "",
            presenter=reader.text(raw, "presenter", place),
            purpose=reader.choice(raw, "purpose", place, PURPOSES, "note"),
            time=reader.text(raw, "time", place),
            part=reader.choice(raw, "part", place, PARTS, "public"),
            late=reader.flag(raw, "late", place),
            paper=paper,
            previous=previous,
        ))
    agenda = Agenda(
        path=path,
        organisation=reader.text(data, "organisation", where, required=True) or "",
        meeting=reader.text(data, "meeting", where, required=True) or "",
        date=meeting_date.value or date.min,
        time=reader.text(data, "time", where),
        venue=reader.text(data, "venue", where),
        chair=reader.text(data, "chair", where),
        front_matter=reader.choice(data, "front_matter", where, FRONT_MATTER, "unnumbered"),
        dividers=reader.flag(data, "dividers", where),
        items=items,
    )
    if reader.problems:
        raise InputError(reader.problems, path)
    return agenda
