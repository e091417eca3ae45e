"""Structure a screen reader gets right (issue 15), read back from the real PDFs, and
``reportgen check`` proven to notice each fault in a copy broken with pikepdf."""

from __future__ import annotations

import base64
import re
import shutil

import pikepdf
import pypdf
import pytest
from conftest import ROOT, run_cli
from pdftext import page_texts

from reportgen.analysis.icons import GREY, assurance_icon, variation_icon
from reportgen.analysis.spc import Assurance, Variation
from reportgen.pdf.check import check_pdf
from reportgen.pdf.structure import subtree_pages, walk_elements
from reportgen.pdf.tables import logical_tables, table_attribute, table_grid

WORKBOOK = ROOT / "data" / "dorset-od-framework-2018.xlsx"
PREVIOUS = ROOT / "data" / "dorset-od-framework-2018-05.xlsx"
AGENDA = ROOT / "data" / "pack" / "agenda.yaml"
PAPER_NAME = "organisational-development-framework-update-2018-2019.pdf"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("a11y")


@pytest.fixture(scope="module")
def paper(out):
    result = run_cli("build", WORKBOOK, "--previous", PREVIOUS, "-o", out / "paper")
    assert result.exit_code == 0, result.output
    return out / "paper" / PAPER_NAME


@pytest.fixture(scope="module")
def pdfa(out):
    result = run_cli("build", WORKBOOK, "--previous", PREVIOUS, "--pdfa", "-o", out / "pdfa")
    assert result.exit_code == 0, result.output
    return out / "pdfa" / PAPER_NAME


@pytest.fixture(scope="module")
def public(out):
    result = run_cli("pack", AGENDA, "-o", out / "packs", "--jobs", "2")
    assert result.exit_code == 0, result.output
    return out / "packs" / "governing-body-meeting-2018-11-14-public.pdf"


@pytest.fixture(scope="module")
def private(out, public):
    result = run_cli("pack", AGENDA, "-o", out / "packs", "--part", "private")
    assert result.exit_code == 0, result.output
    return out / "packs" / "governing-body-meeting-2018-11-14-private.pdf"


def own(findings):
    return [str(f) for f in findings if not f.rule.startswith("pdfua")]


@pytest.mark.parametrize("which", ["paper", "pdfa", "public", "private"])
def test_example_outputs_pass_every_structure_check(which, request):
    pdf = request.getfixturevalue(which)
    result = run_cli("check", pdf)
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


def test_each_logical_table_is_one_table_with_full_rows_and_grid_headers(paper):
    with pikepdf.open(paper) as pdf:
        groups = logical_tables(pdf)
        assert len(groups) == 14 and all(len(group) == 1 for group in groups)
        for group in groups:
            grid = table_grid(group)
            assert set(grid.widths) == {grid.columns}
        # the action tracker that ran over pages 9-12: one /THead only, 7 columns
        tracker = max(groups, key=lambda g: len(table_grid(g).widths))[0]
        heads = [e for e, _ in walk_elements(tracker) if e.get("/S") == pikepdf.Name.THead]
        assert len(heads) == 1
        # every Status cell names the Status header (and its action's Ref), never Progress
        grid = table_grid([tracker])
        by_id = {bytes(c.element.ID): c for c in grid.cells if c.is_header}
        for cell in grid.cells:
            if cell.is_header:
                continue
            headers = [by_id[bytes(h)] for h in table_attribute(cell.element, "/Headers")]
            columns = [h.column for h in headers if h.header_row]
            assert columns == [cell.column]
            assert all(h.column == 0 for h in headers if not h.header_row)


def test_running_headers_are_artifacts_and_pdfa_has_an_id_tree(pdfa):
    with pikepdf.open(pdfa) as pdf:
        tree = pdf.Root.StructTreeRoot
        assert "/IDTree" in tree and "/ParentTreeNextKey" in tree
    texts = page_texts(pdfa)
    assert f"Page 3 of {len(texts)}" in texts[2]  # still drawn, as an artifact


def _appendix_page(pdf_path, number: int) -> int:
    """The page (from 1) where the paper's bookmark "Appendix N" lands."""
    reader = pypdf.PdfReader(pdf_path)

    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item

    mark = next(m for m in walk(reader.outline) if m.title.startswith(f"Appendix {number}"))
    return reader.get_destination_page_number(mark) + 1


def _link_page(pdf) -> int:
    """The index of the first page with a link to an appendix."""
    return next(i for i, page in enumerate(pdf.pages)
                for a in page.obj.get("/Annots", ())
                if a.get("/Subtype") == pikepdf.Name.Link
                and str(a.get("/Contents", "")).startswith("Go to Appendix"))


def test_links_say_where_they_go(paper, public):
    with pikepdf.open(paper) as pdf:
        contents = {str(a.Contents) for p in pdf.pages for a in p.obj.get("/Annots", ())
                    if a.get("/Subtype") == pikepdf.Name.Link}
    landing = _appendix_page(paper, 2)
    assert any(c.startswith("Go to Appendix 2: ") and c.endswith(f", page {landing}")
               for c in contents), contents
    with pikepdf.open(public) as pdf:
        contents = [str(a.Contents) for a in pdf.pages[1].obj.get("/Annots", ())
                    if a.get("/Subtype") == pikepdf.Name.Link]
    assert contents[0].startswith("Go to Item 2: ") and contents[0].endswith(", page 1")


def test_pack_page_labels_match_the_printed_numbers(out, public):
    with pikepdf.open(public) as pdf:
        nums = list(pdf.Root.PageLabels.Nums)
    assert nums[0] == 0 and pikepdf.Name.r == nums[1].S
    assert nums[2] == 2 and nums[3].S == pikepdf.Name.D and nums[3].St == 1
    result = run_cli("pack", AGENDA, "-o", out / "packs", "--supplement")
    assert result.exit_code == 0, result.output
    supplement = out / "packs" / "governing-body-meeting-2018-11-14-public-supplement.pdf"
    main_numbered = len(page_texts(public)) - 2
    with pikepdf.open(supplement) as pdf:
        nums = list(pdf.Root.PageLabels.Nums)
        front = nums[2]
    assert nums[3].St == main_numbered + 1
    assert f"Page {main_numbered + 1} of" in page_texts(supplement)[int(front)]
    assert run_cli("check", supplement).exit_code == 0


def test_other_authors_items_have_their_agenda_title_as_heading(public):
    with pikepdf.open(public) as pdf:
        sections = [e for e, _ in walk_elements(pdf.Root.StructTreeRoot)
                    if e.get("/S") == pikepdf.Name.Sect
                    and any(k.get("/S") == pikepdf.Name.Figure for k in e.K
                            if isinstance(k, pikepdf.Dictionary))]
        assert sections
        assert all(e.K[0].get("/S") == pikepdf.Name.H2 for e in sections)
    texts = page_texts(public)
    assert any("Item 7.1: " in text for text in texts[2:])


@pytest.mark.parametrize("which", ["paper", "pdfa", "public", "private"])
def test_an_independent_pdf_ua_validator_finds_nothing(which, request):
    """page-validation (the ``page`` checker: 104 PDF/UA-1 rules from the Matterhorn
    Protocol, against pdfua's 16) passes every example output; before issue 15 it
    failed the paper and packs on PDFUA1-TABLE-ROW-COLUMNSPAN-001 and
    PDFUA1-TABLE-COLUMN-ROWSPAN-001 (rows short of the table's columns)."""
    page = pytest.importorskip("page", reason="page-validation is in the dev extra")
    report = page.validate_pdf(str(request.getfixturevalue(which)), profile="ua1")
    assert report.rules.total >= 100
    assert [(f.rule_id, f.message) for f in report.failures] == []
    assert report.is_compliant
    if which == "pdfa":  # and PDF/A-3a, pdfuaid declared in an XMP extension schema
        report = page.validate_pdf(str(request.getfixturevalue(which)), profile="3a")
        assert [(f.rule_id, f.message) for f in report.failures] == []


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_spc_icon_marks_reach_4_5_to_1():
    icons = [*map(variation_icon, Variation), *map(assurance_icon, Assurance)]
    for icon in icons:
        svg = base64.b64decode(icon.data_uri.split(",", 1)[1]).decode()
        disc = re.search(r'<circle [^>]*fill="(#[0-9A-Fa-f]{6})"', svg)[1]
        ink = re.search(r'<text [^>]*fill="(#[0-9A-Fa-f]{6})"', svg)[1]
        high, low = sorted((_luminance(disc), _luminance(ink)), reverse=True)
        assert (high + 0.05) / (low + 0.05) >= 4.5, (icon.alt, disc, ink)
    assert GREY == "#425563"  # NHS Dark Grey


# -- reportgen check against broken copies -------------------------------------------------


def _broken(source, tmp_path, name):
    target = tmp_path / name
    shutil.copy(source, target)
    return target


def _edit(path, change):
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        change(pdf)
        pdf.save(path)


def _findings(path):
    return own(check_pdf(path))


def _tracker(pdf):
    """The action tracker's table that runs over the most pages (7 columns)."""
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    trackers = [g[0] for g in logical_tables(pdf) if table_grid(g).columns == 7]
    return max(trackers, key=lambda t: len({pages[p] for p in subtree_pages(t)}))


def _tracker_page(paper) -> int:
    """The page (from 1) where that table starts: where check reports its faults."""
    with pikepdf.open(paper) as pdf:
        pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
        return min(pages[p] for p in subtree_pages(_tracker(pdf))) + 1


def test_check_finds_wrong_table_headers(paper, tmp_path):
    bad = _broken(paper, tmp_path, "headers.pdf")

    def change(pdf):
        grid = table_grid([_tracker(pdf)])
        status = next(c for c in grid.cells if c.header_row and c.column == 5)
        progress = next(c for c in grid.cells if c.header_row and c.column == 6)
        cell = next(c for c in grid.cells if not c.is_header and c.column == 5)
        cell.element.A.Headers = pikepdf.Array([progress.element.ID])
        assert status.element.ID != progress.element.ID

    _edit(bad, change)
    assert [f for f in _findings(bad) if "table-headers" in f] == [
        f"error   table-headers          page {_tracker_page(paper)}: a table cell's /Headers "
        "do not match its row and column headers"]
    result = run_cli("check", bad)
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_check_finds_a_table_split_into_two(paper, tmp_path):
    bad = _broken(paper, tmp_path, "split.pdf")

    def change(pdf):
        table = _tracker(pdf)
        pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
        kids = list(table.K)
        first_page = min(pages[p] for p in subtree_pages(kids[0]))
        later = [k for k in kids if k.get("/S") == pikepdf.Name.TBody
                 and min(pages[p] for p in subtree_pages(k)) > first_page]
        head = next(k for k in kids if k.get("/S") == pikepdf.Name.THead)
        row = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem,
                                                   S=pikepdf.Name.TR, K=pikepdf.Array()))
        for th in head.K[0].K:
            row.K.append(pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name.TH, P=row, A=th.A)))
        new_head = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.THead, K=pikepdf.Array([row])))
        row.P = new_head
        second = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.Table, P=table.P,
            K=pikepdf.Array([new_head, *later])))
        new_head.P = second
        for kid in later:
            kid.P = second
        table.K = pikepdf.Array([k for k in kids if all(k.objgen != b.objgen for b in later)])
        parent_kids = list(table.P.K)
        at = next(i for i, k in enumerate(parent_kids) if k.objgen == table.objgen)
        table.P.K = pikepdf.Array([*parent_kids[:at + 1], second, *parent_kids[at + 1:]])

    _edit(bad, change)
    page = _tracker_page(paper)
    assert f"error   table-split            page {page}: a table on page {page} continues " \
           "as 1 more /Table element(s)" in _findings(bad)


def test_check_finds_a_short_table_row(paper, tmp_path):
    bad = _broken(paper, tmp_path, "rows.pdf")

    def change(pdf):
        table = _tracker(pdf)
        def last_row(body):
            return body.K[-1] if isinstance(body.K, pikepdf.Array) else body.K

        # A row of an action (the empty row that keeps a theme's first action with its
        # heading has a single cell spanning the table).
        body = next(k for k in table.K if k.get("/S") == pikepdf.Name.TBody
                    and isinstance(last_row(k).K, pikepdf.Array) and len(last_row(k).K) > 1)
        row = last_row(body)
        row.K = pikepdf.Array(list(row.K)[:-1])

    _edit(bad, change)
    assert f"error   table-rows             page {_tracker_page(paper)}: a table row has 6 " \
           "cells where its table has 7 columns" in _findings(bad)


def test_check_finds_unreachable_tagged_content(paper, tmp_path):
    bad = _broken(paper, tmp_path, "orphan.pdf")

    def change(pdf):
        tree = pdf.Root.StructTreeRoot
        page = pdf.pages[2]
        orphan = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.NonStruct, Pg=page.obj,
            K=pikepdf.Array([0])))
        nums = tree.ParentTree.Nums
        key = int(page.obj.StructParents)
        entry = next(nums[i + 1] for i in range(0, len(nums), 2) if int(nums[i]) == key)
        entry[0] = orphan

    _edit(bad, change)
    assert "error   unreachable            page 3: tagged content is not reachable from " \
           "the structure tree (make it an artifact or tag it)" in _findings(bad)


def test_check_finds_a_missing_id_tree_and_next_key(pdfa, tmp_path):
    bad = _broken(pdfa, tmp_path, "ids.pdf")
    count = {}

    def change(pdf):
        tree = pdf.Root.StructTreeRoot
        count["ids"] = sum(1 for e, _ in walk_elements(tree) if "/ID" in e)
        del tree.IDTree
        del tree.ParentTreeNextKey

    _edit(bad, change)
    found = _findings(bad)
    assert f"error   id-tree               : {count['ids']} structure element IDs are not " \
           "in an IDTree" in found
    assert "error   id-tree               : ParentTreeNextKey is missing or too small" in found


def test_check_finds_a_link_described_by_its_anchor(paper, tmp_path):
    bad = _broken(paper, tmp_path, "link.pdf")

    with pikepdf.open(paper) as pdf:
        at = _link_page(pdf)

    def change(pdf):
        for annot in pdf.pages[at].obj.Annots:
            if annot.get("/Subtype") == pikepdf.Name.Link:
                annot.Contents = pikepdf.String("appendix-2")
                return

    _edit(bad, change)
    assert f"error   link-contents          page {at + 1}: a link's description (/Contents) " \
           "is its anchor id 'appendix-2', not what it does" in _findings(bad)


def test_check_finds_a_pack_without_page_labels_or_item_headings(public, tmp_path):
    bad = _broken(public, tmp_path, "labels.pdf")

    def change(pdf):
        del pdf.Root.PageLabels
        for element, _ in walk_elements(pdf.Root.StructTreeRoot):
            if element.get("/S") == pikepdf.Name.H2 and isinstance(
                    element.get("/P"), pikepdf.Dictionary) and element.P.get("/S") == \
                    pikepdf.Name.Sect and any(k.get("/S") == pikepdf.Name.Figure
                                              for k in element.P.K
                                              if isinstance(k, pikepdf.Dictionary)):
                element.P.K = pikepdf.Array([k for k in element.P.K
                                             if k.objgen != element.objgen])
                break

    _edit(bad, change)
    found = _findings(bad)
    assert "error   page-labels           : the pack has no page labels: viewers' page " \
           "numbers differ from the printed ones" in found
    assert any(f.startswith("error   item-heading") and f.endswith(
        "a pack item's section holds a figure but no heading") for f in found)


def test_check_finds_a_header_cell_without_scope(paper, tmp_path):
    bad = _broken(paper, tmp_path, "scope.pdf")

    def change(pdf):
        grid = table_grid([_tracker(pdf)])
        header = next(c for c in grid.cells if c.header_row)
        del header.element.A.Scope

    _edit(bad, change)
    assert f"warning th-scope               page {_tracker_page(paper)}: a table header cell " \
           "has no /Scope" in _findings(bad)


def test_dividers_and_numbered_front_matter(tmp_path):
    """With dividers, another author's item is headed by its divider's title; with
    numbered front matter, the labels run 1, 2, ... from the cover."""
    for name in ("minutes-2018-09-12.pdf", "finance-report-m6.pdf"):
        shutil.copy(ROOT / "data" / "pack" / name, tmp_path / name)
    agenda = tmp_path / "agenda.yaml"
    agenda.write_text(
        "organisation: NHS Test\nmeeting: Board\ndate: 2018-11-14\n"
        "front_matter: numbered\ndividers: true\nitems:\n"
        "  - number: '1'\n    title: Minutes\n    purpose: approve\n"
        "    paper: minutes-2018-09-12.pdf\n"
        "  - number: '2'\n    title: Finance\n    purpose: note\n"
        "    paper: finance-report-m6.pdf\n", encoding="utf-8")
    result = run_cli("pack", agenda, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    pack = next((tmp_path / "out").glob("*.pdf"))
    with pikepdf.open(pack) as pdf:
        nums = list(pdf.Root.PageLabels.Nums)
        assert len(nums) == 2 and nums[1].S == pikepdf.Name.D and nums[1].St == 1
        sections = [e for e, _ in walk_elements(pdf.Root.StructTreeRoot)
                    if e.get("/S") == pikepdf.Name.Sect and any(
                        k.get("/S") == pikepdf.Name.Figure for k in e.K
                        if isinstance(k, pikepdf.Dictionary))]
        assert len(sections) == 2
        assert all(any(k.get("/S") == pikepdf.Name.H2 for k in e.K
                       if isinstance(k, pikepdf.Dictionary)) for e in sections)
    check = run_cli("check", pack)
    assert check.exit_code == 0, check.output


def test_check_survives_a_hostile_row_span(paper, tmp_path):
    bad = _broken(paper, tmp_path, "span.pdf")

    def change(pdf):
        grid = table_grid([_tracker(pdf)])
        cell = next(c for c in grid.cells if not c.is_header)
        cell.element.A.RowSpan = 10**12

    _edit(bad, change)
    found = [f for f in _findings(bad) if "table-rows" in f]
    assert found  # the span is read as at most MAX_SPAN rows, quickly
    result = run_cli("check", bad)
    assert result.exit_code == 1 and "Traceback" not in result.output
