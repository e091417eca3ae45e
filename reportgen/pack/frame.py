"""A pack's frame: cover, agenda (with each item's page) and a stamped page for every page.

The frame is laid out by WeasyPrint from ``pack.html``; the papers' pages are then put
in place of its stamped pages (:mod:`reportgen.pack.assemble`). It depends on nothing
but its HTML, the templates and the meeting date, so it is cached by those.
"""

from __future__ import annotations

import base64
import hashlib
import io
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

import pikepdf
from markupsafe import Markup
from pikepdf import Array, Name

from reportgen import __version__
from reportgen.errors import RenderError
from reportgen.pack.agenda import Agenda, Item
from reportgen.pack.cache import KEY_SCHEME
from reportgen.pack.options import PackOptions, Paper, Progress
from reportgen.pack.papers import Workers
from reportgen.pack.store import Entry, read_entry, write_entry
from reportgen.pdf.layout import lay_out_html, source_date_epoch
from reportgen.pdf.pool import Job, LayoutPool
from reportgen.pdf.split import numbered_from
from reportgen.pdf.structure import walk_elements
from reportgen.render.environment import make_environment, template_dirs
from reportgen.render.theme import load_theme, logo_data_uri
from reportgen.safeio import slugify

PURPOSE_WORDS = {"note": "To note", "discuss": "To discuss", "approve": "To approve",
                 "assurance": "For assurance"}

#: A long frame's stamped pages are laid out in runs of this many, in parallel.
FRAME_PIECE_PAGES = 60


@dataclass(frozen=True)
class FrameEntry:
    item: Item
    stamp: str
    landscape: bool = False
    divider: bool = False
    first: bool = False  # the first numbered page
    anchor: str | None = None
    heading: str = ""  # on another author's first page: the item's heading, tagged


@dataclass(frozen=True)
class AgendaRow:
    item: Item
    placeholder: bool = False
    anchor: str | None = None
    anchor_label: str = ""
    note: str = ""


def _watermark() -> str:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="595" height="842" '
           'viewBox="0 0 595 842"><text x="297" y="470" text-anchor="middle" '
           'font-family="Arial, Liberation Sans, sans-serif" font-size="150" '
           'font-weight="bold" fill="#768692" fill-opacity="0.18" '
           'transform="rotate(-45 297 421)">DRAFT</text></svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def frame_html(agenda: Agenda, papers: list[Paper], options: PackOptions, *,
               first_number: int, total: int | None, piece: str | tuple[int, int] = "whole",
               labels: dict[str, str] | None = None) -> tuple[str, list[FrameEntry]]:
    """The frame document, and its entries in page order (after the front matter).

    ``piece``: the "whole" frame; its "front" (cover and agenda; ``labels`` give the
    page each item starts on, and its anchor is an empty stand-in); or a (start, stop)
    run of its stamped pages (the caller numbers them).
    """
    by_number = {paper.item.number: paper for paper in papers}
    entries: list[FrameEntry] = []
    rows: list[AgendaRow] = []
    for item in agenda.items:
        if options.part == "public" and item.private:
            rows.append(AgendaRow(item, placeholder=True))
            continue
        paper = by_number.get(item.number)
        anchor = f"item-{slugify(item.number, 'x')}"
        if paper is None:
            note = "Verbal" if item.kind == "verbal" else (
                "Supplement" if item.late and not options.supplement else "Main pack")
            rows.append(AgendaRow(item, note=note))
            continue
        rows.append(AgendaRow(item, anchor=anchor))
        stamp = f"Item {item.number} · {agenda.meeting} · {agenda.date.day} " \
                f"{agenda.date:%B %Y}"
        if agenda.dividers:
            entries.append(FrameEntry(item, stamp, divider=True, anchor=anchor))
            anchor = None
        # Another author's pages are figures: the item's title is their heading, so a
        # screen reader's list of headings is the agenda (a divider has one already).
        heading = "" if paper.tagged or agenda.dividers else f"Item {item.number}: {item.title}"
        for landscape in paper.landscape:
            entries.append(FrameEntry(item, stamp, landscape=landscape, anchor=anchor,
                                      heading=heading))
            anchor = None
            heading = ""
    if options.supplement:
        rows = [row for row in rows if row.item.late]
    if labels:
        rows = [replace(row, anchor_label=labels[row.anchor]) if row.anchor in labels else row
                for row in rows]
    if entries and (agenda.front_matter == "unnumbered" or options.supplement):
        # Numbering starts here (the cover and agenda are not numbered).
        entries[0] = replace(entries[0], first=True)
    edition = "Supplementary papers (late items)" if options.supplement else "Meeting papers"
    edition += " — private session" if options.part == "private" else " — public"
    marking = "Not for publication" if options.part == "private" else ""
    if options.draft:
        marking = ("DRAFT · " + marking) if marking else "DRAFT"
    env = make_environment(options.templates)
    # CSS, not text: the number is computed here, so it is safe to mark as such.
    of_total = Markup(f'" of {int(total)}"' if total is not None else '" of " counter(pages)')
    shown = (entries if piece == "whole" else [] if piece == "front"
             else entries[piece[0]:piece[1]])
    theme = load_theme(options.templates)
    html = env.get_template("pack.html").render(
        agenda=agenda, rows=rows, entries=shown, purposes=PURPOSE_WORDS,
        front=piece in ("whole", "front"), stubs=piece == "front",
        theme=theme, logo_src=logo_data_uri(theme, options.templates),
        part=options.part, edition=edition,
        title=f"{agenda.meeting}, {agenda.date.day} {agenda.date:%B %Y}: {edition}",
        marking=marking, watermark=_watermark() if options.draft else None,
        numbered_front=agenda.front_matter == "numbered" and not options.supplement,
        first_number=first_number, of_total=of_total,
    )
    return html, entries


def render_frame(html: str, templates: Path | None, day):
    """The frame laid out: WeasyPrint's document and the PDF bytes."""
    return lay_out_html(html, template_dirs(templates), source_date_epoch(day),
                        {"pdf_variant": "pdf/ua-1"})


@dataclass(frozen=True)
class Frame:
    """What a pack's frame is made from (see :func:`frame_html`)."""

    agenda: Agenda
    papers: list[Paper]
    options: PackOptions
    first_number: int
    total: int | None

    def html(self, **piece) -> tuple[str, list[FrameEntry]]:
        return frame_html(self.agenda, self.papers, self.options,
                          first_number=self.first_number, total=self.total, **piece)


def lay_out_frame(frame: Frame, cache_dir: Path | None, templates_key: bytes,
                  say: Progress | None = None,
                  workers: Workers | None = None) -> tuple[int, bytes, list[FrameEntry]]:
    """The frame's page count, PDF and entries (``say`` tells which way it is made).

    The frame depends on nothing but its HTML (which holds every page's stamp and
    number), the template files and the meeting date, so a pack rebuilt after a paper
    changed without changing its page count reuses it. Laying it out costs about 9 ms
    a page: with ``workers``, a long one is laid out in pieces (see
    :func:`lay_out_frame_in_pieces`).
    """
    html, entries = frame.html()
    templates = frame.options.templates
    own_frame = templates is not None and any(
        (templates / name).is_file() for name in ("pack.html", "pack.css"))
    in_pieces = (workers is not None and not frame.agenda.dividers and not own_frame
                 and len(entries) >= 2 * FRAME_PIECE_PAGES)
    key = None
    if cache_dir is not None:
        day = frame.agenda.date
        digest = hashlib.sha256(
            f"reportgen {__version__} {KEY_SCHEME} pack-frame {day} {in_pieces}".encode())
        digest.update(templates_key)
        digest.update(html.encode())
        key = digest.hexdigest()
        entry = read_entry(cache_dir, "frame", key)
        if isinstance(entry, Entry) and len(entry.shapes) > len(entries):
            if say is not None:
                say("Pack", "cover, agenda and stamps reused from cache")
            return len(entry.shapes), entry.data, entries
        if entry is not None and say is not None:
            reason = entry if isinstance(entry, str) else "did not match its record"
            say.note("Pack", f"cached frame (cover, agenda and stamps) {reason}; "
                     "laid out again")
    if say is not None:
        say("Pack", "laying out cover, agenda and stamps")
    if in_pieces:
        pages, data = lay_out_frame_in_pieces(frame, entries, workers.pool())
    else:
        document, data = render_frame(html, templates, frame.agenda.date)
        pages = len(document.pages)
    if key is not None:
        failed = write_entry(cache_dir, "frame", key, data, pages, part=frame.options.part)
        if failed and say is not None:
            say.note("Pack", f"frame (cover, agenda and stamps) {failed}")
    return pages, data, entries


def lay_out_frame_in_pieces(frame: Frame, entries: list[FrameEntry],
                     pool: LayoutPool) -> tuple[int, bytes]:
    """The frame laid out as its front and runs of stamped pages, in parallel.

    The pieces are separate documents, so the agenda cannot ask WeasyPrint for the page
    each item starts on: the page is worked out here and written in, and each item's
    anchor is an empty stand-in on the front that :func:`_stack_frame` then points at
    the item's first stamped page. With numbered front matter the numbers depend on the
    front's length, so the front is laid out first (again, if it came out another
    length). Only the built-in pack.html and pack.css are known to number the agenda
    this way, so a template folder that has its own lays the frame out in one piece.
    """
    numbered = frame.agenda.front_matter == "numbered" and not frame.options.supplement
    roots = tuple(str(root) for root in template_dirs(frame.options.templates))
    epoch = source_date_epoch(frame.agenda.date)
    front_pages = 2  # a cover and an agenda page, until the front says otherwise
    for _ in range(3):
        first = front_pages + 1 if numbered else frame.first_number
        total = frame.total if frame.total is not None else front_pages + len(entries)
        labels = {entry.anchor: str(first + offset) for offset, entry in enumerate(entries)
                  if entry.anchor}
        piece_frame = replace(frame, total=total)
        html, _ = piece_frame.html(piece="front", labels=labels)
        front = pool.submit(Job(html, roots, epoch))
        if numbered and len(front.result().pages) != front_pages:
            front_pages = len(front.result().pages)
            continue
        runs = [(low, min(low + FRAME_PIECE_PAGES, len(entries)))
                for low in range(0, len(entries), FRAME_PIECE_PAGES)]
        # The stamps are drawn as artifacts: laid out untagged, a third faster.
        stamps = [pool.submit(Job(numbered_from(piece_frame.html(piece=run)[0], first + run[0]),
                                  roots, epoch, options=())) for run in runs]
        laid_out = front.result()
        pieces = [stamp.result() for stamp in stamps]
        if [len(piece.pages) for piece in pieces] != [high - low for low, high in runs]:
            raise RenderError("the pack's stamped pages did not come out one per page")
        anchors = {entry.anchor: offset for offset, entry in enumerate(entries) if entry.anchor}
        return len(laid_out.pages) + len(entries), _stack_frame(laid_out, pieces, anchors)
    raise RenderError("the pack's cover and agenda did not settle on a page count")


def _stack_frame(front, pieces, anchors: dict[str, int]) -> bytes:
    """One PDF: the front, then the stamped pages (wrapped as artifacts), each item's
    anchor pointing at its first stamped page, the front's empty stand-ins dropped."""
    with ExitStack() as stack:
        pdf = stack.enter_context(pikepdf.open(io.BytesIO(front.pdf)))
        count = len(pdf.pages)
        for piece in pieces:  # each stays open until the save, which reads what it copies
            other = stack.enter_context(pikepdf.open(io.BytesIO(piece.pdf)))
            for page in other.pages:
                page.contents_add(b"/Artifact BMC\n", prepend=True)
                page.contents_add(b"\nEMC\n")
                page.contents_coalesce()  # one content stream, as a one-piece frame has
            pdf.pages.extend(other.pages)
        names = pdf.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
        for index in range(0, len(names), 2):
            offset = anchors.get(str(names[index]))
            if offset is not None:
                page = pdf.pages[count + offset]
                names[index + 1] = Array([page.obj, Name.XYZ, 0, float(page.mediabox[3]), 0])
        for element, ancestors in list(walk_elements(pdf.Root.StructTreeRoot)):
            kids = element.get("/K")
            empty = kids is None or (isinstance(kids, pikepdf.Array) and len(kids) == 0)
            if empty and element.get("/S") == Name.Div and ancestors:
                parent = ancestors[-1]
                siblings = parent.get("/K")
                if isinstance(siblings, pikepdf.Array):
                    parent.K = Array([kid for kid in siblings if not (
                        isinstance(kid, pikepdf.Dictionary) and kid.objgen == element.objgen)])
                else:
                    del parent.K
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()
