"""The cover sheet's rows: the built-in fields (in the order and with the labels a
``cover:`` list in ``theme.yaml`` gives), then the organisation's own fields.

``theme.yaml``::

    cover:
      - Meeting date: Date of meeting     # a field and the label it is printed under
      - Sponsoring board member: Executive lead
      - Purpose category                  # a field under its usual label
      - Agenda item                       # fields not on the cover by default may be added

Fields the list leaves out follow in their usual order under their usual labels, so
no value given in the workbook is left off the cover by a theme.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from reportgen.analysis.cover import COVER_FIELDS, TICKED, UNTICKED, cover_entries
from reportgen.workbook.model import Paper
from reportgen.workbook.schema import PAPER_FIELDS, PURPOSE_TICK_WORDS, PURPOSES


@dataclass(frozen=True)
class CoverRow:
    label: str
    value: Markup
    css: str | None = None  # class of the value's cell


def _key(name: str) -> str:
    return re.sub(r"[\s:]+$", "", " ".join(str(name).split()).casefold())


def _lookup() -> dict[str, str]:
    names = {}
    for spec in PAPER_FIELDS:
        if spec.name in COVER_FIELDS:
            for name in (spec.name, *spec.aliases):
                names[_key(name)] = spec.name
    return names


def read_cover_list(value: Any) -> tuple[tuple[tuple[str, str | None], ...], list[str]]:
    """A ``cover:`` setting as (field, label or None) pairs, and what is wrong with it."""
    if not isinstance(value, list):
        return (), ["cover must be a list of fields, one per line starting '- '"]
    lookup = _lookup()
    entries: list[tuple[str, str | None]] = []
    problems = []
    for position, item in enumerate(value, start=1):
        if isinstance(item, str):
            name, label = item, None
        elif isinstance(item, dict) and len(item) == 1:
            name, label = next(iter(item.items()))
            if not isinstance(label, str) or not label.strip():
                problems.append(f"cover item {position} ({name}): the label must be text, "
                                f"not {label!r}")
                continue
            label = " ".join(label.split())
        else:
            problems.append(f"cover item {position}: expected a field name, or "
                            f"'field: label', not {item!r}")
            continue
        field = lookup.get(_key(name))
        if field is None:
            close = difflib.get_close_matches(_key(name), list(lookup), n=1, cutoff=0.6)
            meant = f"did you mean '{lookup[close[0]]}'? " if close else ""
            problems.append(f"cover item {position}: '{name}' is not a cover field ({meant}"
                            "use one of " + ", ".join(COVER_FIELDS) + ")")
            continue
        if any(field == seen for seen, _ in entries):
            problems.append(f"cover item {position}: '{field}' is listed twice")
            continue
        entries.append((field, label))
    return tuple(entries), problems


def lines(value: Any) -> Markup:
    """Text with its line breaks kept, every character escaped."""
    return Markup("<br>").join(escape(part) for part in str(value or "").split("\n"))


def tick_row(chosen: tuple[str, ...]) -> Markup:
    """Every purpose with a box, ticked (☒ and in bold) for those chosen: the words say
    it, not colour."""
    boxes = []
    for purpose in PURPOSES:
        on = purpose in chosen
        boxes.append(Markup('<span class="tick-choice{}"><span class="tick-box">{}</span> '
                            '{}</span>').format(" chosen" if on else "",
                                                TICKED if on else UNTICKED,
                                                PURPOSE_TICK_WORDS[purpose]))
    return Markup(" ").join(boxes)


def cover_rows(paper: Paper, order: tuple[tuple[str, str | None], ...] = ()) -> list[CoverRow]:
    """The cover's rows (see :func:`reportgen.analysis.cover.cover_entries`), escaped
    with their line breaks kept; the purpose category as a row of tick boxes."""
    rows = []
    for entry in cover_entries(paper, order):
        if entry.chosen is not None:
            rows.append(CoverRow(entry.label, tick_row(entry.chosen), "purpose-ticks"))
        else:
            rows.append(CoverRow(entry.label, lines(entry.text),
                                 "recommendation" if entry.field == "Recommendation" else None))
    return rows
