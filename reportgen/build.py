"""Run the pipeline for one paper: workbook -> model -> analysis -> HTML -> PDF."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from reportgen.analysis.appended import AppendedDocument
from reportgen.analysis.figures import analyse
from reportgen.errors import InputError, Problem
from reportgen.manifest import make_manifest
from reportgen.pdf.pages import inspect_appendix
from reportgen.pdf.pool import LayoutPool
from reportgen.pdf.write import APPENDED_MARGINS_MM, Embedded, write_pdf
from reportgen.render.environment import template_dirs
from reportgen.render.paper import render_paper
from reportgen.safeio import atomic_write_all, slugify
from reportgen.workbook.model import Report
from reportgen.workbook.validate import check_workbook, load_report


@dataclass(frozen=True)
class BuildResult:
    pdf: Path
    html: Path | None
    pages: int
    warnings: list[Problem]
    manifest: Path | None = None


def appended_documents(report: Report) -> list[AppendedDocument]:
    """Inspect every appended PDF first, so all bad files are reported together."""
    documents: list[AppendedDocument] = []
    problems: list[Problem] = []
    for index, appendix in enumerate(report.appendices, start=1):
        if appendix.file is None:
            continue
        result = inspect_appendix(appendix.file, appendix.number, appendix.title,
                                  f"appendix-{index}", appendix.cell)
        if isinstance(result, Problem):
            problems.append(result)
        else:
            documents.append(result)
    if problems:
        raise InputError(problems, report.source)
    return documents


@dataclass(frozen=True)
class RenderedPaper:
    """A paper laid out and finished, not yet written anywhere."""

    report: Report
    pdf: bytes
    html: str  # the HTML given to WeasyPrint
    twin: str | None  # the HTML twin, if asked for
    inputs: list[Path]  # every file it was built from
    roots: list[Path]  # template folders
    warnings: list[Problem]


def _quiet(_step: str) -> None:
    pass


def render_paper_pdf(workbook: Path, *, templates: Path | None = None,
                     previous: Path | None = None, html: bool = False, pdfa: bool = False,
                     pack: bool = False, debug: bool = False, jobs: int = 1,
                     steps: Callable[[str], None] = _quiet,
                     pool: LayoutPool | None = None) -> RenderedPaper:
    """Read, validate, analyse and lay out one paper (see :func:`build_paper`).

    ``pack`` leaves the running header and footer out: a meeting pack stamps its own
    continuous ones over every page. Except in a pack (which runs its papers in
    parallel) and for PDF/A, the layout happens in ``jobs`` worker processes, started
    first so they are ready when the HTML is — one worker for ``jobs=1``, so that the
    paper is laid out the same way, and comes out the same bytes, whatever ``jobs`` is.
    ``steps`` is told of each stage as it ends (the CLI's --verbose). A ``pool`` given
    by the caller (``reportgen preview``'s warm one) is used instead of a new one.
    """
    with ExitStack() as stack:
        if pack or pdfa:
            pool = None
        elif pool is None:
            pool = stack.enter_context(LayoutPool(max(1, jobs)))
        report, problems = check_workbook(workbook)
        if report is None:
            raise InputError(problems, workbook)
        steps("workbook read and checked")
        earlier = load_report(previous) if previous is not None else None
        analysis = analyse(report, earlier)
        appended = appended_documents(report)
        steps("figures and charts worked out")
        document = render_paper(report, analysis, user_dir=templates, appended=appended,
                                appended_margins_mm=APPENDED_MARGINS_MM, pack=pack)
        twin = render_paper(report, analysis, user_dir=templates, web=True) if html else None
        steps("HTML rendered")
        roots = template_dirs(templates)
        embed = Embedded(workbook, "The workbook this paper was built from") if pdfa else None
        pdf_bytes = write_pdf(document, roots=roots, appended=appended,
                              created=report.paper.report_date or report.paper.meeting_date,
                              embed=embed, debug=debug, pool=pool)
        steps("PDF laid out and finished")
    inputs = [workbook, *([previous] if previous else []),
              *(d.file for d in appended if d.file)]
    return RenderedPaper(report, pdf_bytes, document, twin, inputs, roots, problems)


def build_paper(workbook: Path, outdir: Path, *, templates: Path | None = None,
                previous: Path | None = None, html: bool = False, pdfa: bool = False,
                manifest: bool = False, debug: bool = False, jobs: int = 1,
                steps: Callable[[str], None] = _quiet) -> BuildResult:
    """Build ``workbook`` into ``outdir/<slug>.pdf``; nothing is written on any error.

    ``previous`` is the workbook of the last paper, for "changes since" reporting;
    ``html`` adds the HTML twin (``<slug>.html``), ``pdfa`` makes the PDF a PDF/A-3a
    file carrying the workbook, ``manifest`` writes ``<slug>.manifest.json`` with the
    SHA-256 of every input, template and output. ``jobs`` processes lay out a long
    paper in parts (see :mod:`reportgen.pdf.split`).
    """
    paper = render_paper_pdf(workbook, templates=templates, previous=previous, html=html,
                             pdfa=pdfa, debug=debug, jobs=jobs, steps=steps)
    stem = slugify(paper.report.paper.title)
    outputs = {outdir / f"{stem}.pdf": paper.pdf}
    if paper.twin is not None:
        outputs[outdir / f"{stem}.html"] = paper.twin.encode("utf-8")
    if manifest:
        outputs[outdir / f"{stem}.manifest.json"] = make_manifest(paper.inputs, paper.roots,
                                                                  outputs)
    clash = _title_clash(outdir / f"{stem}.pdf", paper.report)
    atomic_write_all(outputs)  # the PDF, its twin and manifest together, or none
    steps("written")
    paths = list(outputs)
    return BuildResult(pdf=paths[0], html=paths[1] if paper.twin is not None else None,
                       pages=_count_pages(paper.pdf), warnings=[*paper.warnings, *clash],
                       manifest=paths[-1] if manifest else None)


def _title_clash(target: Path, report: Report) -> list[Problem]:
    """A warning when ``target`` holds a paper with a different title: two titles
    that reduce to the same file name ("???" and "!!!") must not replace each other
    in silence."""
    if not target.is_file():
        return []
    import pikepdf  # here, not at the top: only needed when a file is replaced

    try:
        with pikepdf.open(target) as old:
            title = str(old.docinfo.get("/Title", "")) or None
    except (pikepdf.PdfError, OSError, ValueError):
        title = None
    new = report.paper.title
    if title is None or " ".join(title.split()) == " ".join(str(new).split()):
        return []
    return [Problem(f"{target.name} held the paper '{title}'; it is replaced by "
                    f"'{new}', whose title gives the same file name",
                    file=report.source, sheet="Paper",
                    hint="give the papers titles that differ in their letters or digits",
                    severity="warning")]


def _count_pages(pdf_bytes: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return len(pdf.pages)
