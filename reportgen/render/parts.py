"""Where a long paper may be cut into parts laid out in parallel (see ``reportgen.pdf.split``).

The templates mark with ``data-part-break`` the elements before which a new page
starts anyway; for the action tracker, which elements those are is decided here.
"""

from __future__ import annotations

import math
import re

from markupsafe import Markup, escape

#: A tracker of more rows than this starts each theme on a new page ...
LONG_TRACKER_ROWS = 150
#: ... and a new page after about this many rows of one theme: each is a part break.
PART_ROWS = 200
#: The last theme's last rows (about this many) start a page too: the part they share
#: with the appendix list can only be laid out after all the others, so keep it short.
LAST_PART_ROWS = 40


def is_long_tracker(themes) -> bool:
    """Whether the tracker has over ``LONG_TRACKER_ROWS`` rows (one per milestone)."""
    return sum(len(action.milestones) for theme in themes
               for action in theme.actions) > LONG_TRACKER_ROWS


def tracker_part_starts(themes) -> set[tuple[int, int]]:
    """(theme index, action index) of each action that starts a new page, and a new
    part, inside a theme of a long tracker."""
    if not is_long_tracker(themes):
        return set()
    rows = [[len(action.milestones) for action in theme.actions] for theme in themes]
    starts = set()
    for theme_index, sizes in enumerate(rows):
        last_theme = theme_index == len(rows) - 1
        chunk, remaining, tail_cut = 0, sum(sizes), False
        for action_index, size in enumerate(sizes):
            tail = last_theme and not tail_cut and remaining <= LAST_PART_ROWS
            if action_index and (chunk + size > PART_ROWS or (tail and chunk >= LAST_PART_ROWS)):
                starts.add((theme_index, action_index))
                chunk = 0
                tail_cut = tail_cut or tail
            chunk += size
            remaining -= size
    return starts


# -- the tracker on paper -------------------------------------------------------------
#
# Estimates, not layout: WeasyPrint lays the table out; these numbers only choose column
# widths that follow the content and where an action too long for one page is cut, so
# its next piece can repeat its Ref and Action ("G3 (continued)").

#: Width of the tracker on its landscape page (A4 landscape less 18 mm margins), in mm.
TRACKER_WIDTH_MM = 261.0
#: Height a piece of one action may take (the page's 166 mm less its header row and
#: theme heading, with room for the estimate being short), in mm.
PIECE_HEIGHT_MM = 118.0
#: A Due this wide or narrower is kept on one line.
DUE_WHOLE_MM = 34.0
_CHAR_MM = 1.62  # an average character of 8.5 pt Arial, generously
_PAD_MM = 3.8  # a cell's padding and borders, across
_LINE_MM = 3.9  # 8.5 pt at line-height 1.3
_ROW_PAD_MM = 2.8  # a cell's padding and borders, down
#: Columns of the tracker: (key, shortest width in mm).
TRACKER_COLUMNS = (("id", 11.0), ("action", 22.0), ("milestone", 26.0), ("lead", 22.0),
                   ("due", 20.0), ("status", 22.0), ("note", 30.0))


def due_text(due) -> str:
    """A milestone's Due as printed: a date as 30/11/2018, else its words."""
    if due.date is not None:
        return f"{due.date:%d/%m/%Y}"
    return due.text or "–"


def _longest_line(text: str | None) -> int:
    return max((len(line) for line in (text or "").split("\n")), default=0)


def _cells(themes):
    """(key, text) of every cell of the tracker, Ref and Action once per action."""
    for theme in themes:
        for action in theme.actions:
            yield "id", action.id
            yield "action", action.title
            for m in action.milestones:
                yield "milestone", m.description
                yield "lead", m.lead
                yield "due", due_text(m.due)
                yield "status", m.status.value
                yield "note", m.note


def _unbreakable(key: str, text: str) -> int:
    """Characters of a cell that must stay on one line: a date, a status, each side of
    a timescale ("3 months –"), otherwise the longest word."""
    if key in ("status", "id"):
        return len(text)
    if key == "due":
        return max(len(part) + 2 for part in text.replace(" - ", " – ").split(" – "))
    return max((len(word) for word in text.split()), default=0)


def tracker_widths(themes, *, continued: bool = False) -> dict[str, float]:
    """Column widths (mm) that follow the content: a column of short text is as wide as
    its longest line needs, and the rest of the page is shared by the columns of long
    text in proportion to how much they hold, each at least its shortest width. With
    ``continued`` the Ref column holds "(continued)" on a line of its own."""
    natural: dict[str, float] = {key: 0.0 for key, _ in TRACKER_COLUMNS}
    firm: dict[str, float] = dict(TRACKER_COLUMNS)
    if continued:
        firm["id"] = len("(continued)") * _CHAR_MM + _PAD_MM
    volume: dict[str, float] = {key: 0.0 for key, _ in TRACKER_COLUMNS}
    cells: dict[str, int] = {key: 0 for key, _ in TRACKER_COLUMNS}
    for key, text in _cells(themes):
        text = text or ""
        natural[key] = max(natural[key], _longest_line(text) * _CHAR_MM + _PAD_MM)
        firm[key] = max(firm[key], min(_unbreakable(key, text) * _CHAR_MM + _PAD_MM, 60.0))
        volume[key] += len(text)
        cells[key] += 1
    # How much a cell of each column holds, on average: a column's share of the page.
    volume = {key: volume[key] / max(cells[key], 1) for key in volume}
    for key in ("id", "status"):  # short by nature: wide enough for one line, no wider
        firm[key] = max(firm[key], min(natural[key], firm[key] + 14))
    # A Due holds a date or a short timescale whole ("6 months – 3 years"); a longer one
    # breaks after its dash.
    firm["due"] = max(firm["due"], min(natural["due"], DUE_WHOLE_MM))
    widths: dict[str, float] = {}
    remaining = TRACKER_WIDTH_MM
    flexible = [key for key, _ in TRACKER_COLUMNS]
    for key in ("id", "due", "status"):
        widths[key] = firm[key]
        remaining -= firm[key]
        flexible.remove(key)
    while flexible:  # share out the rest; a column that needs less than its share keeps
        total = sum(math.sqrt(volume[k] + 1) for k in flexible)  # what it needs; the rest
        share = {k: remaining * math.sqrt(volume[k] + 1) / total for k in flexible}  # again
        settled = [k for k in flexible if max(natural[k], firm[k]) <= share[k]
                   or firm[k] >= share[k]]
        if not settled:
            widths.update(share)
            break
        for key in settled:
            widths[key] = max(firm[key], min(natural[key], share[key]))
            remaining -= widths[key]
            flexible.remove(key)
    if flexible == [] and remaining > 0.5:  # all fitted on one line: widen the widest
        wide = max(("action", "milestone", "lead", "note"), key=lambda k: volume[k])
        widths[wide] += remaining
    scale = TRACKER_WIDTH_MM / sum(widths.values())
    return {key: round(widths[key] * scale, 1) for key, _ in TRACKER_COLUMNS}


def _lines(text: str | None, width_mm: float) -> int:
    per_line = max(1, int((width_mm - _PAD_MM) / _CHAR_MM))
    return sum(max(1, -(-len(line) // per_line)) for line in (text or "").split("\n"))


def milestone_height(milestone, widths: dict[str, float]) -> float:
    """Estimated height of a milestone's row, in mm."""
    lines = max(_lines(milestone.description, widths["milestone"]),
                _lines(milestone.lead, widths["lead"]),
                _lines(due_text(milestone.due), widths["due"]),
                _lines(milestone.note, widths["note"]), 1)
    return lines * _LINE_MM + _ROW_PAD_MM


def action_pieces(action, widths: dict[str, float]) -> list[list]:
    """The action's milestones in pieces that each fit a page: one piece for almost
    every action; an action too long for a page is cut between milestones, and each
    piece after the first starts a new page repeating the Ref and Action."""
    pieces: list[list] = [[]]
    title = _lines(action.title, widths["action"]) * _LINE_MM + _ROW_PAD_MM
    height = 0.0
    for milestone in action.milestones:
        row = milestone_height(milestone, widths)
        if pieces[-1] and max(height + row, title) > PIECE_HEIGHT_MM:
            pieces.append([])
            height = 0.0
        pieces[-1].append(milestone)
        height += row
    return pieces


def tracker_layout(themes) -> tuple[dict[str, float], dict[str, list[list]], set[str]]:
    """Column widths, each action's pieces (by action ID), and the IDs of the actions
    whose every piece fits a page (only those may be kept with a neighbour: WeasyPrint
    cannot lay out a page whose only content must not break yet does not fit)."""
    widths = tracker_widths(themes)
    actions = [action for theme in themes for action in theme.actions]
    pieces = {a.id: action_pieces(a, widths) for a in actions}
    if any(len(p) > 1 for p in pieces.values()):
        widths = tracker_widths(themes, continued=True)
        pieces = {a.id: action_pieces(a, widths) for a in actions}
    fitting = set()
    for action in actions:
        title = _lines(action.title, widths["action"]) * _LINE_MM + _ROW_PAD_MM
        if all(max(title, sum(milestone_height(m, widths) for m in piece))
               <= PIECE_HEIGHT_MM for piece in pieces[action.id]):
            fitting.add(action.id)
    return widths, pieces, fitting


def timescale(text: str):
    """A timescale as HTML that breaks only after its dash: "3 months – 3 years" keeps
    "3 months –" and "3 years" each on one line (spans that do not wrap; the text keeps
    its ordinary spaces, so it is found and copied as typed), the dash as typed; every
    character escaped, each line of the cell (Alt+Enter) on its own line."""
    def one(line: str) -> Markup:
        pieces = re.split(r"(\s+[–—-]\s+)", line)
        if len(pieces) < 3:
            return escape(line)
        sides = pieces[0::2]
        dashes = [dash.strip() for dash in pieces[1::2]]
        out = []
        for i, side in enumerate(sides):
            # The space after the dash ends the span: it is drawn (so the text reads and
            # copies with it), and the line may break there, after the dash.
            words = side + (" " + dashes[i] + " " if i < len(dashes) else "")
            out.append(Markup('<span class="nowrap">{}</span>').format(words))
        return Markup("").join(out)

    return Markup("<br>").join(one(line) for line in str(text).split("\n"))
