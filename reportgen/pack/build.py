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

import os
import time
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

from reportgen.errors import InputError, Problem, ReportgenError
from reportgen.manifest import make_manifest
from reportgen.pack.agenda import Agenda, Item, read_agenda
from reportgen.pack.assemble import assemble
from reportgen.pack.cache import CACHE_FOLDER, pack_inputs, pack_key, templates_digest
from reportgen.pack.frame import Frame, lay_out_frame
from reportgen.pack.options import PackOptions, Progress
from reportgen.pack.papers import Workers, check_papers, included, prepare_papers
from reportgen.pack.store import AUTO_PRUNE_DAYS, Entry, prune, read_entry, size_text, write_entry
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
    warnings: list[Problem] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)  # papers outside the agenda's folder


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
    agenda, problems = read_agenda(agenda_path)
    if agenda is None:
        raise InputError(problems, agenda_path)
    items = included(agenda, options)
    with_papers = [item for item in items if item.kind != "verbal"]
    main_options = replace(options, supplement=False)  # the pack a supplement follows
    main_items = included(agenda, main_options) if options.supplement else []
    say.start(len(with_papers) + len([i for i in main_items if i.kind != "verbal"]) + 3)
    # The agenda's problems and every paper's, in one list, before anything is laid out.
    found, inputs = check_papers(
        agenda, with_papers + [i for i in main_items if i.kind != "verbal"])
    problems += found
    warnings = [p for p in problems if p.severity == "warning"]
    if any(p.severity == "error" for p in problems):
        raise InputError(problems, agenda_path)
    if warnings and options.strict:
        raise InputError([replace(p, severity="error", hint=(f"{p.hint}; " if p.hint else "")
                                  + "a warning, which --strict treats as an error")
                          for p in warnings], agenda_path)
    outside = outside_folder(agenda, with_papers)
    cache_dir = outdir / CACHE_FOLDER if options.cache else None
    target = outdir / pack_name(agenda, options)
    templates = templates_digest(options.templates) if cache_dir else b""
    whole_key = (pack_key(agenda, items + main_items, inputs, options, templates)
                 if cache_dir else None)
    whole = read_entry(cache_dir, "pack", whole_key) if whole_key is not None else None
    cached_firsts = _pack_record(whole) if isinstance(whole, Entry) else None
    if isinstance(whole, Entry) and cached_firsts is not None:
        # Nothing the pack depends on has changed since it was last built; its page
        # count is the cached PDF's own, checked against its record.
        atomic_write(target, whole.data)
        if options.manifest:
            write_pack_manifest(agenda, items + main_items, inputs, options, target,
                                whole.data)
        say("Pack", "unchanged: reused from cache")
        _prune_quietly(cache_dir, say)
        return PackResult(target, len(whole.shapes), cached_firsts, rendered=0,
                          reused=whole.record["papers"], unchanged=True,
                          warnings=warnings, outside=outside)
    if whole is not None:
        reason = whole if isinstance(whole, str) else "had a damaged record"
        say.note("Pack", f"cached pack {reason}; built again")
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
    data = assemble(frame_pdf, front, entries, papers, agenda, first_number)
    atomic_write(target, data)
    if options.manifest:
        write_pack_manifest(agenda, items + main_items, inputs, options, target, data)
    firsts: dict[str, int] = {}
    for offset, entry in enumerate(entries):
        firsts.setdefault(entry.item.number, front + offset + 1)
    if whole_key is not None:
        failed = write_entry(cache_dir, "pack", whole_key, data, front + len(entries),
                             items=list(firsts.items()),
                             papers=sum(p.tagged for p in papers), part=options.part)
        if failed:
            say.note("Pack", f"pack {failed}")
        _prune_quietly(cache_dir, say)
    say("Pack", f"done in {time.monotonic() - started:.1f} s")
    return PackResult(target, front + len(entries), list(firsts.items()),
                      rendered=sum(not p.cached and p.tagged for p in papers),
                      reused=sum(p.cached for p in papers), warnings=warnings,
                      outside=outside)


def outside_folder(agenda: Agenda, items: list[Item]) -> list[str]:
    """Papers (and previous workbooks) from outside the agenda's folder, as the agenda
    reaches them ("../x.pdf"): allowed, since shared drives are real, but named."""
    folder = agenda.path.parent.resolve()
    found = []
    for item in items:
        for path, note in ((item.paper, ""), (item.previous, " (previous)")):
            if path is not None and not path.resolve().is_relative_to(folder):
                found.append(os.path.relpath(path, folder) + note)
    return found


def _pack_record(entry: Entry) -> list[tuple[str, int]] | None:
    """The first page of each item, from a cached pack's record; ``None`` unless the
    record's own fields are whole and fit the PDF."""
    items, papers = entry.record.get("items"), entry.record.get("papers")
    if not isinstance(items, list) or not isinstance(papers, int) or \
            isinstance(papers, bool):
        return None
    firsts = []
    for pair in items:
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)
                and isinstance(pair[1], int) and 1 <= pair[1] <= len(entry.shapes)):
            return None
        firsts.append((pair[0], pair[1]))
    return firsts


def _prune_quietly(cache_dir: Path, say: Progress) -> None:
    """Remove entries no build has used for :data:`AUTO_PRUNE_DAYS` days; a cache that
    cannot be pruned does not stop the pack."""
    try:
        pruned = prune(cache_dir, AUTO_PRUNE_DAYS)
    except (OSError, ReportgenError) as exc:
        say.note("Cache", f"could not remove old entries: {exc}")
        return
    if pruned.removed:
        count = len(pruned.removed)
        say.note("Cache", f"removed {count} file{'s' if count != 1 else ''} unused for "
                 f"{AUTO_PRUNE_DAYS} days ({size_text(pruned.freed)})")


def write_pack_manifest(agenda: Agenda, items: list[Item], inputs: dict[str, list[Path]],
                        options: PackOptions, target: Path, data: bytes) -> None:
    manifest = make_manifest(pack_inputs(agenda, items, inputs),
                             template_dirs(options.templates), {target: data})
    atomic_write(target.with_suffix(".manifest.json"), manifest)
