"""Show problems found in a workbook: an aligned table for people, JSON for scripts."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

from reportgen.errors import Problem

HEADINGS = ("Severity", "Where", "Problem", "How to fix")


def counts(problems: list[Problem]) -> tuple[int, int]:
    errors = sum(p.severity == "error" for p in problems)
    return errors, len(problems) - errors


def as_table(problems: list[Problem], width: int | None = None) -> str:
    """Problems as a text table, long text wrapped to the terminal's width."""
    width = width or shutil.get_terminal_size((120, 24)).columns
    rows = [(p.severity, p.location, p.message, p.hint or "") for p in problems]
    severity_w = max(len(HEADINGS[0]), *(len(r[0]) for r in rows))
    where_w = max(len(HEADINGS[1]), *(len(r[1]) for r in rows))
    rest = max(width - severity_w - where_w - 6, 40)
    problem_w = rest * 11 // 20
    fix_w = rest - problem_w
    lines = []

    def emit(cells: tuple[str, str, str, str]) -> None:
        problem = textwrap.wrap(cells[2], problem_w) or [""]
        fix = textwrap.wrap(cells[3], fix_w) or [""]
        for index in range(max(len(problem), len(fix))):
            lines.append("  ".join([
                (cells[0] if index == 0 else "").ljust(severity_w),
                (cells[1] if index == 0 else "").ljust(where_w),
                (problem[index] if index < len(problem) else "").ljust(problem_w),
                fix[index] if index < len(fix) else "",
            ]).rstrip())

    emit(HEADINGS)
    lines.append("  ".join(["-" * severity_w, "-" * where_w, "-" * problem_w, "-" * fix_w]))
    for row in rows:
        emit(row)
    return "\n".join(lines)


def as_json(path: Path, problems: list[Problem]) -> str:
    errors, warnings = counts(problems)
    return json.dumps({
        "file": str(path),
        "errors": errors,
        "warnings": warnings,
        "problems": [
            {"severity": p.severity, "sheet": p.sheet, "cell": p.cell,
             "location": p.location, "message": p.message, "hint": p.hint}
            for p in problems
        ],
    }, indent=2, ensure_ascii=False)


def summary(path: Path, problems: list[Problem]) -> str:
    errors, warnings = counts(problems)
    if not problems:
        return f"{path}: no problems found."
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f"{path}: " + " and ".join(parts) + "."
