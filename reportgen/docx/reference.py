"""The organisation's Word styles: ``reference.docx`` in the --templates folder.

As with pandoc's ``--reference-doc``, the .docx is built inside a copy of the reference
document with its content removed: its styles, page size, margins, header and footer
are kept, and the paper's content is mapped to its named styles (Title, Heading 1-3,
Caption, ...). Styles the reference lacks are copied in from python-docx's default
template, so a reference holding only "Normal" still works.

The file is checked before python-docx sees it, as a workbook is: a regular file of
bounded size, a real zip (not an encrypted Office file, which is an OLE container),
parts that unpack to what they say within a total limit, no encrypted entries and no
XML with a DTD.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from reportgen.errors import InputError, Problem
from reportgen.safeio import read_regular_file

REFERENCE_FILE = "reference.docx"
MAX_REFERENCE_BYTES = 20 * 2**20
MAX_UNPACKED_BYTES = 60 * 2**20
_OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
_SAVE_AS = "open it in Word and save it as a Word Document (.docx) without a password"


def reference_path(templates: Path | None) -> Path | None:
    """``templates/reference.docx`` if there is one."""
    if templates is None:
        return None
    path = templates / REFERENCE_FILE
    return path if path.exists() or path.is_symlink() else None


def _refuse(path: Path, message: str, hint: str | None = _SAVE_AS) -> InputError:
    return InputError([Problem(message, file=path, hint=hint)], path)


def checked_reference(path: Path) -> bytes:
    """The bytes of a reference document that is safe to open, or an InputError
    naming it."""
    data = read_regular_file(path, MAX_REFERENCE_BYTES, "reference document")
    if data.startswith(_OLE_SIGNATURE):
        raise _refuse(path, "is encrypted (password-protected) or an old Word 97-2003 "
                            "document, not a .docx")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _refuse(path, "is not a Word document (.docx): it is not a zip package")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _refuse(path, f"is a damaged zip package ({exc})") from None
    with archive:
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)
        if total > MAX_UNPACKED_BYTES or len(infos) > 5000:
            raise _refuse(path, f"would unpack to {total:,} bytes in {len(infos):,} parts, "
                                f"over the {MAX_UNPACKED_BYTES // 2**20} MB limit for a "
                                "reference document; it is not read",
                          "a reference document needs only styles, page set-up, header "
                          "and footer: save an empty document with them")
        names = set()
        for info in infos:
            if info.flag_bits & 0x1:
                raise _refuse(path, f"has an encrypted part ({info.filename})")
            try:
                with archive.open(info) as stream:
                    part = stream.read(info.file_size + 1)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
                    RuntimeError, ValueError) as exc:
                raise _refuse(path, f"has a damaged part {info.filename} ({exc})") from None
            if len(part) != info.file_size:
                raise _refuse(path, f"has a part {info.filename} that does not unpack to "
                                    "its stated size")
            if info.filename.endswith((".xml", ".rels")) and b"<!DOCTYPE" in part.upper():
                raise _refuse(path, f"has XML with a DTD ({info.filename}); it is not read")
            names.add(info.filename)
        if "word/document.xml" not in names or "[Content_Types].xml" not in names:
            what = "an Excel workbook" if "xl/workbook.xml" in names else \
                "a PowerPoint file" if "ppt/presentation.xml" in names else "another zip file"
            raise _refuse(path, f"is {what}, not a Word document (.docx)")
    return data


def open_reference(path: Path):
    """python-docx's Document for the checked reference, its body emptied."""
    from docx import Document  # here, not at the top: only --docx needs python-docx

    data = checked_reference(path)
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a malformed package
        raise _refuse(path, f"could not be read as a Word document ({type(exc).__name__}: "
                            f"{exc})") from None
    body = document.element.body
    for child in list(body):
        if child.tag.endswith("}sectPr"):
            continue
        body.remove(child)
    return document
