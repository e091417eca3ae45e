"""The Jinja environment: the template search path and the filters templates use.

Templates are looked up in the user's folder first, then the built-in ones, so an
organisation restyles papers without forking. A user template can extend a built-in
one by its ``default:`` name and change a single block::

    {% extends "default:paper.html" %}
    {% block signoff %}...{% endblock %}
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from reportgen.analysis.numbers import format_count
from reportgen.errors import TemplateError
from reportgen.render.parts import timescale
from reportgen.workbook.dates import long_date
from reportgen.workbook.schema import STATUS_COLOURS

_PACKAGE = Path(__file__).resolve().parent.parent
#: Built-in templates: inside the package when installed, beside it in a checkout.
BUILTIN_TEMPLATES = next(
    (p for p in (_PACKAGE / "templates", _PACKAGE.parent / "templates") if p.is_dir()),
    _PACKAGE.parent / "templates",
)


def template_dirs(user_dir: Path | None) -> list[Path]:
    return ([user_dir] if user_dir else []) + [BUILTIN_TEMPLATES]


class ContainedLoader(jinja2.FileSystemLoader):
    """A file-system loader that refuses a template whose real path (after every
    symlink) lies outside its folder, as the WeasyPrint fetcher refuses resources."""

    def get_source(self, environment: jinja2.Environment, template: str):
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real.is_relative_to(Path(root).resolve()) for root in self.searchpath):
            raise TemplateError(f"template {template!r} ({filename}) leads to {real}, "
                                "outside the template folders; it is not read")
        return source, filename, uptodate


def make_environment(user_dir: Path | None = None) -> jinja2.Environment:
    if user_dir is not None and not user_dir.is_dir():
        raise TemplateError(f"template folder {user_dir} does not exist")
    builtin = ContainedLoader(BUILTIN_TEMPLATES)
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"default": builtin}, ":")]
    if user_dir is not None:
        loaders.append(ContainedLoader(user_dir))
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
        lines=lines,
        count=format_count,
        timescale=timescale,
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


def lines(value: Any) -> Markup:
    """Cell text with its line breaks (Alt+Enter in Excel) kept as line breaks, every
    character escaped: two post-holders typed on two lines of a Lead cell stay two."""
    if value is None:
        return Markup("")
    return Markup("<br>").join(escape(part) for part in str(value).split("\n"))
