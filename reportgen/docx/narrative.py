"""A narrative cell's markup as blocks for Word: the same reading as the PDF's.

The PDF renders a cell with :mod:`reportgen.render.markup` (markdown-it with only
emphasis and lists); this reads the same markdown-it tokens — the same parser
settings, Word's "•" bullets and ``[[Metric]]`` figures — into paragraphs, bullets
and numbered-list items of runs, which :mod:`reportgen.docx.document` writes with
Word styles. Whatever the cell holds otherwise (HTML, links) is text, as typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from reportgen.workbook.schema import METRIC_REFERENCE

#: As in render.markup: a line starting with Word's bullet characters is a bullet.
_WORD_BULLET = re.compile(r"^[ \t]*[•·▪◦‣●][ \t]*", re.MULTILINE)


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Block:
    """One Word paragraph: ``kind`` is "para", "bullet" or "ordered"; ``level`` the
    list nesting (0 outermost); ``list_key``/``start`` tell the numbered lists apart."""

    kind: str
    level: int = 0
    list_key: int = 0
    start: int = 1
    runs: list[Run] = field(default_factory=list)


@cache
def _parser():
    from markdown_it import MarkdownIt  # here, not at the top: only --docx needs it

    # The settings of render.markup: nothing but paragraphs, text, emphasis and lists.
    return MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False}).enable(
        ["emphasis", "list"]
    )


def blocks(text: str, figures: Mapping[str, str] | None = None) -> list[Block]:
    """The blocks of a cell's markup, with ``[[Metric]]`` replaced by its figure."""
    source = _WORD_BULLET.sub("- ", text.replace("\r\n", "\n"))
    out: list[Block] = []
    lists: list[tuple[str, int, int]] = []  # (kind, key, start) of the open lists
    keys = 0
    item_open = False
    for token in _parser().parse(source):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            keys += 1
            start = int(token.attrGet("start") or 1)
            lists.append(("bullet" if token.type == "bullet_list_open" else "ordered",
                          keys, start))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            item_open = True
        elif token.type == "inline":
            if lists and item_open:
                kind, key, start = lists[-1]
                block = Block(kind, len(lists) - 1, key, start)
                item_open = False
            else:  # a paragraph of its own, or a further paragraph of a list item
                block = Block("para", len(lists))
            block.runs = _runs(token.children or [], figures or {})
            out.append(block)
    return out


def _runs(children, figures: Mapping[str, str]) -> list[Run]:
    runs: list[Run] = []
    bold = italic = 0
    for child in children:
        if child.type == "strong_open":
            bold += 1
        elif child.type == "strong_close":
            bold -= 1
        elif child.type == "em_open":
            italic += 1
        elif child.type == "em_close":
            italic -= 1
        elif child.type == "softbreak":
            runs.append(Run(" ", bool(bold), bool(italic)))
        elif child.type == "hardbreak":
            runs.append(Run("\n", bool(bold), bool(italic)))
        else:
            runs.append(Run(_figures(child.content, figures), bool(bold), bool(italic)))
    return runs


def _figures(text: str, figures: Mapping[str, str]) -> str:
    def figure(match: re.Match[str]) -> str:
        value = figures.get(match.group(1).strip().casefold())
        return value if value is not None else match.group(0)

    return METRIC_REFERENCE.sub(figure, text)
