"""What has moved since the last paper: the tracker compared with the previous one.

Actions are matched by ID; milestones within an action by their description (or,
without one, by position). Everything said in the summary sentence is counted from
the same change list that fills the "changes since the last report" table, so the
words and the table cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportgen.workbook.dates import long_date
from reportgen.workbook.model import Action, Milestone, Report
from reportgen.workbook.schema import Status

#: Progress order: a move up this list is an improvement.
RANK = {Status.OFF_TRACK: 0, Status.AT_RISK: 1, Status.NOT_STARTED: 2, Status.ON_TRACK: 3,
        Status.COMPLETE: 4}

COMPLETED = "Completed"
IMPROVED = "Improved"
WORSENED = "Worsened"
NEW = "New"
REMOVED = "Removed"
SLIPPED = "Due date later"
NOT_UPDATED = "Progress note not updated"
CHANGE_ORDER = (COMPLETED, IMPROVED, WORSENED, SLIPPED, NEW, REMOVED, NOT_UPDATED)


@dataclass(frozen=True)
class Change:
    action_id: str
    title: str
    kind: str  # one of CHANGE_ORDER
    before: str = ""
    now: str = ""


@dataclass(frozen=True)
class Overdue:
    action_id: str
    title: str
    milestone: str
    due: date
    status: Status


@dataclass
class Progress:
    """The tracker's state at the meeting, and its changes if a previous paper is given."""

    total: int
    by_status: dict[Status, int]
    overdue: list[Overdue]
    previous_meeting: date | None = None
    changes: list[Change] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(change.kind == kind for change in self.changes)

    @property
    def overdue_actions(self) -> int:
        return len({item.action_id for item in self.overdue})

    def summary(self) -> str:
        """The executive-summary sentence, written from the numbers, e.g. "Of 24
        actions, 9 are complete (4 since the May 2018 update), 11 are on track, 3 at
        risk and 1 off track; 2 are overdue."."""
        if self.total == 0:
            return "There are no actions in the tracker."
        since = ""
        if self.previous_meeting is not None:
            since = f" ({self.count(COMPLETED)} since the {self.previous_meeting:%B %Y} update)"
        parts = [f"{_are(self.by_status[Status.COMPLETE])} complete{since}"]
        for status, words in ((Status.ON_TRACK, "on track"), (Status.AT_RISK, "at risk"),
                              (Status.OFF_TRACK, "off track"),
                              (Status.NOT_STARTED, "not started")):
            count = self.by_status[status]
            if count:
                # The second clause repeats the verb ("11 are on track"), later ones don't.
                parts.append(f"{_are(count) if len(parts) == 1 else count} {words}")
        overdue = self.overdue_actions
        noun = "action" if self.total == 1 else "actions"
        sentence = (f"Of {self.total} {noun}, {_join(parts)}; "
                    + (f"{_are(overdue)} overdue." if overdue else "none is overdue."))
        if self.previous_meeting is not None:
            moves = [f"{self.count(kind)} {words}" for kind, words in (
                (IMPROVED, "improved"), (WORSENED, "worsened"),
                (SLIPPED, "due date moved later" if self.count(SLIPPED) == 1
                 else "due dates moved later"), (NEW, "new"), (REMOVED, "removed"))
                if self.count(kind)]
            if moves:
                sentence += (f" Since the {long_date(self.previous_meeting)} meeting: "
                             f"{_join(moves)}.")
        return sentence


def _are(count: int) -> str:
    return f"{count} {'is' if count == 1 else 'are'}"


def _join(items: list[str]) -> str:
    """a; a and b; a, b and c."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _milestone_key(action: Action, index: int, milestone: Milestone) -> tuple[str, str]:
    return action.id, (milestone.description or f"#{index}").casefold()


def _months_days(delta_days: int) -> str:
    if delta_days >= 60:
        months = round(delta_days / 30.44)
        return f"{months} months"
    return f"{delta_days} day{'s' if delta_days != 1 else ''}"


def previous_from_history(report: Report) -> Report | None:
    """The tracker as the History sheet's latest report before the meeting had it."""
    from dataclasses import replace

    earlier = [row for row in report.history if row.date < report.paper.meeting_date]
    if not earlier:
        return None
    when = max(row.date for row in earlier)
    titles = {action.id: action for action in report.actions}
    actions = []
    for row in (r for r in earlier if r.date == when):
        current = titles.get(row.action_id)
        first = current.milestones[0].description if current and current.milestones else None
        actions.append(Action(row.action_id, current.theme if current else "",
                              current.title if current else row.action_id,
                              [Milestone(first, "", row.due, row.status, row.note)]))
    return replace(report, paper=replace(report.paper, meeting_date=when), actions=actions,
                   history=[])


def compare(report: Report, previous: Report | None = None) -> Progress:
    """Progress of ``report``'s tracker at its meeting, against ``previous`` if given."""
    meeting = report.paper.meeting_date
    by_status = {status: 0 for status in Status}
    overdue = []
    for action in report.actions:
        by_status[action.status] += 1
        for milestone in action.milestones:
            due = milestone.due.date
            if due is not None and due < meeting and milestone.status is not Status.COMPLETE:
                overdue.append(Overdue(action.id, action.title,
                                       milestone.description or action.title, due,
                                       milestone.status))
    progress = Progress(total=len(report.actions), by_status=by_status, overdue=overdue)
    if previous is None:
        return progress
    progress.previous_meeting = previous.paper.meeting_date
    before = {action.id: action for action in previous.actions}
    now = {action.id: action for action in report.actions}
    changes: list[Change] = []
    for action in report.actions:
        old = before.get(action.id)
        if old is None:
            changes.append(Change(action.id, action.title, NEW, "", action.status.value))
            continue
        if action.status is Status.COMPLETE and old.status is not Status.COMPLETE:
            changes.append(Change(action.id, action.title, COMPLETED, old.status.value,
                                  action.status.value))
        elif RANK[action.status] > RANK[old.status]:
            changes.append(Change(action.id, action.title, IMPROVED, old.status.value,
                                  action.status.value))
        elif RANK[action.status] < RANK[old.status]:
            changes.append(Change(action.id, action.title, WORSENED, old.status.value,
                                  action.status.value))
        old_milestones = {_milestone_key(old, i, m): m for i, m in enumerate(old.milestones)}
        for index, milestone in enumerate(action.milestones):
            was = old_milestones.get(_milestone_key(action, index, milestone))
            if was and was.due.date and milestone.due.date and milestone.due.date > was.due.date:
                later = (milestone.due.date - was.due.date).days
                changes.append(Change(
                    action.id, action.title, SLIPPED, f"{was.due.date:%d/%m/%Y}",
                    f"{milestone.due.date:%d/%m/%Y} ({_months_days(later)} later)"))
        if action.status is not Status.COMPLETE:
            notes = [m.note for m in action.milestones if m.note]
            old_notes = [m.note for m in old.milestones if m.note]
            if notes and notes == old_notes:
                changes.append(Change(action.id, action.title, NOT_UPDATED, "", "same as "
                                      "in the last report"))
    for action in previous.actions:
        if action.id not in now:
            changes.append(Change(action.id, action.title, REMOVED, action.status.value, ""))
    order = {kind: i for i, kind in enumerate(CHANGE_ORDER)}
    progress.changes = sorted(changes, key=lambda c: (order[c.kind], _id_key(c.action_id)))
    return progress


def _id_key(action_id: str) -> tuple:
    """Sort G2 before G10."""
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", action_id))
