"""``reportgen extract``: get the source workbook back out of a PDF/A-3 paper."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from reportgen.errors import InputError, Problem, ReportgenError
from reportgen.safeio import atomic_write


def extract_attachments(pdf_path: Path, outdir: Path, *, force: bool = False) -> list[Path]:
    """Write every embedded file of ``pdf_path`` into ``outdir``; return their paths."""
    if not pdf_path.is_file():
        raise InputError([Problem("file not found", file=pdf_path)], pdf_path)
    try:
        with pikepdf.open(pdf_path) as pdf:
            files = {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}
    except pikepdf.PdfError as exc:
        raise InputError([Problem(f"is not a readable PDF ({exc})", file=pdf_path)],
                         pdf_path) from exc
    if not files:
        raise ReportgenError(f"{pdf_path}: has no embedded files (build it with --pdfa)")
    written = []
    for name, data in sorted(files.items()):
        target = outdir / Path(name).name  # never a path from inside the PDF
        if target.exists() and not force:
            raise ReportgenError(f"{target} already exists; use --force to replace it")
        atomic_write(target, data)
        written.append(target)
    return written
