"""Read a paper workbook into rows that remember which cell each value came from.

Nothing here judges the values; :mod:`reportgen.validate` does that. This stage only
finds the sheets, the header rows and the columns, so later messages can say
``Actions!E7`` rather than "row 6".
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.errors import InputError, Problem
from reportgen.schema import PAPER_FIELDS, PAPER_SHEET, TABLE_SHEETS, TableSheet

#: How far down a sheet to look for its header row (title rows may sit above it).
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Cell:
    value: Any
    ref: str  # "E7"


@dataclass
class Row:
    """One record of a table sheet, keyed by the schema's column names."""

    number: int
    cells: dict[str, Cell]

    def value(self, column: str) -> Any:
        cell = self.cells.get(column)
        return None if cell is None else cell.value

    def ref(self, column: str) -> str:
        cell = self.cells.get(column)
        return cell.ref if cell else f"?{self.number}"

    @property
    def is_blank(self) -> bool:
        return all(cell.value is None for cell in self.cells.values())


@dataclass
class Table:
    sheet: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class PaperEntry:
    """A Field | Value row of the Paper sheet, already matched to a schema field."""

    field: str
    value: Any
    ref: str  # cell of the value


@dataclass
class RawWorkbook:
    path: Path
    paper: list[PaperEntry]
    tables: dict[str, Table]
    problems: list[Problem] = field(default_factory=list)  # structural, found on reading


def normalise(name: Any) -> str:
    """Header text as compared: case, spacing and trailing punctuation ignored."""
    text = " ".join(str(name or "").split()).casefold()
    return re.sub(r"[\s:?*.]+$", "", text)


def clean(value: Any) -> Any:
    """Strip text; empty text becomes None so blank and "  " mean the same."""
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").strip()
        return value or None
    return value


def read_workbook(path: Path) -> RawWorkbook:
    """Open ``path`` (never modifying it) and collect its sheets' rows.

    Raises :class:`InputError` only when the file is not a readable workbook; missing
    sheets and columns are returned in ``problems`` so validation can go on and
    report them together with everything else.
    """
    book = _open(path)
    problems: list[Problem] = []
    paper = _read_paper(book, path, problems)
    tables: dict[str, Table] = {}
    for spec in TABLE_SHEETS:
        table = _read_table(book, spec, path, problems)
        if table is not None:
            tables[spec.name] = table
    return RawWorkbook(path=path, paper=paper, tables=tables, problems=problems)


def _open(path: Path):
    import openpyxl  # imported here so `reportgen --help` stays fast

    if not path.exists():
        raise InputError([Problem("file not found", file=path)], path)
    if not path.is_file():
        raise InputError([Problem("is a folder, not a workbook", file=path)], path)
    data = path.read_bytes()  # read once: the file itself is never opened for writing
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(
            [Problem("is not an Excel workbook (.xlsx)", file=path,
                     hint="save it from Excel as 'Excel Workbook (*.xlsx)'")],
            path,
        )
    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputError(
            [Problem(f"could not be read as a workbook ({exc})", file=path,
                     hint="open it in Excel and save it again as .xlsx")],
            path,
        ) from exc


def _find_sheet(book, name: str):
    for sheet_name in book.sheetnames:
        if normalise(sheet_name) == normalise(name):
            return book[sheet_name]
    return None


def _missing_sheet(book, name: str, path: Path) -> Problem:
    close = difflib.get_close_matches(name, book.sheetnames, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else f"add a sheet called '{name}'"
    return Problem(f"missing sheet '{name}'", file=path, sheet=name, hint=hint)


def _read_paper(book, path: Path, problems: list[Problem]) -> list[PaperEntry]:
    sheet = _find_sheet(book, PAPER_SHEET)
    if sheet is None:
        problems.append(_missing_sheet(book, PAPER_SHEET, path))
        return []
    lookup = {}
    for spec in PAPER_FIELDS:
        for name in (spec.name, *spec.aliases):
            lookup[normalise(name)] = spec.name
    entries = []
    for row in sheet.iter_rows(min_row=1, max_col=2):
        label_cell, value_cell = row[0], row[1] if len(row) > 1 else None
        label = clean(label_cell.value)
        if label is None or normalise(label) in {"field", "value"}:
            continue
        canonical = lookup.get(normalise(label))
        if canonical is None:
            close = difflib.get_close_matches(
                str(label), [f.name for f in PAPER_FIELDS], n=1, cutoff=0.6)
            problems.append(Problem(
                f'"{label}" is not a Paper field; it is ignored', file=path,
                sheet=sheet.title, cell=label_cell.coordinate, severity="warning",
                hint=f"did you mean '{close[0]}'?" if close else None))
            continue
        value = clean(value_cell.value) if value_cell is not None else None
        ref = value_cell.coordinate if value_cell is not None else f"B{label_cell.row}"
        entries.append(PaperEntry(canonical, value, ref))
    return entries


def _header_map(cells, spec: TableSheet) -> dict[str, int]:
    """Map schema column names to 0-based positions in a header row."""
    wanted = {}
    for column in spec.columns:
        for name in (column.name, *column.aliases):
            wanted[normalise(name)] = column.name
    found: dict[str, int] = {}
    for index, value in enumerate(cells):
        canonical = wanted.get(normalise(value))
        if canonical and canonical not in found:
            found[canonical] = index
    return found


def _read_table(book, spec: TableSheet, path: Path, problems: list[Problem]) -> Table | None:
    sheet = _find_sheet(book, spec.name)
    if sheet is None:
        if spec.required:
            problems.append(_missing_sheet(book, spec.name, path))
        return None
    rows = list(sheet.iter_rows())
    best_row, best_map = 0, {}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping = _header_map([c.value for c in row], spec)
        if len(mapping) > len(best_map):
            best_row, best_map = index, mapping
    if not best_map:
        problems.append(Problem(
            "no header row found", file=path, sheet=sheet.title, cell="A1",
            hint="the first row should name the columns: "
                 + ", ".join(c.name for c in spec.columns)))
        return None
    header_cells = rows[best_row]
    headers = [clean(c.value) for c in header_cells]
    for column in spec.columns:
        if column.required and column.name not in best_map:
            present = [str(h) for h in headers if h is not None]
            close = difflib.get_close_matches(column.name, present, n=1, cutoff=0.5)
            hint = (f"did you mean '{close[0]}'?" if close
                    else f"add a column headed '{column.name}'")
            problems.append(Problem(
                f"missing column '{column.name}'", file=path, sheet=sheet.title,
                cell=f"{header_cells[0].row}:{header_cells[0].row}", hint=hint))
    table = Table(sheet.title)
    for row in rows[best_row + 1:]:
        cells = {
            name: Cell(clean(row[pos].value), row[pos].coordinate)
            for name, pos in best_map.items()
            if pos < len(row)
        }
        record = Row(row[0].row, cells)
        if not record.is_blank:
            table.rows.append(record)
    return table
