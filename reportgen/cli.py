"""The command line: parse options, call the library, turn errors into clean messages.

Each command imports its implementation when it runs, so ``reportgen --help`` and a
mistyped option answer at once, without loading pandas, WeasyPrint or pikepdf.

Every command takes ``-q/--quiet`` (errors only) and ``-v/--verbose`` (each step, with
its time); colour follows ``--color/--no-color``, else ``NO_COLOR``, else whether the
output is a terminal.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import ClassVar

import click

from reportgen import __version__
from reportgen.errors import ReportgenError

QUIET, NORMAL, VERBOSE = -1, 0, 1


def _verbosity(level: int):
    """Callback of -q/-v: remembered for the whole command line, on the group or after
    the command's name."""
    def store(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if value:
            ctx.find_root().meta["reportgen.verbosity"] = level
    return store


def verbosity_options() -> list[click.Option]:
    return [
        click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, is_eager=True,
                     callback=_verbosity(QUIET), help="Print errors only."),
        click.Option(["-v", "--verbose"], is_flag=True, expose_value=False, is_eager=True,
                     callback=_verbosity(VERBOSE), help="Print each step and its time."),
    ]


def verbosity() -> int:
    ctx = click.get_current_context(silent=True)
    return ctx.find_root().meta.get("reportgen.verbosity", NORMAL) if ctx else NORMAL


def say(text: str) -> None:
    """What a command did ("Wrote ..."): shown unless --quiet."""
    if verbosity() > QUIET:
        click.echo(text)


def warn(text: str) -> None:
    if verbosity() > QUIET:
        click.secho(f"Warning: {text}", fg="yellow", err=True)


def step(text: str) -> None:
    """A step and the time since the command started: shown with --verbose."""
    if verbosity() >= VERBOSE:
        ctx = click.get_current_context()
        started = ctx.find_root().meta.setdefault("reportgen.started", time.monotonic())
        click.secho(f"  {text} [{time.monotonic() - started:.2f} s]", dim=True, err=True)


_INTERRUPTED = threading.Event()


def _note_interrupt(signum, frame) -> None:
    """Ctrl-C as Python's own handler treats it, remembered: a C extension being imported
    when it comes turns it into "ImportError: initialization failed", which is still the
    user stopping the command, not a bug."""
    _INTERRUPTED.set()
    signal.default_int_handler(signum, frame)


def _stop_interrupted(ctx: click.Context) -> None:
    # A second Ctrl-C while the workers are being stopped, or a late one during the
    # interpreter's shutdown, must not turn exit 130 into a kill by SIGINT.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _INTERRUPTED.set()
    click.echo("Interrupted: nothing was written.", err=True)
    ctx.exit(130)


class Command(click.Command):
    """A click command that reports :class:`ReportgenError` as text, not a traceback,
    and takes -q and -v after its name too."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.params += verbosity_options()

    def invoke(self, ctx: click.Context):
        ctx.find_root().meta.setdefault("reportgen.started", time.monotonic())
        _INTERRUPTED.clear()
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            signal.signal(signal.SIGINT, _note_interrupt)
        try:
            result = super().invoke(ctx)
            step(f"done: reportgen {ctx.info_name}")
            return result
        except ReportgenError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            click.secho(f"Error: {exc}", fg="red", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            _stop_interrupted(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit,
                click.exceptions.Abort):
            raise
        except OSError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            where = f" {exc.filename}" if exc.filename else ""
            click.secho(f"Error: could not read or write{where}: {exc.strerror or exc}",
                        fg="red", err=True)
            ctx.exit(1)
        except Exception as exc:  # a bug: still no traceback unless asked for
            if _INTERRUPTED.is_set():
                _stop_interrupted(ctx)
            if ctx.find_root().params.get("debug"):
                raise
            click.secho(f"Error: unexpected {type(exc).__name__}: {exc}. This is a bug in "
                        "reportgen; run again with --debug for the details.", fg="red",
                        err=True)
            ctx.exit(2)


class Group(click.Group):
    """The command group, with -q and -v as every command has them."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.params += verbosity_options()


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="reportgen")
@click.option("--debug", is_flag=True, help="Show full tracebacks and WeasyPrint warnings.")
@click.option("--color/--no-color", default=None,
              help="Colour the messages, or not (default: on a terminal, unless NO_COLOR "
                   "is set).")
@click.pass_context
def cli(ctx: click.Context, debug: bool, color: bool | None) -> None:
    """Board papers and meeting packs for NHS governance teams, from spreadsheets.

    \b
    Examples:
      reportgen demo                      the bundled example, built into reportgen-demo/
      reportgen build paper.xlsx -o output
      reportgen pack agenda.yaml
    """
    if color is None and os.environ.get("NO_COLOR"):
        color = False  # https://no-color.org: any non-empty value
    ctx.color = color


@cli.command(cls=Command, epilog="""\b
Examples:
  reportgen build paper.xlsx                 writes output/<title>.pdf
  reportgen build paper.xlsx -o papers --html
  reportgen build paper.xlsx --templates our-style/
  reportgen build paper.xlsx --previous last-time.xlsx   what changed since
  reportgen build paper.xlsx --pdfa --manifest   archive copy + fingerprints
  reportgen build paper.xlsx --docx          also <title>.docx, to edit in Word
""")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="Folder for the PDF.")
@click.option("--previous", type=click.Path(path_type=Path),
              help="Workbook of the previous paper: adds what changed since then.")
@click.option("--html", "write_html", is_flag=True,
              help="Also write the paper's HTML twin, for publishing on a website.")
@click.option("--pdfa", is_flag=True,
              help="Write PDF/A-3a (archivable, tagged) with the workbook embedded.")
@click.option("--docx", "write_docx", is_flag=True,
              help="Also write the paper as a Word document (.docx), styled by "
                   "reference.docx in --templates if there is one.")
@click.option("--manifest", is_flag=True,
              help="Also write <name>.manifest.json: SHA-256 of inputs, templates, outputs.")
@click.option("--templates", type=click.Path(path_type=Path),
              help="Folder of templates searched before the built-in ones.")
@click.option("--jobs", type=click.IntRange(min=0), default=0,
              help="Processes laying out a long paper in parts (default: one per CPU).")
@click.option("--progress", "show_progress", is_flag=True,
              help="Show progress even when the output is not a terminal (one line per "
                   "step).")
@click.pass_context
def build(ctx: click.Context, workbook: Path, outdir: Path, previous: Path | None,
          write_html: bool, pdfa: bool, write_docx: bool, manifest: bool,
          templates: Path | None, jobs: int, show_progress: bool) -> None:
    """Build a board-paper PDF from a WORKBOOK (.xlsx)."""
    from reportgen.build import build_paper

    debug = bool(ctx.find_root().params.get("debug"))
    with _BuildProgress(workbook.name, show_progress) as progress:
        result = build_paper(workbook, outdir, templates=templates, previous=previous,
                             html=write_html, pdfa=pdfa, manifest=manifest, debug=debug,
                             jobs=jobs or None, docx=write_docx, steps=progress.step,
                             parts=progress.part)
    for warning in result.warnings:
        warn(str(warning))
    say(f"Wrote {result.pdf} ({result.pages} pages)")
    for extra in (result.html, result.docx, result.manifest):
        if extra:
            say(f"Wrote {extra}")


@cli.command(cls=Command, epilog="""\b
Examples:
  reportgen validate paper.xlsx
  reportgen validate paper.xlsx --strict          warnings fail too
  reportgen validate paper.xlsx --format json     for scripts
""")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help="Output format.")
def validate(workbook: Path, strict: bool, output_format: str) -> None:
    """Check a WORKBOOK and list every problem at once, with its cell.

    Exits 0 when there are no errors (warnings alone are fine unless --strict),
    1 otherwise. Nothing is written.
    """
    from reportgen import diagnostics
    from reportgen.workbook.validate import check_workbook

    _, problems = check_workbook(workbook)
    step("workbook read and checked")
    errors, warnings = diagnostics.counts(problems)
    if output_format == "json":
        click.echo(diagnostics.as_json(workbook, problems))
    else:
        shown = problems if verbosity() > QUIET else [
            p for p in problems if p.severity == "error"]
        if shown:
            click.echo(diagnostics.as_table(shown))
            click.echo()
        if shown or verbosity() > QUIET:
            click.echo(diagnostics.summary(workbook, problems))
    if errors or (strict and warnings):
        sys.exit(1)


@cli.command(cls=Command, epilog="""\b
Examples:
  reportgen init my-paper.xlsx
  reportgen init my-paper.xlsx --force     replace an existing file
""")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(path: Path, force: bool) -> None:
    """Write a starter workbook to PATH: every sheet, dropdowns, instructions and a
    worked example to replace with your own content."""
    from reportgen.workbook.starter import write_starter

    write_starter(path, force=force)
    say(f"Wrote {path}. Fill it in, then: reportgen build {path}")


@cli.command(cls=Command, epilog="""\b
Examples:
  reportgen check output/paper.pdf
  reportgen check output/*.pdf
""")
@click.argument("pdfs", nargs=-1, required=True, type=click.Path(path_type=Path))
def check(pdfs: tuple[Path, ...]) -> None:
    """Check finished PDFs for accessibility: the pdfua package's PDF/UA-1 checks
    plus reportgen's own (title, language, tags, alt text, header scopes,
    bookmarks, headings). Exits 1 if any PDF has an error or warning."""
    from reportgen.pdf.check import check_pdf

    failed = False
    for pdf in pdfs:
        findings = check_pdf(pdf)
        errors = sum(f.severity == "error" for f in findings)
        warnings = sum(f.severity == "warning" for f in findings)
        for finding in findings:
            if verbosity() > QUIET or finding.severity == "error":
                click.echo(f"{pdf}: {finding}")
        if verbosity() > QUIET or errors:
            click.echo(f"{pdf}: {errors} errors, {warnings} warnings")
        step(f"{pdf} checked")
        failed = failed or bool(errors or warnings)
    if failed:
        sys.exit(1)


@cli.command(cls=Command, epilog="""\b
Example:
  reportgen extract output/paper.pdf -o recovered/
""")
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True, help="Folder for the extracted files.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def extract(pdf: Path, outdir: Path, force: bool) -> None:
    """Recover the workbook embedded in a paper built with --pdfa."""
    from reportgen.pdf.extract import extract_attachments

    for path in extract_attachments(pdf, outdir, force=force):
        say(f"Wrote {path}")


@cli.command(cls=Command, epilog="""\b
Examples:
  reportgen pack agenda.yaml                      public pack into output/
  reportgen pack agenda.xlsx                      the agenda kept in Excel
  reportgen pack agenda.yaml --part private       full pack, "Not for publication"
  reportgen pack agenda.yaml --supplement         late items only, numbered to follow
  reportgen pack agenda.yaml --strict             warnings fail too
  reportgen pack agenda.yaml --draft --jobs 2 --no-cache
""")
@click.argument("agenda", type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="Folder for the pack.")
@click.option("--part", type=click.Choice(["public", "private"]), default="public",
              show_default=True, help="public leaves private items out.")
@click.option("--draft", is_flag=True, help="Add a DRAFT watermark.")
@click.option("--supplement", is_flag=True, help="Only the late items, numbered to follow "
              "the main pack.")
@click.option("--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes for papers (default: one per CPU).")
@click.option("--no-cache", is_flag=True, help="Render every paper again.")
@click.option("--manifest", is_flag=True,
              help="Also write <pack>.manifest.json: SHA-256 of inputs, templates, output.")
@click.option("--templates", type=click.Path(path_type=Path),
              help="Folder of templates searched before the built-in ones.")
@click.option("--strict", is_flag=True,
              help="Treat warnings (a paper's cover naming another meeting, date or title) "
                   "as errors: exit 1, nothing written.")
def pack(agenda: Path, outdir: Path, part: str, draft: bool, supplement: bool, jobs: int,
         no_cache: bool, manifest: bool, templates: Path | None, strict: bool) -> None:
    """Build a meeting pack from an AGENDA, YAML (agenda.yaml) or an Excel workbook
    (agenda.xlsx, with Meeting and Agenda sheets): cover, agenda with page numbers,
    every paper stamped with its item and continuous page numbers, bookmarks.
    A pack is always one PDF (it joins the papers' PDFs): it cannot be a Word
    document; build a paper's .docx with reportgen build --docx.

    Every problem in the agenda and its papers is listed before anything is laid out;
    reportgen init-agenda writes a starter agenda."""
    from reportgen.pack.build import build_pack
    from reportgen.pack.options import PackOptions

    options = PackOptions(part=part, draft=draft, supplement=supplement, jobs=jobs,
                          cache=not no_cache, templates=templates, manifest=manifest,
                          strict=strict)
    with _PackProgress() as progress:
        result = build_pack(agenda, outdir, options, progress)
    for warning in result.warnings:
        # A paper's own warnings (its workbook's cells) say which file they are in.
        other = warning.file is not None and warning.file.resolve() != agenda.resolve() \
            and warning.location != warning.file.name
        warn(f"{warning.file.name}: {warning}" if other else str(warning))
    if result.unchanged:
        summary = "unchanged since the last build, reused"
    else:
        noun = "paper" if result.rendered == 1 else "papers"
        summary = f"{result.rendered} {noun} rendered, {result.reused} reused"
    if result.outside:
        noun = "paper" if len(result.outside) == 1 else "papers"
        summary += (f"; {len(result.outside)} {noun} from outside the agenda folder: "
                    + ", ".join(result.outside))
    say(f"Wrote {result.pdf} ({result.pages} pages; {summary})")


class _PackProgress:
    """A click progress bar (item, step, elapsed) on a terminal; plain lines otherwise
    (and always with --verbose); nothing with --quiet."""

    def __init__(self):
        self.clock = time.monotonic
        self.started = self.clock()
        self.bar = None
        self.done = 0
        self.total = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.render_finish()

    def start(self, total: int) -> None:
        """A new build (``reportgen demo`` builds two packs): its own count and bar."""
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None
        self.total, self.done = total, 0
        if sys.stderr.isatty() and verbosity() == NORMAL:
            self.bar = click.progressbar(length=total, file=sys.stderr, show_eta=False,
                                         label="Building pack")

    def __call__(self, label: str, step: str) -> None:
        self.done += 1
        text = f"{label}: {step} [{self.clock() - self.started:.1f}s]"
        if self.bar is not None:
            self.bar.label = text
            self.bar.update(1)
        elif verbosity() > QUIET:
            click.echo(f"  [{self.done}/{self.total}] {text}", err=True)

    def note(self, label: str, text: str) -> None:
        if self.bar is not None:
            click.echo(file=sys.stderr)  # below the bar, which draws itself again
        click.echo(f"  {label}: {text}", err=True)


class _BuildProgress:
    """What a paper's build is doing now: on a terminal one line drawn over itself
    ("Building paper.xlsx: laying out part 3 of 7 [4.1s]"), on a pipe nothing unless
    ``--progress`` (then a line per step); with --verbose each finished step and its
    time instead; nothing with --quiet."""

    #: Each step the build reports as finished, and what it does next.
    NEXT: ClassVar[dict[str, str]] = {"workbook read and checked": "analysing and drawing charts",
            "figures and charts worked out": "rendering the HTML",
            "HTML rendered": "laying out",
            "PDF laid out and finished": "writing",
            "written": "written"}

    def __init__(self, name: str, asked: bool):
        self.name = name
        self.started = time.monotonic()
        level = verbosity()
        self.live = level == NORMAL and sys.stderr.isatty()  # redrawn in place
        self.lines = level > QUIET and asked and not self.live  # a line per step
        self.width = 0
        self.show("reading the workbook")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.live and self.width:
            click.echo("\r" + " " * self.width + "\r", nl=False, err=True)

    def show(self, doing: str) -> None:
        text = f"Building {self.name}: {doing} [{time.monotonic() - self.started:.1f}s]"
        if self.live:
            click.echo("\r" + text.ljust(self.width), nl=False, err=True)
            self.width = max(self.width, len(text))
        elif self.lines:
            click.echo(f"  {text}", err=True)

    def step(self, finished: str) -> None:
        step(finished)  # --verbose
        if finished != "written":
            self.show(self.NEXT.get(finished, finished))

    def part(self, done: int, count: int) -> None:
        self.show(f"laying out part {done + 1} of {count}" if done < count else "finishing")


@cli.group(context_settings={"help_option_names": ["-h", "--help"]})
def cache() -> None:
    """Look after the cache a meeting pack keeps in OUTDIR/.reportgen-cache."""


@cache.command("prune", cls=Command, epilog="""\b
Examples:
  reportgen cache prune                     entries unused for 30 days, in output/
  reportgen cache prune packs --older-than 7 --max-size 200
  reportgen cache prune --older-than 0      empty the cache
  reportgen cache prune --dry-run           only say what would go
""")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path),
                default=Path("output"))
@click.option("--older-than", "days", type=click.FloatRange(min=0), default=30,
              metavar="DAYS",
              show_default=True, help="Remove entries no pack has used for DAYS days.")
@click.option("--max-size", "max_mb", type=click.FloatRange(min=0), metavar="MB",
              help="Then remove the least recently used until the cache holds at most "
              "MB megabytes.")
@click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
def prune(outdir: Path, days: float, max_mb: float | None, dry_run: bool) -> None:
    """Remove old entries from the pack cache of OUTDIR (default: output).

    Only files the cache itself names (records, cached PDFs, earlier versions' entries,
    killed builds' temporaries) directly inside OUTDIR/.reportgen-cache are removed;
    anything else there, and symbolic links, are left alone and listed.
    """
    from reportgen.pack.store import CACHE_FOLDER, size_text
    from reportgen.pack.store import prune as prune_cache

    folder = outdir if outdir.name == CACHE_FOLDER else outdir / CACHE_FOLDER
    if not folder.parent.is_dir():
        raise ReportgenError(f"{folder.parent} is not a folder: give the output folder "
                             "a pack was built into (the one holding .reportgen-cache)")
    if not folder.exists() and not folder.is_symlink():
        click.echo(f"No cache in {folder.parent}: nothing to remove.")
        return
    if not folder.is_symlink() and not folder.is_dir():
        raise ReportgenError(f"{folder} is not a folder: it is not a reportgen cache")
    max_bytes = int(max_mb * 1024 * 1024) if max_mb is not None else None
    pruned = prune_cache(folder, days, max_bytes, dry_run=dry_run)
    verb = "Would remove" if dry_run else "Removed"
    for name, size, dated, what in pruned.removed:
        when = "last used" if name.endswith(".json") else "written"
        click.echo(f"{verb} {name} ({what}, {size_text(size)}, {when} {_day(dated)})")
    for name, why in pruned.left_alone:
        click.echo(f"Left alone {name} ({why})")
    kept = f"{pruned.kept_files} files ({size_text(pruned.kept_bytes)}) kept"
    if not pruned.removed:
        click.echo(f"Nothing to remove in {folder}: {kept}.")
    else:
        count = len(pruned.removed)
        click.echo(f"{'Would free' if dry_run else 'Freed'} {size_text(pruned.freed)} "
                   f"({count} file{'s' if count != 1 else ''}) in {folder}; {kept}.")


def _day(timestamp: float) -> str:
    import time

    return time.strftime("%d %b %Y %H:%M", time.localtime(timestamp))


@cli.command("init-agenda", cls=Command, epilog="""\b
Examples:
  reportgen init-agenda agenda.yaml      YAML
  reportgen init-agenda agenda.xlsx      an Excel workbook with dropdowns
""")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init_agenda(path: Path, force: bool) -> None:
    """Write a starter agenda for reportgen pack to PATH: YAML (*.yaml) or an Excel
    workbook (*.xlsx: Meeting and Agenda sheets, dropdowns, instructions)."""
    from reportgen.pack.starter import write_starter

    write_starter(path, force=force)
    say(f"Wrote {path}. Edit it, then: reportgen pack {path}")


@cli.command(cls=Command, epilog="""\b
Examples:
  reportgen demo                  into ./reportgen-demo
  reportgen demo ~/Desktop/try-reportgen
""")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path),
                default=Path("reportgen-demo"))
@click.option("--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes (default: one per CPU).")
def demo(folder: Path, jobs: int) -> None:
    """Build the bundled example into FOLDER: a board paper (NHS Dorset CCG, 14 November
    2018) and the public and private packs of its meeting, from a copy of the example's
    workbooks and agenda in FOLDER/example, to change and build again."""
    from reportgen.demo import run_demo
    from reportgen.pdf.pool import default_jobs

    with _PackProgress() as progress:
        result = run_demo(folder, jobs=jobs or default_jobs(), say=say, progress=progress)
    say(f"The example's workbook and agenda are in {result.inputs}: change them and build "
        f"again with reportgen build / reportgen pack.")


@cli.command(cls=Command, epilog="""\b
Examples:
  reportgen serve                     the workbooks and agendas in this folder
  reportgen serve papers/ --port 8080 --no-browser
""")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; another than 127.0.0.1 lets other computers in "
                   "(with a warning).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--no-browser", is_flag=True, help="Do not open the page in a browser.")
@click.option("--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes for a build (default: one per CPU).")
def serve(folder: Path, host: str, port: int, no_browser: bool, jobs: int) -> None:
    """A page in the browser for building papers and packs from the workbooks and
    agendas in FOLDER (default: this folder), or from uploaded files: every problem
    shown with its cell, progress as it builds, the files to download."""
    # Imported here, not at the top: Starlette and uvicorn load only for this command.
    from reportgen.pdf.pool import default_jobs
    from reportgen.web import server
    from reportgen.web.app import create_app

    sock, address = _listen(server, host, port,
                            f"build papers from {folder.resolve()} and download them")
    app = create_app(folder, hosts=server.allowed_hosts(host), jobs=jobs or default_jobs())
    say(f"Serving {folder.resolve()} at {address} (Ctrl-C to stop)")
    server.run(app, sock, open_url=None if no_browser else address)


@cli.command(cls=Command, epilog="""\b
Examples:
  reportgen preview paper.xlsx
  reportgen preview paper.xlsx --previous last-time.xlsx --port 8002
""")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path),
              help="Workbook of the previous paper: adds what changed since then.")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of templates searched before the built-in ones.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (another than 127.0.0.1 with a warning).")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
@click.option("--no-browser", is_flag=True, help="Do not open the page in a browser.")
@click.option("--jobs", type=click.IntRange(min=0), default=0,
              help="Layout worker processes (default: one per CPU).")
def preview(workbook: Path, previous: Path | None, templates: Path | None, host: str,
            port: int, no_browser: bool, jobs: int) -> None:
    """The paper's pages in the browser, built again whenever the WORKBOOK, its previous
    workbook, an appended PDF or a template is saved; problems are shown over the last
    good pages."""
    # Imported here, not at the top: Starlette, uvicorn and watchfiles load only here.
    from reportgen.pdf.pool import default_jobs
    from reportgen.web import server
    from reportgen.web.preview import Preview, create_preview_app

    if not workbook.is_file():
        raise ReportgenError(f"{workbook}: file not found")
    sock, address = _listen(server, host, port, f"see the paper built from {workbook.resolve()}")
    live = Preview(workbook, previous=previous, templates=templates,
                   jobs=jobs or default_jobs())
    app = create_preview_app(live, hosts=server.allowed_hosts(host))
    say(f"Previewing {workbook} at {address} (Ctrl-C to stop)")
    server.run(app, sock, open_url=None if no_browser else address)


def _listen(server, host: str, port: int, what: str):
    """The listening socket and its address; a warning naming ``what`` anyone on the
    network could do when ``host`` is not this computer only."""
    sock = server.bind(host, port)
    address = server.url(host, sock.getsockname()[1])
    exposed = server.exposed_warning(host, sock.getsockname()[1], what)
    if exposed:
        warn(exposed)
    return sock, address


def main() -> None:
    try:
        cli(prog_name="reportgen")
    except SystemExit as stop:
        if _INTERRUPTED.is_set():
            # Interrupted: the workers are stopped and nothing was written. Leave without
            # the interpreter's shutdown, which can crash in an extension module that
            # Ctrl-C caught half imported ("Fatal Python error: PyThreadState_Get").
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(130)
        raise stop from None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
