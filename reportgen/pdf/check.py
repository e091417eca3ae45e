"""``reportgen check``: accessibility checks on a finished PDF.

Two sets of checks: the ``pdfua`` package's machine-checkable subset of PDF/UA-1,
and reportgen's own, with pikepdf, for what a published board paper needs (title
shown as the window title, language, tags, alternative text, header scopes,
bookmarks, headings that hold text and do not skip levels). Passing them is not a
certificate of conformance; failing them is a reason not to publish.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pikepdf

from reportgen.errors import InputError, Problem
from reportgen.pdf.structure import (
    dest_key,
    link_target,
    name_tree,
    named_destinations,
    number_tree,
    unreachable_content,
    walk_elements,
)
from reportgen.pdf.tables import expected_headers, logical_tables, table_attribute, table_grid


@dataclass(frozen=True)
class Finding:
    severity: str  # error | warning | info
    rule: str
    message: str
    page: int | None = None

    def __str__(self) -> str:
        where = f" page {self.page}" if self.page else ""
        return f"{self.severity:<7} {self.rule:<22}{where}: {self.message}"


def check_pdf(path: Path) -> list[Finding]:
    """All findings for ``path``: pdfua's, then reportgen's own."""
    if not path.is_file():
        raise InputError([Problem("file not found", file=path)], path)
    try:
        with pikepdf.open(path) as pdf:
            own = _grouped(own_checks(pdf))
    except pikepdf.PdfError as exc:
        raise InputError([Problem(f"is not a readable PDF ({exc})", file=path)], path) from exc
    return _pdfua_checks(path) + own


def _grouped(findings) -> list[Finding]:
    """One line per kind of finding, with how many and on which pages."""
    groups: dict[tuple[str, str, str], list[int | None]] = {}
    for finding in findings:
        groups.setdefault((finding.severity, finding.rule, finding.message), []).append(
            finding.page)
    result = []
    for (severity, rule, message), pages in groups.items():
        known = sorted({p for p in pages if p})
        where = f" (pages {', '.join(map(str, known))})" if len(known) > 1 else ""
        count = f"{len(pages)} × " if len(pages) > 1 else ""
        result.append(Finding(severity, rule, f"{count}{message}{where}",
                              known[0] if len(known) == 1 else None))
    return result


def _pdfua_checks(path: Path) -> list[Finding]:
    import pdfua

    report = pdfua.validate(str(path))
    findings = [
        Finding(finding.severity.name.lower(), f"pdfua {finding.rule_id}", finding.message,
                finding.location.page)
        for finding in report.findings
    ]
    # pdfua 0.1.3 cannot evaluate UA-14-001 (empty headings) on WeasyPrint's
    # structure trees; reportgen's own "empty-heading" check covers it.
    findings += [
        Finding("info", f"pdfua {outcome.rule_id}",
                f"not evaluated by pdfua: {outcome.skipped_reason}"[:160])
        for outcome in report.skipped if outcome.rule_id != "UA-14-001"
    ]
    return findings


def own_checks(pdf: pikepdf.Pdf):
    root = pdf.Root
    title = str(pdf.docinfo.get("/Title", "")).strip()
    if not title:
        yield Finding("error", "title", "the document has no title (/Title)")
    preferences = root.get("/ViewerPreferences", {})
    if not bool(preferences.get("/DisplayDocTitle", False)):
        yield Finding("error", "display-doc-title",
                      "viewers are not told to show the title (DisplayDocTitle)")
    if not str(root.get("/Lang", "")).strip():
        yield Finding("error", "language", "the document language (/Lang) is not set")
    if "/StructTreeRoot" not in root:
        yield Finding("error", "tagged", "the PDF is not tagged (no StructTreeRoot)")
        return
    if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
        yield Finding("error", "tagged", "MarkInfo /Marked is not true")
    if len(pdf.open_outline().root) == 0 and len(pdf.pages) > 1:
        yield Finding("warning", "bookmarks", "the document has no bookmarks (outline)")
    with pdf.open_metadata() as meta:
        if "pdfuaid:part" not in meta:
            yield Finding("warning", "pdfua-identifier",
                          "XMP metadata does not declare PDF/UA (pdfuaid:part)")
    pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    last_level = 0
    for element, _ in walk_elements(root.StructTreeRoot):
        role = str(element.get("/S"))
        page_ref = element.get("/Pg")
        page = pages.get(page_ref.objgen) if isinstance(page_ref, pikepdf.Dictionary) else None
        if role == "/Figure" and not str(element.get("/Alt", "")).strip():
            yield Finding("error", "figure-alt", "a figure has no alternative text", page)
        if role == "/TH" and not _has_scope(element):
            yield Finding("warning", "th-scope", "a table header cell has no /Scope", page)
        if role in {"/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}:
            level = int(role[2])
            if not _marks_content(element):
                yield Finding("error", "empty-heading", f"{role[1:]} holds no text", page)
            if level > last_level + 1:
                yield Finding("error", "heading-levels",
                              f"{role[1:]} follows H{last_level or '-'}: a level is skipped",
                              page)
            last_level = level
    yield from structure_findings(pdf)


def _is_pack(pdf: pikepdf.Pdf) -> bool:
    """A reportgen meeting pack (its XMP says so; older packs: their title does)."""
    with pdf.open_metadata() as meta:
        if meta.get("pdf:Keywords", "") == PACK_KEYWORD:
            return True
    return str(pdf.docinfo.get("/Keywords", "")) == PACK_KEYWORD


#: The /Keywords a meeting pack carries (reportgen.pack.assemble writes them), so
#: ``check`` knows to ask for page labels.
PACK_KEYWORD = "reportgen meeting pack"


def structure_findings(pdf: pikepdf.Pdf):
    """What a screen reader would get wrong: table headers and grids, tagged content
    the tree does not reach, IDs without an IDTree, links described by anchor ids,
    packs without page labels, other authors' items without a heading."""
    tree = pdf.Root.StructTreeRoot
    pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}

    def page_of(element) -> int | None:
        ref = element.get("/Pg")
        return pages.get(ref.objgen) if isinstance(ref, pikepdf.Dictionary) else None

    for group in logical_tables(pdf):
        if len(group) > 1:
            yield Finding("error", "table-split",
                          f"a table on page {page_of(group[0]) or '?'} continues as "
                          f"{len(group) - 1} more /Table element(s)", page_of(group[0]))
        for table in group:
            grid = table_grid([table])
            by_id = {bytes(c.element.ID): c.element for c in grid.cells
                     if c.is_header and isinstance(c.element.get("/ID"), pikepdf.String)}
            for objgen, headers in expected_headers(grid).items():
                cell = pdf.get_object(objgen)
                named = table_attribute(cell, "/Headers")
                if not isinstance(named, pikepdf.Array):
                    continue
                have = {by_id[bytes(h)].objgen if bytes(h) in by_id else bytes(h)
                        for h in named if isinstance(h, pikepdf.String)}
                if have != {h.element.objgen for h in headers}:
                    yield Finding("error", "table-headers",
                                  "a table cell's /Headers do not match its row and "
                                  "column headers", page_of(cell))
        grid = table_grid(group)
        columns = grid.columns
        for width in grid.widths:
            if width != columns:
                yield Finding("error", "table-rows",
                              f"a table row has {width} cells where its table has "
                              f"{columns} columns", page_of(group[0]))
    unreached, annotations = unreachable_content(pdf)
    for page, mcids in unreached.items():
        for _ in mcids:
            yield Finding("error", "unreachable",
                          "tagged content is not reachable from the structure tree "
                          "(make it an artifact or tag it)", pages.get(page))
    for _ in range(annotations):
        yield Finding("error", "unreachable",
                      "an annotation's structure element is not in the structure tree")
    ids = {bytes(e.ID) for e, _ in walk_elements(tree)
           if isinstance(e.get("/ID"), pikepdf.String)}
    listed = {key for key, _ in name_tree(tree.get("/IDTree"))}
    if ids - listed:
        yield Finding("error", "id-tree",
                      f"{len(ids - listed)} structure element IDs are not in an IDTree")
    keys = [key for key, _ in number_tree(tree.get("/ParentTree"))]
    if keys and int(tree.get("/ParentTreeNextKey", -1)) <= max(keys):
        yield Finding("error", "id-tree", "ParentTreeNextKey is missing or too small")
    anchors = {key[1] for key in named_destinations(pdf)}
    for number, page in enumerate(pdf.pages, start=1):
        for annot in page.obj.get("/Annots", ()):
            if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") != \
                    pikepdf.Name.Link:
                continue
            contents = str(annot.get("/Contents", "")).strip()
            key = dest_key(link_target(annot))
            if not contents:
                yield Finding("error", "link-contents",
                              "a link has no description (/Contents)", number)
            elif contents.encode() in anchors or (key is not None and contents.encode() == key[1]):
                yield Finding("error", "link-contents",
                              f"a link's description (/Contents) is its anchor id "
                              f"'{contents}', not what it does", number)
    if _is_pack(pdf):
        if "/PageLabels" not in pdf.Root:
            yield Finding("error", "page-labels",
                          "the pack has no page labels: viewers' page numbers differ "
                          "from the printed ones")
        for element, _ in walk_elements(tree):
            if element.get("/S") != pikepdf.Name.Sect:
                continue
            # another author's item: figures (and their links) only, no heading
            kinds = {str(k.get("/S")) for k in _element_kids(element)}
            if "/Figure" in kinds and kinds <= {"/Figure", "/Link", "/NonStruct", "/Span"}:
                yield Finding("error", "item-heading",
                              "a pack item's section holds a figure but no heading",
                              page_of(element))


def _element_kids(element):
    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
    return [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def _has_scope(element: pikepdf.Dictionary) -> bool:
    attributes = element.get("/A")
    candidates = (list(attributes) if isinstance(attributes, pikepdf.Array)
                  else [attributes] if attributes is not None else [])
    return any(isinstance(a, pikepdf.Dictionary) and "/Scope" in a for a in candidates)


def _marks_content(node) -> bool:
    if isinstance(node, int) and not isinstance(node, bool):
        return True
    if isinstance(node, pikepdf.Array):
        return any(_marks_content(item) for item in node)
    if isinstance(node, pikepdf.Dictionary):
        if node.get("/Type") == pikepdf.Name.MCR:
            return True
        return "/K" in node and _marks_content(node.K)
    return False
