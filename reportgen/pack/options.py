"""What a pack is built with, and what it is built from: options, papers, progress."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.pack.agenda import Item


class Progress:
    """Told how many steps a build has, then of each one; the CLI draws a bar."""

    def start(self, total: int) -> None:
        pass

    def __call__(self, label: str, step: str) -> None:
        pass

    def note(self, label: str, text: str) -> None:
        """Something the user should know that is not a step ("Item 9: cached paper
        did not match its record; laid out again")."""


@dataclass(frozen=True)
class PackOptions:
    part: str = "public"  # public | private
    draft: bool = False
    supplement: bool = False
    jobs: int = 0  # 0: one per CPU
    cache: bool = True
    templates: Path | None = None
    manifest: bool = False  # also write <pack>.manifest.json
    strict: bool = False  # warnings (a paper's cover naming another meeting) fail too


@dataclass
class Paper:
    """An included item's paper, ready to be framed."""

    item: Item
    pdf: bytes
    landscape: list[bool]  # per page
    tagged: bool  # made by reportgen: keep its pages and tags
    cached: bool = False
