"""Where a long paper may be cut into parts laid out in parallel (see ``reportgen.pdf.split``).

The templates mark with ``data-part-break`` the elements before which a new page
starts anyway; for the action tracker, which elements those are is decided here.
"""

from __future__ import annotations

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
