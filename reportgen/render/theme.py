"""The organisation's colours and logo: ``theme.yaml`` in a template folder, checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import TemplateError

THEME_FILE = "theme.yaml"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class Theme:
    """Organisation colours and logo, overridable by ``theme.yaml`` in a template folder."""

    primary_colour: str = "#005EB8"  # NHS Blue
    text_colour: str = "#231F20"
    logo: str | None = None  # file name inside a template folder
    logo_alt: str | None = None


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


def logo_data_uri(theme: Theme, user_dir: Path | None) -> str | None:
    """The logo inlined as a data: URI, so the HTML twin is one self-contained file."""
    if theme.logo is None or user_dir is None:
        return None
    import base64
    import mimetypes

    path = user_dir / theme.logo
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"
