"""Worker processes that lay out HTML with WeasyPrint, started before there is any.

A paper's build (or a pack's) opens the pool first thing, so the workers import
WeasyPrint and load the fonts on the other CPUs while the main process reads the
workbook; parts of a long paper, a pack's papers and a frame's pieces are then laid
out in them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from reportgen.pdf.layout import lay_out_html


@dataclass(frozen=True)
class PageFacts:
    """What the frame and the join need to know of a laid-out page."""

    name: str  # CSS page name ("" for the default page)
    size: tuple[float, float]  # width, height in CSS px
    anchors: tuple[str, ...]
    bookmarks: tuple[tuple[int, str, float, float], ...]  # level, label, x, y (px)
    frame_element: tuple[str, dict[str, str]] | None  # a top-level element to repeat


@dataclass(frozen=True)
class LaidOut:
    pdf: bytes
    pages: list[PageFacts]


@dataclass(frozen=True)
class Job:
    html: str
    roots: tuple[str, ...]
    epoch: str
    debug: bool = False
    options: tuple[tuple[str, object], ...] = (("pdf_variant", "pdf/ua-1"),)


def _page_facts(page) -> PageFacts:
    box = page._page_box  # WeasyPrint keeps the page box; its page type holds the name
    name = box.page_type.name or ""
    frame_element = None
    html_box = box.children[0] if box.children else None
    body_box = html_box.children[0] if html_box is not None and html_box.children else None
    first = body_box.children[0] if body_box is not None and body_box.children else None
    element = getattr(first, "element", None)
    if element is not None and "appended-page" in (element.get("class") or "").split():
        frame_element = (element.tag, {k: v for k, v in element.attrib.items() if k != "id"})
    return PageFacts(
        name=name, size=(page.width, page.height), anchors=tuple(page.anchors),
        bookmarks=tuple((level, label, x, y) for level, label, (x, y), _ in page.bookmarks),
        frame_element=frame_element)


def lay_out(job: Job) -> LaidOut:
    """Worker: lay out one HTML document (a part, or the frame) as a tagged PDF."""
    document, data = lay_out_html(job.html, [Path(root) for root in job.roots], job.epoch,
                                  dict(job.options), debug=job.debug)
    return LaidOut(data, [_page_facts(page) for page in document.pages])


#: Laid out by each worker as it starts, to load the fonts papers use.
WARM_UP_HTML = ('<p style="font-family: Arial, \'Liberation Sans\', sans-serif">Warm '
                '<b>up</b></p><p style="font-family: \'DejaVu Sans\'">&#x2713;</p>')


def _die_with_parent(parent: int) -> None:
    """Worker start: end when the process that started it ends, however it ends.

    On Linux the kernel sends SIGTERM to the worker when its parent dies, even by
    SIGKILL (``prctl(PR_SET_PDEATHSIG)``); if the parent is already gone by the time
    that is set, the worker leaves at once. Ctrl-C is the parent's to handle: it
    stops the workers itself, so none prints a traceback of its own.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes  # here, not at the top: only worker processes need it

        pr_set_pdeathsig = 1
        # Without prctl the parent still stops its workers on Ctrl-C and on errors.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != parent:
        os._exit(1)


def _warm_up(parent: int | None = None) -> None:
    """Worker start: import WeasyPrint and load the fonts (about half a second) while
    the main process is still reading the workbook and drawing the charts."""
    if parent is not None:
        _die_with_parent(parent)
    import logging

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
    weasyprint.HTML(string=WARM_UP_HTML).render()


class LayoutPool:
    """Worker processes that lay out HTML, started before there is any to lay out.

    A paper's build opens the pool first thing, so the workers import WeasyPrint on the
    other CPUs while the workbook is read and analysed; the whole layout then happens
    in them (split into parts when the paper allows).
    """

    def __init__(self, jobs: int):
        self.jobs = jobs
        self._executor = ProcessPoolExecutor(max_workers=jobs, initializer=_warm_up,
                                             initargs=(os.getpid(),))
        for _ in range(jobs):  # start every worker now, not on first use
            self._executor.submit(int)

    def submit(self, job: Job) -> Future[LaidOut]:
        return self._executor.submit(lay_out, job)

    def map(self, function, items):
        """Other work for the same processes (a pack's papers), results in order."""
        return self._executor.map(function, items)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def terminate(self) -> None:
        """Stop the workers now, mid-layout (on Ctrl-C or an error): nothing they
        would finish is wanted."""
        processes = list((getattr(self._executor, "_processes", None) or {}).values())
        for process in processes:
            if process.is_alive():
                process.terminate()
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(timeout=5)

    def __enter__(self) -> LayoutPool:
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        if exc_type is None:
            self.close()
        else:
            self.terminate()


def default_jobs() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
