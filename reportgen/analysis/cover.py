"""The cover sheet's fields in the order they are printed, as plain text.

One reading for every output: the PDF's cover (:mod:`reportgen.render.cover` escapes
and lays it out) and the Word document's (:mod:`reportgen.docx.document`). The built-in
fields come in the order and with the labels a ``cover:`` list in ``theme.yaml`` gives,
then the others in their usual order, then the organisation's own fields from the
Paper sheet in the workbook's order — so no value given is left off a cover.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.workbook.dates import long_date
from reportgen.workbook.model import Paper

#: The built-in cover rows in their usual order: field (as the Paper sheet names it)
#: and the label printed.
DEFAULT_COVER: tuple[tuple[str, str], ...] = (
    ("Meeting date", "Date of the meeting"),
    ("Author", "Author"),
    ("Sponsoring board member", "Sponsoring Board member"),
    ("Purpose of report", "Purpose of Report"),
    ("Purpose category", "Paper is for"),
    ("Recommendation", "Recommendation"),
    ("Stakeholder engagement", "Stakeholder Engagement"),
    ("Previous committees", "Previous GB / Committee/s, Dates"),
)
#: Fields not on the cover by default that a ``cover:`` list may add.
OPTIONAL_COVER = ("Organisation", "Meeting", "Agenda item", "Title", "Author job title",
                  "Date of report", "Author telephone", "Author initials")
COVER_FIELDS = (*(name for name, _ in DEFAULT_COVER), *OPTIONAL_COVER)
#: The purpose's tick boxes: chosen and not (in words too: the chosen are in bold).
TICKED, UNTICKED = "☒", "☐"


@dataclass(frozen=True)
class CoverEntry:
    """One row of the cover: ``text`` (line breaks kept), or for the purpose category
    the purposes ``chosen`` (printed as a row of tick boxes)."""

    field: str  # the built-in field, or None for one of the organisation's own
    label: str
    text: str = ""
    chosen: tuple[str, ...] | None = None


def _text(paper: Paper, field: str) -> str | None:
    if field == "Meeting date":
        return long_date(paper.meeting_date)
    if field == "Author":
        return f"{paper.author} – {paper.author_job_title}"
    if field == "Date of report":
        return long_date(paper.report_date) if paper.report_date else None
    return {
        "Sponsoring board member": paper.sponsor, "Purpose of report": paper.purpose,
        "Recommendation": paper.recommendation,
        "Stakeholder engagement": paper.stakeholder_engagement,
        "Previous committees": paper.previous_committees,
        "Organisation": paper.organisation, "Meeting": paper.meeting,
        "Agenda item": paper.agenda_item, "Title": paper.title,
        "Author job title": paper.author_job_title,
        "Author telephone": paper.author_telephone, "Author initials": paper.author_initials,
    }[field] or None


def cover_entries(paper: Paper, order: tuple[tuple[str, str | None], ...] = ()
                  ) -> list[CoverEntry]:
    """The cover's rows: ``order``'s fields first (with their labels), the other
    built-in ones in their usual order, then the organisation's own fields. A built-in
    field left blank in the workbook has no row."""
    defaults = dict(DEFAULT_COVER)
    listed = [(field, label or defaults.get(field, field)) for field, label in order]
    named = {field for field, _ in listed}
    fields = listed + [(f, label) for f, label in DEFAULT_COVER if f not in named]
    entries = []
    for field, label in fields:
        if field == "Purpose category":
            chosen = paper.purpose_categories or (
                (paper.purpose_category,) if paper.purpose_category else ())
            if chosen:
                entries.append(CoverEntry(field, label, chosen=tuple(chosen)))
            continue
        text = _text(paper, field)
        if text:
            entries.append(CoverEntry(field, label, str(text)))
    entries += [CoverEntry(None, extra.label, str(extra.value or ""))
                for extra in paper.extra_fields]
    return entries
