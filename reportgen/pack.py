"""Meeting packs: an agenda's papers in one PDF with continuous page numbers.

The stages:

1. read and check the agenda, every workbook paper and every PDF paper, reporting
   all problems before anything is rendered;
2. lay out the workbook papers (in parallel worker processes, reusing unchanged ones
   from a content-hash cache), leaving their margins empty;
3. lay out the pack's *frame* with WeasyPrint: cover, agenda (with each item's page
   number), and one stamped page ("Item 7.2 · Governing Body · 14 November 2018",
   "Page 23 of 184") for every page of every paper;
4. with pikepdf, put each paper's tagged pages in place of its frame pages (the stamp
   drawn over them as an artifact) and draw other authors' PDFs into theirs;
5. bookmarks: one per item, the paper's own nested below; write atomically.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import time
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

from markupsafe import Markup

from reportgen import __version__
from reportgen.agenda import Agenda, Item, load_agenda
from reportgen.errors import InputError, Problem, RenderError
from reportgen.pdf import pdf_page_shapes
from reportgen.safeio import atomic_write, slugify
from reportgen.split import LayoutPool
from reportgen.tagging import MM

PURPOSE_WORDS = {"note": "To note", "discuss": "To discuss", "approve": "To approve",
                 "assurance": "For assurance"}
#: Content box of frame pages (top, right, bottom, left, mm): external PDFs go inside.
FRAME_MARGINS = {False: (26.0, 20.0, 22.0, 20.0), True: (24.0, 18.0, 20.0, 18.0)}
CACHE_FOLDER = ".reportgen-cache"
#: A long frame's stamped pages are laid out in runs of this many, in parallel.
FRAME_PIECE_PAGES = 60

class Progress:
    """Told how many steps a build has, then of each one; the CLI draws a bar."""

    def start(self, total: int) -> None:
        pass

    def __call__(self, label: str, step: str) -> None:
        pass


@dataclass(frozen=True)
class PackOptions:
    part: str = "public"  # public | private
    draft: bool = False
    supplement: bool = False
    jobs: int = 0  # 0: one per CPU
    cache: bool = True
    templates: Path | None = None
    manifest: bool = False  # also write <pack>.manifest.json


@dataclass
class Paper:
    """An included item's paper, ready to be framed."""

    item: Item
    pdf: bytes
    landscape: list[bool]  # per page
    tagged: bool  # made by reportgen: keep its pages and tags
    cached: bool = False


@dataclass
class PackResult:
    pdf: Path
    pages: int
    items: list[tuple[str, int]] = field(default_factory=list)  # (item number, first page)
    rendered: int = 0
    reused: int = 0
    unchanged: bool = False  # nothing changed: the last build was reused whole


# -- choosing what goes in --------------------------------------------------------------


def included(agenda: Agenda, options: PackOptions) -> list[Item]:
    """Items whose papers go into this pack (verbal items have none)."""
    chosen = []
    for item in agenda.items:
        if options.part == "public" and item.private:
            continue
        if item.late != options.supplement:
            continue
        chosen.append(item)
    return chosen


# -- step 1: check everything ----------------------------------------------------------


def check_papers(agenda: Agenda, items: list[Item]) -> tuple[list[Problem], dict[str, list[Path]]]:
    """Problems with every paper, found before any rendering, and the files each
    workbook paper is built from (workbook, previous workbook, appended PDFs)."""
    from reportgen.validate import check_workbook

    problems: list[Problem] = []
    inputs: dict[str, list[Path]] = {}
    for item in items:
        where = f"item {item.number}"
        if item.kind == "workbook":
            inputs[item.number] = [p for p in (item.paper, item.previous) if p]
            for path in filter(None, (item.paper, item.previous)):
                report, found = check_workbook(path)
                if report is not None and path == item.paper:
                    inputs[item.number] += [a.file for a in report.appendices if a.file]
                errors = [p for p in found if p.severity == "error"]
                problems += [Problem(f"{where}: {p.message}", file=p.file or path,
                                     sheet=p.sheet, cell=p.cell, hint=p.hint) for p in errors]
        elif item.kind == "pdf":
            shapes = pdf_page_shapes(item.paper)
            if isinstance(shapes, str):
                problems.append(Problem(f"{where}: {shapes}", file=agenda.path,
                                        sheet=where, hint="save an unprotected, readable copy"))
    return problems, inputs


# -- step 2: lay out the workbook papers -------------------------------------------------


def _template_files(templates: Path | None) -> list[Path]:
    from reportgen.render import template_dirs

    return [p for root in template_dirs(templates) for p in sorted(root.rglob("*"))
            if p.is_file()]


def templates_digest(templates: Path | None) -> bytes:
    """One fingerprint of every template file, computed once per build."""
    digest = hashlib.sha256()
    for path in _template_files(templates):
        digest.update(str(path.name).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def cache_key(inputs: list[Path], templates: bytes) -> str:
    """Fingerprint of everything a paper's PDF depends on (``templates``: their digest)."""
    digest = hashlib.sha256(f"reportgen {__version__} pack-paper".encode())
    digest.update(templates)
    for path in inputs:
        digest.update(str(path.name).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _render_workbook(args: tuple[str, str | None, str | None]) -> bytes:
    """Worker: one workbook paper in pack mode (top level, so processes can run it)."""
    from reportgen.build import render_paper_pdf

    workbook, previous, templates = args
    return render_paper_pdf(Path(workbook), previous=Path(previous) if previous else None,
                            templates=Path(templates) if templates else None, pack=True).pdf


class Workers:
    """A pack's worker processes, started when first needed: a pack rebuilt with one
    paper changed and its frame in the cache needs none."""

    def __init__(self, jobs: int, stack: ExitStack) -> None:
        self.jobs = jobs
        self._stack = stack
        self._pool: LayoutPool | None = None

    def pool(self) -> LayoutPool:
        if self._pool is None:
            self._pool = self._stack.enter_context(LayoutPool(self.jobs))
        return self._pool


def prepare_papers(items: list[Item], inputs: dict[str, list[Path]], options: PackOptions,
                   cache_dir: Path | None, progress: Progress,
                   templates: bytes = b"", workers: Workers | None = None) -> list[Paper]:
    papers: dict[str, Paper] = {}
    to_render: list[tuple[Item, str | None]] = []
    for item in items:
        label = f"Item {item.number}"
        if item.kind == "pdf":
            data = item.paper.read_bytes()
            papers[item.number] = Paper(item, data, pdf_page_shapes(data), tagged=False)
            progress(label, "PDF checked")
        elif item.kind == "workbook":
            key = cache_key(inputs[item.number], templates) if cache_dir else None
            cached = cache_dir / f"{key}.pdf" if key else None
            if cached is not None and cached.is_file():
                data = cached.read_bytes()
                papers[item.number] = Paper(item, data, pdf_page_shapes(data), tagged=True,
                                            cached=True)
                progress(label, "reused from cache")
            else:
                to_render.append((item, key))
    args = [(str(item.paper), str(item.previous) if item.previous else None,
             str(options.templates) if options.templates else None) for item, _ in to_render]
    if to_render:
        if workers is not None and len(to_render) > 1:
            results = workers.pool().map(_render_workbook, args)
            rendered = list(_announce(results, to_render, progress))
        else:
            rendered = list(_announce(map(_render_workbook, args), to_render, progress))
        for (item, key), data in zip(to_render, rendered, strict=True):
            papers[item.number] = Paper(item, data, pdf_page_shapes(data), tagged=True)
            if key and cache_dir is not None:
                atomic_write(cache_dir / f"{key}.pdf", data)
    return [papers[item.number] for item in items if item.number in papers]


def _announce(results, to_render, progress: Progress):
    for (item, _), data in zip(to_render, results, strict=True):
        progress(f"Item {item.number}", "rendered")
        yield data


# -- step 3: the frame ---------------------------------------------------------------------


@dataclass(frozen=True)
class FrameEntry:
    item: Item
    stamp: str
    landscape: bool = False
    divider: bool = False
    first: bool = False  # the first numbered page
    anchor: str | None = None


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
    from reportgen.render import load_theme, make_environment

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
        for landscape in paper.landscape:
            entries.append(FrameEntry(item, stamp, landscape=landscape, anchor=anchor))
            anchor = None
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
    html = env.get_template("pack.html").render(
        agenda=agenda, rows=rows, entries=shown, purposes=PURPOSE_WORDS,
        front=piece in ("whole", "front"), stubs=piece == "front",
        theme=load_theme(options.templates), part=options.part, edition=edition,
        title=f"{agenda.meeting}, {agenda.date.day} {agenda.date:%B %Y}: {edition}",
        marking=marking, watermark=_watermark() if options.draft else None,
        numbered_front=agenda.front_matter == "numbered" and not options.supplement,
        first_number=first_number, of_total=of_total,
    )
    return html, entries


def render_frame(html: str, templates: Path | None, day):
    """The frame laid out: WeasyPrint's document and the PDF bytes."""
    from reportgen.pdf import lay_out_html, source_date_epoch
    from reportgen.render import template_dirs

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
    :func:`_frame_in_pieces`).
    """
    html, entries = frame.html()
    templates = frame.options.templates
    own_frame = templates is not None and any(
        (templates / name).is_file() for name in ("pack.html", "pack.css"))
    in_pieces = (workers is not None and not frame.agenda.dividers and not own_frame
                 and len(entries) >= 2 * FRAME_PIECE_PAGES)
    cached = None
    if cache_dir is not None:
        day = frame.agenda.date
        digest = hashlib.sha256(f"reportgen {__version__} pack-frame {day} {in_pieces}".encode())
        digest.update(templates_key)
        digest.update(html.encode())
        cached = cache_dir / f"frame-{digest.hexdigest()}.pdf"
        if cached.is_file():
            data = cached.read_bytes()
            shapes = pdf_page_shapes(data)
            if isinstance(shapes, list):
                if say is not None:
                    say("Pack", "cover, agenda and stamps reused from cache")
                return len(shapes), data, entries
    if say is not None:
        say("Pack", "laying out cover, agenda and stamps")
    if in_pieces:
        pages, data = _frame_in_pieces(frame, entries, workers.pool())
    else:
        document, data = render_frame(html, templates, frame.agenda.date)
        pages = len(document.pages)
    if cached is not None:
        atomic_write(cached, data)
    return pages, data, entries


def _frame_in_pieces(frame: Frame, entries: list[FrameEntry],
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
    from reportgen.pdf import source_date_epoch
    from reportgen.render import template_dirs
    from reportgen.split import Job, numbered_from

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
    import pikepdf
    from pikepdf import Array, Name

    from reportgen.tagging import _elements

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
        for element, ancestors in list(_elements(pdf.Root.StructTreeRoot)):
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


# -- step 4 and 5: assemble -----------------------------------------------------------------


def assemble(frame_pdf: bytes, front_pages: int, entries: list[FrameEntry],
             papers: list[Paper], agenda: Agenda) -> bytes:
    import pikepdf

    from reportgen.pdfmerge import (
        graft_outline,
        page_texts,
        place_external_page,
        replace_with_tagged_pages,
    )
    from reportgen.tagging import add_header_scopes

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
        sources = {}
        memo: dict = {}  # structure elements' pages, shared by all placements
        grafted: dict = {}  # what each paper grafted, not walked again for the next
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
                    target = pdf.pages[start + i]
                    top, right, bottom, left = (v * MM for v in FRAME_MARGINS[landscape])
                    box = [float(v) for v in target.mediabox]
                    rect = pikepdf.Rectangle(box[0] + left, box[1] + bottom,
                                             box[2] - right, box[3] - top)
                    alt = (f"Item {paper.item.number}: {paper.item.title}, page {i + 1} of "
                           f"{len(paper.landscape)}. {texts[i] if i < len(texts) else ''}"
                           ).strip()
                    place_external_page(pdf, start + i, source, i, rect, alt,
                                        f"/RgItem{slugify(number, 'x')}p{i + 1}", page_map,
                                        memo)
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
                graft_outline(pdf, sources[number], starts[number], node)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        for source in sources.values():
            source.close()
    return out.getvalue()


def pack_name(agenda: Agenda, options: PackOptions) -> str:
    parts = [slugify(agenda.meeting), f"{agenda.date:%Y-%m-%d}", options.part]
    if options.supplement:
        parts.append("supplement")
    if options.draft:
        parts.append("draft")
    return "-".join(parts) + ".pdf"


def build_pack(agenda_path: Path, outdir: Path, options: PackOptions,
               progress: Progress | None = None) -> PackResult:
    """Build the pack for ``agenda_path`` into ``outdir``; nothing written on any error."""
    started = time.monotonic()
    say = progress or Progress()
    agenda = load_agenda(agenda_path)
    items = included(agenda, options)
    with_papers = [item for item in items if item.kind != "verbal"]
    main_options = replace(options, supplement=False)  # the pack a supplement follows
    main_items = included(agenda, main_options) if options.supplement else []
    say.start(len(with_papers) + len([i for i in main_items if i.kind != "verbal"]) + 3)
    problems, inputs = check_papers(
        agenda, with_papers + [i for i in main_items if i.kind != "verbal"])
    if problems:
        raise InputError(problems, agenda_path)
    cache_dir = outdir / CACHE_FOLDER if options.cache else None
    target = outdir / pack_name(agenda, options)
    templates = templates_digest(options.templates) if cache_dir else b""
    whole_key = (pack_key(agenda, items + main_items, inputs, options, templates)
                 if cache_dir else None)
    if whole_key is not None and (cache_dir / f"pack-{whole_key}.json").is_file():
        # Nothing the pack depends on has changed since it was last built.
        record = json.loads((cache_dir / f"pack-{whole_key}.json").read_text())
        data = (cache_dir / f"pack-{whole_key}.pdf").read_bytes()
        atomic_write(target, data)
        if options.manifest:
            write_pack_manifest(agenda, items + main_items, inputs, options, target, data)
        say("Pack", "unchanged: reused from cache")
        return PackResult(target, record["pages"], [tuple(i) for i in record["items"]],
                          rendered=0, reused=record["papers"], unchanged=True)
    jobs = options.jobs or os.cpu_count() or 1
    with ExitStack() as stack:
        workers = Workers(jobs, stack) if jobs > 1 else None
        papers = prepare_papers(with_papers, inputs, options, cache_dir, say, templates,
                                workers)
        first_number = 1
        if options.supplement:
            # Continue from the main pack's last page number.
            main_papers = prepare_papers([i for i in main_items if i.kind != "verbal"],
                                         inputs, options, cache_dir, say, templates, workers)
            main_pages, _, main_entries = lay_out_frame(
                Frame(agenda, main_papers, main_options, 1, None), cache_dir, templates,
                workers=workers)
            numbered = main_pages if agenda.front_matter == "numbered" else len(main_entries)
            first_number = numbered + 1
        item_pages = sum(len(p.landscape) + (1 if agenda.dividers else 0) for p in papers)
        total = None
        if options.supplement:
            total = first_number - 1 + item_pages
        elif agenda.front_matter == "unnumbered":
            total = item_pages
        frame_pages, frame_pdf, entries = lay_out_frame(
            Frame(agenda, papers, options, first_number, total), cache_dir, templates, say,
            workers)
    front = frame_pages - len(entries)  # cover and agenda pages
    say("Pack", "assembling")
    data = assemble(frame_pdf, front, entries, papers, agenda)
    atomic_write(target, data)
    if options.manifest:
        write_pack_manifest(agenda, items + main_items, inputs, options, target, data)
    firsts: dict[str, int] = {}
    for offset, entry in enumerate(entries):
        firsts.setdefault(entry.item.number, front + offset + 1)
    if whole_key is not None:
        atomic_write(cache_dir / f"pack-{whole_key}.pdf", data)
        record = {"pages": front + len(entries), "items": list(firsts.items()),
                  "papers": sum(p.tagged for p in papers)}
        atomic_write(cache_dir / f"pack-{whole_key}.json", json.dumps(record).encode())
    say("Pack", f"done in {time.monotonic() - started:.1f} s")
    return PackResult(target, front + len(entries), list(firsts.items()),
                      rendered=sum(not p.cached and p.tagged for p in papers),
                      reused=sum(p.cached for p in papers))


def _pack_inputs(agenda: Agenda, items: list[Item],
                 inputs: dict[str, list[Path]]) -> list[Path]:
    """The agenda and every file its papers are built from, in agenda order."""
    files = [p for item in items for p in inputs.get(item.number, [item.paper]) if p]
    return [agenda.path, *dict.fromkeys(files)]


def write_pack_manifest(agenda: Agenda, items: list[Item], inputs: dict[str, list[Path]],
                        options: PackOptions, target: Path, data: bytes) -> None:
    from reportgen.manifest import make_manifest
    from reportgen.render import template_dirs

    manifest = make_manifest(_pack_inputs(agenda, items, inputs),
                             template_dirs(options.templates), {target: data})
    atomic_write(target.with_suffix(".manifest.json"), manifest)


def pack_key(agenda: Agenda, items: list[Item], inputs: dict[str, list[Path]],
             options: PackOptions, templates: bytes) -> str:
    """Fingerprint of a whole pack: agenda, options, templates and every paper's files."""
    digest = hashlib.sha256(f"reportgen {__version__} pack".encode())
    digest.update(repr((options.part, options.draft, options.supplement)).encode())
    digest.update(templates)
    for path in _pack_inputs(agenda, items, inputs):
        digest.update(str(path).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
