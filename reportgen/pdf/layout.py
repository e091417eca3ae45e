"""The WeasyPrint call: HTML laid out as PDF, reading only from the template folders.

WeasyPrint's default fetcher would embed ``file:///etc/passwd`` or fetch from the web
if a template asked it to; this one serves files under the template folders (and
``data:`` URLs) and refuses everything else. Dates come from SOURCE_DATE_EPOCH, so the
same inputs give the same bytes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reportgen.errors import TemplateError


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
