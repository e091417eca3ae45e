"""Small programs that benchmarks/run.py times, each in a process of its own.

    python benchmarks/tasks.py weasyprint PAGE.html BASE_DIR OUT.pdf
    python benchmarks/tasks.py typst SOURCE.typ OUT.pdf
    python benchmarks/tasks.py openpyxl BOOK.xlsx
    python benchmarks/tasks.py html WORKBOOK OUT.html [--previous PREVIOUS]   (untimed prep)
    python benchmarks/tasks.py rusage RESULT.json COMMAND...   (fallback meter)

Only what a case measures is imported, so each process pays for its own imports.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def weasyprint_task(args: argparse.Namespace) -> None:
    """The print HTML given straight to WeasyPrint, as reportgen asks for it."""
    import logging

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # as reportgen does
    base = Path(args.base).resolve().as_uri() + "/"
    weasyprint.HTML(filename=args.html, base_url=base).write_pdf(args.out, pdf_variant="pdf/ua-1")


def typst_task(args: argparse.Namespace) -> None:
    import typst

    typst.compile(args.source, output=args.out)


def openpyxl_task(args: argparse.Namespace) -> None:
    """Load a workbook with openpyxl (full mode, cached values) and walk the Actions."""
    import openpyxl

    book = openpyxl.load_workbook(args.book, data_only=True)
    rows = sum(1 for row in book["Actions"].iter_rows(values_only=True) if row[0] is not None)
    print(f"{rows} Actions rows")


def html_task(args: argparse.Namespace) -> None:
    """Write the HTML reportgen gives WeasyPrint for a paper (benchmark input, untimed).

    ``render_paper_pdf`` builds the HTML before laying it out; the layout itself is
    not needed here, so ``reportgen.pdf.write.write_pdf`` (which the build imports
    when it lays out) is stubbed out.
    """
    import reportgen.build as build
    import reportgen.pdf.write

    reportgen.pdf.write.write_pdf = lambda *a, **k: b""
    previous = Path(args.previous) if args.previous else None
    paper = build.render_paper_pdf(Path(args.workbook), previous=previous)
    Path(args.out).write_text(paper.html, encoding="utf-8")


def rusage_task(args: argparse.Namespace) -> None:
    """Run COMMAND; write its wall time, peak RSS (largest process) and exit status."""
    import resource
    import subprocess
    import time

    start = time.perf_counter()
    code = subprocess.run(args.command, stdout=subprocess.DEVNULL).returncode
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    Path(args.result).write_text(json.dumps({"wall": wall, "peak_kb": peak_kb, "returncode": code}))
    sys.exit(code)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="task", required=True)
    p = commands.add_parser("weasyprint")
    p.add_argument("html")
    p.add_argument("base")
    p.add_argument("out")
    p.set_defaults(run=weasyprint_task)
    p = commands.add_parser("typst")
    p.add_argument("source")
    p.add_argument("out")
    p.set_defaults(run=typst_task)
    p = commands.add_parser("openpyxl")
    p.add_argument("book")
    p.set_defaults(run=openpyxl_task)
    p = commands.add_parser("html")
    p.add_argument("workbook")
    p.add_argument("out")
    p.add_argument("--previous")
    p.set_defaults(run=html_task)
    p = commands.add_parser("rusage")
    p.add_argument("result")
    p.add_argument("command", nargs=argparse.REMAINDER)
    p.set_defaults(run=rusage_task)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
