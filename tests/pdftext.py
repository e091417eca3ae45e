"""Read back what a built PDF says: page text, words with positions, outline, metadata."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pdfplumber
import pypdf

_TEXTS: dict[str, tuple[str, ...]] = {}


def page_texts(pdf: Path) -> list[str]:
    """Each page's text in reading order by position (as a person reads the page).

    Remembered by the file's content: pdfplumber takes seconds for a long paper, and many
    tests read the same module-wide build."""
    key = hashlib.sha256(Path(pdf).read_bytes()).hexdigest()
    if key not in _TEXTS:
        with pdfplumber.open(pdf) as doc:
            _TEXTS[key] = tuple(page.extract_text() or "" for page in doc.pages)
    return list(_TEXTS[key])


def all_text(pdf: Path) -> str:
    return "\n".join(page_texts(pdf))


def outline_titles(pdf: Path) -> list[tuple[int, str]]:
    """(depth, title) of every bookmark, in order."""
    reader = pypdf.PdfReader(pdf)
    found: list[tuple[int, str]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title))

    walk(reader.outline, 0)
    return found


def words(pdf: Path, page_number: int) -> list[dict]:
    with pdfplumber.open(pdf) as doc:
        return doc.pages[page_number].extract_words(keep_blank_chars=False)


def chars(pdf: Path, page_number: int) -> list[dict]:
    with pdfplumber.open(pdf) as doc:
        return list(doc.pages[page_number].chars)
