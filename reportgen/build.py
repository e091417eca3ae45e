"""Run the pipeline for one paper: workbook -> model -> analysis -> HTML -> PDF."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.analysis.appended import AppendedDocument
from reportgen.errors import InputError, Problem, TemplateError
from reportgen.pdf.pages import inspect_appendix
from reportgen.safeio import atomic_write_all, slugify

if TYPE_CHECKING:  # the model's module takes a while to import; a missing file need not
    from reportgen.pdf.pool import LayoutPool
    from reportgen.workbook.model import Report


@dataclass(frozen=True)
class BuildResult:
    pdf: Path
    html: Path | None
    pages: int
    warnings: list[Problem]
    manifest: Path | None = None
    docx: Path | None = None


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
    docx: bytes | None = None  # the Word document, if asked for


def _quiet(_step: str) -> None:
    pass


def render_paper_pdf(workbook: Path, *, templates: Path | None = None,
                     previous: Path | None = None, html: bool = False, pdfa: bool = False,
                     pack: bool = False, debug: bool = False, jobs: int | None = 1,
                     docx: bool = False, steps: Callable[[str], None] = _quiet,
                     parts: Callable[[int, int], None] | None = None,
                     pool: LayoutPool | None = None) -> RenderedPaper:
    """Read, validate, analyse and lay out one paper (see :func:`build_paper`).

    ``pack`` leaves the running header and footer out: a meeting pack stamps its own
    continuous ones over every page. Except in a pack (which runs its papers in
    parallel) and for PDF/A, the layout happens in ``jobs`` worker processes (``None``:
    one per CPU) — one worker for ``jobs=1``, so that the paper is laid out the same
    way, and comes out the same bytes, whatever ``jobs`` is. They start once the inputs
    are checked (none for a broken workbook) and load WeasyPrint while this process
    analyses the workbook and renders the HTML. A ``pool`` given by the caller
    (``reportgen preview``'s warm one) is used instead of a new one.
    ``steps`` is told of each stage as it ends (the CLI's --verbose and progress), and
    ``parts(done, count)`` of each part of a paper laid out in parts. ``docx`` also
    makes the Word document, its charts drawn as PNG from the same figures.
    """
    # Everything that can be wrong with the inputs is found first, before the layout
    # workers start and before pandas, Jinja and WeasyPrint are imported: a missing file
    # is reported in milliseconds, a broken workbook in the time `validate` takes.
    for path in (workbook, previous):
        # The reader's own message, before the reader (a tenth of a second) is imported.
        if path is not None and not path.exists() and not path.is_symlink():
            raise InputError([Problem("file not found", file=path)], path)
    if templates is not None and not templates.is_dir():
        raise TemplateError(f"template folder {templates} does not exist")
    reference = None
    if docx:
        # Imported here, not at the top: only --docx reads a reference document.
        from reportgen.docx.reference import checked_reference, reference_path

        reference = reference_path(templates)
        if reference is not None:
            checked_reference(reference)  # a bad one fails before layout
    # Imported here, not at the top: a missing file is reported without it.
    from reportgen.workbook.validate import check_workbook, load_report

    report, problems = check_workbook(workbook)
    if report is None:
        raise InputError(problems, workbook)
    earlier = load_report(previous) if previous is not None else None
    appended = appended_documents(report)
    steps("workbook read and checked")
    # Imported here, not at the top: pandas, Jinja and the PDF stage take about a
    # second to import, which a build that fails validation should not wait for.
    from reportgen.analysis.figures import analyse
    from reportgen.pdf.pool import LayoutPool, default_jobs
    from reportgen.pdf.write import APPENDED_MARGINS_MM, Embedded, write_pdf
    from reportgen.render.environment import template_dirs
    from reportgen.render.paper import render_paper

    with ExitStack() as stack:
        if pack or pdfa:
            pool = None
        elif pool is None:
            # Started now, so the workers import WeasyPrint and load the fonts on the
            # other CPUs while this process analyses, draws and renders the HTML.
            pool = stack.enter_context(LayoutPool(max(1, jobs or default_jobs())))
        if docx:
            from reportgen.analysis.charts import keep_figures  # here: only --docx keeps them
        with keep_figures() if docx else nullcontext():
            analysis = analyse(report, earlier)
        steps("figures and charts worked out")
        document = render_paper(report, analysis, user_dir=templates, appended=appended,
                                appended_margins_mm=APPENDED_MARGINS_MM, pack=pack)
        twin = render_paper(report, analysis, user_dir=templates, web=True) if html else None
        steps("HTML rendered")
        roots = template_dirs(templates)
        embed = Embedded(workbook, "The workbook this paper was built from") if pdfa else None
        # The Word document is made in a thread while the worker processes lay out the
        # PDF, which leaves this process waiting: --docx then costs little more time.
        word_job = stack.enter_context(ThreadPoolExecutor(1)).submit(
            word_document, report, analysis, templates) if docx else None
        pdf_bytes = write_pdf(document, roots=roots, appended=appended,
                              created=report.paper.report_date or report.paper.meeting_date,
                              embed=embed, debug=debug, pool=pool, on_part=parts)
        steps("PDF laid out and finished")
        word = None
        if word_job is not None:
            word, unused = word_job.result()
            problems = [*problems, *unused]
            steps("Word document written")
    inputs = [workbook, *([previous] if previous else []),
              *(d.file for d in appended if d.file), *([reference] if reference else [])]
    return RenderedPaper(report, pdf_bytes, document, twin, inputs, roots, problems, word)


def word_document(report: Report, analysis, templates: Path | None
                  ) -> tuple[bytes, list[Problem]]:
    """The .docx, styled by the theme and ``templates/reference.docx``; a warning
    when the folder's HTML templates restyle the PDF, which Word does not follow."""
    # Imported here, not at the top: only --docx needs them.
    from reportgen.docx.document import Look, write_docx
    from reportgen.docx.reference import REFERENCE_FILE, reference_path
    from reportgen.render.theme import load_theme, logo_image

    theme = load_theme(templates)
    logo = None
    if theme.logo and templates:
        logo, kind = logo_image(templates, theme.logo)
        if kind not in ("image/png", "image/jpeg"):  # Word takes no WebP: the same as PNG
            import io  # here, not at the top: only a GIF or WebP logo needs converting

            from PIL import Image

            buffer = io.BytesIO()
            Image.open(io.BytesIO(logo)).save(buffer, format="PNG")
            logo = buffer.getvalue()
    look = Look(theme.primary_colour, theme.text_colour, logo, theme.logo_alt, theme.cover)
    data = write_docx(report, analysis, reference=reference_path(templates), look=look)
    overrides = sorted(p.name for p in templates.glob("*.html")) if templates else []
    if templates and (templates / "partials").is_dir():
        overrides += sorted(f"partials/{p.name}" for p in (templates / "partials").glob("*.html"))
    unused = [Problem(f"the Word document does not follow the HTML templates in {templates} "
                      f"({', '.join(overrides)}); it has the built-in layout",
                      hint=f"restyle Word with {templates / REFERENCE_FILE}",
                      severity="warning")] if overrides else []
    return data, unused


def build_paper(workbook: Path, outdir: Path, *, templates: Path | None = None,
                previous: Path | None = None, html: bool = False, pdfa: bool = False,
                manifest: bool = False, debug: bool = False, jobs: int | None = 1,
                docx: bool = False, steps: Callable[[str], None] = _quiet,
                parts: Callable[[int, int], None] | None = None) -> BuildResult:
    """Build ``workbook`` into ``outdir/<slug>.pdf``; nothing is written on any error.

    ``previous`` is the workbook of the last paper, for "changes since" reporting;
    ``html`` adds the HTML twin (``<slug>.html``), ``pdfa`` makes the PDF a PDF/A-3a
    file carrying the workbook, ``manifest`` writes ``<slug>.manifest.json`` with the
    SHA-256 of every input, template and output. ``jobs`` processes lay out a long
    paper in parts (see :mod:`reportgen.pdf.split`); ``steps`` and ``parts`` are told
    of the progress (see :func:`render_paper_pdf`). ``docx`` adds the Word document
    (``<slug>.docx``), written with the others or not at all.
    """
    paper = render_paper_pdf(workbook, templates=templates, previous=previous, html=html,
                             pdfa=pdfa, debug=debug, jobs=jobs, docx=docx, steps=steps,
                             parts=parts)
    stem = slugify(paper.report.paper.title)
    outputs = {outdir / f"{stem}.pdf": paper.pdf}
    if paper.twin is not None:
        outputs[outdir / f"{stem}.html"] = paper.twin.encode("utf-8")
    if paper.docx is not None:
        outputs[outdir / f"{stem}.docx"] = paper.docx
    if manifest:
        from reportgen.manifest import make_manifest  # here: only --manifest needs it

        outputs[outdir / f"{stem}.manifest.json"] = make_manifest(paper.inputs, paper.roots,
                                                                  outputs)
    clash = _title_clash(outdir / f"{stem}.pdf", paper.report)
    atomic_write_all(outputs)  # the PDF, its twin and manifest together, or none
    steps("written")
    paths = list(outputs)
    return BuildResult(pdf=paths[0], html=paths[1] if paper.twin is not None else None,
                       pages=_count_pages(paper.pdf), warnings=[*paper.warnings, *clash],
                       manifest=paths[-1] if manifest else None,
                       docx=outdir / f"{stem}.docx" if paper.docx is not None else None)


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
