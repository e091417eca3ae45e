"""Lay out a long paper in parts, in parallel processes, and join them into one PDF.

WeasyPrint lays a document out on one core: a 150-page tracker takes over 20 s. The
paper's templates mark the elements before which a new page starts anyway (a new
section, each theme of a long tracker) with ``data-part-break``. The HTML is cut
there into *parts*, each a whole document with the paper's head. An element that a cut
runs through is repeated, without its id, at the start of the next part, and a table
cut open brings its column widths and header row along, so each part's pages look as
they would in the whole paper.

Each part is laid out without its running header and footer, in a worker process,
and grafted with its tags into the paper as soon as the parts before it are in
(:func:`reportgen.pdf.graft.replace_with_tagged_pages`, as a meeting pack does with its
papers), while the workers go on with the rest. A *frame* — one empty page for each
page of the parts, of the same page kind, carrying the paper's running header and
footer ("Page 3 of 41") — is laid out once the page count is known and drawn over the
pages. Bookmarks are rebuilt from every part's headings, nested by level.

The cut points are in the HTML whether or not the paper is split (they carry
``break-before: page``), so the pages are the same when it is laid out in one piece.
"""

from __future__ import annotations

import copy
import io
import itertools
import re
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from reportgen.pdf.layout import anchor_pages
from reportgen.pdf.pool import Job, LaidOut, LayoutPool, PageFacts

PART_BREAK = "data-part-break"
#: Children of a table (or other element) cut open that every later part repeats.
REPEATED = ("colgroup", "thead")
#: Margin boxes blanked in a part: the frame draws the running header and footer.
MARGIN_BOXES = [f"{side}-{place}" for side in ("top", "bottom")
                for place in ("left-corner", "left", "center", "right", "right-corner")]
MARGIN_BOXES += [f"{side}-{place}" for side in ("left", "right")
                 for place in ("top", "middle", "bottom")]
PX = 0.75  # CSS px to PDF points


class CannotSplit(Exception):
    """The paper is laid out in one piece instead; the message says why."""


# -- cutting the HTML ------------------------------------------------------------------------


def _path(body, element) -> list[int]:
    """Child indices from ``body`` down to ``element``."""
    path = []
    while element is not body:
        parent = element.getparent()
        path.append(parent.index(element))
        element = parent
    return path[::-1]


def _extract(node, low: list[int] | None, high: list[int] | None, *, cut_open: bool):
    """A copy of ``node`` holding only what lies from ``low`` (inclusive) to ``high``
    (exclusive), given as child-index paths; ``None`` means from the start / to the end.

    ``cut_open``: the node began in an earlier part, so it loses its id (the anchor is
    where it began) and repeats its column groups and header rows.
    """
    clone = node.makeelement(node.tag, dict(node.attrib))
    clone.tail = node.tail
    children = list(node)
    first = low[0] if low else 0
    if cut_open:
        clone.attrib.pop("id", None)
        clone.attrib.pop(PART_BREAK, None)
        for child in children[:first]:
            if isinstance(child.tag, str) and child.tag in REPEATED:
                clone.append(copy.deepcopy(child))
    else:
        clone.text = node.text
    last = high[0] if high else len(children)
    for index in range(first, min(last + 1, len(children))):
        child = children[index]
        child_low = low[1:] if low and index == first and len(low) > 1 else None
        child_high = high[1:] if high and index == last else None
        if high and index == last and not child_high:
            break  # the next part's first element
        if child_low is None and child_high is None:
            clone.append(copy.deepcopy(child))
        else:
            clone.append(_extract(child, child_low, child_high, cut_open=child_low is not None))
    return clone


def _blank_margins_css(css: str) -> str:
    """Rules that empty every margin box of every page kind named in ``css``."""
    names = sorted(set(re.findall(r"@page\s+([A-Za-z_][\w-]*)", css)))
    blank = " ".join(f"@{box} {{ content: none !important }}" for box in MARGIN_BOXES)
    rules = []
    for name in ["", *names]:
        for pseudo in ("", ":first", ":left", ":right", ":blank"):
            rules.append(f"@page {name}{pseudo} {{ {blank} }}")
    return "\n".join(rules)


@dataclass(frozen=True)
class SplitPaper:
    parts: list[str]  # each a whole HTML document, margins left empty
    linked: list[bool]  # whether a part links within itself (it may quote page numbers)
    frame_head: object  # the paper's <html> element with its head only (lxml)
    cover: object | None  # the paper's first element: the running header's strings


def split_html(html: str) -> SplitPaper:
    """Cut ``html`` before every element marked ``data-part-break``."""
    import lxml.html

    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    head = root.find("head")
    if body is None or head is None:
        raise CannotSplit("the paper has no head or body")
    marks = [_path(body, e) for e in body.iter() if e is not body and e.get(PART_BREAK) is not None]
    marks = [m for m in marks if any(m)]  # a mark on the very first element cuts nothing
    if not marks:
        raise CannotSplit("the paper has no part breaks")
    css = "\n".join(style.text or "" for style in head.iter("style"))
    shell = root.makeelement("html", dict(root.attrib))
    shell.append(copy.deepcopy(head))
    part_head = copy.deepcopy(head)
    style = part_head.makeelement("style", {})
    style.text = _blank_margins_css(css)
    part_head.append(style)
    bounds = [None, *marks, None]
    parts = []
    linked = []
    ids: dict[str, int] = {}
    links: list[tuple[str, int]] = []
    for number, (low, high) in enumerate(itertools.pairwise(bounds)):
        part_root = root.makeelement("html", dict(root.attrib))
        part_root.append(copy.deepcopy(part_head))
        part_body = _extract(body, low, high, cut_open=False)
        part_root.append(part_body)
        for element in part_body.iter():
            if not isinstance(element.tag, str):
                continue
            if element.get("id"):
                ids.setdefault(element.get("id"), number)
            href = element.get("href") or ""
            if href.startswith("#"):
                links.append((href[1:], number))
        parts.append(lxml.html.tostring(part_root, doctype="<!DOCTYPE html>",
                                        encoding="unicode", method="html"))
        linked.append(bool(links) and links[-1][1] == number)
    crossing = [target for target, number in links if ids.get(target, number) != number]
    if crossing:
        raise CannotSplit(f"a link to #{crossing[0]} would cross parts")
    cover = next((child for child in body if isinstance(child.tag, str)), None)
    return SplitPaper(parts, linked, shell, copy.deepcopy(cover) if cover is not None else None)


# -- the frame and the join ----------------------------------------------------------------


def frame_html(split: SplitPaper, pages: list[PageFacts], first: int = 1,
               total: int | None = None) -> str:
    """Empty pages of the same kinds as ``pages``, headed and numbered as the paper's:
    numbered from ``first``, "of ``total``" (a frame may be laid out in pieces).

    The paper's first element (the cover, whose strings the running header shows) is
    repeated, hidden, on the first page.
    """
    import lxml.html

    root = copy.deepcopy(split.frame_head)
    body = root.makeelement("body", {})
    root.append(body)
    for index, page in enumerate(pages):
        if page.frame_element is not None:
            tag, attributes = page.frame_element
            element = body.makeelement(tag, attributes)
        else:
            style = f"page: {page.name or 'auto'}; height: 0; margin: 0; padding: 0; border: 0"
            if index:
                style += "; break-before: page"
            element = body.makeelement("div", {"style": style})
        if index == 0 and split.cover is not None:
            hidden = body.makeelement("div", {"style": "visibility: hidden; height: 0; "
                                                        "overflow: hidden"})
            hidden.append(copy.deepcopy(split.cover))
            element.append(hidden)
        body.append(element)
    html = lxml.html.tostring(root, doctype="<!DOCTYPE html>", encoding="unicode",
                              method="html")
    if total is not None:
        html = html.replace("counter(pages)", f'"{total}"')
    if first != 1:
        html = html.replace("</head>", f"<style>@page :first {{ counter-reset: page {first} }}"
                                       "</style></head>", 1)
    return html


#: The frame of a paper of 40 pages or more is laid out in this many pieces. A fixed
#: number, not one per worker: the pieces shape the PDF's bytes, which must not depend
#: on the machine's CPU count or ``--jobs``.
FRAME_PIECES = 2


def _frame_pieces(count: int) -> list[tuple[int, int]]:
    """Page ranges for laying the frame out in up to :data:`FRAME_PIECES` pieces of 20
    pages or more."""
    pieces = max(1, min(FRAME_PIECES, count // 20))
    bounds = [round(count * i / pieces) for i in range(pieces + 1)]
    return list(itertools.pairwise(bounds))


class _Joiner:
    """The parts grafted, in order, into one tagged PDF, each as soon as it and those
    before it are laid out: the main process does this while the workers lay out the
    rest. The first part is the base (its document's metadata is the paper's); every
    part becomes a /Part of one /Document."""

    def __init__(self) -> None:
        self.pdf = None
        self.pages: list[PageFacts] = []
        self.first_pages: dict[str, int] = {}
        self._grafted: dict = {}
        self._ledger = None  # the joined PDF's ParentTree, IDs and destinations
        self._parts: list = []  # each part's structure elements and table edges

    def add(self, part: LaidOut) -> None:
        # pikepdf and the modules built on it are imported when the first part is
        # joined, not at start-up: a build's workers should start without waiting.
        import pikepdf

        from reportgen.pdf.graft import Ledger, replace_with_tagged_pages
        from reportgen.pdf.tables import (
            add_header_scopes,
            join_tables,
            rewrite_headers,
            tables_and_edges,
        )

        start = len(self.pages)
        source = pikepdf.open(io.BytesIO(part.pdf))
        # The part's tables are finished here, part by part while the workers lay out the
        # rest, not over the whole paper at the end (where they were most of a long
        # tracker's last seconds, one CPU idle); tables that run on into the next part
        # are joined across the break in finish().
        add_header_scopes(source)
        groups, edges = tables_and_edges(source)
        rewrite_headers(source, join_tables(source, groups))
        before = set(self._grafted)
        if self.pdf is None:
            self.pdf = source
            self._grafted.update(_document_as_part(source))
            self._ledger = Ledger(source)
        else:
            with source:
                for _ in source.pages:
                    self.pdf.add_blank_page()  # stand-ins, replaced by the part's pages
                replace_with_tagged_pages(self.pdf, start, source, self._grafted,
                                          placeholders=True, ledger=self._ledger)
        self._parts.append(([self.pdf.get_object(key) for key in self._grafted
                             if key not in before], edges))
        for anchor, index in anchor_pages(part.pages, start).items():
            self.first_pages.setdefault(anchor, index)
        self.pages.extend(part.pages)

    def finish(self, frames: list[Future[LaidOut]]):
        """The joined PDF (open; the caller saves it; its table headers have their
        scopes), each anchor's page index, and a function that draws the frame's
        running header and footer over every page once its ``frames`` are laid out.

        The frame is drawn last: the caller finishes the structure tree while the
        workers lay the frame out (the two touch different parts of the file).
        """
        if self.pdf is None:
            raise CannotSplit("the paper has no parts")
        from reportgen.pdf.tables import join_continued_tables  # see add()

        self._ledger.write(self.pdf)
        join_continued_tables(self.pdf, self._parts)
        _outline(self.pdf, self.pages)
        return self.pdf, self.first_pages, lambda pdf: self._draw_frames(
            pdf, [frame.result() for frame in frames])

    def _draw_frames(self, pdf, frames: list[LaidOut]) -> None:
        import pikepdf  # see add(): imported when parts are joined

        from reportgen.pdf.graft import draw_over

        frame_pages = [page for frame in frames for page in frame.pages]
        if len(frame_pages) != len(self.pages) or any(
                abs(a.size[0] - b.size[0]) > 0.5 or abs(a.size[1] - b.size[1]) > 0.5
                for a, b in zip(frame_pages, self.pages, strict=True)):
            raise CannotSplit("the frame's pages do not match the parts' pages")
        index = 0
        for frame in frames:
            with pikepdf.open(io.BytesIO(frame.pdf)) as source:
                for page in source.pages:
                    draw_over(pdf, index, page)
                    index += 1


def _document_as_part(pdf) -> dict:
    """Make the structure's top a /Part inside a new /Document, as every later part's
    will be; what to tell replace_with_tagged_pages it need not walk again."""
    import pikepdf  # see _Joiner.add: imported when parts are joined

    from reportgen.pdf.structure import walk_elements

    root = pdf.Root.StructTreeRoot
    kids = root.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
    elements = [kid for kid in kids if isinstance(kid, pikepdf.Dictionary)]
    if len(elements) == 1 and elements[0].get("/S") == pikepdf.Name.Document:
        part = elements[0]
        part.S = pikepdf.Name.Part
    else:
        part = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem,
                                                    S=pikepdf.Name.Part, K=pikepdf.Array(kids)))
        for kid in elements:
            kid.P = part
    document = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root, K=pikepdf.Array([part])))
    part.P = document
    root.K = pikepdf.Array([document])
    ids = {bytes(element.ID): element for element, _ in walk_elements(part)
           if isinstance(element.get("/ID"), pikepdf.String)}
    return {part.objgen: ({page.objgen for page in pdf.pages}, ids)}


def _outline(pdf, pages: list[PageFacts]) -> None:
    """Bookmarks from every page's headings, nested by level as WeasyPrint nests them."""
    import pikepdf

    with pdf.open_outline() as outline:
        outline.root.clear()
        stack: list[tuple[int, pikepdf.OutlineItem | None]] = [(0, None)]
        for index, page in enumerate(pages):
            height = page.size[1]
            for level, label, x, y in page.bookmarks:
                item = pikepdf.OutlineItem(label)
                item.destination = pikepdf.Array([pdf.pages[index].obj, pikepdf.Name.XYZ,
                                                  x * PX, (height - y) * PX, 0])
                while stack[-1][0] >= level:
                    stack.pop()
                parent = stack[-1][1]
                (outline.root if parent is None else parent.children).append(item)
                stack.append((level, item))


# -- the whole ---------------------------------------------------------------------------


def numbered_from(html: str, first: int) -> str:
    """A document's HTML with its pages numbered from ``first`` (a part of a paper, a
    piece of a frame)."""
    return html.replace("</head>", f"<style>@page :first {{ counter-reset: page {first} }}"
                                   "</style></head>", 1)


def _estimate_first_page(split: SplitPaper, linked: int, laid_out: dict[int, LaidOut]) -> int:
    """A guess at the first page number of part ``linked``: the pages of the parts before
    it, each one not yet laid out estimated from the laid-out part nearest in length
    (a long tracker's chunks are much alike)."""
    head = split.parts[0].find("<body")
    body = [max(1, len(part) - head) for part in split.parts]

    def pages(index: int) -> int:
        if index in laid_out:
            return len(laid_out[index].pages)
        if not laid_out:
            return 1
        like = min(laid_out, key=lambda done: abs(body[done] - body[index]))
        return max(1, round(body[index] * len(laid_out[like].pages) / body[like]))

    return 1 + sum(pages(index) for index in range(linked))


def lay_out_in_parts(split: SplitPaper, *, pool: LayoutPool, roots: list[Path], epoch: str,
                     debug: bool = False,
                     on_part: Callable[[int, int], None] | None = None):
    """Lay out ``split``'s parts in ``pool``'s processes, then the frame; join them.

    Returns an open pikepdf.Pdf (the caller finishes and saves it), each anchor's page
    index, and the function that draws the frame over the pages (it waits for the
    frame's layout; see :meth:`_Joiner.finish`). The parts are laid out in order, and
    grafted in order as they come.

    A part with links in it may quote page numbers ("Page 19"), so it is laid out
    knowing its first page number, which depends on the parts before it. Once the last
    of those are being laid out, the first such part is queued with its first page
    estimated (a long tracker's chunks are alike, so the estimate is usually right):
    the process that would wait idle for the others spends the time on it. If the
    estimate proves wrong, the part is laid out again. ``on_part(done, count)`` is told
    as each part is joined, and once before (``done`` 0): a build's progress.
    """
    from concurrent.futures import FIRST_COMPLETED, wait

    names = tuple(str(root) for root in roots)
    count = len(split.parts)
    futures = {i: pool.submit(Job(split.parts[i], names, epoch, debug))
               for i in range(count) if not split.linked[i]}
    first_linked = next((i for i in range(count) if split.linked[i]), None)
    guess: tuple[int, Future[LaidOut]] | None = None
    joiner = _Joiner()
    if on_part is not None:
        on_part(0, count)
    try:
        for i in range(count):
            if split.linked[i]:
                first = 1 + len(joiner.pages)
                if guess is not None and i == first_linked and guess[0] == first:
                    futures[i] = guess[1]
                else:
                    futures[i] = pool.submit(Job(numbered_from(split.parts[i], first), names,
                                                 epoch, debug))
            while (guess is None and first_linked is not None and i < first_linked
                   and not futures[i].done()):
                running = [f for k, f in futures.items() if k < first_linked and not f.done()]
                if len(running) > pool.jobs:
                    wait(running, return_when=FIRST_COMPLETED)
                    continue
                laid_out = {k: f.result() for k, f in futures.items()
                            if k < first_linked and f.done()}
                start = _estimate_first_page(split, first_linked, laid_out)
                guess = (start, pool.submit(Job(numbered_from(split.parts[first_linked], start),
                                                names, epoch, debug)))
            joiner.add(futures[i].result())
            if on_part is not None:
                on_part(i + 1, count)
        facts = joiner.pages
        # The frame is drawn as an artifact: laid out untagged, a third faster.
        pieces = [pool.submit(Job(frame_html(split, facts[low:high], low + 1, len(facts)),
                                  names, epoch, debug, options=()))
                  for low, high in _frame_pieces(len(facts))]
        return joiner.finish(pieces)
    except BaseException:
        if joiner.pdf is not None:
            joiner.pdf.close()
        raise
    finally:
        for future in [*futures.values(), *([guess[1]] if guess else [])]:
            future.cancel()
