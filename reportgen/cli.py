"""The command line: parse options, call the library, turn errors into clean messages."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reportgen import __version__
from reportgen.errors import ReportgenError


class Command(click.Command):
    """A click command that reports :class:`ReportgenError` as text, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ReportgenError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            click.secho(f"Error: {exc}", fg="red", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted: nothing was written.", err=True)
            ctx.exit(130)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
@click.option("--debug", is_flag=True, help="Show full tracebacks and WeasyPrint warnings.")
def cli(debug: bool) -> None:
    """Board papers and meeting packs for NHS governance teams, from spreadsheets.

    \b
    Example:
      reportgen build data/dorset-od-framework-2018.xlsx -o output
    """


@cli.command(cls=Command, epilog="""\b
Examples:
  reportgen build paper.xlsx                 writes output/<title>.pdf
  reportgen build paper.xlsx -o papers --html
  reportgen build paper.xlsx --templates our-style/
""")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="Folder for the PDF.")
@click.option("--html", "write_html", is_flag=True,
              help="Also write the intermediate HTML beside the PDF.")
@click.option("--templates", type=click.Path(path_type=Path),
              help="Folder of templates searched before the built-in ones.")
@click.pass_context
def build(ctx: click.Context, workbook: Path, outdir: Path, write_html: bool,
          templates: Path | None) -> None:
    """Build a board-paper PDF from a WORKBOOK (.xlsx)."""
    from reportgen.build import build_paper

    debug = bool(ctx.find_root().params.get("debug"))
    result = build_paper(workbook, outdir, templates=templates, html=write_html, debug=debug)
    click.echo(f"Wrote {result.pdf} ({result.pages} pages)")
    if result.html:
        click.echo(f"Wrote {result.html}")


def main() -> None:
    cli(prog_name="reportgen")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
