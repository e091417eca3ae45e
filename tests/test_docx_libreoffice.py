"""The example's .docx converted by LibreOffice (headless) to PDF reads as the paper:
the same words in the same order as reportgen's own PDF, and about as many pages.

What may differ, and only that: the text drawn inside the PDF's SVG charts (the .docx
has the charts as pictures), a table's header row repeated at different page breaks,
list bullets and ticks (drawn in another order by the two layout engines), and the
appendix list's "Page 19", which in Word reads "In the PDF version" (Word cannot hold
another author's PDF pages).
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import unicodedata
import uuid
from pathlib import Path

import docx
import pdfplumber
import pikepdf
import pytest
from docx.oxml.ns import qn
from docx_example import EXAMPLE, PREVIOUS, STEM, example_build

from reportgen.analysis.figures import analyse
from reportgen.workbook.validate import load_report

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (soffice not on PATH); "
    "scripts/install-system-deps.sh installs Debian's libreoffice-writer")

MM = 72 / 25.4
#: Running header and footer: above 20 mm from the top, below 19 mm from the bottom.
TOP, BOTTOM = 20 * MM, 19 * MM
WORD_ONLY = ["in", "the", "pdf", "version"]
#: The letters on the SPC icons (reportgen.analysis.icons), drawn as text in the PDF.
ICON_MARKS = {"~", "h", "l", "p", "f", "?"}


def convert(docx: Path, folder: Path) -> Path:
    """``soffice --headless --convert-to pdf`` with a profile of its own, so tests
    running at once do not share (and lock) one LibreOffice profile."""
    profile = Path("/tmp") / f"reportgen-lo-{os.getpid()}-{uuid.uuid4().hex}"
    try:
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
                       check=True, capture_output=True, timeout=300,
                       env={**os.environ, "HOME": str(profile)})
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return folder / f"{docx.stem}.pdf"


def header_words(docx_path: Path) -> set[str]:
    """The words of every table's repeated header rows (w:tblHeader) in the .docx."""
    found = set()
    for table in docx.Document(docx_path).tables:
        for row in table.rows:
            tr_pr = row._tr.trPr
            if tr_pr is None or tr_pr.find(qn("w:tblHeader")) is None:
                break
            for cell in row.cells:
                found |= {w.strip("()") for w in cell.text.casefold().split()}
    return found


def words(pdf: Path, pages: int | None = None) -> list[str]:
    """The words of the body of each page (the running header and footer cut off), in
    the order they are drawn; bullets and ticks left out."""
    found = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages[:pages]:
            body = page.crop((0, TOP, page.width, page.height - BOTTOM))
            for word in body.extract_words(use_text_flow=True):
                text = unicodedata.normalize("NFKC", word["text"]).casefold()
                text = re.sub(r"[•✓]", "", text).strip("()")
                if text:
                    found.append(text)
    return found


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    out = example_build()
    folder = tmp_path_factory.mktemp("libreoffice")
    return out / f"{STEM}.pdf", convert(out / f"{STEM}.docx", folder)


def test_libreoffice_reads_the_same_words_in_the_same_order(converted):
    paper_pdf, word_pdf = converted
    report = load_report(EXAMPLE)
    with pikepdf.open(paper_pdf) as pdf:
        total = len(pdf.pages)
    appended = 0
    for appendix in report.appendices:
        if appendix.file:
            with pikepdf.open(appendix.file) as pdf:
                appended += len(pdf.pages)
    headers = header_words(paper_pdf.with_suffix(".docx"))
    assert {"ref", "milestone", "status", "progress", "month"} <= headers
    ours = words(paper_pdf, total - appended)
    theirs = words(word_pdf)
    analysis = analyse(report, load_report(PREVIOUS))
    charts = [analysis.status_chart, *analysis.metric_charts,
              *(view.chart for view in analysis.workforce)]
    texts = [unicodedata.normalize("NFKC", text.replace("&amp;", "&")).casefold()
             for chart in charts for text in re.findall(r"<text[^>]*>([^<]*)</text>",
                                                        chart.svg)]
    chart_words = {word for text in texts for word in text.split()}
    chart_text = re.sub(r"\s+", "", "".join(texts))  # the PDF runs some labels together

    def in_a_chart(word: str) -> bool:
        return word in chart_words or (len(word) > 6 and word in chart_text)

    only_ours, only_theirs = [], []
    matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            only_ours += ours[i1:i2]
            only_theirs += theirs[j1:j2]
    # Everything Word shows is in the PDF, in the same order, but for repeated table
    # headers and the appendix list's "In the PDF version".
    repeated = headers - set(WORD_ONLY)
    assert [w for w in only_theirs if w not in repeated] == WORD_ONLY * appended
    # Everything the PDF shows is in Word but the charts' own text (axis labels, limits,
    # icons' letters), repeated table headers and "Page 19".
    unexplained = [w for w in only_ours if w not in headers and w != "page"
                   and not w.isdigit() and not in_a_chart(w) and w not in ICON_MARKS]
    assert unexplained == []


def test_libreoffice_page_count_is_within_30_percent(converted):
    paper_pdf, word_pdf = converted
    with pikepdf.open(paper_pdf) as paper, pikepdf.open(word_pdf) as word:
        ours, theirs = len(paper.pages), len(word.pages)
    assert 0.7 * ours <= theirs <= 1.3 * ours, (ours, theirs)


def test_libreoffice_keeps_landscape_pages_for_the_tracker(converted):
    _, word_pdf = converted
    with pdfplumber.open(word_pdf) as pdf:
        wide = [page.width > page.height for page in pdf.pages]
        texts = [page.extract_text() or "" for page in pdf.pages]
    tracker = [i for i, text in enumerate(texts) if "Progress" in text and "Milestone" in text]
    assert tracker and all(wide[i] for i in tracker)
    assert not wide[0] and not wide[-1]
    # The footer's fields are worked out: "Page 3 of N" on page 3.
    assert f"Page 3 of {len(texts)}" in texts[2]
