"""``reportgen demo``: the bundled example built into a folder, to see what reportgen does
without the repository — the NHS Dorset CCG Governing Body paper of 14 November 2018
and the public and private packs of that meeting.

The example's inputs are copied into ``FOLDER/example/`` first, so the user has a real
workbook and agenda to change and build again.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.build import build_paper
from reportgen.errors import ReportgenError
from reportgen.pack.build import build_pack
from reportgen.pack.options import PackOptions, Progress

_PACKAGE = Path(__file__).resolve().parent
#: The example: inside the package when installed, data/ beside it in a checkout.
EXAMPLE = next((p for p in (_PACKAGE / "example", _PACKAGE.parent / "data") if p.is_dir()),
               _PACKAGE / "example")
WORKBOOK = "dorset-od-framework-2018.xlsx"
PREVIOUS = "dorset-od-framework-2018-05.xlsx"
AGENDA = Path("pack") / "agenda.yaml"


@dataclass
class DemoResult:
    inputs: Path  # the copied example
    written: list[Path] = field(default_factory=list)


def copy_example(target: Path) -> Path:
    """The example's workbooks, appendices and pack papers copied into ``target``
    (which must not exist yet, so nothing of the user's is overwritten)."""
    if not (EXAMPLE / WORKBOOK).is_file():
        raise ReportgenError(f"the bundled example is missing from {EXAMPLE}; "
                             "reinstall reportgen")
    if target.exists():
        raise ReportgenError(f"{target} already exists; choose another folder, or delete "
                             "it to start again")
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(
        "__pycache__", "*.pyc", "__init__.py", ".reportgen-cache"))
    return target


def run_demo(folder: Path, *, jobs: int = 1, say: Callable[[str], None] | None = None,
             progress: Progress | None = None) -> DemoResult:
    """Copy the example into ``folder/example`` and build it into ``folder``: the paper
    (with what changed since May, and its HTML twin) and both packs."""
    inputs = copy_example(folder / "example")
    result = DemoResult(inputs)
    paper = build_paper(inputs / WORKBOOK, folder, previous=inputs / PREVIOUS, html=True,
                        jobs=jobs)
    result.written += [paper.pdf, *([paper.html] if paper.html else [])]
    if say is not None:
        say(f"Wrote {paper.pdf} ({paper.pages} pages)")
    for part in ("public", "private"):
        pack = build_pack(inputs / AGENDA, folder, PackOptions(part=part, jobs=jobs),
                          progress)
        result.written.append(pack.pdf)
        if say is not None:
            say(f"Wrote {pack.pdf} ({pack.pages} pages)")
    return result
