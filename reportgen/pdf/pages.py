"""Other authors' PDFs: the shape of each page, or in words why a file cannot be used."""

from __future__ import annotations

import io
from pathlib import Path

from reportgen.analysis.appended import AppendedDocument, AppendedPage
from reportgen.errors import Problem


class Unusable(str):
    """Why a PDF cannot be used, in words ("x.pdf is password-protected"), with the
    advice that fits that reason in :attr:`hint`."""

    hint: str

    def __new__(cls, text: str, hint: str) -> Unusable:
        reason = super().__new__(cls, text)
        reason.hint = hint
        return reason


def pdf_page_shapes(source: Path | bytes) -> list[bool] | Unusable:
    """Whether each page of a PDF is landscape (rotation taken into account), or, if
    it cannot be used, why not, in words ("x.pdf is password-protected")."""
    import pikepdf

    name = source.name if isinstance(source, Path) else "the PDF"
    if isinstance(source, Path) and source.is_file():
        with source.open("rb") as handle:
            head = handle.read(1024)
        if b"%PDF-" not in head:
            return Unusable(f"{name} is not a PDF file",
                            "export or print it to PDF from the program that made it, "
                            "and name that file")
    try:
        with pikepdf.open(source if isinstance(source, Path) else io.BytesIO(source)) as pdf:
            shapes = []
            for page in pdf.pages:
                box = page.cropbox if "/CropBox" in page.obj else page.mediabox
                width = abs(float(box[2]) - float(box[0]))
                height = abs(float(box[3]) - float(box[1]))
                if int(page.obj.get("/Rotate", 0)) % 180:
                    width, height = height, width
                shapes.append(width > height)
    except pikepdf.PasswordError:
        return Unusable(f"{name} is password-protected",
                        "save an unprotected copy and name that instead")
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        return Unusable(f"{name} is not a readable PDF ({exc})",
                        "it is damaged: open it in a PDF reader, print or save it to a new "
                        "PDF, and name that file")
    return shapes or Unusable(f"{name} has no pages", "name the PDF that holds the paper")


def inspect_appendix(path: Path, number: str, title: str, anchor: str,
                     where: str | None) -> AppendedDocument | Problem:
    """Open an appended PDF to learn its pages, or say clearly why it can't be used."""
    shapes = pdf_page_shapes(path)
    if isinstance(shapes, str):
        sheet, _, cell = (where or "").partition("!")
        return Problem(str(shapes), file=path, sheet=sheet or None, cell=cell or None,
                       hint=shapes.hint)
    return AppendedDocument(number=number, title=title, anchor=anchor,
                            pages=[AppendedPage(landscape=shape) for shape in shapes],
                            file=path)
