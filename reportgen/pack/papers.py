"""The papers that go into a pack: chosen, checked and laid out (or taken from the cache)."""

from __future__ import annotations

import re
from contextlib import ExitStack
from pathlib import Path

from reportgen.errors import Problem, RenderError
from reportgen.pack.agenda import Agenda, Item
from reportgen.pack.cache import cache_key
from reportgen.pack.options import PackOptions, Paper, Progress
from reportgen.pack.store import Entry, read_entry, write_entry
from reportgen.pdf.pages import pdf_page_shapes
from reportgen.pdf.pool import LayoutPool
from reportgen.workbook.model import Paper as PaperFields
from reportgen.workbook.validate import check_workbook


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


def check_papers(agenda: Agenda, items: list[Item]) -> tuple[list[Problem], dict[str, list[Path]]]:
    """Problems (errors and warnings) with every paper, found before any rendering, and
    the files each workbook paper is built from (workbook, previous workbook, appended
    PDFs). Every paper is checked, whatever is wrong with the others."""
    problems: list[Problem] = []
    inputs: dict[str, list[Path]] = {}
    for item in items:
        where = item.place or f"item {item.number}"
        if item.kind == "workbook":
            inputs[item.number] = [p for p in (item.paper, item.previous) if p]
            for path in filter(None, (item.paper, item.previous)):
                report, found = check_workbook(path)
                if report is not None and path == item.paper:
                    inputs[item.number] += [a.file for a in report.appendices if a.file]
                    problems += cover_mismatches(agenda, item, report.paper)
                problems += [Problem(f"item {item.number}: {p.message}", file=p.file or path,
                                     sheet=p.sheet, cell=p.cell, hint=p.hint,
                                     severity=p.severity) for p in found]
        elif item.kind == "pdf":
            shapes = pdf_page_shapes(item.paper)
            if isinstance(shapes, str):
                problems.append(Problem(str(shapes), file=agenda.path, sheet=where,
                                        hint=getattr(shapes, "hint", None)))
    return problems, inputs


def _words(text: str) -> list[str]:
    """Letters and digits, leading zeros dropped: "GB 18/09" -> ["gb", "18", "9"]."""
    return [w.lstrip("0") or "0" for w in re.findall(r"[a-z0-9]+", text.casefold())]


def _names_the_same(theirs: str, ours: str) -> bool:
    """A title or meeting that is the other's words, shortened or added to ("Quality
    Report, Quarter 2" and "Quality Report: Quarter 2 2018/19") names the same thing."""
    a, b = set(_words(theirs)), set(_words(ours))
    return a <= b or b <= a


def cover_mismatches(agenda: Agenda, item: Item, paper: PaperFields) -> list[Problem]:
    """Warnings for a workbook paper whose own cover sheet names another meeting, date,
    title or agenda item than the agenda does: most likely the wrong file."""
    found = []
    where = item.place or f"item {item.number}"

    def warn(label: str, theirs: str, ours: str) -> None:
        found.append(Problem(
            f"{item.paper.name} gives {label} '{theirs}' on its Paper sheet, the agenda "
            f"'{ours}'", file=agenda.path, sheet=where,
            hint="check it is the right paper, or correct one of them", severity="warning"))

    if not _names_the_same(paper.meeting, agenda.meeting):
        warn("Meeting", paper.meeting, agenda.meeting)
    if paper.meeting_date != agenda.date:
        warn("Meeting date", f"{paper.meeting_date:%d/%m/%Y}", f"{agenda.date:%d/%m/%Y}")
    if not _names_the_same(paper.title, item.title):
        warn("Title", paper.title, item.title)
    theirs, ours = _words(paper.agenda_item), _words(item.number)
    if theirs and ours and theirs[-len(ours):] != ours:
        warn("Agenda item", paper.agenda_item, item.number)
    return found


def _render_workbook(args: tuple[str, str | None, str | None]) -> bytes:
    """Worker: one workbook paper in pack mode (top level, so processes can run it)."""
    # The paper pipeline (pandas and the charts, most of a second to import) is loaded
    # only where a paper is laid out: a pack whose papers are all cached never needs it.
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
            entry = read_entry(cache_dir, "paper", key) if cache_dir and key else None
            if isinstance(entry, Entry):
                papers[item.number] = Paper(item, entry.data, entry.shapes, tagged=True,
                                            cached=True)
                progress(label, "reused from cache")
            else:
                if entry is not None:  # an entry was there, but could not be trusted
                    progress.note(label, f"cached paper {entry}; laid out again")
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
            shapes = pdf_page_shapes(data)
            if isinstance(shapes, str):
                raise RenderError(f"item {item.number}: its paper came out as {shapes}")
            papers[item.number] = Paper(item, data, shapes, tagged=True)
            if key and cache_dir is not None:
                failed = write_entry(cache_dir, "paper", key, data, len(shapes),
                                     item=item.number, title=item.title)
                if failed:
                    progress.note(f"Item {item.number}", f"paper {failed}")
    return [papers[item.number] for item in items if item.number in papers]


def _announce(results, to_render, progress: Progress):
    for (item, _), data in zip(to_render, results, strict=True):
        progress(f"Item {item.number}", "rendered")
        yield data
