"""A build with bad inputs fails before any layout work: no worker process is started
and neither pandas, matplotlib nor WeasyPrint is imported, so the error comes in the
time `reportgen validate` takes (a missing file: at once). Nothing is written.

Each case runs the real CLI in a fresh Python process, which then reports what the
build had imported and whether it had started child processes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pikepdf
from workbooks import ACTIONS, paper_workbook

ROOT = Path(__file__).resolve().parent.parent

#: Runs `reportgen ARGS...` in this process, then prints what it loaded and started.
PROBE = """
import json, multiprocessing, sys
from click.testing import CliRunner
from reportgen.cli import cli
result = CliRunner().invoke(cli, sys.argv[1:])
print(json.dumps({
    "code": result.exit_code,
    "output": result.output,
    "exception": repr(result.exception) if result.exception and
                 not isinstance(result.exception, SystemExit) else None,
    "children": len(multiprocessing.active_children()),
    "loaded": sorted(m for m in ("pandas", "matplotlib", "weasyprint", "jinja2",
                                 "reportgen.pdf.pool", "concurrent.futures.process")
                     if m in sys.modules),
}))
"""


def probe(folder: Path, *args) -> dict:
    """Run the CLI in ``folder`` (paths given relative to it, as a user types them)."""
    done = subprocess.run([sys.executable, "-c", PROBE, *map(str, args)],
                          capture_output=True, text=True, cwd=folder, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def assert_failed_early(result: dict, message: str, outdir: Path) -> None:
    assert result["code"] == 1, result
    assert result["output"] == message
    assert "Traceback" not in result["output"] and result["exception"] is None
    assert result["children"] == 0
    assert result["loaded"] == [], f"imported before failing: {result['loaded']}"
    assert not outdir.exists() or not any(outdir.iterdir())


def test_a_missing_workbook_fails_before_anything_is_imported_or_started(tmp_path):
    out = tmp_path / "out"
    result = probe(tmp_path, "build", "nothere.xlsx", "-o", "out")
    assert_failed_early(result, "Error: 1 problem in nothere.xlsx:\n"
                                "  nothere.xlsx: file not found\n", out)


def test_a_wrong_status_fails_in_validation_time_before_the_workers_start(tmp_path):
    rows = [list(row) for row in ACTIONS]
    rows[1][6] = "Amberish"
    workbook = paper_workbook(tmp_path / "w.xlsx", actions=rows)
    before = workbook.read_bytes()
    out = tmp_path / "out"
    result = probe(tmp_path, "build", "w.xlsx", "-o", "out", "--jobs", "2")
    assert_failed_early(result, (
        "Error: 1 problem in w.xlsx:\n"
        "  Actions!G3: \"Amberish\" is not a status (did you mean 'Amber' (At risk)? use one "
        "of Complete, On track, At risk, Off track, Not started)\n"), out)
    assert workbook.read_bytes() == before


def test_a_broken_previous_workbook_fails_before_the_workers_start(tmp_path):
    paper_workbook(tmp_path / "w.xlsx")
    paper_workbook(tmp_path / "last.xlsx", paper={"Title": None})
    out = tmp_path / "out"
    result = probe(tmp_path, "build", "w.xlsx", "--previous", "last.xlsx", "-o", "out")
    assert_failed_early(result, "Error: 1 problem in last.xlsx:\n"
                                "  Paper!B6: 'Title' is required (fill in its value)\n", out)


def test_a_missing_appendix_pdf_fails_before_the_workers_start(tmp_path):
    paper_workbook(tmp_path / "w.xlsx",
                   appendices=[[1, "Plan", "plan.pdf"], [2, "Survey", "gone.pdf"]])
    out = tmp_path / "out"
    result = probe(tmp_path, "build", "w.xlsx", "-o", "out")
    assert_failed_early(result, (
        "Error: 2 problems in w.xlsx:\n"
        '  Appendices!C2: file "plan.pdf" not found (paths are relative to .)\n'
        '  Appendices!C3: file "gone.pdf" not found (paths are relative to .)\n'),
        out)


def test_a_missing_templates_folder_fails_before_the_workers_start(tmp_path):
    paper_workbook(tmp_path / "w.xlsx")
    out = tmp_path / "out"
    result = probe(tmp_path, "build", "w.xlsx", "--templates", "our-style", "-o", "out")
    assert_failed_early(result, "Error: template folder our-style does not exist\n", out)


def test_a_good_workbook_still_builds_in_the_workers(tmp_path):
    """The same probe sees the pool and WeasyPrint loaded when the build goes ahead."""
    paper_workbook(tmp_path / "w.xlsx")
    out = tmp_path / "out"
    result = probe(tmp_path, "build", "w.xlsx", "-o", "out", "--jobs", "1")
    assert result["code"] == 0, result
    assert "reportgen.pdf.pool" in result["loaded"] and "pandas" in result["loaded"]
    assert "weasyprint" not in result["loaded"]  # laid out in the workers only
    with pikepdf.open(out / "test-framework-update-2018-2019.pdf") as pdf:
        assert len(pdf.pages) >= 3
