"""Turn rendered HTML into the final PDF: WeasyPrint, then a pass with pikepdf.

WeasyPrint only ever reads files from the template folders (and ``data:`` URLs):
its default fetcher would embed ``file:///etc/passwd`` or fetch from the web if a
template asked it to.

The pikepdf pass (:mod:`reportgen.tagging`) finishes what WeasyPrint 70 leaves
out of the tagged structure: header-cell scopes, and appended PDFs drawn in as
tagged figures whose alternative text is the appended page's own text.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from reportgen.errors import Problem, TemplateError
from reportgen.render import AppendedDocument, AppendedPage

if TYPE_CHECKING:
    from reportgen.split import LayoutPool

#: Margins (top, right, bottom, left, in mm) of pages that frame an appended PDF:
#: the header and footer sit in them, the appended page fills the rest.
APPENDED_MARGINS_MM = (20.0, 12.0, 17.0, 12.0)


def make_url_fetcher(roots: list[Path]):
    """A WeasyPrint URL fetcher that serves files under ``roots`` and nothing else.

    A relative path missing from the first folder is looked for in the next, so a
    user's template folder can rely on the built-in assets.
    """
    from weasyprint import urls

    resolved_roots = [root.resolve() for root in roots]

    class Refused(urls.FatalURLFetchingError):
        pass

    class TemplateFolderFetcher(urls.URLFetcher):
        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                for root in resolved_roots:
                    if path.is_relative_to(root):
                        relative = path.relative_to(root)
                        for candidate_root in resolved_roots:
                            candidate = (candidate_root / relative).resolve()
                            if candidate.is_relative_to(candidate_root) and candidate.is_file():
                                return urls.URLFetcherResponse(
                                    candidate.as_uri(), candidate.read_bytes())
                        raise Refused(f"'{relative}' was not found in the template folders")
            raise Refused(
                f"a template asked for {url!r}; reportgen only reads files inside the "
                "template folders (" + ", ".join(str(r) for r in resolved_roots) + ")")

    return TemplateFolderFetcher(allowed_protocols=("file", "data"))


@dataclass(frozen=True)
class Embedded:
    """A file embedded in the PDF (the source workbook, in PDF/A-3 output)."""

    path: Path
    description: str
    relationship: str = "Source"


def pdf_page_shapes(source: Path | bytes) -> list[bool] | str:
    """Whether each page of a PDF is landscape (rotation taken into account), or, if
    it cannot be used, why not, in words ("x.pdf is password-protected")."""
    import pikepdf

    name = source.name if isinstance(source, Path) else "the PDF"
    try:
        with pikepdf.open(source if isinstance(source, Path) else io.BytesIO(source)) as pdf:
            shapes = []
            for page in pdf.pages:
                box = page.cropbox if "/CropBox" in page.obj else page.mediabox
                width = abs(float(box[2]) - float(box[0]))
                height = abs(float(box[3]) - float(box[1]))
                if int(page.obj.get("/Rotate", 0)) % 180:
                    width, height = height, width
                shapes.append(width > height)
    except pikepdf.PasswordError:
        return f"{name} is password-protected"
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        return f"{name} is not a readable PDF ({exc})"
    return shapes or f"{name} has no pages"


def inspect_appendix(path: Path, number: str, title: str, anchor: str,
                     where: str | None) -> AppendedDocument | Problem:
    """Open an appended PDF to learn its pages, or say clearly why it can't be used."""
    shapes = pdf_page_shapes(path)
    if isinstance(shapes, str):
        sheet, _, cell = (where or "").partition("!")
        return Problem(shapes, file=path, sheet=sheet or None, cell=cell or None,
                       hint="save an unprotected, readable copy and name that instead")
    return AppendedDocument(number=number, title=title, anchor=anchor,
                            pages=[AppendedPage(landscape=shape) for shape in shapes],
                            file=path)


def source_date_epoch(day: date | None) -> str:
    """SOURCE_DATE_EPOCH for a paper: the environment's if set, else its own date.

    WeasyPrint takes creation dates and font-subset names from it, so the same
    inputs give the same bytes.
    """
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    moment = datetime.combine(day or date(2000, 1, 1), time(0, 0), tzinfo=UTC)
    return str(int(moment.timestamp()))


@contextmanager
def reproducible(epoch: str) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH while WeasyPrint writes, then put it back."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def lay_out_html(html: str, roots: list[Path], epoch: str, options: dict, *,
                 debug: bool = False):
    """WeasyPrint's document and PDF bytes for ``html``, reading only from ``roots``
    (relative URLs from the first), reproducibly dated ``epoch``; a refused resource is
    a TemplateError."""
    import weasyprint

    if not debug:
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
    base = roots[0].resolve().as_uri() + "/"
    try:
        with reproducible(epoch):
            document = weasyprint.HTML(string=html, base_url=base,
                                       url_fetcher=make_url_fetcher(roots)).render(**options)
            return document, document.write_pdf(**options)
    except weasyprint.urls.FatalURLFetchingError as exc:
        raise TemplateError(f"Template resource refused: {exc}") from None


def anchor_pages(pages, start: int = 0) -> dict[str, int]:
    """Each anchor's page index (the first page it is on), counting from ``start``."""
    first_pages: dict[str, int] = {}
    for index, page in enumerate(pages, start):
        for anchor in page.anchors:
            first_pages.setdefault(anchor, index)
    return first_pages


def write_pdf(html: str, *, roots: list[Path],
              appended: list[AppendedDocument], created: date | None = None,
              embed: Embedded | None = None, debug: bool = False,
              pool: LayoutPool | None = None) -> bytes:
    """Lay out ``html`` as a tagged PDF and finish it (see the module docstring).

    With ``embed``, the output is PDF/A-3a (tagged, archivable) carrying that file as
    an associated file; otherwise PDF/UA-1. Files are read from the template folders
    ``roots`` only, relative to the first. With a ``pool`` of worker processes, the
    layout happens in them: in parts, if the paper has part breaks (see
    :mod:`reportgen.split`), else in one piece.
    """
    from reportgen.tagging import finish

    epoch = source_date_epoch(created)
    if pool is not None and embed is None:
        laid_out = _lay_out_in_pool(html, pool, roots=roots, epoch=epoch, debug=debug)
        if laid_out is not None:
            pdf, first_pages, scoped = laid_out
            return finish(pdf, appended, first_pages, APPENDED_MARGINS_MM, scoped=scoped)

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
                     debug: bool):
    """The PDF (bytes or open pikepdf.Pdf), each anchor's page index, and whether its
    table headers have their scopes yet, laid out in ``pool``; None if the pool is
    broken (a worker died), to lay out here instead."""
    from concurrent.futures.process import BrokenProcessPool

    from reportgen.split import CannotSplit, Job, lay_out_in_parts, split_html

    try:
        try:
            joined, first_pages = lay_out_in_parts(split_html(html), pool=pool, roots=roots,
                                                   epoch=epoch, debug=debug)
            return joined, first_pages, True
        except CannotSplit:
            whole = pool.submit(Job(html, tuple(map(str, roots)), epoch, debug)).result()
    except BrokenProcessPool:
        return None
    return io.BytesIO(whole.pdf), anchor_pages(whole.pages), False
