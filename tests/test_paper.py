"""The board paper, built from a real workbook and read back from the real PDF."""

from __future__ import annotations

import re

import pikepdf
import pypdf
from pdftext import all_text, chars, outline_titles, page_texts, words


def test_cover_sheet_fields_are_on_page_one(built_paper):
    first = page_texts(built_paper)[0]
    for text in [
        "NHS Test Clinical Commissioning Group",
        "GOVERNING BODY MEETING",
        "Test Framework Update 2018/2019",
        "Date of the meeting", "14 November 2018",
        "Ann Author – Deputy Director of Testing",
        "B Sponsor – Chief Officer",
        "To update members on progress.",
        "The Governing Body is asked to note the report.",
        "Staff were engaged throughout.",
        "Update provided in May 2018.",
        "Monitoring and Assurance Summary",
        "Services designed around people",
        "Initials: AA",
    ]:
        assert text in first, text


def _column_of(x: float, columns: dict[str, tuple[float, float]]) -> str:
    return next(name for name, (left, right) in columns.items() if left <= x <= right)


def test_ticks_sit_in_the_right_columns(built_paper):
    page = words(built_paper, 0)
    ticks = [c for c in chars(built_paper, 0) if c["text"] == "✓"]
    header = {w["text"]: w for w in page if w["text"] in {"Considered", "No"}}
    first_row = next(w for w in page if w["text"] == "Budgetary")
    # "Yes (✓)" under Considered, and "Yes / detail in report" under the action heading.
    yes = max((w for w in page if w["text"] == "Yes" and w["top"] < first_row["top"]),
              key=lambda w: w["x0"])
    # Column centres from the header words; a tick belongs to the nearest one.
    centres = {
        "considered": (header["Considered"]["x0"] + header["Considered"]["x1"]) / 2,
        "action": (yes["x0"] + yes["x1"]) / 2,
        "no": (header["No"]["x0"] + header["No"]["x1"]) / 2,
    }

    def row_ticks(label: str) -> set[str]:
        row = next(w for w in page if w["text"] == label)
        found = set()
        for tick in ticks:
            if abs(tick["top"] - row["top"]) < 6:
                x = (tick["x0"] + tick["x1"]) / 2
                found.add(min(centres, key=lambda name: abs(centres[name] - x)))
        return found

    assert row_ticks("Budgetary") == {"considered", "no"}
    assert row_ticks("People/Staff") == {"considered", "action"}
    assert row_ticks("Freedom") == {"considered", "no"}


def test_paragraphs_are_numbered_across_sub_headings(built_paper):
    body = "\n".join(page_texts(built_paper)[1:])
    numbers = re.findall(r"^(\d+\.\d+) ", body, flags=re.MULTILINE)
    assert numbers == ["1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "3.1"]
    # Sub-headings and minor headings appear, in order, between the numbers.
    order = [body.index(s) for s in ["KEY ACTIVITIES", "Theme 1: Governance", "2.1 ",
                                      "Theme 2: Values", "2.3 ", "REMAINING ACTIVITIES", "2.4 "]]
    assert order == sorted(order)


def test_bold_terms_and_bullets_render(built_paper):
    with pikepdf.open(built_paper):
        pass
    body_chars = chars(built_paper, 1)
    bold = "".join(c["text"] for c in body_chars if "Bold" in c["fontname"])
    assert "Integrated Care System" in bold
    text = page_texts(built_paper)[1]
    assert "• 111 (34% of staff) completed the culture survey" in text
    assert "• 107 awards were made" in text
    assert "The feedback was collated." in text


def test_percentages_are_computed_not_typed(built_paper):
    text = all_text(built_paper)
    assert "111 (34% of staff)" in text
    assert re.search(r"Culture survey\s+Oct 2018\s+111\s+326 staff\s+34%\s+at least 40%\s+Not met",
                     text)


def test_action_table_shows_status_words_grouped_by_theme(built_paper):
    text = all_text(built_paper)
    for status in ["On track", "At risk", "Complete", "Not started", "Off track"]:
        assert status in text
    assert text.index("Theme 1: Governance\nRef") < text.index("Theme 2: Values\nRef")
    assert "Introduce Employee Self Service" in text
    assert "6 months – 3" in text  # a timescale, not a date, is printed as typed
    # Summary: G1 has an At risk milestone, so the theme counts it as At risk.
    assert re.search(r"Theme 1: Governance 1 0 1 0 0 2", text)
    assert re.search(r"Total 1 0 1 1 1 4", text)


def test_every_page_has_running_header_and_page_x_of_y(built_paper):
    texts = page_texts(built_paper)
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert "Governing Body Meeting · 14 November 2018" in text, number
        assert "Item 9" in text, number
        assert f"Page {number} of {len(texts)}" in text, number


def test_bookmarks_follow_the_headings(built_paper):
    titles = outline_titles(built_paper)
    flat = [title for _, title in titles]
    for expected in ["Test Framework Update 2018/2019", "Monitoring and Assurance Summary",
                     "1. Introduction", "2. Report", "KEY ACTIVITIES", "3. Conclusion",
                     "Action progress", "Metrics", "Appendices"]:
        assert expected in flat, flat
    depth = dict((title, d) for d, title in titles)
    assert depth["KEY ACTIVITIES"] > depth["2. Report"]


def test_metadata_language_and_tags(built_paper):
    reader = pypdf.PdfReader(built_paper)
    meta = reader.metadata
    assert meta.title == "Test Framework Update 2018/2019"
    assert meta.author == "Ann Author"
    assert "Governing Body Meeting, 14 November 2018, item 9" in meta.subject
    with pikepdf.open(built_paper) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "en-GB"
        assert "/StructTreeRoot" in root
        assert bool(root.MarkInfo.Marked)
        assert "/Metadata" in root and b"pdfuaid" in root.Metadata.read_bytes()
