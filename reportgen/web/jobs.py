"""Builds queued and run one at a time, each reporting its progress as events.

Two people pressing "Build" at once must not lay out over each other (the pack cache,
the worker processes, two CPUs): :class:`JobQueue` runs jobs in order in one thread.
A job records every step as an :class:`Event`, which the page follows through
server-sent events (:mod:`reportgen.web.events`), and ends in one of four states:
``done``, ``invalid`` (the input's problems, nothing built), ``failed`` (a message),
or still ``queued``/``running``.
"""

from __future__ import annotations

import itertools
import queue
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import InputError, Problem, ReportgenError
from reportgen.pack.options import Progress

FINISHED = ("done", "invalid", "failed")


@dataclass(frozen=True)
class Event:
    number: int
    kind: str  # "progress", "note", "end"
    data: dict
    at: float = 0.0  # time.monotonic() when it happened


@dataclass(frozen=True)
class Output:
    """A file a build wrote, offered for download under its own name."""

    label: str  # "PDF", "HTML twin", "Manifest", ...
    path: Path

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class Job:
    kind: str  # "paper" or "pack"
    title: str  # what is being built, for the page: "paper.xlsx"
    source: str  # the input's name, for the problems' table
    id: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    state: str = "queued"
    events: list[Event] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    pages: list = field(default_factory=list)  # reportgen.web.pages.Page of the PDF shown
    summary: list[str] = field(default_factory=list)  # "Wrote x.pdf (20 pages)"
    error: str | None = None
    cleanup: list[Path] = field(default_factory=list)  # removed when the job ends
    done: int = 0
    total: int = 0
    fraction: float = 0.0  # of the whole job done, 0 to 1: only ever grows
    started: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _count: itertools.count = field(default_factory=itertools.count, repr=False)

    def emit(self, kind: str, **data) -> None:
        with self._lock:
            self.events.append(Event(next(self._count), kind, data, time.monotonic()))

    def since(self, number: int) -> list[Event]:
        with self._lock:
            return [e for e in self.events if e.number >= number]

    @property
    def percent(self) -> int:
        if self.state in FINISHED:
            return 100
        return round(100 * self.fraction)

    def advance(self, fraction: float, text: str) -> None:
        """The bar moves to ``fraction`` (never back)."""
        self.fraction = max(self.fraction, min(1.0, fraction))
        self.emit("progress", percent=self.percent, text=text)

    def step(self, text: str) -> None:
        """One of ``total`` steps done (a paper's build reports five)."""
        self.done += 1
        self.advance(self.done / self.total if self.total else 0.0, text)

    def output(self, label: str, path: Path | None) -> None:
        if path is not None and path.is_file():
            self.outputs.append(Output(label, path))

    def find_output(self, name: str) -> Output | None:
        """The output called ``name``: looked up among the job's own files, never
        joined to a path."""
        return next((o for o in self.outputs if o.name == name), None)


class PackProgress(Progress):
    """The pack's progress reports (the same calls the CLI's bar gets) as job events.
    A job building ``count`` packs gives each an equal share of the bar; this one is
    number ``index`` (from 0)."""

    def __init__(self, job: Job, label: str = "", index: int = 0, count: int = 1):
        self.job = job
        self.label = label
        self.index = index
        self.count = count
        self.done = 0
        self.total = 0

    def start(self, total: int) -> None:
        self.done, self.total = 0, max(total, 1)
        self.job.advance(self.index / self.count, f"{self.label}started".strip(" ·"))

    def __call__(self, label: str, step: str) -> None:
        self.done = min(self.done + 1, self.total)
        self.job.advance((self.index + self.done / max(self.total, 1)) / self.count,
                         f"{self.label}{label}: {step}")

    def note(self, label: str, text: str) -> None:
        self.job.emit("note", text=f"{self.label}{label}: {text}")


class JobQueue:
    """Jobs run in the order they came, one at a time, in one thread."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}
        self._waiting: queue.Queue[tuple[Job, Callable[[Job], None]] | None] = queue.Queue()
        self._order: list[str] = []
        self._thread = threading.Thread(target=self._run, name="reportgen-builds",
                                        daemon=True)
        self._thread.start()

    def submit(self, job: Job, work: Callable[[Job], None]) -> Job:
        self.jobs[job.id] = job
        self._order.append(job.id)
        job.emit("progress", percent=0, text="waiting to start")
        self._waiting.put((job, work))
        return job

    def ahead_of(self, job: Job) -> int:
        """How many jobs will run before ``job``."""
        return sum(1 for other in self._order[:self._order.index(job.id)]
                   if self.jobs[other].state not in FINISHED)

    def stop(self) -> None:
        self._waiting.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            entry = self._waiting.get()
            if entry is None:
                return
            job, work = entry
            job.state = "running"
            job.started = time.monotonic()
            job.emit("progress", percent=job.percent, text="started")
            try:
                work(job)
                job.state = "done"
            except InputError as error:
                job.problems = list(error.problems)
                job.state = "invalid"
            except ReportgenError as error:
                job.error = str(error)
                job.state = "failed"
            except OSError as error:
                where = f" {error.filename}" if error.filename else ""
                job.error = f"could not read or write{where}: {error.strerror or error}"
                job.state = "failed"
            except Exception as error:  # a bug: the page says so, the server goes on
                job.error = (f"unexpected {type(error).__name__}: {error}. This is a bug "
                             "in reportgen; run the same build with the reportgen command "
                             "and --debug for the details.")
                job.state = "failed"
            finally:
                for path in job.cleanup:
                    shutil.rmtree(path, ignore_errors=True)
                job.emit("end", state=job.state, percent=100,
                         seconds=round(time.monotonic() - job.started, 1))
