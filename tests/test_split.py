"""A long paper laid out in parts in parallel processes (reportgen.pdf.split) must give the
same pages as laying it out in one piece: same text, page numbers, bookmarks, tags."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, run_cli
from pdftext import outline_titles, page_texts
from workbooks import paper_workbook

from reportgen.build import appended_documents, render_paper_pdf
from reportgen.pdf.pool import LaidOut, PageFacts
from reportgen.pdf.split import CannotSplit, SplitPaper, _estimate_first_page, split_html
from reportgen.pdf.write import write_pdf

EXAMPLE = ROOT / "data" / "dorset-od-framework-2018.xlsx"


def long_tracker(path: Path, actions: int, appendices=None) -> Path:
    """A valid paper whose tracker has ``actions`` one-milestone actions in 3 themes."""
    statuses = ["Complete", "On track", "At risk", "Not started"]
    rows = [[f"A{i + 1}", f"Theme {i % 3 + 1}", f"Action {i + 1} for team {i % 17}",
             f"Milestone {i + 1}", f"Lead {i % 7}", date(2019, 1, 1) + timedelta(days=i % 300),
             statuses[i % 4], f"Note on action {i + 1}: on plan."] for i in range(actions)]
    return paper_workbook(path, actions=rows, appendices=appendices)


def build(workbook: Path, out: Path, jobs: int) -> Path:
    result = run_cli("build", workbook, "-o", out, "--jobs", jobs)
    assert result.exit_code == 0, result.output
    return next(out.glob("*.pdf"))


def structure_roles(pdf_path: Path) -> list[str]:
    with pikepdf.open(pdf_path) as pdf:
        root = pdf.Root.StructTreeRoot
        document = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
        return [str(kid.S) for kid in document.K if isinstance(kid, pikepdf.Dictionary)]


@pytest.fixture(scope="module")
def tracker_pdfs(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("split")
    # An attached appendix: the appendix list quotes its page, so the last part is
    # laid out knowing its first page (estimated while the others are laid out).
    (folder / "appx").mkdir()
    shutil.copy(ROOT / "data" / "appendices" / "pcwc-annual-report-summary.pdf",
                folder / "appx" / "summary.pdf")
    workbook = long_tracker(folder / "long.xlsx", 480,
                            appendices=[[1, "Annual Report Summary", "appx/summary.pdf"]])
    parts = build(workbook, folder / "parts", 2)
    return one_piece(workbook, folder / "one"), parts


def one_piece(workbook: Path, out: Path) -> Path:
    """The same paper laid out by one WeasyPrint call, no worker pool: every build now
    lays a paper out in parts, whatever --jobs is, so the whole is made this way."""
    paper = render_paper_pdf(workbook, jobs=2)
    pdf = write_pdf(paper.html, roots=paper.roots, appended=appended_documents(paper.report),
                    created=paper.report.paper.report_date or paper.report.paper.meeting_date)
    out.mkdir()
    (out / "whole.pdf").write_bytes(pdf)
    return out / "whole.pdf"


def test_parts_give_the_same_pages_as_one_piece(tracker_pdfs):
    whole, parts = tracker_pdfs
    whole_text, parts_text = page_texts(whole), page_texts(parts)
    assert len(whole_text) > 20
    assert parts_text == whole_text
    assert outline_titles(parts) == outline_titles(whole)


def test_every_page_of_a_joined_paper_is_numbered_in_one_sequence(tracker_pdfs):
    _, parts = tracker_pdfs
    texts = page_texts(parts)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text
        assert "Item 9" in text  # the running header, from the cover's strings


def test_joined_paper_is_one_tagged_document_of_parts(tracker_pdfs):
    _, parts = tracker_pdfs
    roles = structure_roles(parts)
    assert roles.count("/Part") >= 4
    result = run_cli("check", parts)
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_joined_paper_quotes_the_appendix_page(tracker_pdfs):
    _, parts = tracker_pdfs
    texts = page_texts(parts)
    appendix = next(i for i, t in enumerate(texts) if "About the centre" in t) + 1
    assert appendix == len(texts)
    listing = next(t for t in texts if "Appendix Title Page" in t)
    assert f"Appendix 1 Annual Report Summary Page {appendix}" in listing


def test_first_page_of_the_linked_part_is_estimated_from_the_nearest_part():
    head = "<html><head></head>"
    parts = [head + "<body>" + "x" * size for size in (100, 1000, 5000, 5000, 5010, 300)]
    split = SplitPaper(parts, [False] * 5 + [True], None, None)

    def laid_out(pages: int) -> LaidOut:
        return LaidOut(b"", [PageFacts("", (1.0, 1.0), (), (), None)] * pages)

    # parts 0-3 laid out; part 4 is still running and is like part 3 (10 pages per 5000)
    done = {0: laid_out(1), 1: laid_out(4), 2: laid_out(10), 3: laid_out(10)}
    assert _estimate_first_page(split, 5, done) == 1 + 1 + 4 + 10 + 10 + 10
    assert _estimate_first_page(split, 5, {}) == 1 + 5  # nothing to go by: a page each


def test_long_tracker_starts_each_theme_on_a_new_page(tracker_pdfs):
    whole, _ = tracker_pdfs
    texts = page_texts(whole)
    for theme in ("Theme 1", "Theme 2", "Theme 3"):
        first = next(t for t in texts if re.search(rf"^{theme}$", t, re.M))
        # the heading is the first thing under the running header
        assert first.splitlines()[1].strip() == theme


def test_example_paper_in_parts_quotes_the_right_appendix_pages(tmp_path):
    whole, parts = build(EXAMPLE, tmp_path / "one", 1), build(EXAMPLE, tmp_path / "parts", 2)
    assert page_texts(parts) == page_texts(whole)
    assert structure_roles(parts).count("/Part") >= 3
    assert "Page 19" in " ".join(page_texts(parts))


SMALL = """<!DOCTYPE html><html lang="en-GB"><head><title>T</title>
<style>@page wide { size: A4 landscape }</style></head><body>
<header class="cover"><p class="meeting">Board</p></header>
<section id="s" class="wide"><h2>Actions</h2>
<table><colgroup><col class="a"></colgroup><thead><tr><th>Ref</th></tr></thead>
<tbody id="b1"><tr><td>one</td></tr></tbody>
<tbody id="b2" data-part-break><tr><td>two &amp; &lt;b&gt;</td></tr></tbody></table>
</section><p><a href="#s">back</a></p></body></html>"""


def test_cut_through_a_table_repeats_its_columns_and_header_but_not_its_id():
    split = split_html(SMALL.replace('<a href="#s">back</a>', "end"))
    assert len(split.parts) == 2
    second = split.parts[1]
    assert second.count("<thead>") == 1 and '<col class="a">' in second
    assert 'id="s"' not in second and "<td>one" not in second
    assert "two &amp; &lt;b&gt;" in second  # spreadsheet text stays escaped
    assert "content: none !important" in second  # the frame draws header and footer
    assert "@page wide" in second
    assert 'id="s"' in split.parts[0] and "two" not in split.parts[0]


def test_a_link_across_parts_keeps_the_paper_in_one_piece():
    with pytest.raises(CannotSplit, match="#s"):
        split_html(SMALL)


def test_html_without_part_breaks_is_not_split():
    with pytest.raises(CannotSplit):
        split_html(SMALL.replace(" data-part-break", ""))


def test_joining_with_a_ledger_writes_what_joining_part_by_part_wrote(tmp_path):
    """The ParentTree, element IDs and named destinations kept in memory while the parts
    are joined (graft.Ledger, written once at the end) make the same file as reading
    and rewriting them after every part did: the join got cheaper, not different."""
    import io

    from reportgen.pdf.graft import Ledger, replace_with_tagged_pages
    from reportgen.pdf.pool import Job, lay_out
    from reportgen.pdf.split import _document_as_part

    workbook = long_tracker(tmp_path / "long.xlsx", 240)
    paper = render_paper_pdf(workbook, jobs=1)
    parts = split_html(paper.html).parts
    assert len(parts) >= 4
    laid_out = [lay_out(Job(part, tuple(map(str, paper.roots)), "0")) for part in parts]

    def joined(with_ledger: bool) -> bytes:
        with pikepdf.open(io.BytesIO(laid_out[0].pdf)) as target:
            grafted = _document_as_part(target)
            ledger = Ledger(target) if with_ledger else None
            for part in laid_out[1:]:
                start = len(target.pages)
                with pikepdf.open(io.BytesIO(part.pdf)) as source:
                    for _ in source.pages:
                        target.add_blank_page()
                    replace_with_tagged_pages(target, start, source, grafted,
                                              placeholders=True, ledger=ledger)
            if ledger is not None:
                ledger.write(target)
            tree = target.Root.StructTreeRoot
            assert len(tree.IDTree.Names) > 100 and len(tree.ParentTree.Nums) > 20
            assert len(target.Root.Names.Dests.Names) > 10
            out = io.BytesIO()
            target.save(out, deterministic_id=True)
            return out.getvalue()

    assert joined(with_ledger=True) == joined(with_ledger=False)


def table_shapes(pdf_path: Path) -> list[tuple[int, int, list[int]]]:
    """Per /Table: its rows, header cells, and how many headers each data cell names."""
    from reportgen.pdf.structure import walk_elements
    from reportgen.pdf.tables import table_attribute

    shapes = []
    with pikepdf.open(pdf_path) as pdf:
        for table, _ in walk_elements(pdf.Root.StructTreeRoot):
            if table.get("/S") != "/Table":
                continue
            cells = [e for e, _ in walk_elements(table) if e.get("/S") in ("/TH", "/TD")]
            rows = sum(1 for e, _ in walk_elements(table) if e.get("/S") == "/TR")
            named = [len(table_attribute(c, "/Headers") or ()) for c in cells
                     if c.get("/S") == "/TD"]
            shapes.append((rows, sum(c.get("/S") == "/TH" for c in cells), named))
    return shapes


def test_tables_cut_by_part_breaks_are_joined_as_in_one_piece(tracker_pdfs):
    """Each part's tables are finished as it is joined; a table a part break cut open
    is joined across the break: the same tables, rows and header links as the paper
    laid out in one piece, and the checker finds every /Headers right."""
    whole, parts = tracker_pdfs
    in_parts, in_one = table_shapes(parts), table_shapes(whole)
    assert len(in_one) >= 3 and max(rows for rows, _, _ in in_one) > 100
    assert in_parts == in_one
    result = run_cli("check", parts)
    assert result.exit_code == 0 and "0 errors, 0 warnings" in result.output, result.output
