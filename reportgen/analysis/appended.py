"""Other PDFs appended to a paper, as the templates and the PDF stage see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class AppendedPage:
    """A page of an appended PDF: the template draws a frame for it, the PDF stage fills it."""

    landscape: bool


@dataclass(frozen=True)
class AppendedDocument:
    """An appended PDF: which appendix it is, its anchor in the HTML, its pages."""

    number: str
    title: str
    anchor: str
    pages: list[AppendedPage] = field(default_factory=list)
    file: Path | None = None
