"""The small, safe markup allowed in narrative cells.

``**bold**``, ``*italic*``, lines starting "- " (or Word's "•") as bullets, a blank
line for a new unnumbered paragraph, and ``[[Metric name]]`` for a figure computed
from the Metrics sheet. Raw HTML, links and images are not recognised: whatever a
cell holds comes out as the text it is.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from functools import cache

from markupsafe import Markup

from reportgen.workbook.schema import METRIC_REFERENCE

_WORD_BULLET = re.compile(r"^[ \t]*[•·▪◦‣●][ \t]*", re.MULTILINE)
_ORDERED_START = re.compile(r'<ol start="([0-9]+)">')


def _counted_from(match: re.Match[str]) -> str:
    """A list typed from "5." numbered from 5 in the PDF too: WeasyPrint ignores the
    ``start`` attribute, but not the list-item counter it stands for."""
    start = int(match.group(1))
    return f'<ol start="{start}" style="counter-reset: list-item {start - 1}">'


@cache
def _parser():
    from markdown_it import MarkdownIt

    # "zero" enables nothing but paragraphs and text; add only what papers use.
    return MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False}).enable(
        ["emphasis", "list"]
    )


def render_markup(text: str, figures: Mapping[str, str] | None = None,
                  number: str | None = None) -> Markup:
    """Render a cell's markup to HTML, every character of the cell escaped.

    ``figures`` maps casefolded metric names to their display text; references to
    names not in it are left as typed (validation reports them first). ``number``
    ("2.4") is put at the start of the first paragraph, so the number and its text
    read as one paragraph in the tagged PDF, in order.
    """
    source = _WORD_BULLET.sub("- ", text.replace("\r\n", "\n"))
    rendered = _ORDERED_START.sub(_counted_from, _parser().render(source))
    if number is not None:
        label = f'<span class="num">{html.escape(number)} </span>'
        if rendered.startswith("<p>"):
            rendered = f"<p>{label}{rendered[3:]}"
        else:
            rendered = f'<p class="number-only">{label}</p>\n{rendered}'

    if figures:

        def figure(match: re.Match[str]) -> str:
            name = html.unescape(match.group(1)).strip().casefold()
            value = figures.get(name)
            return html.escape(value) if value is not None else match.group(0)

        rendered = METRIC_REFERENCE.sub(figure, rendered)
    return Markup(rendered)
