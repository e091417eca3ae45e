"""An interrupted build keeps the previous PDF and leaves no partial file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date

from workbooks import paper_workbook

from reportgen.safeio import TEMP_PREFIX


def _many_actions(count: int):
    return [[f"A{i}", f"Theme {i % 4}", f"Action number {i} with a longer description",
             "Milestone", "Head of HR", date(2019, 1, 31), "On track",
             "Progress is being made and is reported here. " * 3] for i in range(count)]


def test_interrupted_build_keeps_previous_pdf(tmp_path):
    out = tmp_path / "out"
    workbook = paper_workbook(tmp_path / "paper.xlsx")
    command = [sys.executable, "-m", "reportgen", "build", str(workbook), "-o", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    pdf = out / "test-framework-update-2018-2019.pdf"
    previous = pdf.read_bytes()

    paper_workbook(workbook, actions=_many_actions(400))  # several seconds to lay out
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    # Laying out 400 actions takes far longer than this: interrupt mid-build.
    time.sleep(1.5)
    assert process.poll() is None
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Interrupted: nothing was written." in stderr
    assert "Traceback" not in stderr
    assert pdf.read_bytes() == previous
    assert sorted(os.listdir(out)) == [pdf.name]
    assert not any(name.startswith(TEMP_PREFIX) for name in os.listdir(out))
