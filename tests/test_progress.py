"""Progress since the last report: hand-counted answers from small trackers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportgen.analysis.progress import (
    COMPLETED,
    IMPROVED,
    NEW,
    NOT_UPDATED,
    REMOVED,
    SLIPPED,
    WORSENED,
    compare,
)
from reportgen.workbook.model import Action, Due, Milestone, Paper, Report
from reportgen.workbook.schema import Status

S = Status


def paper(meeting: date) -> Paper:
    return Paper("Org", "Board", meeting, "1", "T", "A", "J", "S", "P", "R")


def report(meeting: date, *actions: Action) -> Report:
    return Report(Path("x.xlsx"), paper(meeting), [], [], list(actions), [], [])


def action(action_id: str, *milestones: tuple, title: str = "An action") -> Action:
    return Action(action_id, "Theme", title, [
        Milestone(name, "Lead", Due(due), status, note) for name, due, status, note in milestones])


NOV, MAY = date(2018, 11, 14), date(2018, 5, 9)


def test_counts_and_overdue_without_a_previous_paper():
    current = report(
        NOV,
        action("A1", ("m", date(2018, 10, 1), S.COMPLETE, None)),
        action("A2", ("m", date(2018, 10, 1), S.ON_TRACK, None)),  # overdue
        action("A3", ("m", date(2019, 1, 1), S.AT_RISK, None),
               ("n", date(2018, 11, 1), S.NOT_STARTED, None)),  # overdue (one milestone)
        action("A4", ("m", date(2019, 1, 1), S.OFF_TRACK, None)),
    )
    progress = compare(current)
    assert progress.total == 4 and progress.overdue_actions == 2
    assert [o.action_id for o in progress.overdue] == ["A2", "A3"]
    assert progress.changes == []
    assert progress.summary() == (
        "Of 4 actions, 1 is complete, 1 is on track, 1 at risk and 1 off track; "
        "2 are overdue.")


def test_changes_since_the_previous_paper():
    before = report(
        MAY,
        action("A1", ("m", date(2018, 10, 1), S.ON_TRACK, "Going well.")),
        action("A2", ("m", date(2018, 12, 1), S.AT_RISK, "Delayed.")),
        action("A3", ("m", date(2018, 12, 1), S.ON_TRACK, "Fine.")),
        action("A4", ("m", date(2018, 12, 1), S.ON_TRACK, "Same words.")),
        action("A9", ("m", date(2018, 12, 1), S.ON_TRACK, None), title="Dropped"),
    )
    now = report(
        NOV,
        action("A1", ("m", date(2018, 10, 1), S.COMPLETE, "Done.")),
        action("A2", ("m", date(2018, 12, 1), S.ON_TRACK, "Recovered.")),
        action("A3", ("m", date(2019, 3, 1), S.OFF_TRACK, "Slipped.")),
        action("A4", ("m", date(2018, 12, 1), S.ON_TRACK, "Same words.")),
        action("A5", ("m", date(2019, 6, 1), S.NOT_STARTED, None), title="Brand new"),
    )
    progress = compare(now, before)
    kinds = [(c.kind, c.action_id) for c in progress.changes]
    assert kinds == [(COMPLETED, "A1"), (IMPROVED, "A2"), (WORSENED, "A3"), (SLIPPED, "A3"),
                     (NEW, "A5"), (REMOVED, "A9"), (NOT_UPDATED, "A4")]
    slipped = next(c for c in progress.changes if c.kind == SLIPPED)
    assert (slipped.before, slipped.now) == ("01/12/2018", "01/03/2019 (3 months later)")
    assert progress.summary() == (
        "Of 5 actions, 1 is complete (1 since the May 2018 update), 2 are on track, "
        "1 off track and 1 not started; none is overdue. Since the 9 May 2018 meeting: "
        "1 improved, 1 worsened, 1 due date moved later, 1 new and 1 removed.")


def test_milestones_without_descriptions_match_by_position():
    before = report(MAY, action("A1", (None, date(2018, 6, 1), S.ON_TRACK, None),
                                (None, date(2018, 7, 1), S.ON_TRACK, None)))
    now = report(NOV, action("A1", (None, date(2018, 6, 1), S.COMPLETE, None),
                             (None, date(2018, 8, 15), S.ON_TRACK, None)))
    slipped = [c for c in compare(now, before).changes if c.kind == SLIPPED]
    assert [(c.before, c.now) for c in slipped] == [("01/07/2018", "15/08/2018 (45 days later)")]
