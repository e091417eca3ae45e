"""A PDF's pages as images for the browser, each with its text, drawn with PDFium.

Drawing a page takes about 50 ms; a paper rebuilt after one cell changed has only a
page or two that changed. Each page is named by the SHA-256 of what it is drawn from
(its content streams and everything they use, read raw with pikepdf), and
:class:`PageImages` draws a page only when that name is new: the others are the
images of last time, and the browser, which caches them by that name, does not fetch
them again.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass

#: Pixels per PDF point: 1.0 is 72 dpi (an A4 page 595 × 842 pixels).
SCALE = 1.0


@dataclass(frozen=True)
class Page:
    number: int  # from 1
    key: str  # SHA-256 of what the page is drawn from (and its number)
    text: str  # the page's text, for the page and for assistive technology
    width: int  # of the image, in pixels
    height: int


def _digest_object(obj, digest, memo: dict) -> None:
    """Feed ``obj`` (a pikepdf object) into ``digest``: streams by their raw bytes,
    dictionaries and arrays by their contents. An indirect object (a font, an image
    several pages share) is digested once per document and then stands for itself by
    that digest in ``memo``."""
    import pikepdf  # see page_keys

    if not isinstance(obj, pikepdf.Object):  # a number or boolean, as Python gives it
        digest.update(repr(obj).encode())
        return
    if obj.is_indirect:
        key = obj.objgen
        if key not in memo:
            memo[key] = b"cycle"  # a reference back to an object being digested
            inner = hashlib.sha256()
            _digest_contents(obj, inner, memo)
            memo[key] = inner.digest()
        digest.update(memo[key])
        return
    _digest_contents(obj, digest, memo)


def _digest_contents(obj, digest, memo: dict) -> None:
    import pikepdf  # see page_keys

    if isinstance(obj, pikepdf.Stream):
        digest.update(obj.read_raw_bytes())
        for name in sorted(obj.keys()):
            if name not in ("/Length", "/Parent"):
                digest.update(name.encode())
                _digest_object(obj[name], digest, memo)
    elif isinstance(obj, pikepdf.Dictionary):
        for name in sorted(obj.keys()):
            if name in ("/Parent", "/P", "/StructParents", "/Annots", "/B"):
                continue
            digest.update(name.encode())
            _digest_object(obj[name], digest, memo)
    elif isinstance(obj, pikepdf.Array):
        digest.update(b"[")
        for value in obj:
            _digest_object(value, digest, memo)
        digest.update(b"]")
    else:
        digest.update(obj.unparse())


def page_keys(data: bytes) -> list[str]:
    """One key per page of the PDF ``data``: equal keys, equal drawings."""
    import pikepdf  # here, not at the top: only the web pages draw PDFs

    keys = []
    memo: dict = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            digest = hashlib.sha256()
            for name in ("/Contents", "/Resources", "/MediaBox", "/CropBox", "/Rotate"):
                if name in page.obj:
                    digest.update(name.encode())
                    _digest_object(page.obj[name], digest, memo)
            keys.append(digest.hexdigest())
    return keys


class PageImages:
    """PNG images of pages, kept by key (the least recently used dropped past
    ``limit``), drawn only when a key is new."""

    def __init__(self, limit: int = 400) -> None:
        self.limit = limit
        self._images: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.drawn = 0

    def add(self, data: bytes) -> list[Page]:
        """Every page of the PDF ``data``, drawing those not seen before."""
        import pypdfium2  # see page_keys

        keys = page_keys(data)
        document = pypdfium2.PdfDocument(data)
        try:
            pages = []
            for index, key in enumerate(keys):
                page = document[index]
                text = page.get_textpage().get_text_range()
                name = hashlib.sha256(f"{index}:{key}".encode()).hexdigest()[:32]
                with self._lock:
                    known = name in self._images
                    if known:
                        self._images.move_to_end(name)
                if not known:
                    image = page.render(scale=SCALE).to_pil()
                    buffer = io.BytesIO()
                    image.save(buffer, "PNG", compress_level=1)
                    with self._lock:
                        self._images[name] = buffer.getvalue()
                        self.drawn += 1
                        while len(self._images) > self.limit:
                            self._images.popitem(last=False)
                width, height = page.get_size()
                pages.append(Page(index + 1, name, " ".join(text.split()),
                                  round(width * SCALE), round(height * SCALE)))
            return pages
        finally:
            document.close()

    def get(self, name: str) -> bytes | None:
        with self._lock:
            return self._images.get(name)
