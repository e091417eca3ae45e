"""Meeting packs: an agenda's papers in one PDF with continuous page numbers.

The stages:

1. read and check the agenda, every workbook paper and every PDF paper, reporting
   all problems before anything is rendered (:mod:`~reportgen.pack.agenda`,
   :mod:`~reportgen.pack.papers`);
2. lay out the workbook papers (in parallel worker processes, reusing unchanged ones
   from a content-hash cache), leaving their margins empty;
3. lay out the pack's *frame* with WeasyPrint: cover, agenda (with each item's page
   number), and one stamped page ("Item 7.2 · Governing Body · 14 November 2018",
   "Page 23 of 184") for every page of every paper (:mod:`~reportgen.pack.frame`);
4. with pikepdf, put each paper's tagged pages in place of its frame pages (the stamp
   drawn over them as an artifact) and draw other authors' PDFs into theirs;
5. bookmarks: one per item, the paper's own nested below (:mod:`~reportgen.pack.assemble`);
   write atomically.
"""

from __future__ import annotations

import json
import os
import time
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

from reportgen.errors import InputError
from reportgen.manifest import make_manifest
from reportgen.pack.agenda import Agenda, Item, load_agenda
from reportgen.pack.assemble import assemble
from reportgen.pack.cache import CACHE_FOLDER, pack_inputs, pack_key, templates_digest
from reportgen.pack.frame import Frame, lay_out_frame
from reportgen.pack.options import PackOptions, Progress
from reportgen.pack.papers import Workers, check_papers, included, prepare_papers
from reportgen.render.environment import template_dirs
from reportgen.safeio import atomic_write, slugify


@dataclass
class PackResult:
    pdf: Path
    pages: int
    items: list[tuple[str, int]] = field(default_factory=list)  # (item number, first page)
    rendered: int = 0
    reused: int = 0
    unchanged: bool = False  # nothing changed: the last build was reused whole


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
        workers = Workers(jobs, stack)  # also for 1 job: the same bytes either way
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


def write_pack_manifest(agenda: Agenda, items: list[Item], inputs: dict[str, list[Path]],
                        options: PackOptions, target: Path, data: bytes) -> None:
    manifest = make_manifest(pack_inputs(agenda, items, inputs),
                             template_dirs(options.templates), {target: data})
    atomic_write(target.with_suffix(".manifest.json"), manifest)
