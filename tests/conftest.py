"""Shared fixtures: real workbooks written with openpyxl, real PDFs built from them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from workbooks import paper_workbook

from reportgen.cli import cli

ROOT = Path(__file__).resolve().parent.parent

# The problem table wraps to the terminal's width; tests read it at one width, whatever
# terminal (or none, under pytest-xdist's workers) they run in.
os.environ["COLUMNS"] = "120"


def run_cli(*args: str):
    """Run the CLI in-process; the result's output includes stderr."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="session")
def built_paper(tmp_path_factory) -> Path:
    """The standard test workbook built once into a PDF."""
    folder = tmp_path_factory.mktemp("paper")
    workbook = paper_workbook(folder / "paper.xlsx")
    result = run_cli("build", workbook, "-o", folder / "out")
    assert result.exit_code == 0, result.output
    return folder / "out" / "test-framework-update-2018-2019.pdf"
