"""``reportgen preview paper.xlsx``: the paper's pages in the browser, rebuilt on every save.

One warm process: the layout workers (WeasyPrint and its fonts loaded), pandas,
matplotlib and the templates stay loaded between builds, and the workers sit behind
a :class:`reportgen.pdf.partcache.CachedPool`, so a part of the paper whose HTML did
not change is not laid out again; only pages whose drawing changed are drawn again
(:class:`reportgen.web.pages.PageImages`). The build is the library's own
(:func:`reportgen.build.render_paper_pdf`), written nowhere: the preview only shows it.

``watchfiles`` watches the folders of the workbook, its previous workbook and its
appended PDFs, and the template folders; a save of any of those files rebuilds. The
page follows with server-sent events: it fetches the new state and swaps only the
pages that changed, so the scroll position stays. While the workbook has problems
they are shown above the last good pages.
"""

from __future__ import annotations

import contextlib
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reportgen.analysis.charts import remember_charts
from reportgen.build import render_paper_pdf
from reportgen.errors import InputError, ReportgenError
from reportgen.pdf.partcache import CachedPool
from reportgen.pdf.pool import LayoutPool
from reportgen.render.environment import BUILTIN_TEMPLATES, make_environment
from reportgen.web.app import ASSETS, SECURITY_HEADERS, page
from reportgen.web.events import stream, version_events
from reportgen.web.pages import PageImages
from reportgen.web.security import LOOPBACK_NAMES, Guard

#: The longest a burst of changes is gathered before the build starts.
DEBOUNCE_MS = 400
#: Quiet time after a change before the build starts (an editor's save is often
#: several writes): short, since the build costs far more.
STEP_MS = 50


class Preview:
    """The paper's latest build: its pages, or its problems over the last good pages."""

    def __init__(self, workbook: Path, *, previous: Path | None = None,
                 templates: Path | None = None, jobs: int = 1) -> None:
        self.workbook = workbook
        self.previous = previous
        self.templates = templates
        self.jobs = max(1, jobs)
        self.images = PageImages()
        self.env = make_environment()
        self.version = 0
        self.pages: list = []
        self.problems: list = []
        self.warnings: list = []
        self.error: str | None = None
        self.seconds: float | None = None
        self.reused = (0, 0)  # parts (and frame pieces) reused, laid out, last build
        self.inputs: set[Path] = {p.resolve() for p in (workbook, previous) if p}
        self._lock = threading.Lock()
        self._pool: LayoutPool | None = None
        self.charts: dict = {}  # charts drawn by the last build, by what they show
        self.pool: CachedPool | None = None

    def start(self) -> None:
        self._pool = LayoutPool(self.jobs)
        self.pool = CachedPool(self._pool)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def stamps(self) -> list[tuple[Path, int, int]]:
        """Each input's modification time and size: a save during a build shows here."""
        found = []
        for path in sorted(self.inputs):
            with contextlib.suppress(OSError):
                info = path.stat()
                found.append((path, info.st_mtime_ns, info.st_size))
        return found

    def settled(self, quiet: float = 0.25, longest: float = 3.0
                ) -> list[tuple[Path, int, int]]:
        """The stamps once no input has changed for ``quiet`` seconds (at most
        ``longest``): a save is several writes, and a half-written workbook must not be
        shown as "damaged"."""
        deadline = time.monotonic() + longest
        stamps = self.stamps()
        while time.monotonic() < deadline:
            time.sleep(quiet)
            again = self.stamps()
            if again == stamps:
                break
            stamps = again
        return stamps

    def rebuild(self) -> None:
        """Build the paper again; once more if an input was saved while it was read
        (an editor's save is several writes: the first may be caught half-way)."""
        for _ in range(3):
            before = self.settled()
            self.build_once()
            if self.stamps() == before:
                return

    def build_once(self) -> None:
        """Build the paper, keeping the last good pages if it has problems."""
        started = time.monotonic()
        with self._lock:
            try:
                with remember_charts(self.charts):  # unchanged charts are not drawn again
                    paper = render_paper_pdf(self.workbook, previous=self.previous,
                                             templates=self.templates, pool=self.pool)
                self.pages = self.images.add(paper.pdf)
                self.problems, self.error = [], None
                self.warnings = list(paper.warnings)
                self.inputs = {p.resolve() for p in paper.inputs}
            except InputError as error:
                self.problems, self.error = list(error.problems), None
            except ReportgenError as error:
                self.problems, self.error = [], str(error)
            except OSError as error:
                where = f" {error.filename}" if error.filename else ""
                self.problems = []
                self.error = f"could not read{where}: {error.strerror or error}"
            finally:
                if self.pool is not None:
                    self.reused = self.pool.reset_counts()
                self.seconds = round(time.monotonic() - started, 2)
                self.version += 1

    def folders(self) -> list[Path]:
        folders = {p.parent for p in self.inputs}
        folders |= {Path(d).resolve() for d in ([self.templates] if self.templates else [])}
        folders.add(BUILTIN_TEMPLATES.resolve())
        return sorted(folders)

    def relevant(self, path: str) -> bool:
        """A change to an input file, or to a file in a template folder."""
        changed = Path(path).resolve()
        if changed in self.inputs:
            return True
        templates = [BUILTIN_TEMPLATES, *([self.templates] if self.templates else [])]
        return any(changed.is_relative_to(Path(t).resolve()) for t in templates) \
            and changed.suffix in (".html", ".css", ".yaml", ".png", ".jpg", ".svg")

    def watch(self, stop: threading.Event) -> None:
        """Rebuild on every relevant save until ``stop`` is set."""
        import watchfiles  # here, not at the top: only the running preview watches

        while not stop.is_set():
            folders = self.folders()
            for changes in watchfiles.watch(*folders, stop_event=stop, debounce=DEBOUNCE_MS,
                                            step=STEP_MS, yield_on_timeout=True,
                                            rust_timeout=500, raise_interrupt=False):
                if stop.is_set():
                    return
                if any(self.relevant(path) for _, path in changes):
                    self.rebuild()
                if self.folders() != folders:
                    break  # a new appended PDF elsewhere: watch its folder too

    def state(self) -> dict:
        problems = self.env.get_template("web/_preview_problems.html").render(
            problems=self.problems, warnings=self.warnings, error=self.error,
            workbook=self.workbook.name, show_file=False)
        if self.error or self.problems:
            status = (f"{self.workbook.name} has problems: the pages below are the last "
                      "good build" if self.pages else f"{self.workbook.name} has problems")
        else:
            hits, misses = self.reused
            status = (f"Built {self.workbook.name} in {self.seconds} s "
                      f"({len(self.pages)} pages; {hits} of {hits + misses} pieces reused)"
                      if self.seconds is not None else "Building…")
        return {"version": self.version, "status": status, "problems": problems,
                "pages": [{"key": p.key, "number": p.number, "width": p.width,
                           "height": p.height, "text": p.text} for p in self.pages]}


def create_preview_app(preview: Preview, *, hosts: frozenset[str] = LOOPBACK_NAMES,
                       watch: bool = True):
    """The preview's application: its page, its events, its page images. The first
    build runs at start-up; with ``watch``, every save rebuilds."""
    stop = threading.Event()

    @asynccontextmanager
    async def lifespan(_app):
        preview.start()
        watcher = None
        if watch:
            watcher = threading.Thread(target=preview.watch, args=(stop,),
                                       name="reportgen-preview-watch", daemon=True)
            watcher.start()
        first = threading.Thread(target=preview.rebuild, name="reportgen-preview-first",
                                 daemon=True)
        first.start()
        try:
            yield
        finally:
            stop.set()
            first.join(timeout=60)
            if watcher is not None:
                watcher.join(timeout=5)
            with contextlib.suppress(Exception):
                preview.close()

    async def home(request: Request) -> Response:
        state = preview.state()
        return page(preview.env, "preview.html", state=state, preview=preview,
                    problems_html=state["problems"])

    async def state(request: Request) -> Response:
        return JSONResponse(preview.state(), headers={"Cache-Control": "no-store"})

    async def events(request: Request) -> Response:
        return stream(version_events(lambda: preview.version))

    async def image(request: Request) -> Response:
        data = preview.images.get(request.path_params["name"])
        if data is None:
            raise HTTPException(404)
        return Response(data, media_type="image/png",
                        headers={"Cache-Control": "private, max-age=31536000, immutable"})

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            raise HTTPException(404)
        return Response((BUILTIN_TEMPLATES / "web" / name).read_bytes(),
                        media_type=ASSETS[name], headers=SECURITY_HEADERS)

    app = Starlette(routes=[Route("/", home), Route("/state", state),
                            Route("/events", events), Route("/pages/{name}.png", image),
                            Route("/assets/{name}", asset)], lifespan=lifespan)
    guarded = Guard(app, hosts=hosts)
    guarded.preview = preview
    return guarded
