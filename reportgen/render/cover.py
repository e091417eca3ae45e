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

from reportgen.workbook.dates import long_date
from reportgen.workbook.model import Paper
from reportgen.workbook.schema import PAPER_FIELDS, PURPOSE_TICK_WORDS, PURPOSES

#: The built-in cover rows in their usual order: field (as the Paper sheet names it)
#: and the label printed.
DEFAULT_COVER: tuple[tuple[str, str], ...] = (
    ("Meeting date", "Date of the meeting"),
    ("Author", "Author"),
    ("Sponsoring board member", "Sponsoring Board member"),
    ("Purpose of report", "Purpose of Report"),
    ("Purpose category", "Paper is for"),
    ("Recommendation", "Recommendation"),
    ("Stakeholder engagement", "Stakeholder Engagement"),
    ("Previous committees", "Previous GB / Committee/s, Dates"),
)
#: Fields not on the cover by default that a ``cover:`` list may add.
OPTIONAL_COVER = ("Organisation", "Meeting", "Agenda item", "Title", "Author job title",
                  "Date of report", "Author telephone", "Author initials")
COVER_FIELDS = (*(name for name, _ in DEFAULT_COVER), *OPTIONAL_COVER)
TICKED, UNTICKED = "☒", "☐"


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


def _value(paper: Paper, field: str) -> tuple[Markup | None, str | None]:
    """A built-in field's cell on the cover (None: nothing to show) and its class."""
    if field == "Meeting date":
        return Markup(escape(long_date(paper.meeting_date))), None
    if field == "Author":
        return Markup("{} – {}").format(paper.author, paper.author_job_title), None
    if field == "Purpose category":
        chosen = paper.purpose_categories or (
            (paper.purpose_category,) if paper.purpose_category else ())
        return (tick_row(chosen), "purpose-ticks") if chosen else (None, None)
    if field == "Date of report":
        return (Markup(escape(long_date(paper.report_date))), None) if paper.report_date \
            else (None, None)
    text = {
        "Sponsoring board member": paper.sponsor, "Purpose of report": paper.purpose,
        "Recommendation": paper.recommendation,
        "Stakeholder engagement": paper.stakeholder_engagement,
        "Previous committees": paper.previous_committees,
        "Organisation": paper.organisation, "Meeting": paper.meeting,
        "Agenda item": paper.agenda_item, "Title": paper.title,
        "Author job title": paper.author_job_title,
        "Author telephone": paper.author_telephone, "Author initials": paper.author_initials,
    }[field]
    if not text:
        return None, None
    return lines(text), "recommendation" if field == "Recommendation" else None


def cover_rows(paper: Paper, order: tuple[tuple[str, str | None], ...] = ()) -> list[CoverRow]:
    """The cover's rows: ``order``'s fields first (with their labels), the other
    built-in ones in their usual order, then the organisation's own fields."""
    defaults = dict(DEFAULT_COVER)
    listed = [(field, label or defaults.get(field, field)) for field, label in order]
    named = {field for field, _ in listed}
    fields = listed + [(f, label) for f, label in DEFAULT_COVER if f not in named]
    rows = []
    for field, label in fields:
        value, css = _value(paper, field)
        if value is not None:
            rows.append(CoverRow(label, value, css))
    rows += [CoverRow(extra.label, lines(extra.value)) for extra in paper.extra_fields]
    return rows
