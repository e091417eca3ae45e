"""Appended PDFs: drawn into numbered, headed frames; bad files reported, not rendered."""

from __future__ import annotations

import pikepdf
import pytest
import weasyprint
from conftest import run_cli
from pdftext import outline_titles, page_texts
from workbooks import paper_workbook


def external_pdf(path, pages: list[str], landscape: bool = False):
    size = "A4 landscape" if landscape else "A4"
    body = "".join(f'<p style="break-after: page">{text}</p>' for text in pages)
    weasyprint.HTML(string=f"<style>@page {{ size: {size}; margin: 1cm }}</style>{body}").write_pdf(
        path)
    return path


@pytest.fixture(scope="module")
def paper_with_appendices(tmp_path_factory):
    folder = tmp_path_factory.mktemp("appendices")
    (folder / "appx").mkdir()
    external_pdf(folder / "appx" / "plan.pdf", ["EXTERNAL PLAN ONE", "EXTERNAL PLAN TWO"])
    external_pdf(folder / "appx" / "wide.pdf", ["EXTERNAL WIDE PAGE"], landscape=True)
    workbook = paper_workbook(folder / "paper.xlsx", appendices=[
        [1, "Implementation Plan", None],
        [2, "Delivery Plan", "appx/plan.pdf"],
        [3, "Wide Report", "appx/wide.pdf"],
    ])
    result = run_cli("build", workbook, "-o", folder / "out")
    assert result.exit_code == 0, result.output
    return folder / "out" / "test-framework-update-2018-2019.pdf"


def test_appended_pages_are_numbered_and_headed_continuously(paper_with_appendices):
    texts = page_texts(paper_with_appendices)
    total = len(texts)
    plan = [i for i, t in enumerate(texts) if "EXTERNAL PLAN" in t]
    wide = [i for i, t in enumerate(texts) if "EXTERNAL WIDE PAGE" in t]
    assert plan == [total - 3, total - 2] and wide == [total - 1]
    for index in plan + wide:
        assert f"Page {index + 1} of {total}" in texts[index]
        assert "Item 9" in texts[index]
    assert "Appendix 2: Delivery Plan (page 1 of 2)" in texts[plan[0]]
    assert "Appendix 3: Wide Report (page 1 of 1)" in texts[wide[0]]


def test_appended_landscape_page_stays_landscape(paper_with_appendices):
    with pikepdf.open(paper_with_appendices) as pdf:
        last = pdf.pages[-1].mediabox
        assert float(last[2]) > float(last[3])
        first = pdf.pages[-3].mediabox
        assert float(first[2]) < float(first[3])


def test_appendix_table_gives_the_real_start_page(paper_with_appendices):
    texts = page_texts(paper_with_appendices)
    plan_page = next(i for i, t in enumerate(texts) if "EXTERNAL PLAN ONE" in t) + 1
    listing = next(t for t in texts if "Appendix Title Page" in t)
    assert f"Appendix 2 Delivery Plan Page {plan_page}" in listing
    assert "Appendix 1 Implementation Plan Not attached" in listing


def test_appendices_have_bookmarks(paper_with_appendices):
    titles = [title for _, title in outline_titles(paper_with_appendices)]
    assert "Appendix 2: Delivery Plan" in titles
    assert "Appendix 3: Wide Report" in titles


def test_bad_appended_files_are_all_reported_and_nothing_is_written(tmp_path):
    (tmp_path / "locked.pdf").write_bytes(b"")
    external_pdf(tmp_path / "plain.pdf", ["SECRET"])
    with pikepdf.open(tmp_path / "plain.pdf") as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="u"))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    workbook = paper_workbook(tmp_path / "paper.xlsx", appendices=[
        [1, "Locked", "locked.pdf"],
        [2, "Broken", "broken.pdf"],
        [3, "Missing", "missing.pdf"],
        [4, "Word", "notes.docx"],
    ])
    out = tmp_path / "out"
    result = run_cli("build", workbook, "-o", out)
    assert result.exit_code == 1
    assert 'Appendices!C4: file "missing.pdf" not found' in result.output
    assert 'Appendices!C5: "notes.docx" is not a PDF' in result.output
    assert not out.exists()
    # Once the workbook itself is valid, the PDFs are opened: both reported together.
    workbook = paper_workbook(tmp_path / "paper.xlsx", appendices=[
        [1, "Locked", "locked.pdf"], [2, "Broken", "broken.pdf"]])
    result = run_cli("build", workbook, "-o", out)
    assert result.exit_code == 1
    assert "Appendices!C2: locked.pdf is password-protected" in result.output
    assert "Appendices!C3: broken.pdf is not a readable PDF" in result.output
    assert not out.exists()
