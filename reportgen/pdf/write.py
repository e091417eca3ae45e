"""The PDF stage for one paper: lay out its HTML (in parts, with a pool), then finish it.

The finishing pass (:mod:`reportgen.pdf.finish`) adds what WeasyPrint 70 leaves out
of the tagged structure: header-cell scopes, and appended PDFs drawn in as tagged
figures whose alternative text is the appended page's own text.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from reportgen.analysis.appended import AppendedDocument
from reportgen.pdf.layout import anchor_pages, lay_out_html, source_date_epoch
from reportgen.pdf.pool import Job, LayoutPool
from reportgen.pdf.split import CannotSplit, lay_out_in_parts, split_html

#: Margins (top, right, bottom, left, in mm) of pages that frame an appended PDF:
#: the header and footer sit in them, the appended page fills the rest.
APPENDED_MARGINS_MM = (20.0, 12.0, 17.0, 12.0)


@dataclass(frozen=True)
class Embedded:
    """A file embedded in the PDF (the source workbook, in PDF/A-3 output)."""

    path: Path
    description: str
    relationship: str = "Source"


def write_pdf(html: str, *, roots: list[Path],
              appended: list[AppendedDocument], created: date | None = None,
              embed: Embedded | None = None, debug: bool = False,
              pool: LayoutPool | None = None,
              on_part: Callable[[int, int], None] | None = None) -> bytes:
    """Lay out ``html`` as a tagged PDF and finish it (see the module docstring).

    With ``embed``, the output is PDF/A-3a (tagged, archivable) carrying that file as
    an associated file; otherwise PDF/UA-1. Files are read from the template folders
    ``roots`` only, relative to the first. With a ``pool`` of worker processes, the
    layout happens in them: in parts, if the paper has part breaks (see
    :mod:`reportgen.pdf.split`), else in one piece; ``on_part(done, count)`` is told as
    each part is in.
    """
    # Imported here, not at the top: pikepdf takes over 0.1 s to import, and a build
    # should start its layout workers first.
    from reportgen.pdf.finish import finish

    epoch = source_date_epoch(created)
    if pool is not None and embed is None:
        laid_out = _lay_out_in_pool(html, pool, roots=roots, epoch=epoch, debug=debug,
                                    on_part=on_part)
        if laid_out is not None:
            pdf, first_pages, draw_frame = laid_out
            try:
                return finish(pdf, appended, first_pages, APPENDED_MARGINS_MM,
                              scoped=draw_frame is not None, overlay=draw_frame)
            except CannotSplit:  # the frame did not fit the parts: laid out whole
                whole = pool.submit(Job(html, tuple(map(str, roots)), epoch, debug)).result()
                return finish(io.BytesIO(whole.pdf), appended, anchor_pages(whole.pages),
                              APPENDED_MARGINS_MM)

    import weasyprint

    stamp = datetime.fromtimestamp(int(epoch), tz=UTC)
    options: dict = {"pdf_variant": "pdf/ua-1"}
    if embed is not None:
        attachment = weasyprint.Attachment(
            string=embed.path.read_bytes(), name=embed.path.name,
            description=embed.description, relationship=embed.relationship,
            created=stamp, modified=stamp)
        options = {"pdf_variant": "pdf/a-3a", "attachments": [attachment],
                   "output_intent": "srgb"}
    document, data = lay_out_html(html, roots, epoch, options, debug=debug)
    first_pages = anchor_pages(document.pages)
    # The laid-out document is large (hundreds of MB for a long tracker): let it go
    # before pikepdf opens the PDF, so the two are never in memory together.
    del document
    return finish(io.BytesIO(data), appended, first_pages, APPENDED_MARGINS_MM,
                  also_ua=embed is not None)


def _lay_out_in_pool(html: str, pool: LayoutPool, *, roots: list[Path], epoch: str,
                     debug: bool, on_part: Callable[[int, int], None] | None = None):
    """The PDF (bytes or open pikepdf.Pdf), each anchor's page index, and, for a paper
    laid out in parts (whose table headers have their scopes already), the function
    that draws its frame over the pages; None if the pool is broken (a worker died),
    to lay out here instead."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        try:
            return lay_out_in_parts(split_html(html), pool=pool, roots=roots, epoch=epoch,
                                    debug=debug, on_part=on_part)
        except CannotSplit:
            whole = pool.submit(Job(html, tuple(map(str, roots)), epoch, debug)).result()
    except BrokenProcessPool:
        return None
    return io.BytesIO(whole.pdf), anchor_pages(whole.pages), None
