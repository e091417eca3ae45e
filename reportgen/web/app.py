"""``reportgen serve``: the secretary's page — build a paper or a pack from the browser.

:func:`create_app` makes the ASGI application: Starlette routes rendered with the
paper's own Jinja set-up (:func:`reportgen.render.environment.make_environment`,
templates in ``templates/web/``), behind :class:`reportgen.web.security.Guard`. Builds
call the same library functions as the command line — :func:`reportgen.build.build_paper`
and :func:`reportgen.pack.build.build_pack` — in the order they were asked for
(:class:`reportgen.web.jobs.JobQueue`); their problems are the same
:class:`~reportgen.errors.Problem` objects, shown as an error summary and a table.

Files come either from FOLDER (chosen from a list of what is there, each choice
resolved inside FOLDER) or uploaded: uploads go to a private temporary folder that is
removed when the build ends, and may not name files outside it. Outputs live in the
server's own temporary folder, removed when it stops, and are downloaded by name from
the list of files the build returned.
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import tempfile
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from reportgen import __version__
from reportgen.build import build_paper
from reportgen.errors import InputError, Problem
from reportgen.pack.agenda import read_agenda
from reportgen.pack.build import build_pack
from reportgen.pack.options import PackOptions
from reportgen.render.environment import BUILTIN_TEMPLATES, make_environment
from reportgen.web.events import job_events, stream
from reportgen.web.jobs import FINISHED, Job, JobQueue, PackProgress
from reportgen.web.pages import PageImages
from reportgen.web.security import (
    LOOPBACK_NAMES,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_FILES,
    Guard,
    Refused,
    inside_folder,
    traversal,
    upload_name,
)
from reportgen.workbook.reader import read_workbook
from reportgen.workbook.schema import APPENDICES
from reportgen.workbook.validate import as_text, check_workbook

#: What each file a paper's build returns is called on the page, by the name of its
#: field in :class:`reportgen.build.BuildResult`; a field not listed here (a new
#: output) is offered under its own name.
OUTPUT_LABELS = {"pdf": "PDF", "html": "HTML twin (for a website)", "docx": "Word document",
                 "manifest": "Manifest (SHA-256 of every input and output)"}
#: Files of the service itself, served from templates/web/.
ASSETS = {"service.css": "text/css; charset=utf-8",
          "service.js": "text/javascript; charset=utf-8",
          "preview.js": "text/javascript; charset=utf-8"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; style-src 'self'; "
                               "script-src 'self'; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
PAPER_STEPS = 5  # the steps build_paper reports: read, figures, HTML, PDF, written
SKIPPED_FOLDERS = {"output", "node_modules", "__pycache__", ".git", ".venv"}


@dataclass(frozen=True)
class FormError:
    field: str  # the id of the field the message belongs to
    message: str


def page(env, name: str, status: int = 200, **context) -> HTMLResponse:
    html = env.get_template(f"web/{name}").render(version=__version__, **context)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def files_in(folder: Path, suffixes: tuple[str, ...]) -> list[str]:
    """Files with one of ``suffixes`` in ``folder`` and its sub-folders (two levels),
    as paths relative to it; hidden files, Office lock files (``~$``) and output
    folders left out."""
    found = []
    root = folder.resolve()
    for base, dirs, names in os.walk(root):
        depth = len(Path(base).relative_to(root).parts)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_FOLDERS
                         and depth < 2)
        for name in sorted(names):
            if name.startswith((".", "~$")) or not name.lower().endswith(suffixes):
                continue
            path = Path(base, name)
            if path.is_file() and path.resolve().is_relative_to(root):
                found.append(path.relative_to(root).as_posix())
    return found


def outside(folder: Path, path: Path | None) -> bool:
    return path is not None and not path.resolve().is_relative_to(folder.resolve())


def place_uploaded_appendices(folder: Path, workbook: Path) -> None:
    """Uploaded files arrive without folders: an appendix the uploaded workbook names
    in a sub-folder (``appendices/plan.pdf``) is moved there from the upload of that
    name, if that place is inside the upload's own folder."""
    try:
        raw = read_workbook(workbook)
    except InputError:
        return  # the build reports it
    table = raw.tables.get(APPENDICES.name)
    root = folder.resolve()
    for row in table.rows if table is not None else []:
        text = as_text(row.value("File"))
        if not text or traversal(text):
            continue
        wanted = (workbook.parent / text).resolve()
        arrived = root / Path(text).name
        if wanted.is_relative_to(root) and wanted != arrived and not wanted.exists() \
                and arrived.is_file():
            wanted.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            arrived.rename(wanted)


def check_uploaded_paper(folder: Path, workbook: Path, place: str | None = None
                         ) -> list[Problem]:
    """An uploaded workbook may append only PDFs uploaded with it: a file it names
    elsewhere on this computer would be sent back to whoever uploaded it."""
    place_uploaded_appendices(folder, workbook)
    report, _ = check_workbook(workbook)
    if report is None:
        return []  # its own problems are reported by the build
    problems = []
    for appendix in report.appendices:
        if outside(folder, appendix.file):
            sheet, _, cell = (appendix.cell or "Appendices!").rpartition("!")
            problems.append(Problem(
                f"appendix {appendix.number}: {appendix.file} is not among the uploaded "
                "files, and an uploaded workbook may append only files uploaded with it",
                file=workbook, sheet=f"{place} ({sheet})" if place else sheet or "Appendices",
                cell=cell or None, hint=f"upload {appendix.file.name} with the workbook"))
    return problems


class Service:
    """The state of one ``reportgen serve``: its folder, its queue, its files."""

    def __init__(self, folder: Path, *, jobs: int = 0, max_files: int = MAX_UPLOAD_FILES,
                 workdir: Path | None = None) -> None:
        self.folder = folder.resolve()
        self.jobs = jobs
        self.max_files = max_files
        self.env = make_environment()
        self.queue = JobQueue()
        self.images = PageImages()
        # A private folder (mode 0700) for uploads and outputs, removed on shutdown.
        self.root = Path(tempfile.mkdtemp(prefix="reportgen-serve-", dir=workdir))
        self.packs = self.root / "packs"  # one pack folder for every build: its cache

    def close(self) -> None:
        self.queue.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    # -- pages ---------------------------------------------------------------------

    async def start(self, request: Request) -> Response:
        return page(self.env, "start.html", folder=self.folder)

    async def asset(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            raise HTTPException(404)
        data = (BUILTIN_TEMPLATES / "web" / name).read_bytes()
        return Response(data, media_type=ASSETS[name], headers=SECURITY_HEADERS)

    async def starter(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind == "paper.xlsx":
            from reportgen.workbook.starter import build_starter as make  # only when asked
        elif kind == "agenda.xlsx":
            from reportgen.pack.starter import starter_workbook as make  # only when asked
        else:
            raise HTTPException(404)
        buffer = io.BytesIO()
        make().save(buffer)
        name = "my-paper.xlsx" if kind == "paper.xlsx" else "agenda.xlsx"
        return Response(buffer.getvalue(), headers={
            **SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    def paper_form(self, errors=(), values=None, status: int = 200) -> Response:
        return page(self.env, "paper.html", status=status, errors=list(errors),
                    values=values or {"choice": "", "previous_choice": ""}, folder=self.folder,
                    workbooks=files_in(self.folder, (".xlsx",)))

    def pack_form(self, errors=(), values=None, status: int = 200) -> Response:
        return page(self.env, "pack.html", status=status, errors=list(errors),
                    values=values or {"choice": "", "parts": ["public"], "draft": False},
                    folder=self.folder,
                    agendas=files_in(self.folder, (".yaml", ".yml", ".xlsx")))

    async def paper_get(self, request: Request) -> Response:
        return self.paper_form()

    async def pack_get(self, request: Request) -> Response:
        return self.pack_form()

    def refused(self, refused: Refused) -> Response:
        return page(self.env, "refused.html", status=refused.status, message=str(refused))

    async def read_form(self, request: Request) -> FormData:
        """The form, within the caps; every text field checked for paths that climb
        out of a folder."""
        try:
            form = await request.form(max_files=self.max_files, max_fields=50)
        except HTTPException as error:  # too many files or fields, a malformed body
            raise Refused(f"Refused: {error.detail} (send at most {self.max_files} files "
                          "at once)", status=413 if "Too many" in str(error.detail)
                          else 400) from None
        for name, value in form.multi_items():
            if isinstance(value, str) and traversal(value) and value:
                raise Refused(f"Refused: the field {name} ({value!r}) is a path outside "
                              "this folder")
        return form

    def save_uploads(self, uploads: list[tuple[str, UploadFile]], folder: Path) -> dict:
        """Write uploaded files into ``folder`` under their plain names."""
        saved: dict[str, Path] = {}
        for parameter, upload in uploads:
            name = upload_name(upload.filename, parameter)
            if name in saved:
                raise Refused(f"Refused: two uploaded files are called {name!r}")
            target = folder / name
            with open(target, "xb") as out:
                upload.file.seek(0)
                shutil.copyfileobj(upload.file, out)
            saved[name] = target
        return saved

    @staticmethod
    def uploaded(form: FormData, name: str) -> list[UploadFile]:
        return [v for v in form.getlist(name) if isinstance(v, UploadFile) and v.filename]

    # -- the paper --------------------------------------------------------------------

    async def paper_post(self, request: Request) -> Response:
        try:
            form = await self.read_form(request)
            return self.queue_paper(form)
        except Refused as refused:
            return self.refused(refused)

    def queue_paper(self, form: FormData) -> Response:
        values = {"choice": form.get("choice") or "",
                  "previous_choice": form.get("previous_choice") or ""}
        errors = []
        upload = self.uploaded(form, "workbook")
        previous_upload = self.uploaded(form, "previous")
        appendices = self.uploaded(form, "appendices")
        if upload and values["choice"]:
            errors.append(FormError("workbook", "Upload a workbook or choose one in the "
                                                "folder, not both"))
        elif not upload and not values["choice"]:
            errors.append(FormError("workbook", "Upload a workbook (.xlsx), or choose one "
                                                "in the folder"))
        if previous_upload and values["previous_choice"]:
            errors.append(FormError("previous", "Upload the previous workbook or choose "
                                                "it, not both"))
        for field, files in (("workbook", upload), ("previous", previous_upload)):
            if len(files) > 1:
                errors.append(FormError(field, "Upload one workbook here, not several"))
            for file in files:
                if not (file.filename or "").lower().endswith(".xlsx"):
                    errors.append(FormError(field, f"{file.filename} is not an Excel "
                                                   "workbook (.xlsx)"))
        for file in appendices:
            if not (file.filename or "").lower().endswith(".pdf"):
                errors.append(FormError("appendices", f"{file.filename} is not a PDF"))
        if appendices and not upload:
            errors.append(FormError("appendices", "Appendix PDFs go with an uploaded "
                                                  "workbook; a workbook in the folder "
                                                  "finds its own"))
        if errors:
            return self.paper_form(errors, values, status=400)
        workbook = previous = None
        if values["choice"]:
            workbook = inside_folder(self.folder, values["choice"], "workbook")
        if values["previous_choice"]:
            previous = inside_folder(self.folder, values["previous_choice"],
                                     "previous workbook")
        job = Job("paper", upload[0].filename if upload else values["choice"],
                  source=upload[0].filename if upload else values["choice"], total=PAPER_STEPS)
        inbox = self.root / "uploads" / job.id
        if upload or previous_upload:
            inbox.mkdir(parents=True, mode=0o700)
            job.cleanup.append(inbox)
            try:
                saved = self.save_uploads([("workbook", f) for f in upload]
                                          + [("appendices", f) for f in appendices], inbox)
                if previous_upload:
                    (inbox / "previous").mkdir(mode=0o700)
                    previous = self.save_uploads([("previous", previous_upload[0])],
                                                 inbox / "previous")[
                        upload_name(previous_upload[0].filename, "previous")]
            except Refused:
                shutil.rmtree(inbox, ignore_errors=True)
                raise
            if upload:
                workbook = saved[upload[0].filename]
        outdir = self.root / "jobs" / job.id
        uploaded_folder = inbox if upload else None
        self.queue.submit(job, lambda job: self.run_paper(job, workbook, previous, outdir,
                                                          uploaded_folder))
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    def run_paper(self, job: Job, workbook: Path, previous: Path | None, outdir: Path,
                  uploaded: Path | None) -> None:
        if uploaded is not None:
            problems = check_uploaded_paper(uploaded, workbook)
            if problems:
                raise InputError(problems, workbook)
        # outdir is made by the build, only when it writes (inside self.root, 0700)
        result = build_paper(workbook, outdir, previous=previous, html=True, manifest=True,
                             docx=True, jobs=self.jobs or None, steps=job.step)
        for field in dataclasses.fields(result):
            value = getattr(result, field.name)
            if isinstance(value, Path):
                job.output(OUTPUT_LABELS.get(field.name, field.name.replace("_", " ")),
                           value)
        job.warnings = list(result.warnings)
        job.summary = [f"{result.pdf.name}: {result.pages} pages"]
        job.pages = self.images.add(result.pdf.read_bytes())

    # -- the pack -------------------------------------------------------------------

    async def pack_post(self, request: Request) -> Response:
        try:
            form = await self.read_form(request)
            return self.queue_pack(form)
        except Refused as refused:
            return self.refused(refused)

    def queue_pack(self, form: FormData) -> Response:
        parts = [p for p in form.getlist("parts") if isinstance(p, str)]
        values = {"choice": form.get("choice") or "", "parts": parts,
                  "draft": form.get("draft") == "yes"}
        errors = []
        upload = self.uploaded(form, "agenda")
        papers = self.uploaded(form, "papers")
        unknown = [p for p in parts if p not in ("public", "private")]
        if unknown:
            raise Refused(f"Refused: {unknown[0]!r} is not a part of a pack (public or "
                          "private)")
        if not parts:
            errors.append(FormError("parts", "Choose the public pack, the private pack or "
                                             "both"))
        if upload and values["choice"]:
            errors.append(FormError("agenda", "Upload an agenda or choose one in the "
                                              "folder, not both"))
        elif not upload and not values["choice"]:
            errors.append(FormError("agenda", "Upload an agenda (.yaml or .xlsx), or choose "
                                              "one in the folder"))
        for file in upload:
            if not (file.filename or "").lower().endswith((".yaml", ".yml", ".xlsx")):
                errors.append(FormError("agenda", f"{file.filename} is not an agenda "
                                                  "(.yaml, .yml or .xlsx)"))
        if len(upload) > 1:
            errors.append(FormError("agenda", "Upload one agenda, not several"))
        if papers and not upload:
            errors.append(FormError("papers", "Papers go with an uploaded agenda; an agenda "
                                              "in the folder finds its own"))
        if errors:
            return self.pack_form(errors, values, status=400)
        job = Job("pack", upload[0].filename if upload else values["choice"],
                  source=upload[0].filename if upload else values["choice"])
        uploaded = None
        if upload:
            uploaded = self.root / "uploads" / job.id
            uploaded.mkdir(parents=True, mode=0o700)
            job.cleanup.append(uploaded)
            try:
                saved = self.save_uploads([("agenda", upload[0])]
                                          + [("papers", f) for f in papers], uploaded)
            except Refused:
                shutil.rmtree(uploaded, ignore_errors=True)
                raise
            agenda = saved[upload[0].filename]
        else:
            agenda = inside_folder(self.folder, values["choice"], "agenda")
        outdir = self.root / "jobs" / job.id
        self.queue.submit(job, lambda job: self.run_pack(job, agenda, parts,
                                                         values["draft"], outdir, uploaded))
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    def run_pack(self, job: Job, agenda_path: Path, parts: list[str], draft: bool,
                 outdir: Path, uploaded: Path | None) -> None:
        if uploaded is not None:
            agenda, problems = read_agenda(agenda_path)
            if agenda is None:
                raise InputError(problems, agenda_path)
            contained = []
            for item in agenda.items:
                for path, what in ((item.paper, "paper"), (item.previous, "previous")):
                    if outside(uploaded, path):
                        contained.append(Problem(
                            f"{what} {path} is not among the uploaded files, and an "
                            "uploaded agenda may name only files uploaded with it",
                            file=agenda_path, sheet=item.place or f"item {item.number}",
                            hint=f"upload {path.name} with the agenda and name it without "
                                 "a folder"))
                if item.kind == "workbook" and item.paper.is_file() \
                        and not outside(uploaded, item.paper):
                    contained += check_uploaded_paper(uploaded, item.paper,
                                                      f"item {item.number}")
            if contained:  # with the agenda's own problems: every one at once
                raise InputError([p for p in problems if p.severity == "error"] + contained,
                                 agenda_path)
        outdir.mkdir(parents=True, mode=0o700)
        self.packs.mkdir(exist_ok=True, mode=0o700)
        for index, part in enumerate(parts):
            label = f"{part.capitalize()} pack · " if len(parts) > 1 else ""
            options = PackOptions(part=part, draft=draft, manifest=True, jobs=self.jobs)
            result = build_pack(agenda_path, self.packs, options,
                                PackProgress(job, label, index, len(parts)))
            written = [result.pdf, result.pdf.with_suffix(".manifest.json")]
            for path, what in zip(written, ("PDF", "Manifest"), strict=True):
                if path.is_file():
                    copy = outdir / path.name
                    shutil.copyfile(path, copy)
                    job.output(f"{part.capitalize()} pack: {what}", copy)
            job.warnings += [w for w in result.warnings if w not in job.warnings]
            noun = "paper" if result.rendered == 1 else "papers"
            job.summary.append(f"{result.pdf.name}: {result.pages} pages "
                               f"({result.rendered} {noun} laid out, {result.reused} reused)")

    # -- a job's page, its events, its files ---------------------------------------------

    def job(self, request: Request) -> Job:
        job = self.queue.jobs.get(request.path_params["job"])
        if job is None:
            raise HTTPException(404)
        return job

    async def job_page(self, request: Request) -> Response:
        job = self.job(request)
        others = {p.file for p in job.problems + job.warnings if p.file is not None}
        return page(self.env, "job.html", job=job, finished=job.state in FINISHED,
                    ahead=self.queue.ahead_of(job), show_file=len(others) > 1)

    async def job_events(self, request: Request) -> Response:
        return stream(job_events(self.job(request)))

    async def job_file(self, request: Request) -> Response:
        output = self.job(request).find_output(request.path_params["name"])
        if output is None:
            raise HTTPException(404)
        kinds = {".pdf": "application/pdf", ".html": "text/html; charset=utf-8",
                 ".json": "application/json", ".docx": "application/vnd.openxmlformats-"
                 "officedocument.wordprocessingml.document"}
        inline = output.path.suffix in (".pdf", ".html")  # the download link says download
        disposition = "inline" if inline else "attachment"
        headers = {"Content-Disposition": f'{disposition}; filename="{output.name}"',
                   "X-Content-Type-Options": "nosniff"}
        if output.path.suffix == ".html":
            # The twin is the user's own paper, but shown from this origin it runs
            # under this page's rules: no scripts, nothing fetched.
            headers["Content-Security-Policy"] = ("default-src 'none'; img-src data:; "
                                                  "style-src 'unsafe-inline'; sandbox")
        return Response(output.path.read_bytes(),
                        media_type=kinds.get(output.path.suffix, "application/octet-stream"),
                        headers=headers)

    async def page_image(self, request: Request) -> Response:
        data = self.images.get(request.path_params["name"])
        if data is None:
            raise HTTPException(404)
        return Response(data, media_type="image/png",
                        headers={"Cache-Control": "private, max-age=31536000, immutable"})

    async def not_found(self, request: Request, exc: HTTPException) -> Response:
        message = "Page not found" if exc.status_code == 404 else str(exc.detail)
        return page(self.env, "refused.html", status=exc.status_code, message=message)


def create_app(folder: Path, *, hosts: frozenset[str] = LOOPBACK_NAMES,
               max_upload_bytes: int = MAX_UPLOAD_BYTES, max_files: int = MAX_UPLOAD_FILES,
               jobs: int = 0, workdir: Path | None = None):
    """The application for ``reportgen serve FOLDER``, answering to ``hosts`` only.
    Its :class:`Service` is ``app.service`` (tests look at its queue)."""
    if not folder.is_dir():
        from reportgen.errors import ReportgenError  # only for this message

        raise ReportgenError(f"{folder} is not a folder: give the folder that holds the "
                             "workbooks and agendas")
    service = Service(folder, jobs=jobs, max_files=max_files, workdir=workdir)

    @asynccontextmanager
    async def lifespan(_app):
        try:
            yield
        finally:
            service.close()

    routes = [
        Route("/", service.start),
        Route("/paper", service.paper_get, methods=["GET"]),
        Route("/paper", service.paper_post, methods=["POST"]),
        Route("/pack", service.pack_get, methods=["GET"]),
        Route("/pack", service.pack_post, methods=["POST"]),
        Route("/starter/{kind}", service.starter),
        Route("/assets/{name}", service.asset),
        Route("/jobs/{job}", service.job_page),
        Route("/jobs/{job}/events", service.job_events),
        Route("/jobs/{job}/files/{name}", service.job_file),
        Route("/pages/{name}.png", service.page_image),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: service.not_found})
    guarded = Guard(app, hosts=hosts, max_bytes=max_upload_bytes)
    guarded.service = service
    return guarded
