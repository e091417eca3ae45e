"""Hostile and broken inputs (issue 14): each file is made here the way an attacker
would, run through the CLI, and must end quickly, in bounded memory, with a clean
message naming the file and place, exit 1, no traceback and nothing written."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli
from workbooks import paper_workbook

import reportgen.workbook.reader

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def rewrite_part(path: Path, part: str, change) -> Path:
    """Rewrite one part of an .xlsx (as an attacker would, with a zip tool)."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == part:
                data = change(data)
            target.writestr(info.filename, data)
    return path


def sheet_part(path: Path, sheet: str) -> str:
    """The zip part of a sheet (openpyxl writes them in order: sheet1.xml, ...)."""
    import openpyxl

    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"


def refused(result, expected: str, out: Path) -> None:
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output
    assert "Traceback" not in result.output and "bug" not in result.output
    assert not out.exists() or not any(out.iterdir())


def run_limited(args: list[str], seconds: float = 10, memory_mb: int = 500):
    """Run the CLI in a child process with a memory limit; fail if it takes too long."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20 * 3, memory_mb * 2**20 * 3))

    start = time.monotonic()
    process = subprocess.run([sys.executable, "-m", "reportgen", *args], env=ENV,
                             capture_output=True, text=True, timeout=seconds,
                             preexec_fn=limit)
    return process, time.monotonic() - start


def peak_rss_mb_of_children() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


# ---------------------------------------------------------------------------------------
# Small files that take the machine


def far_cell_workbook(path: Path, ref: str) -> Path:
    """A complete paper whose Actions sheet also has one value at ``ref``."""
    paper_workbook(path)
    return rewrite_part(path, sheet_part(path, "Actions"), lambda xml: xml.replace(
        b"</sheetData>", f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">'
        f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'.encode()))


@pytest.mark.parametrize(("ref", "expected"), [
    ("XFD1048576", "Actions: its cells reach XFD1048576: from A1 that is 1,048,576 rows × "
     "16,384 columns (17,179,869,184 cells), over the 2,000,000-cell limit; it is not read"),
    ("ZZ100000", "Actions: its cells reach ZZ100000: from A1 that is 100,000 rows × 702 "
     "columns (70,200,000 cells), over the 2,000,000-cell limit; it is not read"),
])
def test_one_far_cell_is_refused_before_anything_is_allocated(tmp_path, ref, expected):
    path = far_cell_workbook(tmp_path / "far.xlsx", ref)
    assert path.stat().st_size < 20_000
    out = tmp_path / "out"
    for command in (["validate", "--format", "json", str(path)],
                    ["build", str(path), "-o", str(out)]):
        process, seconds = run_limited(command)
        output = process.stdout + process.stderr
        assert process.returncode == 1, output
        assert expected.split(": ", 1)[1] in output, output
        assert "Traceback" not in output
        assert seconds < 10
    assert peak_rss_mb_of_children() < 500
    assert not out.exists()


def test_a_sparse_sheet_within_the_limit_is_read(tmp_path):
    path = far_cell_workbook(tmp_path / "sparse.xlsx", "Z5000")  # 130,000 cells
    result = run_cli("validate", path)
    assert result.exit_code == 0, result.output


def test_cells_without_positions_count_towards_the_limit(tmp_path, monkeypatch):
    # 3,000 rows with no r="" and 1,000 cells with none: calamine places each after
    # the one before, so the sheet reaches 3,000+ rows × 1,000+ columns.
    monkeypatch.setattr(reportgen.workbook.reader, "MAX_SHEET_CELLS", 1_000_000)
    path = paper_workbook(tmp_path / "unplaced.xlsx")
    filler = b"<row>" + b"<c/>" * 1000 + b"</row>" + b"<row><c/></row>" * 3000
    rewrite_part(path, sheet_part(path, "Actions"),
                 lambda xml: xml.replace(b"</sheetData>", filler + b"</sheetData>"))
    refused(run_cli("build", path, "-o", tmp_path / "out"),
            "Actions: its cells reach EXD3007: from A1 that is 3,007 rows × 4,008 columns "
            "(12,052,056 cells), over the 1,000,000-cell limit", tmp_path / "out")


def test_comment_crafted_for_a_quadratic_scan_is_read_in_linear_time(tmp_path):
    # 32,000 unclosed <c r="A1"> inside a comment, and a formula so the scan runs.
    path = paper_workbook(tmp_path / "slow.xlsx")
    trap = b"<!--" + b'<c r="A1"><f>1</f>' * 32_000 + b"-->"
    rewrite_part(path, sheet_part(path, "Actions"),
                 lambda xml: xml.replace(b"<sheetData>", trap + b"<sheetData>")
                 .replace(b'<c r="H2" t="inlineStr"><is><t>Launch planned.</t></is></c>',
                          b'<c r="H2"><f>1+1</f></c>'))
    assert path.stat().st_size < 20_000
    start = time.monotonic()
    result = run_cli("build", path, "-o", tmp_path / "out")
    assert time.monotonic() - start < 10
    assert result.exit_code == 1, result.output
    assert ("Actions!H2: formula has no calculated value (the file was saved by a program, "
            "not Excel)") in result.output
    assert "Actions!A1: formula" not in result.output  # nothing inside the comment counts


@pytest.mark.parametrize(("make", "expected"), [
    (lambda p: os.mkfifo(p), "is a pipe (FIFO), not a regular file; it is not read"),
    (lambda p: p.symlink_to("/dev/zero"), "is a device, not a regular file; it is not read"),
])
def test_workbook_argument_that_is_not_a_regular_file(tmp_path, make, expected):
    path = tmp_path / "paper.xlsx"
    make(path)
    out = tmp_path / "out"
    for command in (["validate", "--format", "json", str(path)],
                    ["build", str(path), "-o", str(out)]):
        process, seconds = run_limited(command, seconds=10)
        output = process.stdout + process.stderr
        assert process.returncode == 1, output
        assert expected in output, output
        assert seconds < 10
    assert not out.exists()


def test_workbook_over_the_size_limit_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(reportgen.workbook.reader, "MAX_WORKBOOK_BYTES", 1000)
    path = paper_workbook(tmp_path / "big.xlsx")
    size = path.stat().st_size
    refused(run_cli("build", path, "-o", tmp_path / "out"),
            f"big.xlsx: is {size:,} bytes, over the 1,000 bytes limit for a workbook; "
            "it is not read", tmp_path / "out")
