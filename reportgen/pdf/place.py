"""Draw pages of other authors' (untagged or foreign) PDFs in as tagged figures.

Each page is flattened (form field values kept as drawn), its fonts re-encoded where a
composite font would not survive the move, and drawn into a frame page's content box
as one ``/Figure`` whose alternative text is its label and the page's own text; its
links are kept, moved with the page. Meeting packs draw other authors' papers this
way, and a paper its appended PDFs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from reportgen.pdf.structure import (
    ObjGen,
    after_earlier_pages,
    explicit_destination,
    flatten_parent_tree,
    insert_kid,
    link_target,
    named_destinations,
    page_number,
    parent_tree_entry,
    strip_mcids,
    subtree_pages,
)

#: Points in a millimetre.
MM = 72 / 25.4


def content_box(page: pikepdf.Page,
                margins_mm: tuple[float, float, float, float]) -> pikepdf.Rectangle:
    """The part of ``page`` inside its margins (top, right, bottom, left, in mm): where
    another PDF's page is drawn, clear of the running header and footer."""
    top, right, bottom, left = (v * MM for v in margins_mm)
    box = [float(v) for v in page.mediabox]
    return pikepdf.Rectangle(box[0] + left, box[1] + bottom, box[2] - right, box[3] - top)


def _drop_struct_parents(form: pikepdf.Stream, seen: set[ObjGen] | None = None) -> None:
    """Remove /StructParents from forms nested in a placed page: their keys name the
    source's ParentTree, not the pack's."""
    seen = set() if seen is None else seen
    if form.objgen in seen:
        return
    seen.add(form.objgen)
    if "/StructParents" in form:
        del form.StructParents
    resources = form.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    if isinstance(xobjects, pikepdf.Dictionary):
        for xobject in xobjects.values():
            if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == Name.Form:
                _drop_struct_parents(xobject, seen)


def _to_unicode_inverse(data: bytes) -> dict[str, bytes]:
    """Character → character code, from a ToUnicode CMap (single characters only)."""
    inverse: dict[str, bytes] = {}

    def add(code_hex: bytes, text: str) -> None:
        if len(text) == 1:
            inverse.setdefault(text, bytes.fromhex(code_hex.decode()))

    for block in re.finditer(rb"beginbfchar(.*?)endbfchar", data, re.S):
        pairs = re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block.group(1))
        for code, text in pairs:
            add(code, bytes.fromhex(text.decode()).decode("utf-16-be", "ignore"))
    for block in re.finditer(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, dest in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])",
                block.group(1)):
            width, first, last = len(low), int(low, 16), int(high, 16)
            if dest.startswith(b"["):
                texts = re.findall(rb"<([0-9A-Fa-f]*)>", dest)
                for offset, text in enumerate(texts[: last - first + 1]):
                    add(b"%0*x" % (width, first + offset),
                        bytes.fromhex(text.decode()).decode("utf-16-be", "ignore"))
            else:
                base = bytes.fromhex(dest[1:-1].decode()).decode("utf-16-be", "ignore")
                if len(base) == 1:
                    for offset in range(min(last - first + 1, 0x10000)):
                        add(b"%0*x" % (width, first + offset), chr(ord(base) + offset))
    return inverse


def _reencode_for_composite_fonts(stream: pikepdf.Stream) -> None:
    """Re-encode text qpdf wrote for a field value in a composite (Type0) font.

    qpdf generates text-field appearances with one byte per character, which is right
    for simple fonts only; WeasyPrint's form fonts are Type0 (Identity-H), so the value
    would show as wrong glyphs. The font's ToUnicode map, inverted, gives the codes.
    """
    resources = stream.get("/Resources")
    fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
    if not isinstance(fonts, pikepdf.Dictionary):
        return
    inverse: dict[str, bytes] | None = None
    changed = False
    out = []
    for instruction in pikepdf.parse_content_stream(stream):
        if isinstance(instruction, pikepdf.ContentStreamInstruction):
            operator = str(instruction.operator)
            if operator == "Tf":
                font = fonts.get(instruction.operands[0])
                inverse = None
                if (isinstance(font, pikepdf.Dictionary) and font.get("/Subtype") == Name.Type0
                        and isinstance(font.get("/ToUnicode"), pikepdf.Stream)):
                    inverse = _to_unicode_inverse(font.ToUnicode.read_bytes())
            elif operator in {"Tj", "'", '"', "TJ"} and inverse is not None:
                operands = [_reencode(operand, inverse) for operand in instruction.operands]
                instruction = pikepdf.ContentStreamInstruction(operands, instruction.operator)
                changed = True
        out.append(instruction)
    if changed:
        stream.write(pikepdf.unparse_content_stream(out))


def _reencode(operand, inverse: Mapping[str, bytes]):
    if isinstance(operand, pikepdf.String):
        text = bytes(operand).decode("latin-1")
        return String(b"".join(inverse[ch] for ch in text if ch in inverse))
    if isinstance(operand, pikepdf.Array):
        return Array([_reencode(item, inverse) for item in operand])
    return operand


def _flattened_copy(source: pikepdf.Pdf, index: int) -> pikepdf.Pdf:
    """A one-page copy of source page ``index`` with its form fields and other
    annotations (those with appearances) flattened into the content.

    Done on a copy so the caller's ``source`` is left as it was. Field values without
    appearance streams (NeedAppearances, as WeasyPrint writes) get appearances first.
    """
    work = pikepdf.new()
    work.add_pages_from(source, [index], outlines="ignore")
    page = work.pages[0]
    fresh = [annot for annot in page.obj.get("/Annots", ())
             if isinstance(annot, pikepdf.Dictionary) and annot.get("/Subtype") == Name.Widget
             and "/AP" not in annot]
    work.generate_appearance_streams()
    for annot in fresh:
        normal = annot.get("/AP", {}).get("/N")
        if isinstance(normal, pikepdf.Stream):
            _reencode_for_composite_fonts(normal)
    work.flatten_annotations("all")
    return work


def _transformed_box(matrix: pikepdf.Matrix, box) -> tuple[float, float, float, float]:
    llx, lly, urx, ury = (float(v) for v in box)
    points = [matrix.transform((x, y)) for x in (llx, urx) for y in (lly, ury)]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def page_texts(data: bytes) -> list[str]:
    """The text of each page of another author's PDF, for its figures' alternative text.

    Best effort: a page (or file) whose text cannot be read gives "" (the figure's label
    still describes it). PDFium reads a page's text about twenty times faster than
    pypdf, which mattered in a pack of a hundred pages of other authors' PDFs.
    """
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except Exception:  # pypdfium2 raises its own error types for damaged files
        return []
    texts = []
    try:
        for index in range(len(document)):
            try:
                page = document[index]
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
                page.close()
            except Exception:
                text = ""
            texts.append(" ".join(text.split()))
    finally:
        document.close()
    return texts


def place_external_page(target: pikepdf.Pdf, index: int, source: pikepdf.Pdf,
                        source_index: int, rect: pikepdf.Rectangle, alt: str, name: str,
                        page_map: Mapping[int, int] | None = None,
                        memo: dict[ObjGen, set[ObjGen]] | None = None) -> pikepdf.Matrix:
    """Draw source page into target page `index` inside `rect` (scaled to fit, aspect
    kept, rotated pages handled), as a tagged /Figure with alt text (like
    tagging.draw_appended does), AFTER flattening the source page's form fields and
    other non-link annotations into its content (so filled forms keep their look), and
    re-creating its link annotations on the target page with rectangles transformed by
    the same placement (internal links to other pages of the same source become links
    to the corresponding target pages given a `page_map`; external URI links kept).

    ``page_map`` (added to the brief's signature) maps source page numbers to target
    page numbers, both from 0: a link can only be re-created if the page it leads to is
    in the pack, and only the caller knows where the other pages went. Without it, only
    links to ``source_index`` itself (→ ``index``) are kept. Internal links lead to the
    whole target page (/Fit): the source page's coordinates do not apply to the placed
    copy. Links whose target is not in the pack, and other actions (GoToR, Launch, JS),
    are dropped. ``name`` is the XObject resource name (fixed, for reproducible bytes).

    The figure and its /Link elements go into the structure after the elements of
    pages up to ``index``, each link with an OBJR and a /Contents description.

    ``memo`` keeps the pages of each structure element between calls: placing many
    pages into one pack would otherwise walk the whole structure tree for every page.
    Elements' pages do not change as later pages are placed, so one memo can serve a
    whole assembly.

    Returns the placement: the matrix from the source page's coordinates to the target
    page's (rotation, scale and offset), for whatever else names a position on the
    source page, such as its bookmarks (:func:`reportgen.pdf.graft.graft_outline`).
    """
    page = target.pages[index]
    tree = flatten_parent_tree(target)
    page_map = {source_index: index} if page_map is None else dict(page_map)

    work = _flattened_copy(source, source_index)
    form = target.copy_foreign(work.pages[0].as_form_xobject(handle_transformations=True))
    strip_mcids(form)
    _drop_struct_parents(form)
    resource = Name(name if name.startswith("/") else f"/{name}")
    page.add_resource(form, Name.XObject, resource)
    placement = page.calc_form_xobject_placement(form, resource, rect, allow_expand=True)
    cm = page.get_matrix_for_form_xobject_placement(form, rect, allow_expand=True)
    matrix = pikepdf.Matrix(form.get("/Matrix", Array([1, 0, 0, 1, 0, 0]))) @ cm
    bbox = _transformed_box(matrix, form.BBox)

    index_of = {p.objgen: i for i, p in enumerate(target.pages)}
    pages_of = subtree_pages
    if memo is not None:
        def pages_of(kid, _inherited=None, _depth=0):
            key = kid.objgen
            if key == (0, 0):  # a direct object has no identity to remember
                return subtree_pages(kid)
            if key not in memo:
                memo[key] = subtree_pages(kid)
            return memo[key]
    parent, position = after_earlier_pages(tree, index_of, index + 1, set(), pages_of)
    entry = parent_tree_entry(target, page)
    mcid = len(entry)
    figure = target.make_indirect(Dictionary(
        Type=Name.StructElem, S=Name.Figure, Pg=page.obj, K=mcid, Alt=String(alt),
        A=Dictionary(O=Name.Layout, BBox=Array(list(bbox))),
    ))
    entry.append(figure)
    insert_kid(parent, position, figure)
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\n/Figure <</MCID %d>> BDC\n" % mcid + placement + b"\nEMC\n")

    source_page = source.pages[source_index]
    pages = {p.objgen: i for i, p in enumerate(source.pages)}
    named = named_destinations(source)
    for original in source_page.obj.get("/Annots", ()):
        if not isinstance(original, pikepdf.Dictionary) or original.get("/Subtype") != Name.Link:
            continue
        link = _external_link(target, original, matrix, pages, named, page_map,
                              len(source.pages))
        if link is None:
            continue
        position += 1
        annot, description = link
        key = int(tree.get("/ParentTreeNextKey", 0))
        annot.P = page.obj
        annot.StructParent = key
        element = target.make_indirect(Dictionary(
            Type=Name.StructElem, S=Name.Link, Pg=page.obj, Alt=String(description),
            K=Array([Dictionary(Type=Name.OBJR, Obj=annot, Pg=page.obj)]),
        ))
        tree.ParentTree.Nums.extend([key, element])
        tree.ParentTreeNextKey = key + 1
        insert_kid(parent, position, element)
        if "/Annots" not in page.obj:
            page.obj.Annots = Array()
        page.obj.Annots.append(annot)
    if "/Annots" in page.obj:
        page.obj.Tabs = Name.S
    return matrix


def _external_link(target: pikepdf.Pdf, original: pikepdf.Dictionary, matrix: pikepdf.Matrix,
                   pages: Mapping[ObjGen, int], named, page_map: Mapping[int, int],
                   count: int) -> tuple[pikepdf.Dictionary, str] | None:
    """A new link annotation for the placed page, or None if it cannot lead anywhere."""
    annot = Dictionary(Type=Name.Annot, Subtype=Name.Link, F=4, Border=Array([0, 0, 0]),
                       Rect=Array(list(_transformed_box(matrix, original.Rect))))
    contents = str(original.get("/Contents", "")).strip()
    action = original.get("/A")
    if isinstance(action, pikepdf.Dictionary) and action.get("/S") == Name.URI:
        uri = str(action.get("/URI", ""))
        annot.A = Dictionary(Type=Name.Action, S=Name.URI, URI=String(uri))
        description = contents or uri
    else:
        explicit = explicit_destination(link_target(original), named)
        number = page_number(explicit[0], pages, count) if explicit is not None else None
        if number is None or number not in page_map:
            return None
        target_number = page_map[number]
        annot.Dest = Array([target.pages[target_number].obj, Name.Fit])
        description = contents or f"Go to page {target_number + 1}"
    quads = original.get("/QuadPoints")
    if isinstance(quads, pikepdf.Array) and len(quads) % 8 == 0:
        points = [matrix.transform((float(quads[i]), float(quads[i + 1])))
                  for i in range(0, len(quads), 2)]
        annot.QuadPoints = Array([v for point in points for v in point])
    annot.Contents = String(description)
    return target.make_indirect(annot), description
