"""Put every paper into the pack's frame: tagged papers with their tags, other PDFs as
figures, the stamp over every page; one bookmark per item with the paper's own below
(those into other PDFs moved with their pages); one link per agenda row; the fonts,
images and forms the papers share stored once."""

from __future__ import annotations

import io

import pikepdf

from reportgen.pack.agenda import Agenda
from reportgen.pack.frame import FrameEntry
from reportgen.pack.options import Paper
from reportgen.pdf.finish import add_header_scopes, finish_structure
from reportgen.pdf.graft import graft_outline, replace_with_tagged_pages
from reportgen.pdf.place import content_box, page_texts, place_external_page
from reportgen.pdf.share import share_identical_resources
from reportgen.pdf.structure import kids_of, merge_duplicate_links, subtree_pages, walk_elements
from reportgen.pdf.tables import join_tables, rewrite_headers
from reportgen.safeio import slugify

#: Content box of frame pages (top, right, bottom, left, mm): external PDFs go inside.
FRAME_MARGINS = {False: (26.0, 20.0, 22.0, 20.0), True: (24.0, 18.0, 20.0, 18.0)}


#: The /Keywords of a pack, by which ``reportgen check`` knows it (page labels).
PACK_KEYWORD = "reportgen meeting pack"


def page_labels(pdf: pikepdf.Pdf, front_pages: int, entries: list[FrameEntry],
                first_number: int) -> list[str]:
    """/PageLabels as the pages are printed: an unnumbered cover and agenda as i, ii,
    then the numbered pages from ``first_number`` (a supplement continues the main
    pack's numbering); numbered front matter is numbered from 1 with the rest.
    Returns each page's label."""
    numbered_front = not any(entry.first for entry in entries)
    count = len(pdf.pages)
    if numbered_front or front_pages == 0:
        nums = [0, pikepdf.Dictionary(S=pikepdf.Name.D, St=first_number)]
        labels = [str(first_number + i) for i in range(count)]
    else:
        nums = [0, pikepdf.Dictionary(S=pikepdf.Name.r),
                front_pages, pikepdf.Dictionary(S=pikepdf.Name.D, St=first_number)]
        labels = [_roman(i + 1) for i in range(front_pages)]
        labels += [str(first_number + i) for i in range(count - front_pages)]
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))
    return labels


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"),
                           (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out += letters
            number -= value
    return out


def first_sections(pdf: pikepdf.Pdf) -> dict:
    """Each page's first /Sect (in reading order) that names it, with the Sect's
    parent: one walk of the frame's tree for all of another authors' items, not one
    per item (a pack of many PDFs walked its whole tree for each)."""
    found: dict = {}
    for element, ancestors in walk_elements(pdf.Root.StructTreeRoot):
        page = element.get("/Pg")
        if element.get("/S") == pikepdf.Name.Sect and isinstance(page, pikepdf.Dictionary):
            found.setdefault(page.objgen, (element, ancestors[-1]))
    return found


def _one_section(pdf: pikepdf.Pdf, pages: list, sections: dict) -> None:
    """Gather another author's item into one /Sect: the first page's (which holds the
    item's heading), with the figure and links of every page after it, in order.

    The frame tags each stamped page as a /Sect of its own, and each page drawn in
    lands beside it; a screen reader should find one section per item, under its
    heading. ``sections``: :func:`first_sections` of the frame, before any paper was
    put in (the Sects of other authors' pages are not touched by the grafts)."""
    wanted = set(pages)
    if pages[0] not in sections:
        return
    home, parent = sections[pages[0]]
    kids = list(parent.K) if isinstance(parent.K, pikepdf.Array) else [parent.K]
    kept, moved = [], []
    for kid in kids:
        on = (subtree_pages(kid) if isinstance(kid, pikepdf.Dictionary) and "/S" in kid
              else set())
        if kid.objgen != home.objgen and on and on <= wanted:
            if kid.get("/S") == pikepdf.Name.Sect:
                moved += kids_of(kid)
            else:
                moved.append(kid)
            continue
        kept.append(kid)
    if not moved:
        return
    for kid in moved:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            kid.P = home
            if "/Pg" not in kid and "/Pg" in home:
                kid.Pg = home.Pg
    home.K = pikepdf.Array([*kids_of(home), *moved])
    parent.K = pikepdf.Array(kept)


def assemble(frame_pdf: bytes, front_pages: int, entries: list[FrameEntry],
             papers: list[Paper], agenda: Agenda, first_number: int = 1) -> bytes:
    by_number = {paper.item.number: paper for paper in papers}
    starts: dict[str, int] = {}
    item_first: dict[str, int] = {}
    for offset, entry in enumerate(entries):
        index = front_pages + offset
        item_first.setdefault(entry.item.number, index)
        if not entry.divider:
            starts.setdefault(entry.item.number, index)
    with pikepdf.open(io.BytesIO(frame_pdf)) as pdf:
        # The frame's tables (the agenda) are finished now, on the frame alone; each
        # paper's were when it was built. A table never runs on from one item into the
        # next, and the pack's whole tree (tens of thousands of elements) is not
        # walked again for them.
        add_header_scopes(pdf)
        rewrite_headers(pdf, join_tables(pdf))
        for index in range(front_pages):  # one link per agenda row, not one per box
            merge_duplicate_links(pdf, pdf.pages[index])
        sources = {}
        memo: dict = {}  # structure elements' pages, shared by all placements
        grafted: dict = {}  # what each paper grafted, not walked again for the next
        placements: dict[str, dict[int, pikepdf.Matrix]] = {}  # other PDFs' pages, as drawn
        sections = first_sections(pdf) if any(not p.tagged for p in papers) else {}
        for number, start in starts.items():
            paper = by_number[number]
            source = pikepdf.open(io.BytesIO(paper.pdf))
            sources[number] = source
            if paper.tagged:
                replace_with_tagged_pages(pdf, start, source, grafted)
            else:
                page_map = {i: start + i for i in range(len(source.pages))}
                texts = page_texts(paper.pdf)
                for i, landscape in enumerate(paper.landscape):
                    rect = content_box(pdf.pages[start + i], FRAME_MARGINS[landscape])
                    alt = (f"Item {paper.item.number}: {paper.item.title}, page {i + 1} of "
                           f"{len(paper.landscape)}. {texts[i] if i < len(texts) else ''}"
                           ).strip()
                    placements.setdefault(number, {})[i] = place_external_page(
                        pdf, start + i, source, i, rect, alt,
                        f"/RgItem{slugify(number, 'x')}p{i + 1}", page_map, memo)
                # from its divider (which holds the heading), if the pack has dividers
                _one_section(pdf, [pdf.pages[i].objgen for i in range(
                    item_first[number], start + len(paper.landscape))], sections)
        with pdf.open_outline() as outline:
            outline.root.clear()
            if front_pages:
                outline.root.append(pikepdf.OutlineItem("Cover", 0))
            if front_pages > 1:
                outline.root.append(pikepdf.OutlineItem("Agenda", 1))
            for number, first in item_first.items():
                item = by_number[number].item
                node = pikepdf.OutlineItem(f"Item {number}: {item.title}", first)
                outline.root.append(node)
                graft_outline(pdf, sources[number], starts[number], node,
                              placements.get(number))
        labels = page_labels(pdf, front_pages, entries, first_number)
        names = {f"item-{slugify(number, 'x')}".encode():
                 f"Item {number}: {by_number[number].item.title}" for number in item_first}
        finish_structure(pdf, names, labels, tables_done=True)
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdf:Keywords"] = PACK_KEYWORD
        # Each paper, and each page drawn in, brought its own copy of its fonts.
        share_identical_resources(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        for source in sources.values():
            source.close()
    return out.getvalue()
