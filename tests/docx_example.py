"""The example paper built once with --docx, shared by test_docx and
test_docx_libreoffice (a plain cached function, so one build serves both modules)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from conftest import ROOT, run_cli

EXAMPLE = ROOT / "data" / "dorset-od-framework-2018.xlsx"
PREVIOUS = ROOT / "data" / "dorset-od-framework-2018-05.xlsx"
STEM = "organisational-development-framework-update-2018-2019"


@cache
def example_build() -> Path:
    """The output folder of ``build EXAMPLE --previous PREVIOUS --docx``."""
    out = Path(tempfile.mkdtemp(prefix="reportgen-docx-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    result = run_cli("build", EXAMPLE, "--previous", PREVIOUS, "-o", out, "--docx")
    assert result.exit_code == 0, result.output
    assert f"Wrote {out / (STEM + '.docx')}" in result.output
    return out

