"""Finish a WeasyPrint PDF with pikepdf: what its tagging leaves out.

- Table header cells get a ``/Scope`` (Column in a table head, Row elsewhere), so
  assistive technology can pair headers with data cells.
- Appended PDFs are drawn into their framed pages as tagged ``/Figure`` elements
  (with :mod:`reportgen.pdf.place`, as meeting packs do), each with alternative text
  made of the label and the page's own text; resource names are fixed, so output
  bytes are reproducible.
- A PDF/A-3 file also declares PDF/UA-1 in its XMP metadata.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pikepdf
from pikepdf import Name

from reportgen.analysis.appended import AppendedDocument
from reportgen.errors import RenderError
from reportgen.pdf.place import content_box, page_texts, place_external_page
from reportgen.pdf.structure import (
    artifact_unreachable,
    dest_key,
    explicit_destination,
    link_target,
    named_destinations,
    rebuild_id_tree,
)
from reportgen.pdf.tables import add_header_scopes, join_tables, rewrite_headers


def draw_appended(pdf: pikepdf.Pdf, document: AppendedDocument, start: int,
                  margins_mm: tuple[float, float, float, float]) -> None:
    """Draw each page of ``document`` into its frame page as a tagged figure whose alt
    text is its label and its own text (links kept, forms flattened: see
    :func:`reportgen.pdf.place.place_external_page`, which meeting packs use too)."""
    memo: dict = {}
    data = document.file.read_bytes()
    texts = page_texts(data)
    with pikepdf.open(io.BytesIO(data)) as source:
        total = len(source.pages)
        page_map = {i: start + i for i in range(total)}
        for offset in range(total):
            rect = content_box(pdf.pages[start + offset], margins_mm)
            label = (f"Appendix {document.number}: {document.title}, "
                     f"page {offset + 1} of {total}.")
            alt = f"{label} {texts[offset] if offset < len(texts) else ''}".strip()
            name = f"/RgAppendix{document.anchor.split('-')[-1]}p{offset + 1}"
            place_external_page(pdf, start + offset, source, offset, rect, alt, name,
                                page_map, memo)


def describe_links(pdf: pikepdf.Pdf, names: dict[bytes, str] | None = None,
                   labels: list[str] | None = None) -> int:
    """Give every internal link a /Contents saying what it does ("Go to Appendix 2,
    page 19") instead of WeasyPrint's anchor id; returns how many changed.

    ``names``: what each named destination is called (else its id, made readable);
    ``labels``: each page's label (else its number)."""
    named = named_destinations(pdf)
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    changed = 0
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", ()):
            if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") != Name.Link:
                continue
            target = link_target(annot)
            if target is None:
                continue
            key = dest_key(target)
            explicit = explicit_destination(target, named)
            index = None
            if explicit is not None and isinstance(explicit[0], pikepdf.Dictionary):
                index = pages.get(explicit[0].objgen)
            anchor = key[1].decode("utf-8", "replace") if key else ""
            what = (names or {}).get(key[1]) if key else None
            current = str(annot.get("/Contents", ""))
            if what is None and current.startswith("Go to "):
                # described before (a paper in a pack): keep what, renew the page
                what = re.sub(r"(, )?page [^,]*$", "", current[len("Go to "):]) or None
            if what is None:
                what = anchor.replace("-", " ").strip().capitalize() if anchor else ""
            where = ""
            if index is not None:
                where = f"page {labels[index] if labels else index + 1}"
            text = "Go to " + ", ".join(part for part in (what, where) if part)
            if text != "Go to " and str(annot.get("/Contents", "")) != text:
                annot.Contents = pikepdf.String(text)
                changed += 1
    return changed


def finish_structure(pdf: pikepdf.Pdf, names: dict[bytes, str] | None = None,
                     labels: list[str] | None = None, tables_done: bool = False) -> None:
    """What a screen reader needs beyond WeasyPrint's tags: one /Table per logical
    table with /Headers from its real grid, untagged running headers and footers made
    artifacts, an IDTree, and links that say where they go. ``tables_done``: every
    table is finished already (a pack: its frame's before the papers went in, and
    each paper's in its own build)."""
    if not tables_done:
        rewrite_headers(pdf, join_tables(pdf))
    artifact_unreachable(pdf)
    rebuild_id_tree(pdf)
    describe_links(pdf, names, labels)


def declare_ua(pdf: pikepdf.Pdf) -> None:
    """Add the PDF/UA-1 identification to XMP (a PDF/A-3a file is tagged too)."""
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta.register_xml_namespace("http://www.aiim.org/pdfua/ns/id/", "pdfuaid")
        meta["pdfuaid:part"] = "1"
    # PDF/A allows only the XMP properties it predefines or that the file declares in
    # an extension schema: pdfuaid:part must be declared, or the file is not PDF/A.
    data = pdf.Root.Metadata.read_bytes()
    if b"http://www.aiim.org/pdfa/ns/extension/" not in data:
        data = data.replace(b"</rdf:RDF>", _PDFUA_EXTENSION + b"</rdf:RDF>", 1)
        pdf.Root.Metadata.write(data)


_PDFUA_EXTENSION = (
    b'<rdf:Description rdf:about="" '
    b'xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
    b'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" '
    b'xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
    b"<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">"
    b"<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>"
    b"<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>"
    b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"
    b"<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">"
    b"<pdfaProperty:name>part</pdfaProperty:name>"
    b"<pdfaProperty:valueType>Integer</pdfaProperty:valueType>"
    b"<pdfaProperty:category>internal</pdfaProperty:category>"
    b"<pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>"
    b"</rdf:li></rdf:Seq></pdfaSchema:property>"
    b"</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"
)


def finish(data: io.BytesIO | pikepdf.Pdf, appended: list[AppendedDocument],
           first_pages: dict[str, int], margins_mm: tuple[float, float, float, float],
           also_ua: bool = False, scoped: bool = False,
           overlay: Callable[[pikepdf.Pdf], None] | None = None) -> bytes:
    """Finish a laid-out paper (PDF bytes, or a Pdf already open) and save it;
    ``scoped``: its table headers have their scopes already. ``overlay`` draws what
    goes over the pages (a paper laid out in parts: its running header and footer,
    laid out by the workers meanwhile) after the structure is finished, before saving."""
    with pikepdf.open(data) if isinstance(data, io.BytesIO) else data as pdf:
        if not scoped:
            add_header_scopes(pdf)
        for document in appended:
            start = first_pages.get(document.anchor)
            if start is None:
                raise RenderError(f"the template has no frame for appendix {document.number};"
                                  " keep partials/appended.html in custom templates")
            draw_appended(pdf, document, start, margins_mm)
        # A paper joined from parts (``overlay``) had its tables finished part by part.
        finish_structure(pdf, {document.anchor.encode(): f"Appendix {document.number}: "
                               f"{document.title}" for document in appended},
                         tables_done=overlay is not None)
        if also_ua:
            declare_ua(pdf)
        if overlay is not None:
            overlay(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()
