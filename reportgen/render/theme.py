"""The organisation's colours and logo: ``theme.yaml`` in a template folder, checked."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import ReportgenError, TemplateError
from reportgen.render.cover import read_cover_list
from reportgen.safeio import load_yaml, read_regular_file

THEME_FILE = "theme.yaml"
#: A logo larger than this is refused (it would take the layout's memory): 25
#: megapixels is a 5000 × 5000 image, far more than a cover's 4 cm needs.
MAX_LOGO_PIXELS = 25_000_000
MAX_LOGO_BYTES = 10 * 2**20
MAX_THEME_BYTES = 2**20
#: Image formats a logo may be in (what Pillow finds inside, not the file name), and
#: the type they are given in the HTML twin.
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif",
                "WEBP": "image/webp"}
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class Theme:
    """Organisation colours and logo, overridable by ``theme.yaml`` in a template folder."""

    primary_colour: str = "#005EB8"  # NHS Blue
    text_colour: str = "#231F20"
    logo: str | None = None  # file name inside a template folder
    logo_alt: str | None = None
    #: The cover's built-in fields in the order given, each (field, label or None).
    cover: tuple[tuple[str, str | None], ...] = ()


def load_theme(user_dir: Path | None) -> Theme:
    """Read ``theme.yaml`` from the user's template folder, checking every value."""
    if user_dir is None or not os.path.lexists(user_dir / THEME_FILE):
        return Theme()
    import yaml  # here, not at the top: the CLI starts without loading PyYAML

    path = user_dir / THEME_FILE
    try:
        inside(user_dir, THEME_FILE, path)
        text = read_regular_file(path, MAX_THEME_BYTES, "theme file").decode("utf-8")
        data = load_yaml(text) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: not valid YAML ({exc})") from exc
    except ReportgenError as exc:
        raise TemplateError(f"{path}: {_reason(exc)}") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: expected 'key: value' lines")
    known = Theme.__dataclass_fields__
    problems = [f"{path}: unknown setting '{key}'; use one of {', '.join(known)}"
                for key in data if key not in known]
    for key in ("primary_colour", "text_colour"):
        if key in data and not _COLOUR.fullmatch(str(data[key])):
            problems.append(f"{path}: {key} must be a colour like #005EB8, not {data[key]!r}")
    if "logo" in data:
        try:
            logo_image(user_dir, str(data["logo"]))
        except TemplateError as exc:
            problems.append(f"{path}: {exc}")
    cover: tuple[tuple[str, str | None], ...] = ()
    if "cover" in data:
        cover, wrong = read_cover_list(data["cover"])
        problems += [f"{path}: {problem}" for problem in wrong]
    if problems:
        raise TemplateError("\n".join(problems))
    return Theme(**{key: str(value) for key, value in data.items() if key != "cover"},
                 cover=cover)


def _reason(exc: ReportgenError) -> str:
    problems = getattr(exc, "problems", None)
    return "; ".join(p.message for p in problems) if problems else str(exc)


def inside(folder: Path, name: str, path: Path | None = None) -> Path:
    """``folder / name`` resolved, if it stays inside ``folder`` (after every symlink);
    otherwise a :class:`TemplateError` naming the file."""
    path = path if path is not None else folder / name
    resolved = path.resolve()
    if not resolved.is_relative_to(folder.resolve()):
        raise TemplateError(f"{name!r} leads to {resolved}, outside the template folder "
                            f"{folder}; it is not read")
    return resolved


def logo_image(user_dir: Path, name: str) -> tuple[bytes, str]:
    """The logo's bytes and type, once checked: a file inside the theme's folder (no
    link out of it), an image Pillow reads as PNG, JPEG, GIF or WebP, of at most
    :data:`MAX_LOGO_PIXELS` — each refusal names the file."""
    path = inside(user_dir, name)
    if not path.exists():
        raise TemplateError(f"logo file {name!r} not found in {user_dir}")
    try:
        data = read_regular_file(path, MAX_LOGO_BYTES, "logo")
    except ReportgenError as exc:
        raise TemplateError(f"logo {name!r}: {_reason(exc)}") from exc
    import io  # here, not at the top: only a theme with a logo needs these
    import warnings

    from PIL import Image  # here, not at the top: only a theme with a logo needs Pillow

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind, (width, height) = image.format, image.size
                if width * height > MAX_LOGO_PIXELS:
                    raise TemplateError(
                        f"logo {name!r} is {width:,} × {height:,} pixels "
                        f"({width * height / 1e6:,.0f} megapixels), over the "
                        f"{MAX_LOGO_PIXELS / 1e6:,.0f}-megapixel limit; it is not used "
                        "(a cover logo needs well under one megapixel)")
                image.verify()
    except TemplateError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TemplateError(f"logo {name!r} is too large an image ({exc}); it is not "
                            "used") from exc
    except Exception as exc:  # Pillow raises many types for files that are not images
        raise TemplateError(f"logo {name!r} is not an image Pillow can read "
                            f"({type(exc).__name__}); use a PNG or JPEG file") from exc
    if kind not in LOGO_FORMATS:
        raise TemplateError(f"logo {name!r} is a {kind} image; use PNG, JPEG, GIF or WebP")
    return data, LOGO_FORMATS[kind]


def logo_data_uri(theme: Theme, user_dir: Path | None) -> str | None:
    """The logo inlined as a data: URI, so the HTML twin is one self-contained file."""
    if theme.logo is None or user_dir is None:
        return None
    import base64  # here, not at the top: only a theme with a logo needs it

    data, kind = logo_image(user_dir, theme.logo)
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"
