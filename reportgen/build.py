"""Run the pipeline for one paper: workbook -> model -> analysis -> HTML -> PDF."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.analysis import analyse
from reportgen.errors import InputError, Problem
from reportgen.model import Report
from reportgen.pdf import APPENDED_MARGINS_MM, inspect_appendix, write_pdf
from reportgen.render import AppendedDocument, render_paper, template_dirs
from reportgen.safeio import atomic_write, slugify
from reportgen.validate import check_workbook


@dataclass(frozen=True)
class BuildResult:
    pdf: Path
    html: Path | None
    pages: int
    warnings: list[Problem]


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


def build_paper(workbook: Path, outdir: Path, *, templates: Path | None = None,
                html: bool = False, debug: bool = False) -> BuildResult:
    """Build ``workbook`` into ``outdir/<slug>.pdf``; nothing is written on any error."""
    report, problems = check_workbook(workbook)
    if report is None:
        raise InputError(problems, workbook)
    analysis = analyse(report)
    appended = appended_documents(report)
    document = render_paper(report, analysis, user_dir=templates, appended=appended,
                            appended_margins_mm=APPENDED_MARGINS_MM)
    roots = template_dirs(templates)
    pdf_bytes = write_pdf(document, base_dir=roots[0], roots=roots, appended=appended,
                          created=report.paper.report_date or report.paper.meeting_date,
                          debug=debug)
    stem = slugify(report.paper.title)
    pdf_path = outdir / f"{stem}.pdf"
    html_path = outdir / f"{stem}.html" if html else None
    atomic_write(pdf_path, pdf_bytes)
    if html_path is not None:
        atomic_write(html_path, document.encode("utf-8"))
    return BuildResult(pdf=pdf_path, html=html_path, pages=_count_pages(pdf_bytes),
                       warnings=problems)


def _count_pages(pdf_bytes: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return len(pdf.pages)
