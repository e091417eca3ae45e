"""Turn rendered HTML into the final PDF: WeasyPrint, then appended PDFs drawn in.

WeasyPrint only ever reads files from the template folders (and ``data:`` URLs):
its default fetcher would embed ``file:///etc/passwd`` or fetch from the web if a
template asked it to.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reportgen.errors import Problem, RenderError, TemplateError
from reportgen.render import AppendedDocument, AppendedPage

#: Margins (top, right, bottom, left, in mm) of pages that frame an appended PDF:
#: the header and footer sit in them, the appended page fills the rest.
APPENDED_MARGINS_MM = (20.0, 12.0, 17.0, 12.0)
MM = 72 / 25.4


def _weasyprint_urls():
    from weasyprint import urls

    return urls


class ResourceRefused(Exception):
    """A template asked for something outside the template folders."""


def make_url_fetcher(roots: list[Path]):
    """A WeasyPrint URL fetcher that serves files under ``roots`` and nothing else.

    A relative path missing from the first folder is looked for in the next, so a
    user's template folder can rely on the built-in assets.
    """
    urls = _weasyprint_urls()
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
class PdfMetadata:
    """Set from the HTML (<title>, <meta>); kept here to check the output."""

    title: str
    author: str


def inspect_appendix(path: Path, number: str, title: str, anchor: str,
                     where: str | None) -> AppendedDocument | Problem:
    """Open an appended PDF to learn its pages, or say clearly why it can't be used."""
    import pikepdf

    sheet, _, cell = (where or "").partition("!")
    def problem(message: str, hint: str | None = None) -> Problem:
        return Problem(message, file=path, sheet=sheet or None, cell=cell or None, hint=hint)

    try:
        with pikepdf.open(path) as pdf:
            pages = []
            for page in pdf.pages:
                box = page.cropbox if "/CropBox" in page.obj else page.mediabox
                width = abs(float(box[2]) - float(box[0]))
                height = abs(float(box[3]) - float(box[1]))
                if int(page.obj.get("/Rotate", 0)) % 180:
                    width, height = height, width
                pages.append(AppendedPage(landscape=width > height))
    except pikepdf.PasswordError:
        return problem(f"{path.name} is password-protected",
                       "save an unprotected copy and name that instead")
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        return problem(f"{path.name} is not a readable PDF ({exc})",
                       "open it and save it again as PDF")
    if not pages:
        return problem(f"{path.name} has no pages")
    return AppendedDocument(number=number, title=title, anchor=anchor, pages=pages,
                            file=path)


def write_pdf(html: str, *, base_dir: Path, roots: list[Path],
              appended: list[AppendedDocument], debug: bool = False) -> bytes:
    """Lay out ``html`` as a tagged PDF/UA-1 document and draw appended PDFs into it."""
    import weasyprint

    if not debug:
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = make_url_fetcher(roots)
    try:
        document = weasyprint.HTML(
            string=html, base_url=base_dir.resolve().as_uri() + "/", url_fetcher=fetcher
        ).render(pdf_variant="pdf/ua-1")
        data = document.write_pdf(pdf_variant="pdf/ua-1")
    except weasyprint.urls.FatalURLFetchingError as exc:
        raise TemplateError(f"Template resource refused: {exc}") from None
    if not appended:
        return data
    first_pages = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            first_pages.setdefault(anchor, index)
    return _draw_appended(data, appended, first_pages)


def _draw_appended(data: bytes, appended: list[AppendedDocument],
                   first_pages: dict[str, int]) -> bytes:
    import pikepdf

    top, right, bottom, left = (v * MM for v in APPENDED_MARGINS_MM)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for document in appended:
            start = first_pages.get(document.anchor)
            if start is None:
                raise RenderError(f"the template has no frame for appendix {document.number}; "
                                  "keep partials/appended.html in custom templates")
            with pikepdf.open(document.file) as source:
                for offset, page in enumerate(source.pages):
                    target = pdf.pages[start + offset]
                    box = target.mediabox
                    rect = pikepdf.Rectangle(float(box[0]) + left, float(box[1]) + bottom,
                                             float(box[2]) - right, float(box[3]) - top)
                    formx = pdf.copy_foreign(page.as_form_xobject())
                    target.add_overlay(formx, rect)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()
