"""Where a paragraph's lines place the user's own tables: the paragraph cut into text
and tables, read the same way for the PDF and for the Word document."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.workbook.model import Paragraph, Report, UserTable
from reportgen.workbook.schema import TABLE_REFERENCE


@dataclass(frozen=True)
class Piece:
    """Part of a paragraph cell: text (numbered if it starts the paragraph) or a table
    placed by a line [[Table: name]]."""

    text: str | None = None
    number: str | None = None
    table: UserTable | None = None


def paragraph_pieces(report: Report, paragraph: Paragraph) -> list[Piece]:
    """A paragraph cut where its lines place tables: text, table, text ..."""
    pieces: list[Piece] = []
    text: list[str] = []

    def flush() -> None:
        if "".join(text).strip():
            first = not any(p.text is not None for p in pieces)
            pieces.append(Piece("\n".join(text).strip("\n"),
                                paragraph.number if first and paragraph.number else None))
        text.clear()

    for line in paragraph.text.split("\n"):
        match = TABLE_REFERENCE.fullmatch(line.strip())
        table = report.table(match.group(1)) if match else None
        if table is None:
            text.append(line)
            continue
        flush()
        pieces.append(Piece(table=table))
    flush()
    return pieces


