"""Render the model to HTML with Jinja.

Templates are looked up in the user's folder first, then the built-in ones, so an
organisation restyles papers without forking. A user template can extend a built-in
one by its ``default:`` name and change a single block::

    {% extends "default:paper.html" %}
    {% block signoff %}...{% endblock %}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from reportgen.analysis import Analysis, format_count
from reportgen.dates import long_date
from reportgen.errors import TemplateError
from reportgen.icons import assurance_icon, variation_icon
from reportgen.markup import render_markup
from reportgen.model import Report
from reportgen.schema import PURPOSE_WORDS, SPC_MIN_POINTS, STATUS_COLOURS
from reportgen.split import LONG_TRACKER_ROWS, PART_ROWS, is_long_tracker, tracker_part_starts

_PACKAGE = Path(__file__).resolve().parent
#: Built-in templates: inside the package when installed, beside it in a checkout.
BUILTIN_TEMPLATES = next(
    (p for p in (_PACKAGE / "templates", _PACKAGE.parent / "templates") if p.is_dir()),
    _PACKAGE.parent / "templates",
)
THEME_FILE = "theme.yaml"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class Theme:
    """Organisation colours and logo, overridable by ``theme.yaml`` in a template folder."""

    primary_colour: str = "#005EB8"  # NHS Blue
    text_colour: str = "#231F20"
    logo: str | None = None  # file name inside a template folder
    logo_alt: str | None = None


@dataclass(frozen=True)
class AppendedPage:
    """A page of an appended PDF: the template draws a frame for it, the PDF stage fills it."""

    landscape: bool


@dataclass(frozen=True)
class AppendedDocument:
    """An appended PDF: which appendix it is, its anchor in the HTML, its pages."""

    number: str
    title: str
    anchor: str
    pages: list[AppendedPage] = field(default_factory=list)
    file: Path | None = None


def template_dirs(user_dir: Path | None) -> list[Path]:
    return ([user_dir] if user_dir else []) + [BUILTIN_TEMPLATES]


def load_theme(user_dir: Path | None) -> Theme:
    """Read ``theme.yaml`` from the user's template folder, checking every value."""
    if user_dir is None or not (user_dir / THEME_FILE).is_file():
        return Theme()
    import yaml

    path = user_dir / THEME_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: expected 'key: value' lines")
    known = Theme.__dataclass_fields__
    problems = [f"{path}: unknown setting '{key}'; use one of {', '.join(known)}"
                for key in data if key not in known]
    for key in ("primary_colour", "text_colour"):
        if key in data and not _COLOUR.fullmatch(str(data[key])):
            problems.append(f"{path}: {key} must be a colour like #005EB8, not {data[key]!r}")
    if "logo" in data and not (user_dir / str(data["logo"])).is_file():
        problems.append(f"{path}: logo file {data['logo']!r} not found in {user_dir}")
    if problems:
        raise TemplateError("\n".join(problems))
    return Theme(**{key: str(value) for key, value in data.items()})


def make_environment(user_dir: Path | None = None) -> jinja2.Environment:
    if user_dir is not None and not user_dir.is_dir():
        raise TemplateError(f"template folder {user_dir} does not exist")
    builtin = jinja2.FileSystemLoader(BUILTIN_TEMPLATES)
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"default": builtin}, ":")]
    if user_dir is not None:
        loaders.append(jinja2.FileSystemLoader(user_dir))
    loaders.append(builtin)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
    )
    env.globals["status_colours"] = STATUS_COLOURS
    env.filters.update(
        long_date=long_date,
        short_date=short_date,
        css_string=css_string,
        count=format_count,
    )
    return env


def short_date(value: date | None) -> str:
    return "" if value is None else f"{value:%d/%m/%Y}"


def css_string(value: Any) -> Markup:
    """Quote text for CSS ``content``: every character but letters, digits and
    spaces escaped, so no cell text can end the string or the rule."""
    escaped = "".join(
        ch if ch.isascii() and (ch.isalnum() or ch == " ") else f"\\{ord(ch):06x}"
        for ch in str(value)
    )
    return Markup(f'"{escaped}"')


def logo_data_uri(theme: Theme, user_dir: Path | None) -> str | None:
    """The logo inlined as a data: URI, so the HTML twin is one self-contained file."""
    if theme.logo is None or user_dir is None:
        return None
    import base64
    import mimetypes

    path = user_dir / theme.logo
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"


def render_paper(
    report: Report,
    analysis: Analysis,
    *,
    user_dir: Path | None = None,
    appended: list[AppendedDocument] | None = None,
    appended_margins_mm: tuple[float, float, float, float] = (0, 0, 0, 0),
    web: bool = False,
    pack: bool = False,
) -> str:
    """HTML of the whole paper: for WeasyPrint, or with ``web`` the self-contained,
    accessible HTML twin for publishing on a website."""
    env = make_environment(user_dir)
    figures = analysis.figures

    def markup(text: str, number: str | None = None) -> Markup:
        return render_markup(text, figures, number)

    try:
        template = env.get_template("paper.html")
        theme = load_theme(user_dir)
        return template.render(
            report=report,
            paper=report.paper,
            analysis=analysis,
            theme=theme,
            logo_src=logo_data_uri(theme, user_dir),
            web=web,
            pack=pack,
            appended=appended or [],
            appended_margins_mm=appended_margins_mm,
            markup=markup,
            purpose_words=PURPOSE_WORDS,
            spc_min_points=SPC_MIN_POINTS,
            long_tracker=is_long_tracker(analysis.themes),
            part_starts=tracker_part_starts(analysis.themes),
            # For actions.html overrides written before long_tracker and part_starts.
            long_tracker_rows=LONG_TRACKER_ROWS,
            part_rows=PART_ROWS,
            variation_icon=variation_icon,
            assurance_icon=assurance_icon,
        )
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename}:{exc.lineno}: {exc.message}") from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template error: {exc}") from exc
