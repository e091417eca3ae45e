"""`reportgen build` says what it is doing: a line drawn over itself on a terminal,
one line per step on a pipe with --progress, nothing on a pipe without it, nothing
with --quiet. Real builds, in-process and in a pseudo-terminal."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
from conftest import run_cli
from workbooks import ACTIONS, paper_workbook

ROOT = Path(__file__).resolve().parent.parent
PDF_NAME = "test-framework-update-2018-2019.pdf"
ENV = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": "/tmp"}


def steps(text: str) -> list[str]:
    """The progress lines' steps, without the clock."""
    return [re.sub(r" \[\d+\.\ds\]$", "", line.strip())
            for line in text.splitlines() if line.strip().startswith("Building ")]


def test_progress_on_a_pipe_lists_each_step_and_every_part(tmp_path):
    paper_workbook(tmp_path / "w.xlsx")
    result = run_cli("build", tmp_path / "w.xlsx", "-o", tmp_path / "out", "--progress",
                     "--jobs", "2")
    assert result.exit_code == 0, result.output
    shown = steps(result.output)
    parts = [s for s in shown if " laying out part " in s]
    count = int(parts[0].rsplit(" of ", 1)[1])
    assert count >= 2
    assert shown == [
        "Building w.xlsx: reading the workbook",
        "Building w.xlsx: analysing and drawing charts",
        "Building w.xlsx: rendering the HTML",
        "Building w.xlsx: laying out",
        *[f"Building w.xlsx: laying out part {n} of {count}" for n in range(1, count + 1)],
        "Building w.xlsx: finishing",
        "Building w.xlsx: writing",
    ]
    assert all(re.search(r" \[\d+\.\ds\]$", line) for line in result.output.splitlines()
               if line.startswith("  Building "))
    assert result.output.splitlines()[-1] == f"Wrote {tmp_path / 'out' / PDF_NAME} (" + \
        result.output.rsplit("(", 1)[1].rstrip("\n")
    with pikepdf.open(tmp_path / "out" / PDF_NAME) as pdf:
        assert f"({len(pdf.pages)} pages)" in result.output


def test_on_a_terminal_one_line_is_redrawn_and_cleared(tmp_path):
    paper_workbook(tmp_path / "w.xlsx")
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen.cli", "build", "w.xlsx", "-o", "out"],
        cwd=tmp_path, env=ENV, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the build ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=600) == 0
    text = b"".join(chunks).decode()
    drawn = [piece for piece in text.split("\r") if piece.startswith("Building w.xlsx: ")]
    doing = [re.sub(r" \[\d+\.\ds\] *$", "", piece) for piece in drawn]
    assert doing[0] == "Building w.xlsx: reading the workbook"
    assert "Building w.xlsx: laying out part 1 of" in " ".join(doing)
    assert doing[-2:] == ["Building w.xlsx: finishing", "Building w.xlsx: writing"]
    assert "\n" not in "".join(drawn)  # never a line of its own on the terminal
    # The status line is blanked before the result is printed on a clean line.
    assert re.search(r"\r +\rWrote out/" + re.escape(PDF_NAME) + r" \(\d+ pages\)\r?\n$", text)


def test_nothing_on_a_pipe_without_progress(tmp_path):
    paper_workbook(tmp_path / "w.xlsx")
    done = subprocess.run([sys.executable, "-m", "reportgen.cli", "build", "w.xlsx", "-o",
                           "out"], cwd=tmp_path, env=ENV, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert re.fullmatch(r"Wrote out/" + re.escape(PDF_NAME) + r" \(\d+ pages\)\n", done.stdout)


def test_a_broken_workbook_stops_after_reading_and_quiet_shows_only_the_error(tmp_path,
                                                                          monkeypatch):
    rows = [list(row) for row in ACTIONS]
    rows[0][6] = "Greenish"
    paper_workbook(tmp_path / "w.xlsx", actions=rows)
    error = ("Error: 1 problem in w.xlsx:\n  Actions!G2: \"Greenish\" is not a status (did "
             "you mean 'Green' (On track)? use one of Complete, On track, At risk, Off track, "
             "Not started)\n")
    monkeypatch.chdir(tmp_path)
    shown = run_cli("build", "w.xlsx", "-o", "out", "--progress")
    assert shown.exit_code == 1
    assert steps(shown.output) == ["Building w.xlsx: reading the workbook"]
    assert shown.output.endswith(error) and "Traceback" not in shown.output
    quiet = run_cli("build", "w.xlsx", "-o", "out", "--progress", "-q")
    assert quiet.exit_code == 1 and quiet.output == error
    assert not (tmp_path / "out").exists()
