"""The command-line conventions people expect (issue 19): -V, NO_COLOR and --no-color,
-q (errors only) and -v (steps and timings) on every command, and `reportgen demo`."""

from __future__ import annotations

from pathlib import Path

import pikepdf
from click.testing import CliRunner
from workbooks import paper_workbook

from reportgen import __version__
from reportgen.cli import cli

ANSI = "\x1b["


def invoke(*args, env=None, color=False):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, color=color,
                              catch_exceptions=False)


def test_version_has_a_short_flag():
    for flag in ("-V", "--version"):
        result = invoke(flag)
        assert result.exit_code == 0
        assert result.output.strip() == f"reportgen, version {__version__}"


def test_errors_are_coloured_unless_no_color_says_not(tmp_path):
    missing = tmp_path / "missing.xlsx"
    coloured = invoke("build", missing, color=True)
    assert coloured.exit_code == 1 and ANSI in coloured.output
    for run in (invoke("build", missing, env={"NO_COLOR": "1"}, color=True),
                invoke("--no-color", "build", missing, color=True)):
        assert run.exit_code == 1
        assert ANSI not in run.output
        assert "Error: 1 problem in" in run.output and "file not found" in run.output
    forced = invoke("--color", "build", missing, env={"NO_COLOR": "1"}, color=True)
    assert ANSI in forced.output


def warned_workbook(tmp_path: Path) -> Path:
    path = paper_workbook(tmp_path / "w.xlsx")
    book = __import__("openpyxl").load_workbook(path)
    book["Actions"]["J1"] = "Colour"
    book.save(path)
    return path


def test_quiet_prints_errors_only(tmp_path):
    path = warned_workbook(tmp_path)
    for args in (("-q", "build", path, "-o", tmp_path / "a"),
                 ("build", path, "-o", tmp_path / "b", "--quiet")):
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        assert result.output == ""
    assert (tmp_path / "a" / "test-framework-update-2018-2019.pdf").is_file()
    assert invoke("validate", path, "-q").output == ""
    failed = invoke("-q", "build", tmp_path / "missing.xlsx")
    assert failed.exit_code == 1 and "file not found" in failed.output


def test_verbose_prints_each_step_with_its_time(tmp_path):
    path = paper_workbook(tmp_path / "w.xlsx")
    result = invoke("build", path, "-o", tmp_path / "out", "-v")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    steps = [line.strip() for line in lines if line.startswith("  ")]
    assert [s.split(" [")[0] for s in steps] == [
        "workbook read and checked", "figures and charts worked out", "HTML rendered",
        "PDF laid out and finished", "written", "done: reportgen build"]
    assert all(s.endswith(" s]") for s in steps)
    checked = invoke("-v", "validate", path)
    assert "workbook read and checked [" in checked.output
    assert "done: reportgen validate [" in checked.output


def test_demo_builds_the_bundled_example_into_a_folder(tmp_path):
    folder = tmp_path / "demo"
    result = invoke("demo", folder, "--jobs", "2")
    assert result.exit_code == 0, result.output
    pdfs = sorted(p.name for p in folder.glob("*.pdf"))
    assert pdfs == ["governing-body-meeting-2018-11-14-private.pdf",
                    "governing-body-meeting-2018-11-14-public.pdf",
                    "organisational-development-framework-update-2018-2019.pdf"]
    for name in pdfs:
        with pikepdf.open(folder / name) as pdf:
            assert len(pdf.pages) >= 19
    assert (folder / "example" / "dorset-od-framework-2018.xlsx").is_file()
    assert (folder / "example" / "pack" / "agenda.yaml").is_file()
    assert f"The example's workbook and agenda are in {folder / 'example'}" in result.output
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    again = invoke("demo", folder)
    assert again.exit_code == 1
    assert "already exists; choose another folder" in again.output
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()} == before
