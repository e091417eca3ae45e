"""reportgen's benchmarks: every case is a whole process, run several times.

    .venv/bin/python benchmarks/run.py                  # every case, 5 runs each
    .venv/bin/python benchmarks/run.py --quick          # smaller inputs, 1 run: < 1 min
    .venv/bin/python benchmarks/run.py --only paper paper-weasyprint --repeat 3
    .venv/bin/python benchmarks/run.py --list

Prints a table (median, min, max wall time and peak memory per case) and the derived
figures checked against the targets of issue 7, and writes benchmarks/results.json.
Inputs are generated once per invocation in a temporary folder. See
benchmarks/README.md for what each case measures.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
REPORTGEN = str(BIN / "reportgen")
TASKS = str(HERE / "tasks.py")
EXAMPLE = ROOT / "data" / "dorset-od-framework-2018.xlsx"
PREVIOUS = ROOT / "data" / "dorset-od-framework-2018-05.xlsx"
APPENDICES = ROOT / "data" / "appendices"
TIME = "/usr/bin/time"
RUN_TIMEOUT = 900  # seconds, per timed run

sys.path.insert(0, str(HERE))

# Sizes: full run, --quick run.
TRACKER_ROWS = {"full": (200, 1000, 2000), "quick": (20, 100, 200)}
#: The big tracker: in the full run only (it takes minutes).
HUGE_TRACKER_ROWS = 10_000
READ_ROWS = {"full": 50_000, "quick": 5_000}
PACK_ITEMS = {"full": 20, "quick": 5}
PACK_PAGES = {"full": 300, "quick": 50}  # aimed at; the real count is reported
PACK_PAPERS = {"full": 8, "quick": 2}  # of the items, how many are workbooks


class Skip(Exception):
    """A case that cannot run here; the message says why."""


@dataclass
class Case:
    name: str  # canonical name (the full-size one), used by --only
    what: str
    prepare: Callable[[Context], list[str]]  # makes inputs, returns the command
    expect_exit: int = 0  # a case timing a refused input exits 1
    setup: Callable[[Context], None] | None = None  # before every timed run, untimed
    after: Callable[[Context], None] | None = None  # after every timed run, untimed
    rows: Callable[[str], int] | None = None  # rows per mode
    label: str = ""  # shown name, with the real size in --quick
    runs: list[dict] = field(default_factory=list)
    status: str = "pending"  # ok | skipped | failed
    reason: str = ""
    command: list[str] = field(default_factory=list)
    notes: dict = field(default_factory=dict)

    def times(self) -> list[float]:
        return [r["wall_s"] for r in self.runs]

    @property
    def median(self) -> float | None:
        return statistics.median(self.times()) if self.runs else None

    @property
    def peak_mb(self) -> float | None:
        peaks = [r["peak_mb"] for r in self.runs if r["peak_mb"] is not None]
        return max(peaks) if peaks else None


# -- the meter -----------------------------------------------------------------------------


def measure(command: list[str], folder: Path, cwd: Path) -> dict:
    """Run ``command`` once; wall time and peak RSS of its largest process.

    With GNU time (``/usr/bin/time -v``) the peak is its "Maximum resident set size";
    otherwise tasks.py's ``rusage`` wrapper reports ``RUSAGE_CHILDREN.ru_maxrss`` from
    a process of its own. Either way it is the largest single process of the tree
    (a pack's worker processes are not added up).
    """
    report = folder / "rusage.txt"
    report.unlink(missing_ok=True)
    if os.access(TIME, os.X_OK):
        full = [TIME, "-v", "-o", str(report), *command]
    else:
        full = [PYTHON, TASKS, "rusage", str(report), *command]
    start = time.perf_counter()
    try:
        done = subprocess.run(
            full,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=RUN_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return {
            "wall_s": time.perf_counter() - start,
            "peak_mb": None,
            "returncode": None,
            "error": f"timed out after {RUN_TIMEOUT} s",
        }
    wall = time.perf_counter() - start
    peak_kb = None
    if report.is_file():
        text = report.read_text()
        if full[0] == TIME:
            found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
            peak_kb = int(found.group(1)) if found else None
        else:
            data = json.loads(text)
            wall, peak_kb = data["wall"], data["peak_kb"]
    result = {
        "wall_s": round(wall, 4),
        "peak_mb": round(peak_kb / 1024, 1) if peak_kb is not None else None,
        "returncode": done.returncode,
    }
    if done.returncode != 0:
        result["error"] = done.stderr.strip()[-1500:]
    return result


# -- inputs, made once per invocation -------------------------------------------------------


class Context:
    def __init__(self, folder: Path, mode: str):
        self.folder = folder
        self.mode = mode
        self._made: dict = {}
        self.pack_warm = False  # does pack/out hold a cache for the current inputs?
        self.edits = 0

    def once(self, key, make: Callable[[], object]):
        if key not in self._made:
            started = time.perf_counter()
            self._made[key] = make()
            say(f"  (prepared {key} in {time.perf_counter() - started:.1f} s)")
        return self._made[key]

    def appendices(self, folder: Path) -> None:
        """Example workbooks name appendices/...pdf relative to themselves."""
        if not (folder / "appendices").exists():
            shutil.copytree(APPENDICES, folder / "appendices")

    def tracker(self, rows: int) -> Path:
        from workbooks import large_workbook

        def make():
            self.appendices(self.folder)
            return large_workbook(
                self.folder / f"tracker-{rows}.xlsx", rows, EXAMPLE, workforce=False
            )

        return self.once(f"tracker-{rows}.xlsx", make)

    def big_workbook(self) -> Path:
        from workbooks import large_workbook

        rows = READ_ROWS[self.mode]

        def make():
            self.appendices(self.folder)
            return large_workbook(self.folder / f"read-{rows}.xlsx", rows, EXAMPLE)

        return self.once(f"read-{rows}.xlsx", make)

    def print_html(self, workbook: Path, previous: Path | None, name: str) -> Path:
        """The HTML reportgen gives WeasyPrint (render_paper_pdf(...).html)."""

        def make():
            out = self.folder / f"{name}.html"
            command = [PYTHON, TASKS, "html", str(workbook), str(out)]
            if previous is not None:
                command += ["--previous", str(previous)]
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                raise Skip("could not make the print HTML: " + done.stderr.strip()[-500:])
            return out

        return self.once(f"{name}.html", make)

    def out(self, name: str) -> Path:
        return self.folder / "out" / name


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- cases ---------------------------------------------------------------------------------


def builtin_templates() -> Path:
    from reportgen.render.environment import BUILTIN_TEMPLATES

    return Path(BUILTIN_TEMPLATES)


def prepare_paper(ctx: Context) -> list[str]:
    return [
        REPORTGEN,
        "build",
        str(EXAMPLE),
        "--previous",
        str(PREVIOUS),
        "-o",
        str(ctx.out("paper")),
    ]


def prepare_paper_docx(ctx: Context) -> list[str]:
    """The paper case with --docx: the Word export's cost (issue 17: at most 0.5 s)."""
    return [*prepare_paper(ctx)[:-1], str(ctx.out("paper-docx")), "--docx"]


def prepare_paper_weasyprint(ctx: Context) -> list[str]:
    html = ctx.print_html(EXAMPLE, PREVIOUS, "paper")
    return [
        PYTHON,
        TASKS,
        "weasyprint",
        str(html),
        str(builtin_templates()),
        str(ctx.out("paper-weasyprint.pdf")),
    ]


def prepare_paper_jobs1(ctx: Context) -> list[str]:
    return [*prepare_paper(ctx)[:-1], str(ctx.out("paper-jobs1")), "--jobs", "1"]


def broken_example(ctx: Context) -> Path:
    """The example with one status cell mistyped, as a user might ("Amberish")."""

    def make():
        import openpyxl

        book = openpyxl.load_workbook(EXAMPLE)
        sheet = book["Actions"]
        header = [str(c.value).strip().casefold() for c in sheet[1]]
        sheet.cell(row=2, column=header.index("status") + 1).value = "Amberish"
        path = ctx.folder / "broken.xlsx"
        ctx.appendices(ctx.folder)
        book.save(path)
        return path

    return ctx.once("broken.xlsx", make)


def prepare_error_build(ctx: Context) -> list[str]:
    return [REPORTGEN, "build", str(broken_example(ctx)), "-o", str(ctx.out("broken"))]


def prepare_error_validate(ctx: Context) -> list[str]:
    return [REPORTGEN, "validate", str(broken_example(ctx))]


def prepare_missing_build(ctx: Context) -> list[str]:
    return [REPORTGEN, "build", str(ctx.folder / "no-such-workbook.xlsx"), "-o",
            str(ctx.out("missing"))]


def tracker_rows(index: int) -> Callable[[str], int]:
    return lambda mode: TRACKER_ROWS[mode][index]


def prepare_tracker(index: int) -> Callable[[Context], list[str]]:
    def prepare(ctx: Context) -> list[str]:
        rows = TRACKER_ROWS[ctx.mode][index]
        book = ctx.tracker(rows)
        return [REPORTGEN, "build", str(book), "-o", str(ctx.out(f"tracker-{rows}"))]

    return prepare


def prepare_huge_tracker(ctx: Context) -> list[str]:
    if ctx.mode == "quick":
        raise Skip("full run only")
    book = ctx.tracker(HUGE_TRACKER_ROWS)
    return [REPORTGEN, "build", str(book), "-o", str(ctx.out(f"tracker-{HUGE_TRACKER_ROWS}"))]


def prepare_tracker_jobs1(ctx: Context) -> list[str]:
    rows = TRACKER_ROWS[ctx.mode][-1]
    return [REPORTGEN, "build", str(ctx.tracker(rows)), "-o",
            str(ctx.out(f"tracker-{rows}-jobs1")), "--jobs", "1"]


def prepare_tracker_weasyprint(ctx: Context) -> list[str]:
    rows = TRACKER_ROWS[ctx.mode][-1]
    html = ctx.print_html(ctx.tracker(rows), None, f"tracker-{rows}")
    return [
        PYTHON,
        TASKS,
        "weasyprint",
        str(html),
        str(builtin_templates()),
        str(ctx.out(f"tracker-{rows}-weasyprint.pdf")),
    ]


def typst_escape(value: object) -> str:
    text = value.strftime("%-d %b %Y") if hasattr(value, "strftime") else str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def typst_source(rows: int) -> str:
    from workbooks import ACTION_HEADER, action_rows

    lines = [
        '#set document(title: "Action tracker")',
        '#set page(paper: "a4", flipped: true, margin: (x: 15mm, y: 18mm),',
        '  footer: context [Page #counter(page).display("1 of 1", both: true)])',
        '#set text(font: "Liberation Sans", size: 9pt, lang: "en", region: "gb")',
        "#let rows = (",
        *("  (" + ", ".join(typst_escape(v) for v in row) + ")," for row in action_rows(rows)),
        ")",
        "#table(",
        "  columns: (auto, 1.3fr, 2fr, 1.5fr, auto, auto, auto, 2fr),",
        "  table.header(repeat: true, " + ", ".join(f"[*{h}*]" for h in ACTION_HEADER) + "),",
        "  ..rows.flatten(),",
        ")",
    ]
    return "\n".join(lines) + "\n"


def prepare_typst(ctx: Context) -> list[str]:
    rows = TRACKER_ROWS[ctx.mode][1]
    if importlib.util.find_spec("typst") is None:
        raise Skip("the typst package is not installed (.venv/bin/pip install typst)")

    def make():
        path = ctx.folder / f"tracker-{rows}.typ"
        path.write_text(typst_source(rows), encoding="utf-8")
        return path

    source = ctx.once(f"tracker-{rows}.typ", make)
    return [PYTHON, TASKS, "typst", str(source), str(ctx.out(f"typst-{rows}.pdf"))]


def prepare_read_calamine(ctx: Context) -> list[str]:
    return [REPORTGEN, "validate", str(ctx.big_workbook())]


def prepare_read_openpyxl(ctx: Context) -> list[str]:
    return [PYTHON, TASKS, "openpyxl", str(ctx.big_workbook())]


def prepare_help(ctx: Context) -> list[str]:
    return [REPORTGEN, "--help"]


def prepare_validate(ctx: Context) -> list[str]:
    return [REPORTGEN, "validate", str(EXAMPLE)]


# -- packs ---------------------------------------------------------------------------------


def pack_available() -> None:
    done = subprocess.run([REPORTGEN, "pack", "--help"], capture_output=True, text=True)
    if done.returncode != 0:
        raise Skip("packs not built yet")


def pack_folder(ctx: Context) -> Path:
    """An agenda of N items: verbal items, copies of the example workbook (each with its
    own title) and PDFs made of the example PDFs' pages, ~PACK_PAGES pages in all."""

    def make():
        import openpyxl
        import pikepdf
        import yaml

        folder = ctx.folder / "pack"
        folder.mkdir()
        ctx.appendices(folder)
        items_count, papers = PACK_ITEMS[ctx.mode], PACK_PAPERS[ctx.mode]
        verbal = {0, items_count - 1}
        slots = [i for i in range(items_count) if i not in verbal]
        workbook_slots = set(slots[:: max(1, len(slots) // papers)][:papers])
        pdf_slots = [i for i in slots if i not in workbook_slots]
        # A copy of the example is about 19 pages in a pack, with a cover and agenda
        # page in front; PDFs make up the rest (the real count is reported).
        pdf_total = max(len(pdf_slots), PACK_PAGES[ctx.mode] - 2 - 19 * papers)
        pdf_pages = {
            slot: pdf_total // len(pdf_slots) + (n < pdf_total % len(pdf_slots))
            for n, slot in enumerate(pdf_slots)
        }
        sources = [
            pikepdf.open(p)
            for p in sorted(APPENDICES.glob("*.pdf"))
            + sorted((ROOT / "data" / "pack").glob("*.pdf"))
            if "private" not in p.name
        ]
        source_pages = [page for pdf in sources for page in pdf.pages]
        items, books = [], []
        for index in range(items_count):
            number = str(index + 1)
            item = {
                "number": number,
                "presenter": "Chair",
                "purpose": "note",
                "time": f"{10 + index // 4}:{index % 4 * 15:02d}",
            }
            if index in verbal:
                item["title"] = "Apologies" if index == 0 else "Any other business"
            elif index in workbook_slots:
                title = f"Organisational Development Update – Directorate {number}"
                book = openpyxl.load_workbook(EXAMPLE)
                for row in book["Paper"].iter_rows():
                    if str(row[0].value).strip().casefold() == "title":
                        row[1].value = title
                path = folder / f"paper-{number}.xlsx"
                book.save(path)
                books.append(path)
                item.update(title=title, paper=path.name)
            else:
                out = pikepdf.new()
                for page_number in range(pdf_pages[index]):
                    out.pages.append(source_pages[(index + page_number) % len(source_pages)])
                path = folder / f"report-{number}.pdf"
                out.save(path)
                item.update(title=f"Report {number}", paper=path.name)
            items.append(item)
        for pdf in sources:
            pdf.close()
        agenda = {
            "organisation": "NHS Benchmark Integrated Care Board",
            "meeting": "Board Meeting",
            "date": "2018-11-14",
            "time": "10:00",
            "venue": "Board Room",
            "chair": "Chair",
            "front_matter": "unnumbered",
            "dividers": False,
            "items": items,
        }
        path = folder / "agenda.yaml"
        path.write_text(
            yaml.safe_dump(agenda, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        ctx.pack_books = books
        return path

    return ctx.once("pack", make)


def pack_command(ctx: Context, out: Path, *extra: str) -> list[str]:
    return [REPORTGEN, "pack", str(pack_folder(ctx)), "-o", str(out), *extra]


def prepare_pack_cold(ctx: Context) -> list[str]:
    pack_available()
    return pack_command(ctx, ctx.out("pack"))


def prepare_pack_cold_jobs1(ctx: Context) -> list[str]:
    pack_available()
    return pack_command(ctx, ctx.out("pack-jobs1"), "--jobs", "1")


def empty_pack_out(ctx: Context) -> None:
    shutil.rmtree(ctx.out("pack"), ignore_errors=True)
    ctx.pack_warm = False


def empty_pack_jobs1_out(ctx: Context) -> None:
    shutil.rmtree(ctx.out("pack-jobs1"), ignore_errors=True)


def pack_is_warm(ctx: Context) -> None:
    ctx.pack_warm = True


def warm_pack(ctx: Context) -> None:
    """Make sure pack/out holds a cache for the current inputs (untimed)."""
    if not ctx.pack_warm:
        say("  (warming the pack cache, untimed)")
        result = measure(pack_command(ctx, ctx.out("pack")), ctx.folder, ROOT)
        if result["returncode"] != 0:
            raise Skip(
                "could not build the pack to warm its cache: " + result.get("error", "")[-500:]
            )
        ctx.pack_warm = True


def change_one_paper(ctx: Context) -> None:
    """Edit one cell of one workbook paper (a progress note), as an author would."""
    import openpyxl

    warm_pack(ctx)
    ctx.edits += 1
    path = ctx.pack_books[0]
    book = openpyxl.load_workbook(path)
    sheet = book["Actions"]
    header = [str(c.value).strip().casefold() for c in sheet[1]]
    column = header.index("progress note") + 1
    sheet.cell(row=2, column=column).value = f"Updated for the benchmark (edit {ctx.edits})."
    book.save(path)


def prepare_pack_warm(ctx: Context) -> list[str]:
    pack_available()
    return pack_command(ctx, ctx.out("pack"))


def prepare_pack_paper_alone(ctx: Context) -> list[str]:
    """The paper that pack-warm-one-changed lays out again, built on its own: what a
    pack rebuilt after one change should cost about (issue 18: at most 1.2×)."""
    pack_folder(ctx)
    return [REPORTGEN, "build", str(ctx.pack_books[0]), "-o", str(ctx.out("pack-paper-alone"))]


# -- the list ------------------------------------------------------------------------------


def cases() -> list[Case]:
    return [
        Case(
            "paper",
            "reportgen build on the Dorset example with --previous, end to end",
            prepare_paper,
        ),
        Case(
            "paper-docx",
            "the same build with --docx: the Word document as well",
            prepare_paper_docx,
        ),
        Case(
            "paper-weasyprint",
            "the same print HTML given straight to WeasyPrint",
            prepare_paper_weasyprint,
        ),
        Case(
            "paper-jobs1",
            "the same build with --jobs 1: one layout process, as bare WeasyPrint has",
            prepare_paper_jobs1,
        ),
        Case(
            "error-build",
            "reportgen build of the example with one status mistyped (exits 1)",
            prepare_error_build,
            expect_exit=1,
        ),
        Case(
            "error-validate",
            "reportgen validate of the same workbook (exits 1)",
            prepare_error_validate,
            expect_exit=1,
        ),
        Case(
            "error-missing",
            "reportgen build of a workbook that does not exist (exits 1)",
            prepare_missing_build,
            expect_exit=1,
        ),
        *[
            Case(
                f"tracker-{TRACKER_ROWS['full'][i]}",
                "reportgen build of a tracker with this many actions (1 milestone each)",
                prepare_tracker(i),
                rows=tracker_rows(i),
            )
            for i in range(3)
        ],
        Case(
            f"tracker-{HUGE_TRACKER_ROWS}",
            "reportgen build of a tracker of 10,000 actions (full run only)",
            prepare_huge_tracker,
            rows=lambda mode: HUGE_TRACKER_ROWS,
        ),
        Case(
            f"tracker-{TRACKER_ROWS['full'][-1]}-jobs1",
            "the largest tracker built with --jobs 1 (one layout process)",
            prepare_tracker_jobs1,
            rows=tracker_rows(2),
        ),
        Case(
            f"tracker-{TRACKER_ROWS['full'][-1]}-weasyprint",
            "the largest tracker's print HTML given straight to WeasyPrint (baseline for "
            "the 1.7× speed-up target)",
            prepare_tracker_weasyprint,
            rows=tracker_rows(2),
        ),
        Case(
            f"typst-{TRACKER_ROWS['full'][1]}",
            "the middle tracker's table (8 columns) typeset by Typst",
            prepare_typst,
            rows=tracker_rows(1),
        ),
        Case(
            f"read-{READ_ROWS['full'] // 1000}k-calamine",
            "reportgen validate on a workbook with this many action rows",
            prepare_read_calamine,
            rows=lambda mode: READ_ROWS[mode],
        ),
        Case(
            f"read-{READ_ROWS['full'] // 1000}k-openpyxl",
            "openpyxl (data_only=True) loads the same workbook and walks the Actions rows",
            prepare_read_openpyxl,
            rows=lambda mode: READ_ROWS[mode],
        ),
        Case("startup-help", "reportgen --help", prepare_help),
        Case("startup-validate", "reportgen validate on the example", prepare_validate),
        Case(
            "pack-cold",
            "reportgen pack, fresh output folder (empty cache)",
            prepare_pack_cold,
            setup=empty_pack_out,
            after=pack_is_warm,
        ),
        Case(
            "pack-cold-jobs1",
            "the same cold pack with --jobs 1 (sequential baseline)",
            prepare_pack_cold_jobs1,
            setup=empty_pack_jobs1_out,
        ),
        Case(
            "pack-warm-one-changed",
            "the pack again after one cell of one paper changed",
            prepare_pack_warm,
            setup=change_one_paper,
        ),
        Case(
            "pack-paper-alone",
            "reportgen build of the paper that pack-warm-one-changed changes, on its own",
            prepare_pack_paper_alone,
        ),
        Case(
            "pack-warm-unchanged",
            "the pack again, nothing changed",
            prepare_pack_warm,
            setup=warm_pack,
        ),
    ]


def label(case: Case, mode: str) -> str:
    if mode == "quick" and case.rows is not None:
        return re.sub(r"(\d+k?)", lambda _: size_text(case.rows(mode)), case.name, count=1)
    return case.name


def size_text(rows: int) -> str:
    return f"{rows // 1000}k" if rows >= 10_000 and rows % 1000 == 0 else str(rows)


# -- running -------------------------------------------------------------------------------


def prepare_case(case: Case, ctx: Context) -> bool:
    """Make the case's inputs and command; False if it is skipped."""
    try:
        case.command = case.prepare(ctx)
    except Skip as reason:
        case.status, case.reason = "skipped", str(reason)
        say(f"{case.label}: skipped ({reason})")
        return False
    if case.rows is not None:
        case.notes["rows"] = case.rows(ctx.mode)
    return True


def run_once(case: Case, ctx: Context, number: int, repeat: int) -> bool:
    """One timed run of ``case``; False once it is skipped or has failed."""
    if case.status in ("skipped", "failed"):
        return False
    try:
        if case.setup:
            case.setup(ctx)
    except Skip as reason:
        case.status, case.reason = "skipped", str(reason)
        say(f"{case.label}: skipped ({reason})")
        return False
    result = measure(case.command, ctx.folder, ROOT)
    result["round"] = number
    case.runs.append(result)
    peak = f"{result['peak_mb']:.0f} MB" if result["peak_mb"] is not None else "? MB"
    say(f"{case.label} run {number}/{repeat}: {result['wall_s']:.2f} s, {peak}")
    if result["returncode"] != case.expect_exit:
        case.status = "failed"
        case.reason = result.get("error", "") or f"exit status {result['returncode']}"
        say(f"{case.label}: FAILED\n{case.reason}")
        return False
    if number == repeat:
        # Read now, before later cases of the round write into the same folder (the
        # warm packs rebuild pack-cold's output and add to its cache).
        case.notes["pages"] = output_pages(case.command)
        case.notes["size_kb"] = output_kb(case.command)
        if case.name == "pack-cold":
            case.notes.update(pack_sizes(case.command))
    if case.after:
        case.after(ctx)
    return True


def finish_case(case: Case) -> None:
    if case.status == "pending":
        case.status = "ok"


def run_all(selected: list[Case], ctx: Context, repeat: int) -> None:
    """Every case once per round, ``repeat`` rounds: cases compared with each other
    (paper against bare WeasyPrint, say) run minutes apart, not a whole case apart,
    so a change in the machine's load between them shows in every ratio's spread
    instead of biasing it."""
    ready = [case for case in selected if prepare_case(case, ctx)]
    for number in range(1, repeat + 1):
        for case in ready:
            run_once(case, ctx, number, repeat)
    for case in ready:
        finish_case(case)


def output_pdf(command: list[str]) -> Path | None:
    """The PDF a case wrote: in its ``-o`` folder, or its last argument."""
    if "-o" in command:
        pdfs = sorted(Path(command[command.index("-o") + 1]).glob("*.pdf"))
        path = pdfs[0] if pdfs else None
    else:
        path = Path(command[-1]) if command[-1].endswith(".pdf") else None
    return path if path is not None and path.is_file() else None


def output_pages(command: list[str]) -> int | None:
    """Pages of the PDF a case wrote."""
    import pikepdf

    path = output_pdf(command)
    if path is None:
        return None
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def output_kb(command: list[str]) -> int | None:
    """Size of the PDF a case wrote, in KB."""
    path = output_pdf(command)
    return round(path.stat().st_size / 1024) if path is not None else None


def pack_sizes(command: list[str]) -> dict:
    """The cold pack's size and what it was made from: the agenda's PDF papers, the
    workbook papers as laid out and the frame (both in the cache the build left)."""
    import yaml

    out = Path(command[command.index("-o") + 1])
    agenda = Path(command[2])
    items = yaml.safe_load(agenda.read_text(encoding="utf-8"))["items"]
    papers = [agenda.parent / i["paper"] for i in items if str(i.get("paper", "")).endswith(".pdf")]
    from reportgen.pack.store import entry_files

    entries = entry_files(out / ".reportgen-cache")
    made = entries.get("frame", []) + entries.get("paper", [])
    packs = sorted(out.glob("*.pdf"))
    if not packs or not made:
        return {}
    return {
        "pack_kb": round(packs[0].stat().st_size / 1024),
        "inputs_kb": round(sum(p.stat().st_size for p in papers + made) / 1024),
    }


# -- derived figures -----------------------------------------------------------------------


def derive(found: dict[str, Case], mode: str) -> list[dict]:
    """Ratios and targets (issue 7). Each: name, value, unit, target, verdict."""
    out: list[dict] = []

    def med(name: str) -> float | None:
        case = found.get(name)
        return case.median if case and case.status == "ok" else None

    def spread(top: str, bottom: str, how=lambda a, b: a / b) -> str:
        """The figure worked out round by round (the two ran minutes apart in each):
        its min, median and max over the rounds."""
        a, b = found.get(top), found.get(bottom)
        if not a or not b:
            return ""
        first = {r.get("round"): r["wall_s"] for r in a.runs}
        second = {r.get("round"): r["wall_s"] for r in b.runs}
        each = [how(first[k], second[k]) for k in first if k in second]
        if len(each) < 2:
            return ""
        return (f"per round: min {min(each):.2f}, median {statistics.median(each):.2f}, "
                f"max {max(each):.2f}")

    def add(name, value, unit="", target=None, ok=None, note=""):
        if value is None:
            return
        verdict = None if ok is None else ("PASS" if ok else "MISS")
        out.append(
            {
                "figure": name,
                "value": round(value, 4),
                "unit": unit,
                "target": target,
                "verdict": verdict,
                "note": note,
            }
        )

    paper, bare = med("paper"), med("paper-weasyprint")
    if paper and bare:
        add("paper / paper-weasyprint", paper / bare, "×",
            note=spread("paper", "paper-weasyprint"))
        overhead = (paper / bare - 1) * 100
        add("reportgen overhead over bare WeasyPrint", overhead, "%", "≤ 10%", overhead <= 10)

    with_docx = med("paper-docx")
    if paper and with_docx:
        # Measured in the same run as "paper", so a slower machine moves both.
        add("paper --docx / paper", with_docx / paper, "×")
        extra = with_docx - paper
        add("time --docx adds to the example", extra, "s", "≤ 0.5 s", extra <= 0.5)
    jobs1 = med("paper-jobs1")
    if jobs1 and bare:
        add("paper --jobs 1 / paper-weasyprint (one layout process each: the overhead)",
            jobs1 / bare, "×", "≤ 1.10×", jobs1 / bare <= 1.10,
            spread("paper-jobs1", "paper-weasyprint"))
    if jobs1 and paper:
        add("paper --jobs 1 / paper (the gain from laying out in parts)", jobs1 / paper, "×",
            note=spread("paper-jobs1", "paper"))
    broken, checked = med("error-build"), med("error-validate")
    if broken and checked:
        extra = broken - checked
        add("build of a broken workbook − its validate", extra, "s", "≤ 0.2 s", extra <= 0.2,
            spread("error-build", "error-validate", lambda a, b: a - b))
    missing, helped = med("error-missing"), med("startup-help")
    if missing:
        add("build of a missing workbook", missing, "s", "< 0.3 s", missing < 0.3,
            f"--help takes {helped:.2f} s" if helped else "")

    small, middle, large = (f"tracker-{n}" for n in TRACKER_ROWS["full"])
    rows = TRACKER_ROWS[mode]
    per_row = {}
    for name, count in zip((small, middle, large), rows, strict=True):
        if med(name):
            per_row[name] = med(name) / count
            add(f"{label_for(name, mode)} time per row", per_row[name] * 1000, "ms")
    if small in per_row and large in per_row:
        ratio = per_row[large] / per_row[small]
        add(f"per-row time {rows[2]} vs {rows[0]} actions", ratio, "×", "≤ 1.2×", ratio <= 1.2)
        marginal = (med(large) - med(small)) / (rows[2] - rows[0])
        add(f"marginal time per extra row ({rows[0]}→{rows[2]})", marginal * 1000, "ms")
    if found.get(large) and found[large].status == "ok" and found[large].peak_mb:
        peak = found[large].peak_mb
        add(f"{label_for(large, mode)} peak memory", peak, "MB", "< 600 MB", peak < 600)
    huge = f"tracker-{HUGE_TRACKER_ROWS}"
    if med(huge) and med(middle):
        per_huge = med(huge) / HUGE_TRACKER_ROWS
        add(f"{huge} time per row", per_huge * 1000, "ms")
        ratio = per_huge / (med(middle) / rows[1])
        add(f"per-row time {HUGE_TRACKER_ROWS} vs {rows[1]} actions", ratio, "×", "≤ 1.2×",
            ratio <= 1.2)
    if found.get(huge) and found[huge].status == "ok" and found[huge].peak_mb:
        peak = found[huge].peak_mb
        add(f"{huge} peak memory", peak, "MB", "< 1024 MB", peak < 1024)
    baseline = med(f"{large}-weasyprint")
    if baseline and med(large):
        speed = baseline / med(large)
        add(
            f"{label_for(large, mode)}: bare WeasyPrint (one sequential render) / reportgen",
            speed,
            "×",
            "≥ 1.7×",
            speed >= 1.7,
            spread(f"{large}-weasyprint", large),
        )
    if baseline and med(f"{large}-jobs1"):
        add(f"{label_for(large, mode)} --jobs 1 / bare WeasyPrint (one process each)",
            med(f"{large}-jobs1") / baseline, "×")
    typst = med(f"typst-{TRACKER_ROWS['full'][1]}")
    if typst and med(middle):
        add(f"{label_for(middle, mode)} reportgen / Typst", med(middle) / typst, "×")

    calamine = med(f"read-{READ_ROWS['full'] // 1000}k-calamine")
    openpyxl = med(f"read-{READ_ROWS['full'] // 1000}k-openpyxl")
    if calamine and openpyxl:
        add("openpyxl load / reportgen validate (calamine)", openpyxl / calamine, "×")

    if med("startup-help") is not None:
        add("reportgen --help", med("startup-help"), "s", "< 0.3 s", med("startup-help") < 0.3)
    if med("startup-validate") is not None:
        add(
            "reportgen validate (example)",
            med("startup-validate"),
            "s",
            "< 0.5 s",
            med("startup-validate") < 0.5,
        )

    cold, jobs1 = med("pack-cold"), med("pack-cold-jobs1")
    if cold and jobs1:
        speed = jobs1 / cold
        add(
            "pack cold: --jobs 1 / default jobs",
            speed,
            "×",
            "≥ 1.7×",
            speed >= 1.7,
            "proxy for 'faster than one sequential render'; "
            + spread("pack-cold-jobs1", "pack-cold"),
        )
    for name in ("pack-warm-one-changed", "pack-warm-unchanged"):
        if cold and med(name):
            add(f"{name} / pack-cold", med(name) / cold, "×")
    changed, alone = med("pack-warm-one-changed"), med("pack-paper-alone")
    if changed and alone:
        add("pack rebuilt after one paper changed / that paper built alone", changed / alone,
            "×", "≤ 1.2×", changed / alone <= 1.2,
            spread("pack-warm-one-changed", "pack-paper-alone"))
    sizes = found["pack-cold"].notes if cold else {}
    if sizes.get("pack_kb") and sizes.get("inputs_kb"):
        ratio = sizes["pack_kb"] / sizes["inputs_kb"]
        add("pack size / (input PDFs + papers + frame)", ratio, "×", "≤ 1.3×", ratio <= 1.3,
            f"{sizes['pack_kb']:,} KB from {sizes['inputs_kb']:,} KB")
    return out


def label_for(name: str, mode: str) -> str:
    for case in cases():
        if case.name == name:
            return label(case, mode)
    return name


# -- output --------------------------------------------------------------------------------


def table(selected: list[Case]) -> str:
    lines = [
        f"{'case':<28} {'runs':>4} {'median s':>9} {'min s':>8} {'max s':>8} {'peak MB':>8} "
        f"{'out KB':>8}  notes",
        "-" * 100,
    ]
    for case in selected:
        notes = ", ".join(
            f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}"
            for k, v in case.notes.items()
            if v is not None and k != "size_kb"
        )
        if case.status != "ok":
            lines.append(
                f"{case.label:<28} {len(case.runs):>4} {case.status.upper():>9}"
                f"  {case.reason.splitlines()[-1] if case.reason else ''}"[:200]
            )
            continue
        times = case.times()
        peak = f"{case.peak_mb:.0f}" if case.peak_mb is not None else "?"
        size = case.notes.get("size_kb")
        size = f"{size:,}" if size is not None else "–"
        lines.append(
            f"{case.label:<28} {len(times):>4} {case.median:>9.2f} {min(times):>8.2f} "
            f"{max(times):>8.2f} {peak:>8} {size:>8}  {notes}"
        )
    return "\n".join(lines)


def derived_table(figures: list[dict]) -> str:
    lines = [f"{'derived figure':<62} {'value':>10}  {'target':<9} verdict", "-" * 90]
    for f in figures:
        value = f"{f['value']:.3f}" if abs(f["value"]) < 10 else f"{f['value']:.1f}"
        unit = f["unit"] if f["unit"] in ("%", "×") else f" {f['unit']}"
        lines.append(
            f"{f['figure']:<62} {value + unit:>10}  {f['target'] or '':<9} "
            f"{f['verdict'] or ''}" + (f"  ({f['note']})" if f["note"] else "")
        )
    return "\n".join(lines)


def version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def machine(started: datetime) -> dict:
    return {
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "weasyprint": version("weasyprint"),
        "typst": version("typst"),
        "python-calamine": version("python-calamine"),
        "openpyxl": version("openpyxl"),
        "reportgen": version("reportgen"),
        "meter": "/usr/bin/time -v"
        if os.access(TIME, os.X_OK)
        else "RUSAGE_CHILDREN in a wrapper process",
        "date": started.isoformat(timespec="seconds"),  # when the run started
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller inputs and 1 run per case (under a minute)"
    )
    parser.add_argument("--only", nargs="+", metavar="CASE", help="run only these cases")
    parser.add_argument("--repeat", type=int, help="runs per case (default 5; --quick 1)")
    parser.add_argument(
        "--json",
        type=Path,
        default=HERE / "results.json",
        help="where to write the results (default benchmarks/results.json)",
    )
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder of inputs and outputs"
    )
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    repeat = args.repeat or (1 if args.quick else 5)
    every = cases()
    for case in every:
        case.label = label(case, mode)
    if args.list:
        for case in every:
            print(f"{case.name:<28} {case.what}")
        return
    selected = every
    if args.only:
        # Always the full-size names (--list), also with --quick, where the table
        # shows the scaled-down sizes: "tracker-2000" is the largest tracker.
        unknown = [n for n in args.only if n not in {c.name for c in every}]
        if unknown:
            parser.error(f"unknown case(s) {', '.join(unknown)}; see --list")
        selected = [c for c in every if c.name in args.only]

    started, started_at = time.perf_counter(), datetime.now(UTC)
    temp = tempfile.mkdtemp(prefix="reportgen-bench-")
    try:
        ctx = Context(Path(temp), mode)
        (ctx.folder / "out").mkdir()
        say(f"{mode} run, {repeat} run(s) per case, inputs in {temp}")
        run_all(selected, ctx, repeat)
    finally:
        if args.keep:
            say(f"inputs and outputs kept in {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)
    elapsed = time.perf_counter() - started

    figures = derive({c.name: c for c in selected}, mode)
    print()
    print(
        f"reportgen benchmarks ({mode}, {repeat} run(s) per case; wall time of the whole "
        f"process; peak = largest process's max RSS)"
    )
    info = machine(started_at)
    print(
        f"{info['platform']}, {info['cpu_count']} CPUs, Python {info['python']}, "
        f"WeasyPrint {info['weasyprint']}, typst {info['typst']}, {info['date']}"
    )
    print()
    print(table(selected))
    print()
    print(derived_table(figures))
    if mode == "quick":
        print("(quick: inputs scaled down, 1 run; targets on sizes are indicative only)")
    print()
    print(f"total {elapsed:.0f} s (including making inputs); results in {args.json}", flush=True)

    results = {
        "machine": info,
        "mode": mode,
        "repeat": repeat,
        "sizes": {
            "tracker_rows": TRACKER_ROWS[mode],
            "read_rows": READ_ROWS[mode],
            "pack_items": PACK_ITEMS[mode],
            "pack_workbooks": PACK_PAPERS[mode],
        },
        "total_s": round(elapsed, 1),
        "cases": {
            c.name: {
                "label": c.label,
                "what": c.what,
                "status": c.status,
                "reason": c.reason,
                "command": [
                    a.replace(str(ctx.folder), "$TMP").replace(str(ROOT), "$ROOT")
                    for a in c.command
                ],
                "times_s": c.times(),
                "median_s": c.median,
                "min_s": min(c.times()) if c.runs else None,
                "max_s": max(c.times()) if c.runs else None,
                "peak_mb": c.peak_mb,
                "runs": c.runs,
                **c.notes,
            }
            for c in selected
        },
        "derived": figures,
    }
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
