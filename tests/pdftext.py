"""Read back what a built PDF says: page text, words with positions, outline, metadata."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdf


def page_texts(pdf: Path) -> list[str]:
    """Each page's text in reading order by position (as a person reads the page)."""
    with pdfplumber.open(pdf) as doc:
        return [page.extract_text() or "" for page in doc.pages]


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
