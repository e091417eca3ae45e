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
from reportgen.pdf.finish import add_header_scopes
from reportgen.pdf.graft import graft_outline, replace_with_tagged_pages
from reportgen.pdf.place import content_box, page_texts, place_external_page
from reportgen.pdf.share import share_identical_resources
from reportgen.pdf.structure import merge_duplicate_links
from reportgen.safeio import slugify

#: Content box of frame pages (top, right, bottom, left, mm): external PDFs go inside.
FRAME_MARGINS = {False: (26.0, 20.0, 22.0, 20.0), True: (24.0, 18.0, 20.0, 18.0)}


def assemble(frame_pdf: bytes, front_pages: int, entries: list[FrameEntry],
             papers: list[Paper], agenda: Agenda) -> bytes:
    by_number = {paper.item.number: paper for paper in papers}
    starts: dict[str, int] = {}
    item_first: dict[str, int] = {}
    for offset, entry in enumerate(entries):
        index = front_pages + offset
        item_first.setdefault(entry.item.number, index)
        if not entry.divider:
            starts.setdefault(entry.item.number, index)
    with pikepdf.open(io.BytesIO(frame_pdf)) as pdf:
        # The frame's tables (the agenda); each paper's got their scopes when it was made.
        add_header_scopes(pdf)
        for index in range(front_pages):  # one link per agenda row, not one per box
            merge_duplicate_links(pdf, pdf.pages[index])
        sources = {}
        memo: dict = {}  # structure elements' pages, shared by all placements
        grafted: dict = {}  # what each paper grafted, not walked again for the next
        placements: dict[str, dict[int, pikepdf.Matrix]] = {}  # other PDFs' pages, as drawn
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
        # Each paper, and each page drawn in, brought its own copy of its fonts.
        share_identical_resources(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        for source in sources.values():
            source.close()
    return out.getvalue()
