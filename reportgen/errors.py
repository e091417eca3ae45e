"""One exception hierarchy; the CLI turns each into a clean message and exit code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """Something wrong (or worth a warning) in an input, with where it is."""

    message: str
    file: Path | None = None
    sheet: str | None = None
    cell: str | None = None
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"

    @property
    def location(self) -> str:
        """`Sheet!B7`, `Sheet`, or the file name: the most precise place known."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        if self.sheet:
            return self.sheet
        if self.file:
            return self.file.name
        return ""

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class ReportgenError(Exception):
    """Base class: an error a user can act on. Its message is shown as it is."""

    exit_code = 1


class InputError(ReportgenError):
    """One or more problems in the input files; all of them, not just the first."""

    def __init__(self, problems: list[Problem], source: Path | None = None):
        self.problems = [p for p in problems if p.severity == "error"] or problems
        self.source = source
        super().__init__(self._summary())

    def _summary(self) -> str:
        where = f" in {self.source}" if self.source else ""
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{count} {noun}{where}:"]
        for problem in self.problems:
            # Problems found in other files (a pack's papers) say which file.
            other = problem.file is not None and self.source is not None and \
                problem.file != self.source and problem.location != problem.file.name
            lines.append(f"  {problem.file.name}: {problem}" if other else f"  {problem}")
        return "\n".join(lines)


class TemplateError(ReportgenError):
    """A template is missing, malformed, or asks for a resource it may not have."""


class RenderError(ReportgenError):
    """WeasyPrint or the PDF post-processing failed."""
