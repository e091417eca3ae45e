"""``reportgen extract``: get the source workbook back out of a PDF/A-3 paper."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from reportgen.errors import InputError, Problem, ReportgenError
from reportgen.safeio import atomic_write_all

#: The most an embedded file may unpack to (a workbook is a few MB): a 1 MB
#: compressed stream of zeros would otherwise fill gigabytes of memory and disk.
MAX_ATTACHMENT_BYTES = 200 * 2**20


def extract_attachments(pdf_path: Path, outdir: Path, *, force: bool = False) -> list[Path]:
    """Write every embedded file of ``pdf_path`` into ``outdir``; return their paths."""
    if not pdf_path.is_file():
        raise InputError([Problem("file not found", file=pdf_path)], pdf_path)
    try:
        with pikepdf.open(pdf_path) as pdf:
            files = {name: _unpack(pdf_path, name, spec.get_file().obj)
                     for name, spec in pdf.attachments.items()}
    except pikepdf.PdfError as exc:
        raise InputError([Problem(f"is not a readable PDF ({exc})", file=pdf_path)],
                         pdf_path) from exc
    if not files:
        raise ReportgenError(f"{pdf_path}: has no embedded files (build it with --pdfa)")
    outputs: dict[Path, bytes] = {}
    for name, data in sorted(files.items()):
        target = outdir / Path(name).name  # never a path from inside the PDF
        if target.exists() and not force:
            raise ReportgenError(f"{target} already exists; use --force to replace it")
        outputs[target] = data
    atomic_write_all(outputs)
    return list(outputs)


def _unpack(pdf_path: Path, name: str, stream: pikepdf.Stream) -> bytes:
    """An embedded file's bytes, unpacked no further than :data:`MAX_ATTACHMENT_BYTES`."""
    import zlib  # here, not at the top: only extract unpacks streams itself

    def refuse(message: str) -> InputError:
        return InputError([Problem(f"embedded file {name!r} {message}; nothing was "
                                   "extracted", file=pdf_path)], pdf_path)

    limit = MAX_ATTACHMENT_BYTES
    filters = stream.get("/Filter")
    filters = [] if filters is None else [filters] if isinstance(filters, pikepdf.Name) \
        else list(filters)
    raw = stream.read_raw_bytes()
    if not filters:
        data = raw
    elif filters == [pikepdf.Name.FlateDecode] and stream.get("/DecodeParms") is None:
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(raw, limit + 1)
        except zlib.error as exc:
            raise refuse(f"is damaged ({exc})") from exc
        if len(data) > limit or inflater.unconsumed_tail:
            raise refuse(f"would unpack to more than {limit // 2**20:,} MB (it is "
                         f"{len(raw):,} bytes compressed), over the limit")
    else:
        raise refuse(f"is packed with {', '.join(str(f) for f in filters)}, which reportgen "
                     "does not unpack (it writes /FlateDecode)")
    if len(data) > limit:
        raise refuse(f"is {len(data) // 2**20:,} MB, over the {limit // 2**20:,} MB limit")
    return data
