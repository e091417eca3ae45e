"""Large workbooks (and the same rows for other typesetters) for the benchmarks.

Workbooks are written with openpyxl's write-only mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import openpyxl

from reportgen.workbook.schema import Status

STATUSES = [s.value for s in Status]
ACTION_HEADER = ["ID", "Theme", "Action", "Milestone", "Lead", "Due", "Status", "Progress note"]


def action_rows(actions: int) -> Iterator[list]:
    """``actions`` generated actions, one milestone (one row) each, in sheet order."""
    start = date(2019, 1, 1)
    for i in range(actions):
        yield [
            f"A{i + 1}",
            f"Theme {i % 5 + 1}: Programme {i % 5 + 1}",
            f"Action {i + 1}: improve the process for team {i % 37}",
            f"Milestone for action {i + 1}",
            f"Lead {i % 11}",
            start + timedelta(days=i % 400),
            STATUSES[i % 4],
            f"Progress note for action {i + 1}; on plan with minor issues.",
        ]


def large_workbook(path: Path, actions: int, template: Path, *, workforce: bool = True) -> Path:
    """Copy ``template``'s sheets but give it ``actions`` generated action rows.

    ``workforce=False`` keeps the Workforce sheet's header but drops its rows, so the
    paper has no SPC charts and the action tracker dominates the cost.
    """
    source = openpyxl.load_workbook(template)
    book = openpyxl.Workbook(write_only=True)
    for sheet in source.worksheets:
        target = book.create_sheet(sheet.title)
        if sheet.title == "Actions":
            target.append(ACTION_HEADER)
            for row in action_rows(actions):
                target.append(row)
        elif sheet.title == "Workforce" and not workforce:
            target.append(next(sheet.iter_rows(values_only=True)))
        else:
            for row in sheet.iter_rows(values_only=True):
                target.append(list(row))
    book.save(path)
    return path
