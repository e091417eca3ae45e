"""Tables in the structure tree as a screen reader reads them: one grid per table.

WeasyPrint 70 tags a table that runs over several pages as one /Table per page, each
with its header row again as content, and writes /Headers on data cells without
counting row and column spans (a cell names the header of the column its index
would have without spans). This module sees the tables as they were meant:

- :func:`logical_tables`: the /Table elements in reading order, grouped where one
  continues the one before it on the next page (each the last content of its page and
  the first of the next, with the same header rows);
- :func:`table_grid`: a table's cells placed on its real grid (rows and columns
  spanned counted);
- :func:`expected_headers`: the header cells each data cell belongs under;
- :func:`join_tables`: each logical table made one /Table, the repeated header rows
  turned into artifacts; :func:`rewrite_headers`: /Headers written from the grid;
- :func:`tables_and_edges` and :func:`join_continued_tables`: a paper joined from parts
  has these done to each part as it comes in, and then only the tables a part break
  cut open are joined across the breaks.

:mod:`reportgen.pdf.check` uses the same functions to report what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from reportgen.pdf.structure import (
    ObjGen,
    artifact_mcids,
    is_element,
    is_mcid,
    kids_of,
    own_page,
    walk_elements,
)

_SECTIONS = (Name.THead, Name.TBody, Name.TFoot)
_CELLS = (Name.TH, Name.TD)


def table_attribute(element: pikepdf.Dictionary, key: str):
    """``key`` of the element's /Table attribute object (or of any attribute object)."""
    attributes = element.get("/A")
    candidates = (list(attributes) if isinstance(attributes, pikepdf.Array)
                  else [attributes] if attributes is not None else [])
    for attribute in candidates:
        if isinstance(attribute, pikepdf.Dictionary) and key in attribute:
            return attribute[key]
    return None


def _table_attributes(element: pikepdf.Dictionary) -> pikepdf.Dictionary:
    """The element's /Table attribute object, created if missing."""
    attributes = element.get("/A")
    candidates = (list(attributes) if isinstance(attributes, pikepdf.Array)
                  else [attributes] if attributes is not None else [])
    for attribute in candidates:
        if isinstance(attribute, pikepdf.Dictionary) and attribute.get("/O") == Name.Table:
            return attribute
    made = Dictionary(O=Name.Table)
    element.A = Array([attributes, made]) if attributes is not None else made
    return made


#: Spans are read up to this: a hostile file's /RowSpan 1000000000 must not make
#: ``reportgen check`` fill a grid of a billion rows.
MAX_SPAN = 1000


def _span(cell: pikepdf.Dictionary, key: str) -> int:
    value = table_attribute(cell, key)
    try:
        return min(MAX_SPAN, max(1, int(value))) if value is not None else 1
    except (TypeError, ValueError, OverflowError):
        return 1


def table_rows(table: pikepdf.Dictionary) -> list[tuple[pikepdf.Dictionary, Name | None]]:
    """The table's rows in order, each with the section (THead, TBody, TFoot) it is in."""
    rows = []
    for kid in kids_of(table):
        if not is_element(kid):
            continue
        if kid.get("/S") in _SECTIONS:
            rows += [(row, kid.S) for row in kids_of(kid)
                     if is_element(row) and row.get("/S") == Name.TR]
        elif kid.get("/S") == Name.TR:
            rows.append((kid, None))
    return rows


@dataclass
class Cell:
    element: pikepdf.Dictionary
    row: int
    column: int
    rows: int
    columns: int
    header_row: bool  # in THead

    @property
    def is_header(self) -> bool:
        return self.element.get("/S") == Name.TH


@dataclass
class Grid:
    cells: list[Cell] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)  # columns each row covers (spans counted)

    @property
    def columns(self) -> int:
        return max(self.widths, default=0)


def table_grid(tables: list[pikepdf.Dictionary]) -> Grid:
    """The cells of ``tables`` (one logical table's elements, in order) on one grid."""
    grid = Grid()
    taken: dict[int, set[int]] = {}
    row_index = 0
    for table in tables:
        for row, section in table_rows(table):
            used = taken.setdefault(row_index, set())
            column = 0
            for cell in kids_of(row):
                if not is_element(cell) or cell.get("/S") not in _CELLS:
                    continue
                while column in used:
                    column += 1
                rows, columns = _span(cell, "/RowSpan"), _span(cell, "/ColSpan")
                grid.cells.append(Cell(cell, row_index, column, rows, columns,
                                       section == Name.THead))
                for r in range(row_index, row_index + rows):
                    taken.setdefault(r, set()).update(range(column, column + columns))
                column += columns
            row_index += 1
    grid.widths = [len(taken.get(r, ())) for r in range(row_index)]
    return grid


def _scope(cell: Cell) -> Name | None:
    scope = table_attribute(cell.element, "/Scope")
    if isinstance(scope, pikepdf.Name):
        return scope
    return Name.Column if cell.header_row else Name.Row


def expected_headers(grid: Grid) -> dict[ObjGen, list[Cell]]:
    """For each data cell (by object id), the header cells it belongs under: the column
    headers above it in its columns, then the row headers left of it in its rows."""
    # Indexed by the columns and rows each header covers: a 4,000-row tracker has a
    # row header per action, and comparing every cell with every header is quadratic.
    by_column: dict[int, list[tuple[int, Cell]]] = {}
    by_row: dict[int, list[tuple[int, Cell]]] = {}
    for order, header in enumerate(c for c in grid.cells if c.is_header):
        scope = _scope(header)
        if scope in (Name.Column, Name.Both):
            for column in range(header.column, header.column + header.columns):
                by_column.setdefault(column, []).append((order, header))
        if scope in (Name.Row, Name.Both):
            for row in range(header.row, header.row + header.rows):
                by_row.setdefault(row, []).append((order, header))
    expected: dict[ObjGen, list[Cell]] = {}
    for cell in grid.cells:
        if cell.is_header:
            continue
        above = {order: h for column in range(cell.column, cell.column + cell.columns)
                 for order, h in by_column.get(column, ()) if h.row < cell.row}
        left = {order: h for row in range(cell.row, cell.row + cell.rows)
                for order, h in by_row.get(row, ()) if h.column < cell.column}
        expected[cell.element.objgen] = ([above[k] for k in sorted(above)]
                                         + [left[k] for k in sorted(left) if k not in above])
    return expected


def _content_owners(tree: pikepdf.Dictionary, pages: dict[ObjGen, int]):
    """For each page index, the first and last /Table (by object id, or None) whose
    content is the first and last tagged content on that page, in reading order."""
    first: dict[int, ObjGen | None] = {}
    last: dict[int, ObjGen | None] = {}

    def visit(node, page: ObjGen | None, table: ObjGen | None, depth: int) -> None:
        page = own_page(node, page)
        if node.get("/S") == Name.Table and table is None:
            table = node.objgen
        for kid in kids_of(node):
            if is_element(kid):
                if depth < 200:
                    visit(kid, page, table, depth + 1)
                continue
            where = page
            if isinstance(kid, pikepdf.Dictionary):
                ref = kid.get("/Pg")
                where = ref.objgen if isinstance(ref, pikepdf.Dictionary) else page
            elif not is_mcid(kid):
                continue
            index = pages.get(where)
            if index is None:
                continue
            first.setdefault(index, table)
            last[index] = table

    visit(tree, None, None, 0)
    return first, last


def _head_shape(table: pikepdf.Dictionary) -> list[list[tuple[int, int]]]:
    return [[(_span(c, "/RowSpan"), _span(c, "/ColSpan")) for c in kids_of(row)
             if is_element(c) and c.get("/S") in _CELLS]
            for row, section in table_rows(table) if section == Name.THead]


def logical_tables(pdf: pikepdf.Pdf) -> list[list[pikepdf.Dictionary]]:
    """The outermost /Table elements in reading order, grouped into logical tables."""
    return _grouped(pdf)[0]


def tables_and_edges(pdf: pikepdf.Pdf) -> tuple[list[list[pikepdf.Dictionary]],
                                                 tuple[bool, bool]]:
    """:func:`logical_tables`, and whether the document's first tagged content lies in
    its first table and its last in its last: where a table cut open by a part break
    goes on from one part into the next (see :func:`join_continued_tables`)."""
    groups, first, last = _grouped(pdf)
    if not groups:
        return groups, (False, False)
    end = len(pdf.pages) - 1
    return groups, (first.get(0) == groups[0][0].objgen,
                    last.get(end) == groups[-1][-1].objgen)


def _grouped(pdf: pikepdf.Pdf):
    """The logical tables, and each page's first and last content owner."""
    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(tree, pikepdf.Dictionary):
        return [], {}, {}
    tables = []
    for element, ancestors in walk_elements(tree):
        if element.get("/S") == Name.Table and not any(
                a.get("/S") == Name.Table for a in ancestors):
            tables.append(element)
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    first, last = _content_owners(tree, pages)
    page_span: dict[ObjGen, tuple[int, int]] = {}
    for index in sorted(first):
        for owner in (first[index], last[index]):
            if owner is not None:
                low, high = page_span.get(owner, (index, index))
                page_span[owner] = (min(low, index), max(high, index))
    groups: list[list[pikepdf.Dictionary]] = []
    for table in tables:
        span = page_span.get(table.objgen)
        if groups and span is not None:
            previous = groups[-1][-1]
            before = page_span.get(previous.objgen)
            start = span[0]
            if (before is not None and start == before[1] + 1
                    and last.get(before[1]) == previous.objgen
                    and first.get(start) == table.objgen
                    and _head_shape(table) and _head_shape(table) == _head_shape(groups[-1][0])):
                groups[-1].append(table)
                continue
        groups.append([table])
    return groups, first, last


def _remove_from_parent(element: pikepdf.Dictionary) -> None:
    """Take ``element`` out of its parent's /K; a parent left empty goes too."""
    for _ in range(50):
        parent = element.get("/P")
        if not isinstance(parent, pikepdf.Dictionary):
            return
        rest = [kid for kid in kids_of(parent) if not (
            isinstance(kid, pikepdf.Dictionary) and kid.is_indirect
            and kid.objgen == element.objgen)]
        parent.K = Array(rest)
        if rest or "/S" not in parent or parent.get("/Type") == Name.StructTreeRoot \
                or parent.get("/S") in (Name.Document, Name.Part):
            return
        element = parent


def _marked_content(node, page: ObjGen | None, found: dict[ObjGen, set[int]],
                    depth: int = 0) -> None:
    page = own_page(node, page)
    for kid in kids_of(node):
        if is_element(kid) and depth < 200:
            _marked_content(kid, page, found, depth + 1)
        elif is_mcid(kid) and page is not None:
            found.setdefault(page, set()).add(int(kid))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == Name.MCR:
            ref = kid.get("/Pg")
            where = ref.objgen if isinstance(ref, pikepdf.Dictionary) else page
            if where is not None and is_mcid(kid.get("/MCID")):
                found.setdefault(where, set()).add(int(kid.MCID))


def _move_rows(table: pikepdf.Dictionary, head: pikepdf.Dictionary,
               artifacts: dict[ObjGen, set[int]]) -> list:
    """Move a continuation ``table``'s rows into ``head`` and take the emptied table
    out; its repeated header rows' content is noted in ``artifacts``. Returns the kids
    moved."""
    moved = []
    for kid in kids_of(table):
        if is_element(kid) and kid.get("/S") == Name.THead:
            _marked_content(kid, own_page(table, None), artifacts)
            continue
        moved.append(kid)
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            kid.P = head
    head.K = Array([*kids_of(head), *moved])
    table.K = Array()
    _remove_from_parent(table)
    return moved


def join_tables(pdf: pikepdf.Pdf, groups: list[list[pikepdf.Dictionary]] | None = None
                ) -> list[pikepdf.Dictionary]:
    """Make each logical table one /Table; returns the tables, in reading order.

    A continuation's header rows (WeasyPrint repeats ``<thead>`` on every page) become
    artifacts; its other rows move into the first /Table, in order. ``groups``: the
    logical tables, if found already.
    """
    artifacts: dict[ObjGen, set[int]] = {}
    groups = logical_tables(pdf) if groups is None else groups
    for group in groups:
        head = group[0]
        for table in group[1:]:
            _move_rows(table, head, artifacts)
    if artifacts:
        artifact_mcids(pdf, artifacts)
    return [group[0] for group in groups]


def rewrite_headers(pdf: pikepdf.Pdf,
                    tables: list[pikepdf.Dictionary] | None = None) -> int:
    """Write every data cell's /Headers from its logical table's grid (header cells get
    an /ID where they have none); returns how many cells changed. ``tables``: the
    tables once joined (:func:`join_tables`), not looked for again."""
    changed = 0
    taken: set[bytes] = set()
    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(tree, pikepdf.Dictionary):
        return 0
    for element, _ in walk_elements(tree):
        if isinstance(element.get("/ID"), pikepdf.String):
            taken.add(bytes(element.ID))
    serial = 0
    groups = logical_tables(pdf) if tables is None else [[table] for table in tables]
    for number, group in enumerate(groups):
        grid = table_grid(group)
        for cell in grid.cells:
            if cell.is_header and not isinstance(cell.element.get("/ID"), pikepdf.String):
                while True:
                    serial += 1
                    name = f"rg-th-{number}-{serial}".encode()
                    if name not in taken:
                        break
                taken.add(name)
                cell.element.ID = String(name)
        for objgen, headers in expected_headers(grid).items():
            cell = pdf.get_object(objgen)
            want = [bytes(h.element.ID) for h in headers]
            current = table_attribute(cell, "/Headers")
            have = ([bytes(h) for h in current if isinstance(h, pikepdf.String)]
                    if isinstance(current, pikepdf.Array) else None)
            if have == want:
                continue
            attributes = _table_attributes(cell)
            if want:
                attributes.Headers = Array([String(w) for w in want])
            elif "/Headers" in attributes:
                del attributes.Headers
            changed += 1
    return changed


def add_header_scopes(pdf: pikepdf.Pdf) -> int:
    """Give every /TH a /Scope; returns how many were set."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return 0
    count = 0
    for element, ancestors in walk_elements(tree):
        if element.get("/S") != Name.TH:
            continue
        in_head = any(a.get("/S") == Name.THead for a in ancestors)
        scope = Name.Column if in_head else Name.Row
        attributes = element.get("/A")
        table_attributes = None
        if isinstance(attributes, pikepdf.Dictionary):
            table_attributes = attributes
        elif isinstance(attributes, pikepdf.Array):
            table_attributes = next((a for a in attributes if isinstance(a, pikepdf.Dictionary)
                                     and a.get("/O") == Name.Table), None)
        if table_attributes is None or table_attributes.get("/O") != Name.Table:
            table_attributes = Dictionary(O=Name.Table)
            element.A = (Array([attributes, table_attributes]) if attributes is not None
                         else table_attributes)
        if "/Scope" not in table_attributes:
            table_attributes.Scope = scope
            count += 1
    return count


def _end_table(element: pikepdf.Dictionary, last: bool) -> pikepdf.Dictionary | None:
    """The first (or last) outermost /Table under ``element`` in reading order, found
    without walking the rest of it."""
    stack = [element]
    while stack:
        node = stack.pop()
        if node is not element and node.get("/S") == Name.Table:
            return node
        kids = [kid for kid in kids_of(node) if is_element(kid)]
        stack.extend(kids if last else reversed(kids))
    return None


def _header_ids(table: pikepdf.Dictionary) -> list[bytes | None]:
    return [bytes(cell.ID) if isinstance(cell.get("/ID"), pikepdf.String) else None
            for row, section in table_rows(table) if section == Name.THead
            for cell in kids_of(row) if is_element(cell) and cell.get("/S") in _CELLS]


def join_continued_tables(pdf: pikepdf.Pdf,
                          parts: list[tuple[list[pikepdf.Dictionary], tuple[bool, bool]]]
                          ) -> int:
    """Join each table a part break cut open to the table it continues, in a paper
    joined from parts whose own tables were finished one part at a time; returns how
    many were joined.

    ``parts``: each part's structure elements in the joined paper, in order, with its
    :func:`tables_and_edges` edges. A part whose first content is its first table continues the
    table the part before it ended in, if their header rows have the same shape (the
    cut repeats the header), as :func:`logical_tables` would find: the continuation's
    rows move into that table, its repeated header row becomes an artifact, and its
    cells' /Headers name the first table's header cells in the same places (what
    :func:`rewrite_headers` would write from the joined grid).
    """
    artifacts: dict[ObjGen, set[int]] = {}
    joined = 0
    open_table: pikepdf.Dictionary | None = None  # the table the part before ended in

    def last_table(elements):
        return next((t for e in reversed(elements) if (t := _end_table(e, last=True))
                     is not None), None)

    for elements, (opens, ends) in parts:
        first = next((t for e in elements if (t := _end_table(e, last=False)) is not None),
                     None)
        continues = (open_table is not None and opens and first is not None
                     and bool(_head_shape(first))
                     and _head_shape(first) == _head_shape(open_table))
        if not continues:
            open_table = last_table(elements) if ends else None
            continue
        ids = dict(zip(_header_ids(first), _header_ids(open_table), strict=True))
        moved = _move_rows(first, open_table, artifacts)
        for row, _ in table_rows(Dictionary(K=Array(moved))):
            for cell in kids_of(row):
                headers = table_attribute(cell, "/Headers") if is_element(cell) else None
                if isinstance(headers, pikepdf.Array):
                    _table_attributes(cell).Headers = Array([
                        String(ids[bytes(h)]) if isinstance(h, pikepdf.String)
                        and ids.get(bytes(h)) is not None else h for h in headers])
        joined += 1
        # The part may hold other tables after the one it continued.
        after = last_table(elements)
        if after is not None:
            open_table = after if ends else None
        elif not ends:
            open_table = None
    if artifacts:
        artifact_mcids(pdf, artifacts)
    return joined
