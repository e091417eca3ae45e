"""Read a paper workbook into rows that remember which cell each value came from.

Values are read with python-calamine (about fifteen times faster than openpyxl on
large sheets); the few things calamine does not report — Excel error values and
formulas saved without a calculated value — are found by a quick scan of the
sheet's XML. Nothing here judges the values; :mod:`reportgen.workbook.validate` does that.
This stage finds the sheets, header rows and columns, so later messages can say
``Actions!E7`` rather than "row 6", and reports structural problems.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

from reportgen.errors import InputError, Problem
from reportgen.safeio import read_regular_file
from reportgen.workbook.formats import BUILTIN_FORMATS
from reportgen.workbook.schema import (
    PAPER_FIELDS,
    PAPER_SHEET,
    TABLE_SHEETS,
    USER_TABLE_SHEET,
    Column,
    TableSheet,
    table_key,
)

#: How far down a sheet to look for its header row (title rows may sit above it).
HEADER_SEARCH_ROWS = 10
#: Refuse workbooks that would unpack to more than this (a "zip bomb").
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
#: Refuse workbook files larger than this (a real paper's workbook is a few MB).
MAX_WORKBOOK_BYTES = 100 * 1024 * 1024
#: Refuse a sheet whose cells, from A1 to its farthest one, are more than this: the
#: sheet is read as that rectangle (50,000 rows of 8 columns is 400,000 cells).
MAX_SHEET_CELLS = 2_000_000
EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!"}
_OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_STYLED_CELL = re.compile(rb"<(?:\w+:)?c\s+r=\"([A-Z]{1,3}[0-9]+)\"[^<>]*?\ss=\"([0-9]+)\"")
#: Excel's built-in number formats that show percentages (0%, 0.00%).
_PERCENT_FORMATS = {"9", "10"}
#: Sheets the starter workbook has besides the ones reportgen reads.
OWN_SHEETS = ("Instructions",)
#: Each cell or row start tag and its ``r`` (position), if it has one. ``[^<]*?`` stops
#: at the next tag, so the scan is linear (``<`` is never inside an attribute value).
_POSITION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(c|row)(?=[\s/>])"
                       rb"(?:[^<]*?\sr\s*=\s*[\"']\s*([A-Za-z]{0,3})([0-9]{1,7})\s*[\"'])?")
_REF = re.compile(r"([A-Za-z]{0,3})([0-9]{1,7})")
_DTD = re.compile(rb"<!(?i:doctype|entity)")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_ref(row: int, column: int) -> str:
    """0-based row and column to an Excel reference: (6, 4) -> E7."""
    return f"{column_letter(column)}{row + 1}"


@dataclass(frozen=True)
class Cell:
    value: Any
    ref: str  # "E7"
    percent: bool = False  # shown as a percentage in Excel (34% is stored as 0.34)
    number_format: str | None = None  # its Excel number format, where it was asked for


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
    extra: bool = False  # not a built-in field: printed on the cover under its own name
    number_format: str | None = None  # of the value's cell, for an extra field


@dataclass
class RawWorkbook:
    path: Path
    paper: list[PaperEntry]
    tables: dict[str, Table]
    problems: list[Problem] = field(default_factory=list)  # structural, found on reading
    sheet_names: list[str] = field(default_factory=list)  # in the workbook's order
    user_tables: list[RawUserTable] = field(default_factory=list)  # "Table ..." sheets


@dataclass
class RawUserTable:
    """A sheet whose name starts with "Table": a table of the user's own, as laid out."""

    sheet: str
    name: str  # the sheet's name after "Table" (or the title, if that leaves nothing)
    title: str | None  # a title row above the header, if there is one
    title_ref: str | None
    header: list[Cell]
    rows: list[list[Cell]]


@dataclass
class Sheet:
    """A sheet's values at their real positions (row 0 is Excel row 1)."""

    name: str
    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]]
    hidden: bool
    bad_cells: dict[str, str]  # "E7" -> why its value can't be used
    percent_cells: frozenset[str] = frozenset()  # cells with a percentage number format


def normalise(name: Any) -> str:
    """Header text as compared: case, spacing and trailing punctuation ignored."""
    text = " ".join(str(name or "").split()).casefold()
    return re.sub(r"[\s:?*.]+$", "", text)


def clean(value: Any) -> Any:
    """Strip text; empty text becomes None so blank and "  " mean the same."""
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\xa0", " ").strip()
        return value or None
    return value


class Reader:
    """Opens a workbook once and hands out its sheets."""

    def __init__(self, path: Path):
        self.path = path
        data = _read_bytes(path)
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._check_size()
        self._xml = self._check_parts()
        import python_calamine

        try:
            self._book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:  # calamine raises several types for damaged files
            raise self._fatal(f"could not be read as a workbook ({exc})",
                              "open it in Excel and save it again as .xlsx") from exc
        visible = python_calamine.SheetVisibleEnum.Visible
        self._hidden = {m.name for m in self._book.sheets_metadata if m.visible != visible}
        self._parts = self._sheet_parts()
        self._percent_styles = self._find_percent_styles()

    def _fatal(self, message: str, hint: str | None = None) -> InputError:
        return _unreadable(self.path, message, hint)

    def _check_size(self) -> None:
        total = sum(info.file_size for info in self._zip.infolist())
        if total > MAX_UNCOMPRESSED_BYTES:
            raise self._fatal(
                f"would unpack to {total // 2**20} MB, over the "
                f"{MAX_UNCOMPRESSED_BYTES // 2**20} MB limit; it is not read",
                "a real paper workbook is a few MB; check where this file came from")

    def _check_parts(self) -> dict[str, bytes]:
        """Unpack every part once, before calamine sees any, and keep the XML.

        A part whose data does not match its stated size and checksum (a zip entry
        that lies, to slip past the size limit) and XML with a DTD or entity
        declarations (XXE, "billion laughs") are refused here, naming the part.
        """
        parts: dict[str, bytes] = {}
        damaged = "open it in Excel and save it again, or ask for a fresh copy"
        for info in self._zip.infolist():
            if info.is_dir():
                continue
            try:
                data = self._zip.read(info)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
                    RuntimeError, ValueError, OSError) as exc:
                raise self._fatal(f"part {info.filename} is damaged or not what its "
                                  f"header says ({exc}); it is not read", damaged) from exc
            name = info.filename.lower()
            if not name.endswith((".xml", ".rels", ".vml")):
                continue
            head = data[:200]
            if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
                raise self._fatal(f"part {info.filename} is not UTF-8 XML; it is not read",
                                  damaged)
            if _DTD.search(data):
                raise self._fatal(
                    f"part {info.filename} declares a DTD or entities, which Excel never "
                    "writes (they can make a reader fetch files or expand without end); "
                    "it is not read", "check where this file came from; saving it again "
                    "in Excel removes them")
            parts[info.filename] = data
        return parts

    def _sheet_parts(self) -> dict[str, str]:
        """Sheet name -> path of its XML inside the zip."""
        try:
            book = ElementTree.fromstring(self._xml["xl/workbook.xml"])
            rels = ElementTree.fromstring(self._xml["xl/_rels/workbook.xml.rels"])
        except (KeyError, ElementTree.ParseError):
            return {}
        targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
        parts = {}
        for sheet in book.iter(f"{_MAIN_NS}sheet"):
            target = targets.get(sheet.get(f"{_REL_NS}id"), "")
            path = target.lstrip("/") if target.startswith("/") else str(
                PurePosixPath("xl") / target)
            parts[sheet.get("name", "")] = path
        return parts

    def _find_percent_styles(self) -> frozenset[int]:
        """Indices of the cell formats that show a number as a percentage."""
        try:
            styles = ElementTree.fromstring(self._xml["xl/styles.xml"])
        except (KeyError, ElementTree.ParseError):
            return frozenset()
        custom = {fmt.get("numFmtId"): fmt.get("formatCode", "")
                  for fmt in styles.iter(f"{_MAIN_NS}numFmt")}
        formats = styles.find(f"{_MAIN_NS}cellXfs")
        found = set()
        for index, xf in enumerate(formats if formats is not None else []):
            number_format = xf.get("numFmtId", "0")
            code = re.sub(r'"[^"]*"|\\.', "", custom.get(number_format, ""))
            if number_format in _PERCENT_FORMATS or "%" in code:
                found.add(index)
        return frozenset(found)

    def _number_format_codes(self) -> dict[str, str]:
        """Cell-format index (as in ``s="3"``) -> its number format code, for the
        formats that are not General."""
        try:
            styles = ElementTree.fromstring(self._xml["xl/styles.xml"])
        except (KeyError, ElementTree.ParseError):
            return {}
        custom = {fmt.get("numFmtId"): fmt.get("formatCode", "")
                  for fmt in styles.iter(f"{_MAIN_NS}numFmt")}
        formats = styles.find(f"{_MAIN_NS}cellXfs")
        codes = {}
        for index, xf in enumerate(formats if formats is not None else []):
            number_format = xf.get("numFmtId", "0")
            code = custom.get(number_format) or BUILTIN_FORMATS.get(number_format, "General")
            if code.casefold() != "general":
                codes[str(index)] = code
        return codes

    def cell_formats(self, name: str) -> dict[str, str]:
        """The number format of each of a sheet's cells that has one (not General):
        "B4" -> "0.0%". Only the sheets whose cells are printed as Excel shows them
        (Table sheets, extra cover fields) ask for this."""
        part = self._parts.get(name)
        xml = self._xml.get(part, b"") if part else b""
        codes = self._number_format_codes()
        if not codes or not xml:
            return {}
        return {match.group(1).decode(): codes[match.group(2).decode()]
                for match in _STYLED_CELL.finditer(xml) if match.group(2).decode() in codes}

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheet_names)

    def find(self, name: str) -> str | None:
        """The workbook's own spelling of a sheet name, matched loosely."""
        return next((s for s in self.sheet_names if normalise(s) == normalise(name)), None)

    def sheet(self, name: str) -> Sheet:
        part = self._parts.get(name)
        xml = self._xml.get(part, b"") if part else b""
        self._check_extent(name, part, xml)
        try:
            calamine_sheet = self._book.get_sheet_by_name(name)
            rows = calamine_sheet.to_python(skip_empty_area=False)
            merged = list(calamine_sheet.merged_cell_ranges or [])
        except Exception as exc:  # calamine raises its own types for damaged XML
            raise InputError([Problem(
                f"could not be read ({type(exc).__name__}: {exc}); the sheet's XML "
                f"({part or 'unknown part'}) is damaged", file=self.path, sheet=name,
                hint="open the workbook in Excel and save it again")], self.path) from exc
        return Sheet(
            name=name,
            rows=rows,
            merged=merged,
            hidden=name in self._hidden,
            bad_cells=self._bad_cells(name, part, xml),
            percent_cells=self._percent_cells(xml),
        )

    def _percent_cells(self, xml: bytes) -> frozenset[str]:
        """References of the sheet's cells formatted as percentages."""
        if not self._percent_styles or not xml:
            return frozenset()
        styles = {str(index).encode() for index in self._percent_styles}
        return frozenset(match.group(1).decode() for match in _STYLED_CELL.finditer(xml)
                         if match.group(2) in styles)

    def _check_extent(self, name: str, part: str | None, xml: bytes) -> None:
        """Refuse a sheet that would be read as a rectangle of billions of cells.

        Calamine reads a sheet as every cell from A1 to the farthest one used, so one
        value at XFD1048576 asks for 17 billion cells. The farthest row and column are
        found from every position the XML gives (and the cells and rows that give none)
        in one linear pass, before anything is allocated; the sheet's own declared
        ``<dimension>`` is not trusted.
        """
        found = _POSITION.findall(xml)  # (tag, column letters, row digits)
        # A cell or row with no position follows the one before it (calamine's rule):
        # each can reach one further.
        unplaced_cells = found.count((b"c", b"", b""))
        unplaced_rows = found.count((b"row", b"", b""))
        _, letters, digits = zip(*found, strict=True) if found else ((), (), ())
        rows = max((int(d) for d in set(digits) if d), default=1) + unplaced_rows
        columns = max((_column_number(c.decode()) for c in set(letters) if c),
                      default=1) + unplaced_cells
        if rows * columns > MAX_SHEET_CELLS:
            far = f"{column_letter(columns - 1)}{rows}"
            raise InputError([Problem(
                f"its cells reach {far}: from A1 that is {rows:,} rows × {columns:,} "
                f"columns ({rows * columns:,} cells), over the {MAX_SHEET_CELLS:,}-cell "
                "limit; it is not read", file=self.path, sheet=name,
                hint="delete the rows and columns beyond the table (select them, right-"
                "click > Delete) and save again")], self.path)

    def _bad_cells(self, name: str, part: str | None, xml: bytes) -> dict[str, str]:


        """Error values (#REF!) and formulas saved without a calculated value."""
        if part is None or (b"<f" not in xml and b't="e"' not in xml
                            and b"t='e'" not in xml):
            return {}
        try:
            return _scan_cells(xml)
        except Exception as exc:  # expat's own error type, or one a handler raised
            raise InputError([Problem(
                f"could not be read: the sheet's XML ({part}) is damaged ({exc})",
                file=self.path, sheet=name,
                hint="open the workbook in Excel and save it again")], self.path) from exc


def _column_number(letters: str) -> int:
    """A -> 1, Z -> 26, AA -> 27, XFD -> 16384."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def _scan_cells(xml: bytes) -> dict[str, str]:
    """Error cells and uncalculated formulas, found by a streaming XML parser (expat):
    linear in the size of the XML, whatever it holds (comments, CDATA, odd spacing)."""
    from xml.parsers import expat  # here: only sheets with formulas or errors need it

    found: dict[str, str] = {}
    state = {"row": 0, "column": 0, "ref": "", "error": False, "formula": False,
             "text": None}

    def local(tag: str) -> str:
        return tag.rpartition("}")[2]

    def start(tag: str, attributes: dict[str, str]) -> None:
        name = local(tag)
        if name == "row":
            row = attributes.get("r")
            state["row"] = int(row) if row and row.isdigit() else state["row"] + 1
            state["column"] = 0
        elif name == "c":
            ref = attributes.get("r", "")
            match = _REF.fullmatch(ref)
            if match and match.group(1):
                state["column"] = _column_number(match.group(1))
                state["row"] = int(match.group(2))
            else:
                state["column"] += 1
            state["ref"] = f"{column_letter(state['column'] - 1)}{state['row']}"
            state["error"] = attributes.get("t") == "e"
            state["formula"] = False
            state["text"] = None
        elif name == "f":
            state["formula"] = True
        elif name == "v":
            state["text"] = []

    def end(tag: str) -> None:
        name = local(tag)
        if name == "v" and isinstance(state["text"], list):
            state["text"] = "".join(state["text"]).strip()
        elif name == "c":
            text = state["text"] if isinstance(state["text"], str) else ""
            if state["error"]:
                found[state["ref"]] = f"error:{text or '#VALUE!'}"
            elif state["formula"] and not text:
                found[state["ref"]] = "formula"

    def characters(data: str) -> None:
        if isinstance(state["text"], list):
            state["text"].append(data)

    def refuse(*_: Any) -> None:
        raise ValueError("it declares a DTD or entities")

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.Parse(xml, True)
    return found


def _unreadable(path: Path, message: str, hint: str | None = None) -> InputError:
    """The error for a file that cannot be read as a workbook at all."""
    return InputError([Problem(message, file=path, hint=hint)], path)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, or a clear message saying why it is not an .xlsx workbook."""

    def fatal(message: str, hint: str | None = None) -> InputError:
        return _unreadable(path, message, hint)

    if not path.exists() and not path.is_symlink():
        raise fatal("file not found")
    if path.is_dir():
        raise fatal("is a folder, not a workbook", "name the .xlsx file inside it")
    # Read once, only if a regular file of bounded size (never a FIFO or /dev/zero);
    # the file itself is never opened for writing.
    data = read_regular_file(path, MAX_WORKBOOK_BYTES, "workbook")
    save_as = "open it in Excel and save it as 'Excel Workbook (*.xlsx)'"
    if not data:
        raise fatal("is empty (0 bytes)", "the file was not saved properly; save it again")
    if data.startswith(_OLE_SIGNATURE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise fatal("is password-protected",
                        "remove the password in Excel (File > Info > Protect Workbook) "
                        "and save it again")
        raise fatal("is an old Excel 97-2003 (.xls) file", save_as)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(b"PK"):
            raise fatal("is damaged or incomplete (a truncated .xlsx)",
                        "copy the file again, or open it in Excel and save it again")
        head = data[:2048]
        looks_text = all(b >= 9 and b != 0x7F for b in head.replace(b"\r", b"").replace(b"\n", b""))
        kind = "a text or CSV file" if looks_text else "not a spreadsheet"
        raise fatal(f"is not an Excel workbook (.xlsx): it is {kind}", save_as)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise fatal("is an OpenDocument spreadsheet (.ods), not .xlsx", save_as)
        raise fatal("is a zip file but not an Excel workbook (.xlsx)", save_as)
    return data


def read_workbook(path: Path) -> RawWorkbook:
    """Open ``path`` (never modifying it) and collect its sheets' rows.

    Raises :class:`InputError` only when the file is not a readable workbook; missing
    sheets and columns are returned in ``problems`` so validation can go on and
    report them together with everything else.
    """
    reader = Reader(path)
    problems: list[Problem] = []
    paper = _read_paper(reader, problems)
    tables: dict[str, Table] = {}
    for spec in TABLE_SHEETS:
        table = _read_table(reader, spec, problems)
        if table is not None:
            tables[spec.name] = table
    user_tables = read_user_tables(reader, problems)
    _other_sheets(reader, problems)
    return RawWorkbook(path=path, paper=paper, tables=tables, problems=problems,
                       sheet_names=reader.sheet_names, user_tables=user_tables)


def is_user_table(sheet: str) -> bool:
    """Whether a sheet is a table of the user's own: its name starts with "Table"."""
    return USER_TABLE_SHEET.match(sheet) is not None


def read_user_tables(reader: Reader, problems: list[Problem]) -> list[RawUserTable]:
    """Every "Table ..." sheet, in the workbook's order; two giving the same name are
    an error naming both."""
    found: list[RawUserTable] = []
    names: dict[str, str] = {}  # table name as compared -> sheet
    for sheet in reader.sheet_names:
        if not is_user_table(sheet):
            continue
        table = _read_user_table(reader, sheet, problems)
        if table is None:
            continue
        key = table_key(table.name)
        if key in names:
            problems.append(_problem(
                reader, sheet, None,
                f"gives the same table name '{table.name}' as sheet '{names[key]}'",
                "rename one of the two sheets, so [[Table: name]] says which is meant"))
            continue
        names[key] = sheet
        found.append(table)
    return found


def _filled(values: list[Any]) -> list[int]:
    return [index for index, value in enumerate(values) if clean(value) is not None]


def _read_user_table(reader: Reader, name: str, problems: list[Problem]
                     ) -> RawUserTable | None:
    """A Table sheet: an optional title row, the header (its first non-blank row
    otherwise) and the rows under it, each cell with its number format."""
    sheet = _open_sheet(reader, name, False, problems)
    if sheet is None:
        return None
    filled_rows = [index for index, values in enumerate(sheet.rows) if _filled(values)]
    if not filled_rows:
        problems.append(_problem(reader, name, "A1", "this Table sheet is empty",
                                 "type the table's header row (its column headings) and its "
                                 "rows, or delete the sheet"))
        return None
    title = title_ref = None
    first = filled_rows[0]
    header_index = first
    title_cells = _filled(sheet.rows[first])
    if len(title_cells) == 1 and len(filled_rows) > 1 and len(
            _filled(sheet.rows[filled_rows[1]])) > 1:
        title_ref = cell_ref(first, title_cells[0])
        title = _cell_value(sheet, first, title_cells[0], problems, reader)
        title = None if title is None else str(title)
        header_index = filled_rows[1]
    for (r0, c0), (r1, c1) in sheet.merged:
        if r1 < header_index and r0 == first and title is not None:
            continue  # a title merged across the table's width, as titles often are
        problems.append(_problem(reader, name, f"{cell_ref(r0, c0)}:{cell_ref(r1, c1)}",
                                 "merged cells in a table",
                                 "unmerge them and fill in each cell: a merged cell cannot "
                                 "say which rows or columns it belongs to"))
    formats = reader.cell_formats(name)
    header_values = sheet.rows[header_index]
    columns = _filled(header_values)
    span = range(columns[0], columns[-1] + 1)
    header: list[Cell] = []
    seen: dict[str, str] = {}
    for column in span:
        ref = cell_ref(header_index, column)
        value = _cell_value(sheet, header_index, column, problems, reader)
        header.append(Cell(value, ref, number_format=formats.get(ref)))
        if value is None:
            problems.append(_problem(reader, name, ref, "this column has no heading",
                                     "type its heading: every column of a table needs one"))
            continue
        key = normalise(value)
        if key in seen:
            problems.append(_problem(reader, name, ref,
                                     f'heading "{value}" is used twice (first at {seen[key]})',
                                     "give each column its own heading"))
        seen.setdefault(key, ref)
    if all(isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
           for cell in header if cell.value is not None) and any(
               cell.value is not None for cell in header) and len(columns) > 1:
        problems.append(_problem(
            reader, name, f"{header_index + 1}:{header_index + 1}",
            "the first row is all numbers: it is read as the header, and a table needs "
            "column headings", "type a row of headings above the figures"))
    rows: list[list[Cell]] = []
    blank: list[int] = []
    for index in range(header_index + 1, len(sheet.rows)):
        values = sheet.rows[index]
        outside = [c for c in _filled(values) if c not in span]
        for column in outside:
            ref = cell_ref(index, column)
            problems.append(_problem(
                reader, name, ref, "value outside the table: its column has no heading "
                f"(the header is {cell_ref(header_index, span[0])}:"
                f"{cell_ref(header_index, span[-1])})",
                f"type a heading in {cell_ref(header_index, column)}, or delete the value"))
        cells = [Cell(_cell_value(sheet, index, column, problems, reader),
                      cell_ref(index, column),
                      percent=cell_ref(index, column) in sheet.percent_cells,
                      number_format=formats.get(cell_ref(index, column)))
                 for column in span]
        if all(cell.value is None for cell in cells):
            if not outside:
                blank.append(index + 1)
            continue
        if blank:
            listed = ", ".join(str(n) for n in blank[:5]) + (" …" if len(blank) > 5 else "")
            problems.append(_problem(
                reader, name, f"A{blank[0]}",
                f"blank row{'s' if len(blank) > 1 else ''} {listed} skipped",
                "delete blank rows inside a table", "warning"))
            blank = []
        rows.append(cells)
    if not rows:
        problems.append(_problem(reader, name, f"A{header_index + 2}",
                                 "the table has a header row but no rows under it",
                                 "type its rows under the header, or delete the sheet"))
    match = USER_TABLE_SHEET.match(name)
    table_name = match.group(1).strip() if match else ""
    if not table_name:
        table_name = (title or "").strip()
    if not table_name:
        problems.append(_problem(
            reader, name, None, "the sheet's name gives the table no name",
            "rename the sheet 'Table <name>', e.g. 'Table Competency scores', or put a "
            "title row above the header"))
        return None
    return RawUserTable(name, table_name, title, title_ref, header, rows)


def _meant_sheet(reader: Reader, name: str, spec: TableSheet | None) -> str | None:
    """The workbook's sheet that was probably meant to be ``name`` (a typo, a plural,
    or a name people give it, such as "Action plan" for Actions)."""
    known = {normalise(known) for known in [PAPER_SHEET, *(t.name for t in TABLE_SHEETS),
                                            *OWN_SHEETS]}
    others = [s for s in reader.sheet_names
              if normalise(s) not in known and not is_user_table(s)]
    near = {normalise(n) for n in (spec.near_names if spec else ())} | _heading_forms(name)
    for sheet in others:
        if normalise(sheet) in near:
            return sheet
    close = difflib.get_close_matches(normalise(name), [normalise(s) for s in others], n=1,
                                      cutoff=0.6)
    return next((s for s in others if close and normalise(s) == close[0]), None)


def _other_sheets(reader: Reader, problems: list[Problem]) -> None:
    """Sheets reportgen does not read are named, never silently passed over: as the
    sheet probably meant (a did-you-mean; for a required sheet the error says so), or
    as ignored."""
    known = {normalise(n) for n in [PAPER_SHEET, *(t.name for t in TABLE_SHEETS),
                                    *OWN_SHEETS]}
    meant: dict[str, TableSheet] = {}
    for spec in TABLE_SHEETS:
        if reader.find(spec.name) is None:
            sheet = _meant_sheet(reader, spec.name, spec)
            if sheet is not None:
                meant.setdefault(sheet, spec)
    for sheet in reader.sheet_names:
        if normalise(sheet) in known or is_user_table(sheet):
            continue
        spec = meant.get(sheet)
        if spec is None and normalise(sheet).startswith("table"):
            problems.append(_problem(
                reader, sheet, None, f"sheet '{sheet}' is not read: it is not a Table sheet",
                "a Table sheet is named \"Table\", a space and the table's name, e.g. "
                "'Table Competency scores'", "warning"))
        elif spec is None:
            problems.append(_problem(
                reader, sheet, None, f"sheet '{sheet}' is not used by reportgen; it is ignored",
                "the sheets read are " + ", ".join([PAPER_SHEET, *(t.name for t in TABLE_SHEETS)])
                + ", and any whose name starts with \"Table\"",
                "warning"))
        elif not spec.required:
            problems.append(_problem(
                reader, sheet, None,
                f"sheet '{sheet}' is not read, and there is no '{spec.name}' sheet",
                f"did you mean '{spec.name}'? rename the sheet to '{spec.name}'", "warning"))


def _problem(reader: Reader, sheet: str | None, cell: str | None, message: str,
             hint: str | None = None, severity: str = "error") -> Problem:
    return Problem(message, file=reader.path, sheet=sheet, cell=cell, hint=hint,
                   severity=severity)


def _open_sheet(reader: Reader, name: str, required: bool,
                problems: list[Problem]) -> Sheet | None:
    actual = reader.find(name)
    if actual is None:
        if required:
            spec = next((t for t in TABLE_SHEETS if t.name == name), None)
            close = _meant_sheet(reader, name, spec)
            hint = f"did you mean '{close}'?" if close else f"add a sheet called '{name}'"
            problems.append(_problem(reader, name, None, f"missing sheet '{name}'", hint))
        return None
    sheet = reader.sheet(actual)
    if sheet.hidden:
        problems.append(_problem(reader, actual, None, "this sheet is hidden; it is still used",
                                 "unhide it (right-click a sheet tab > Unhide) to check it",
                                 "warning"))
    return sheet


def _cell_value(sheet: Sheet, row: int, column: int, problems: list[Problem],
                reader: Reader) -> Any:
    """A cleaned cell value; error values and uncalculated formulas are reported."""
    ref = cell_ref(row, column)
    bad = sheet.bad_cells.get(ref)
    if bad == "formula":
        problems.append(_problem(reader, sheet.name, ref,
                                 "formula has no calculated value (the file was saved by a "
                                 "program, not Excel)", "open and save it in Excel"))
        return None
    if bad is not None:
        problems.append(_problem(reader, sheet.name, ref, f"Excel error {bad[6:]}",
                                 "fix the formula or type the value"))
        return None
    values = sheet.rows[row] if row < len(sheet.rows) else []
    value = clean(values[column]) if column < len(values) else None
    if isinstance(value, str) and value in EXCEL_ERRORS:
        problems.append(_problem(reader, sheet.name, ref, f"Excel error {value}",
                                 "fix the formula or type the value"))
        return None
    return value


def _merges_in(sheet: Sheet, first_row: int, columns: set[int], reader: Reader,
               problems: list[Problem], across_only: bool) -> None:
    """Fill each merged range of a table with its value, as Excel shows it.

    A range down one column (an action's Theme over its milestone rows) means that
    value on every row; one across several of the table's columns, or taking in the
    header row, cannot say which column or row it belongs to, and is refused (with
    ``across_only`` False, as on the Paper sheet, every range is).
    """
    for (r0, c0), (r1, c1) in sheet.merged:
        if r1 < first_row or not any(c0 <= c <= c1 for c in columns):
            continue
        spanned = [c for c in columns if c0 <= c <= c1]
        if not across_only or len(spanned) > 1 or r0 <= first_row:
            what = ("merged cells in a table" if not across_only
                    else "merged cells take in the header row" if r0 <= first_row
                    else "merged cells across columns")
            problems.append(_problem(
                reader, sheet.name, f"{cell_ref(r0, c0)}:{cell_ref(r1, c1)}", what,
                "unmerge them and fill in each cell"))
            continue
        values = sheet.rows[r0] if r0 < len(sheet.rows) else []
        value = values[c0] if c0 < len(values) else None
        for row in range(max(r0, first_row + 1), r1 + 1):
            while len(sheet.rows) <= row:
                sheet.rows.append([])
            cells = sheet.rows[row]
            cells.extend([None] * (c1 + 1 - len(cells)))
            for column in range(c0, c1 + 1):
                cells[column] = value
                if cell_ref(r0, c0) in sheet.percent_cells:
                    sheet.percent_cells |= {cell_ref(row, column)}


def _read_paper(reader: Reader, problems: list[Problem]) -> list[PaperEntry]:
    sheet = _open_sheet(reader, PAPER_SHEET, True, problems)
    if sheet is None:
        return []
    lookup = {}
    for spec in PAPER_FIELDS:
        for name in (spec.name, *spec.aliases):
            lookup[normalise(name)] = spec.name
    _merges_in(sheet, -1, {0, 1}, reader, problems, across_only=False)
    formats = reader.cell_formats(sheet.name)
    entries = []
    for index, values in enumerate(sheet.rows):
        label = clean(values[0]) if values else None
        if not isinstance(label, str) or normalise(label) in {"field", "value"}:
            continue
        canonical = lookup.get(normalise(label))
        if canonical is None:
            entries.append(_extra_field(reader, sheet, index, label, lookup, formats,
                                        problems))
            continue
        value = _cell_value(sheet, index, 1, problems, reader)
        entries.append(PaperEntry(canonical, value, cell_ref(index, 1)))
    return entries


#: How alike an extra cover field's name must be to a built-in one to be a typo of it.
CLOSE_FIELD_NAME = 0.85


def _extra_field(reader: Reader, sheet: Sheet, index: int, label: str,
                 lookup: dict[str, str], formats: dict[str, str],
                 problems: list[Problem]) -> PaperEntry:
    """A Field | Value row that is not a built-in field: printed on the cover under
    its own name, with a warning when the name looks like a built-in one misspelt."""
    close = difflib.get_close_matches(normalise(label), list(lookup), n=1,
                                      cutoff=CLOSE_FIELD_NAME)
    if close:
        spelt = next(name for spec in PAPER_FIELDS for name in (spec.name, *spec.aliases)
                     if normalise(name) == close[0])
        problems.append(_problem(
            reader, sheet.name, cell_ref(index, 0),
            f'"{label}" is not a built-in Paper field; it is printed on the cover as a '
            "field of its own", f"did you mean '{spelt}'?", "warning"))
    ref = cell_ref(index, 1)
    return PaperEntry(label, _cell_value(sheet, index, 1, problems, reader), ref, extra=True,
                      number_format=formats.get(ref))


def _heading_forms(name: str) -> set[str]:
    """A heading as compared, with its plural (people head a column "Milestones")."""
    text = normalise(name)
    plural = text[:-1] + "ies" if text.endswith("y") else text + ("es" if text.endswith(
        ("s", "x", "ch", "sh")) else "s")
    return {text, plural}


def _header_map(cells: list[Any], spec: TableSheet) -> dict[str, int]:
    """Map schema column names to 0-based positions in a header row."""
    wanted = {}
    for column in spec.columns:
        for name in (column.name, *column.aliases):
            for form in _heading_forms(name):
                wanted.setdefault(form, column.name)
    found: dict[str, int] = {}
    for index, value in enumerate(cells):
        canonical = wanted.get(normalise(value))
        if canonical and canonical not in found:
            found[canonical] = index
    return found


def _looks_like(heading: str, column: Column) -> bool:
    """Whether an unused heading is probably a misspelling of ``column``."""
    names = [normalise(name) for name in (column.name, *column.aliases)]
    return bool(difflib.get_close_matches(normalise(heading), names, n=1, cutoff=0.75))


def _read_table(reader: Reader, spec: TableSheet, problems: list[Problem]) -> Table | None:
    sheet = _open_sheet(reader, spec.name, spec.required, problems)
    if sheet is None:
        return None
    header_index, columns = 0, {}
    for index, values in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        mapping = _header_map(values, spec)
        if len(mapping) > len(columns):
            header_index, columns = index, mapping
    if not columns:
        problems.append(_problem(
            reader, sheet.name, "A1", "no header row found",
            "the first row should name the columns: "
            + ", ".join(c.name for c in spec.columns)))
        return None
    header = sheet.rows[header_index]
    used = set(columns.values())
    unused = {position: str(clean(value)) for position, value in enumerate(header)
              if clean(value) is not None and position not in used}
    claimed: set[int] = set()
    where = f"{header_index + 1}:{header_index + 1}"
    for order, column in enumerate(spec.columns):
        if column.name in columns:
            continue
        free = {p: text for p, text in unused.items() if p not in claimed}
        alike = [p for p, text in free.items() if _looks_like(text, column)]
        if not alike and column.required:
            alike = [p for p, text in free.items() if difflib.get_close_matches(
                normalise(column.name), [normalise(text)], n=1, cutoff=0.5)]
            alike = alike or ([order] if order in free else [])  # the starter's place
        if alike:
            claimed.add(alike[0])
            hint = f"did you mean '{free[alike[0]]}'?"
        elif column.required:
            hint = f"add a column headed '{column.name}'"
        else:
            continue  # an optional column left out, and nothing that looks like it
        problems.append(_problem(reader, sheet.name, where,
                                 f"missing column '{column.name}'", hint))
    for position, text in unused.items():
        if position not in claimed:
            problems.append(_problem(
                reader, sheet.name, cell_ref(header_index, position),
                f"column '{text}' is not used by reportgen; it is ignored", None, "warning"))
    _merges_in(sheet, header_index, set(columns.values()), reader, problems, across_only=True)
    table = Table(sheet.name)
    blank_rows: list[int] = []
    for index in range(header_index + 1, len(sheet.rows)):
        cells = {name: Cell(_cell_value(sheet, index, position, problems, reader),
                            cell_ref(index, position),
                            percent=cell_ref(index, position) in sheet.percent_cells)
                 for name, position in columns.items()}
        record = Row(index + 1, cells)
        if record.is_blank:
            blank_rows.append(index + 1)
            continue
        if blank_rows:
            listed = ", ".join(str(n) for n in blank_rows[:5]) + (
                " …" if len(blank_rows) > 5 else "")
            problems.append(_problem(
                reader, sheet.name, f"A{blank_rows[0]}",
                f"blank row{'s' if len(blank_rows) > 1 else ''} {listed} skipped",
                "delete blank rows inside a table", "warning"))
            blank_rows = []
        table.rows.append(record)
    return table
