"""Packs: tagged papers swapped into a WeasyPrint frame keep their tags; external pages
are drawn in as tagged figures. Real PDFs from WeasyPrint (pdf/ua-1), no mocks."""

from __future__ import annotations

import subprocess
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import weasyprint
from pikepdf import Array, Dictionary, Name, String

from reportgen.pdf.check import check_pdf
from reportgen.pdf.finish import add_header_scopes, finish_structure
from reportgen.pdf.graft import graft_outline, replace_with_tagged_pages
from reportgen.pdf.place import page_texts, place_external_page
from reportgen.pdf.structure import walk_elements

HEADINGS_AND_TABLES = {"/H1", "/H2", "/Table", "/TH"}


# ------------------------------------------------------------------ building PDFs


def paper(path: Path, title: str, lang: str, landscape_end: bool = True) -> Path:
    """A reportgen-like paper: headings, a list, a table with th, an internal link to an
    anchor on its last page (landscape, or portrait) and an external link."""
    size = "A4 landscape" if landscape_end else "A4"
    html = f"""<html lang="{lang}"><head><title>{title}</title><style>
      @page {{ size: A4; margin: 2cm }} @page end {{ size: {size} }}
      .end {{ page: end; break-before: page }}</style></head><body>
      <h1>{title}</h1><h2 id="summary">{title} summary</h2>
      <p>{title} opening. <a href="#results">See the results</a> or
         <a href="https://example.org/{lang}">the web page</a>.</p>
      <ul><li>{title} point one</li><li>{title} point two</li></ul>
      <table><thead><tr><th scope="col">Measure</th><th scope="col">Value</th></tr></thead>
        <tbody><tr><td>{title} beds</td><td>12</td></tr></tbody></table>
      <section class="end"><h2 id="results">{title} results</h2><p>{title} closing.</p>
      </section></body></html>"""
    weasyprint.HTML(string=html).write_pdf(path, pdf_variant="pdf/ua-1")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        add_header_scopes(pdf)  # as reportgen's own finishing pass does
        pdf.save(path)
    return path


def frame(path: Path, items: list[tuple[str, list[bool]]], title: str = "Board pack",
          note: str = "") -> Path:
    """Cover and agenda, then one frame page per pack page (True: landscape), each with
    the running header and footer in its margin boxes; empty, or with a tagged ``note``
    on each item's first page."""
    agenda = "".join(f'<li><a href="#item-{n}">{label}</a></li>'
                     for n, (label, _) in enumerate(items, start=1))
    pages = ""
    for n, (label, shapes) in enumerate(items, start=1):
        for k, wide in enumerate(shapes):
            anchor = f' id="item-{n}" class="first"' if k == 0 else ""
            shape = "wide" if wide else "tall"
            body = f"<p>{note}</p>" if note and k == 0 else ""
            pages += (f'<div{anchor} data-item="Item {n}" style="page: {shape};'
                      f' bookmark-label: \'{label}\'">{body}</div>')
    html = f"""<html lang="en-GB"><head><title>{title}</title><style>
      @page {{ size: A4; margin: 2cm;
        @top-center {{ content: "Board meeting – " string(item) }}
        @bottom-right {{ content: "Pack page " counter(page) " of " counter(pages) }} }}
      @page wide {{ size: A4 landscape }} @page tall {{ size: A4 }}
      div {{ break-before: page; string-set: item attr(data-item) }}
      div.first {{ bookmark-level: 2 }}</style></head><body>
      <h1>{title}</h1><h2>Agenda</h2><ol>{agenda}</ol>{pages}</body></html>"""
    weasyprint.HTML(string=html).write_pdf(path, pdf_variant="pdf/ua-1")
    return path


def simple(path: Path, size: str, body: str, forms: bool = False) -> Path:
    """An untagged document, as external appendices usually are."""
    weasyprint.HTML(string=f"<html lang='en'><head><title>x</title><style>@page {{ size: {size};"
                    f" margin: 1in }}</style></head><body>{body}</body></html>").write_pdf(
        path, pdf_forms=forms)
    return path


# ----------------------------------------------------------------- reading PDFs


def qpdf_check(path: Path) -> None:
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def serious(path: Path) -> list:
    return [f for f in check_pdf(path) if f.severity in {"error", "warning"}]


def role(element) -> str:
    return str(element.get("/S"))


def page_index(pdf: pikepdf.Pdf) -> dict:
    return {page.objgen: i for i, page in enumerate(pdf.pages)}


def resolve(pdf: pikepdf.Pdf, dest) -> int | None:
    """Target page number of a destination (explicit, string or name)."""
    if isinstance(dest, pikepdf.String):
        dest = pikepdf.NameTree(pdf.Root.Names.Dests)[str(dest)]
    elif isinstance(dest, pikepdf.Name):
        dest = pdf.Root.Dests[dest]
    if isinstance(dest, pikepdf.Dictionary):
        dest = dest.D
    return page_index(pdf).get(dest[0].objgen)


def links(pdf: pikepdf.Pdf, number: int) -> list[tuple[str, object]]:
    """("uri", address) or ("page", target page) for each link on a page."""
    found = []
    for annot in pdf.pages[number].get("/Annots", ()):
        action = annot.get("/A")
        if action is not None and action.S == Name.URI:
            found.append(("uri", str(action.URI)))
        else:
            dest = annot.Dest if "/Dest" in annot else action.D
            found.append(("page", resolve(pdf, dest)))
    return found


def parent_tree(pdf: pikepdf.Pdf) -> dict[int, object]:
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def content_items(element, inherited=None):
    """(page objgen, MCID) of the marked content an element holds directly."""
    page = element.get("/Pg")
    own = page.objgen if isinstance(page, pikepdf.Dictionary) else inherited
    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
    for kid in kids:
        if isinstance(kid, int):
            yield own, kid
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == Name.MCR:
            yield (kid.Pg.objgen if "/Pg" in kid else own), int(kid.MCID)


def page_mcids(page: pikepdf.Page) -> set[int]:
    found = set()
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) \
                and "/MCID" in operands[1]:
            found.add(int(operands[1].MCID))
    return found


def tagged_text(path: Path) -> list[tuple[str, str, int]]:
    """(role, text, page) of each H1/H2/Table/TH in structure (reading) order, the text
    taken from the page's characters with the element's MCIDs."""
    text: dict[tuple[int, int], str] = defaultdict(str)
    with pdfplumber.open(path) as doc:
        for number, page in enumerate(doc.pages):
            for char in page.chars:
                if char["mcid"] is not None:
                    text[number, char["mcid"]] += char["text"]
    found = []
    with pikepdf.open(path) as pdf:
        pages = page_index(pdf)
        for element, _ in walk_elements(pdf.Root.StructTreeRoot):
            if role(element) not in HEADINGS_AND_TABLES:
                continue
            items = []
            for sub, _ in walk_elements(element):
                items += [(pages.get(p), m) for p, m in content_items(sub)]
            words = "".join(text[item] for item in items).strip()
            found.append((role(element), words, min(p for p, _ in items)))
    return found


# ------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pack")
    alpha = paper(folder / "alpha.pdf", "Paper Alpha", "en-GB")
    bravo = paper(folder / "bravo.pdf", "Paper Bravo", "cy", landscape_end=False)
    frame(folder / "frame.pdf", [("Item 1: Paper Alpha", [False, True]),
                                 ("Item 2: Paper Bravo", [False, False])])
    with pikepdf.open(folder / "frame.pdf") as target, pikepdf.open(alpha) as a, \
            pikepdf.open(bravo) as b:
        assert len(target.pages) == 5 and len(a.pages) == 2 and len(b.pages) == 2
        replace_with_tagged_pages(target, 1, a)
        replace_with_tagged_pages(target, 3, b)
        with target.open_outline() as outline:
            items = {item.title: item for item in outline.root[0].children}
            graft_outline(target, a, 1, items["Item 1: Paper Alpha"])
            graft_outline(target, b, 3, items["Item 2: Paper Bravo"])
        # as reportgen.pack.assemble does: the frame's own running header an artifact
        finish_structure(target)
        target.save(folder / "pack.pdf")
    return folder / "pack.pdf"


# ---------------------------------------------------------------- merged papers


def test_pack_is_a_sound_pdf(pack):
    qpdf_check(pack)
    with pikepdf.open(pack) as pdf:
        assert len(pdf.pages) == 5
        pages = page_index(pdf)
        strays = [obj.objgen for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                  and obj.get("/Type") == Name.Page and obj.objgen not in pages]
        assert strays == []  # the source's page copies were folded into the frame pages
        assert not any("/RgMerged" in page.obj for page in pdf.pages)


def test_pack_passes_the_accessibility_checks(pack):
    assert serious(pack) == []


def assert_structure_matches_content(pdf: pikepdf.Pdf, paper_pages: set[int]) -> None:
    """Each MCID in a page's content has its ParentTree element, which holds it; on the
    papers' pages that element is in the tree; no element holds an MCID no page has;
    /P is each element's real parent. ``pdf`` is a saved file, opened."""
    tree = pdf.Root.StructTreeRoot
    reachable = {e.objgen for e, _ in walk_elements(tree)}
    entries = parent_tree(pdf)
    on_page: dict[tuple, set[int]] = {}
    for number, page in enumerate(pdf.pages):
        mcids = page_mcids(page)
        on_page[page.objgen] = mcids
        entry = entries[int(page.obj.StructParents)]
        for mcid in mcids:
            element = entry[mcid]
            assert (page.objgen, mcid) in set(content_items(element)), (number, mcid)
            if number in paper_pages:
                assert element.objgen in reachable, (number, mcid)
    for element, ancestors in walk_elements(tree):
        for page, mcid in content_items(element):
            assert mcid in on_page[page]
        parent = ancestors[-1] if ancestors else tree
        assert element.P.objgen == parent.objgen  # /P is the real parent
    roots = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
             and obj.get("/Type") == Name.StructTreeRoot]
    assert len(roots) == 1  # no copied source root is still referenced


def test_every_marked_content_item_is_in_the_structure_tree(pack):
    with pikepdf.open(pack) as pdf:
        assert_structure_matches_content(pdf, {1, 2, 3, 4})


def test_struct_parents_are_unique_and_resolve(pack):
    with pikepdf.open(pack) as pdf:
        entries = parent_tree(pdf)
        keys = []
        for page in pdf.pages:
            keys.append(int(page.obj.StructParents))
            for annot in page.get("/Annots", ()):
                key = int(annot.StructParent)
                keys.append(key)
                objr = [kid for kid in entries[key].K
                        if isinstance(kid, pikepdf.Dictionary) and "/Obj" in kid]
                assert objr and objr[0].Obj.objgen == annot.objgen
        assert len(keys) == len(set(keys)) == 5 + 6  # 5 pages, 2 agenda + 4 paper links
        assert set(keys) <= set(entries)
        assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) > max(entries)


def test_papers_text_comes_out_in_order(pack):
    with pdfplumber.open(pack) as doc:
        text = "\n".join(page.extract_text() for page in doc.pages)
    order = ["Agenda", "Paper Alpha summary", "Paper Alpha point two", "Paper Alpha beds",
             "Paper Alpha results", "Paper Alpha closing", "Paper Bravo summary",
             "Paper Bravo beds", "Paper Bravo results"]
    positions = [text.index(words) for words in order]
    assert positions == sorted(positions)


def test_frame_header_and_footer_are_drawn_over_the_papers_as_artifacts(pack):
    with pdfplumber.open(pack) as doc:
        for number, item in [(1, "Item 1"), (2, "Item 1"), (3, "Item 2"), (4, "Item 2")]:
            page = doc.pages[number]
            text = page.extract_text()
            assert f"Board meeting – {item}" in text
            assert f"Pack page {number + 1} of 5" in text
            stamp = [c for c in page.chars if c["top"] < 50 or c["bottom"] > page.height - 50]
            assert stamp and all(c["tag"] == "Artifact" and c["mcid"] is None for c in stamp)
    with pikepdf.open(pack) as pdf:
        for number in range(1, 5):
            page = pdf.pages[number]
            stack, drawn = [], []
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op in {"BMC", "BDC"}:
                    stack.append(str(operands[0]))
                elif op == "EMC":
                    stack.pop()
                elif op == "Do":
                    drawn.append((str(operands[0]), list(stack)))
            assert drawn == [("/RgFrame", ["/Artifact"])]
            overlay = page.Resources.XObject.RgFrame
            assert b"/MCID" not in overlay.read_bytes()


def test_structure_holds_both_papers_in_reading_order(pack):
    found = tagged_text(pack)
    expected = [("/H1", "Board pack", 0), ("/H2", "Agenda", 0)]
    for name, first in [("Paper Alpha", 1), ("Paper Bravo", 3)]:
        expected += [("/H1", name, first), ("/H2", f"{name} summary", first),
                     ("/Table", f"MeasureValue{name} beds12", first),
                     ("/TH", "Measure", first), ("/TH", "Value", first),
                     ("/H2", f"{name} results", first + 1)]
    assert found == expected


def test_grafted_papers_keep_language_title_and_header_ids(pack):
    with pikepdf.open(pack) as pdf:
        tree = pdf.Root.StructTreeRoot
        document = tree.K if isinstance(tree.K, pikepdf.Dictionary) else tree.K[0]
        parts = [kid for kid in document.K if kid.get("/S") == Name.Part]
        assert [str(p.T) for p in parts] == ["Paper Alpha", "Paper Bravo"]
        assert "/Lang" not in parts[0] and str(parts[1].Lang) == "cy"
        assert not any(role(e) == "/Div" and len(e.get("/K", [])) == 0
                       for e, _ in walk_elements(tree))  # the frame pages' empty divs went
        ids = pikepdf.NameTree(tree.IDTree)
        headers = [e for e, _ in walk_elements(tree) if role(e) == "/TH"]
        assert len({str(th.ID) for th in headers}) == len(headers) == 4
        for element, ancestors in walk_elements(tree):
            if role(element) == "/TD":
                table = next(a for a in reversed(ancestors) if role(a) == "/Table")
                in_table = {e.objgen for e, _ in walk_elements(table)}
                for header in element.A.Headers:
                    th = ids[str(header)]
                    assert role(th) == "/TH" and th.objgen in in_table


def test_links_still_lead_to_the_right_pages(pack):
    with pikepdf.open(pack) as pdf:
        assert links(pdf, 0) == [("page", 1), ("page", 3)]  # agenda → replaced pages
        assert links(pdf, 1) == [("page", 2), ("uri", "https://example.org/en-GB")]
        assert links(pdf, 3) == [("page", 4), ("uri", "https://example.org/cy")]
        assert [str(annot.Dest) for annot in (pdf.pages[1].Annots[0],
                                              pdf.pages[3].Annots[0])] == ["results",
                                                                           "p4-results"]


def test_landscape_pages_stay_landscape(pack):
    with pdfplumber.open(pack) as doc:
        shapes = [page.width > page.height for page in doc.pages]
    assert shapes == [False, False, True, False, False]


def test_outline_is_grafted_with_titles_levels_and_pages(pack):
    with pikepdf.open(pack) as pdf:
        pages = page_index(pdf)
        found = []

        def walk(items, level):
            for item in items:
                found.append((level, item.title, pages[item.destination[0].objgen]))
                walk(item.children, level + 1)

        walk(pdf.open_outline().root, 0)
    assert found == [
        (0, "Board pack", 0), (1, "Agenda", 0),
        (1, "Item 1: Paper Alpha", 1), (2, "Paper Alpha", 1),
        (3, "Paper Alpha summary", 1), (3, "Paper Alpha results", 2),
        (1, "Item 2: Paper Bravo", 3), (2, "Paper Bravo", 3),
        (3, "Paper Bravo summary", 3), (3, "Paper Bravo results", 4),
    ]


# ------------------------------------------------- other shapes of input, same rules


def test_qpdf_maps_page_references_to_the_pages_copied_first(tmp_path):
    """What replace_with_tagged_pages relies on: copy the pages, then the structure,
    and every /Pg (and each OBJR's annotation) is the copy of its page."""
    source = paper(tmp_path / "paper.pdf", "Paper Delta", "en-GB")
    with pikepdf.open(source) as src, pikepdf.new() as target:
        copies = {target.copy_foreign(page.obj).objgen for page in src.pages}
        tree = target.copy_foreign(src.Root.StructTreeRoot)
        pages = {e.Pg.objgen for e, _ in walk_elements(tree) if "/Pg" in e}
        assert pages == copies
        annots = {a.objgen for objgen in copies
                  for a in target.get_object(objgen).get("/Annots", ())}
        objrs = {kid.Obj.objgen for e, _ in walk_elements(tree) for kid in e.K
                 if isinstance(kid, pikepdf.Dictionary) and "/Obj" in kid}
        assert objrs == annots and len(annots) == 2


def test_odd_inputs_kids_trees_maps_legacy_dests_and_actions(tmp_path):
    """ParentTrees as /Kids trees, clashing RoleMap/ClassMap names and IDs, legacy
    /Dests names, outline GoTo actions, a frame page of another size, frame pages with
    tagged text of their own or with no structure at all, and the same source merged
    twice."""
    source = paper(tmp_path / "paper.pdf", "Paper Charlie", "en-GB")
    frame(tmp_path / "frame.pdf", [("Item 1", [False, False]), ("Item 2", [False, True])],
          note="FRAME NOTE")
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:
        tree = pdf.Root.StructTreeRoot
        nums = tree.ParentTree.Nums
        tree.ParentTree = Dictionary(Kids=Array([
            pdf.make_indirect(Dictionary(Nums=Array(list(nums)[:2]),
                                         Limits=Array([nums[0], nums[0]]))),
            pdf.make_indirect(Dictionary(Nums=Array(list(nums)[2:]),
                                         Limits=Array([nums[2], nums[-2]])))]))
        tree.RoleMap = Dictionary(Callout=Name.Div)
        tree.ClassMap = Dictionary(Box=Dictionary(O=Name.Layout, Padding=2))
        paragraph = next(e for e, _ in walk_elements(tree) if role(e) == "/P")
        paragraph.S = Name("/Callout")
        paragraph.C = Name("/Box")
        ths = [e for e, _ in walk_elements(tree) if role(e) == "/TH"]
        tree.IDTree = Dictionary(Names=Array([x for th in sorted(ths, key=lambda t: str(t.ID))
                                               for x in (th.ID, th)]))
        named = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
        pdf.Root.Dests = Dictionary({f"/{key}": value for key, value in named.items()})
        link = pdf.pages[0].Annots[0]
        link.Dest = Name("/results")
        with pdf.open_outline() as outline:
            top = outline.root[0]
            top.children[0].destination = String("summary")  # a named destination
            top.children[1].destination = None
            top.children[1].action = Dictionary(S=Name.GoTo, D=Name("/results"))  # legacy
        pdf.save(source)
    with pikepdf.open(tmp_path / "frame.pdf") as target, pikepdf.open(source) as src:
        tree = target.Root.StructTreeRoot
        nums = tree.ParentTree.Nums
        tree.ParentTree = Dictionary(Kids=Array([target.make_indirect(
            Dictionary(Nums=Array(list(nums)), Limits=Array([nums[0], nums[-2]])))]))
        tree.RoleMap = Dictionary(Callout=Name.P)
        tree.ClassMap = Dictionary(Box=Dictionary(O=Name.Layout, Padding=1))
        document = tree.K[0]
        first_item = {target.pages[1].objgen, target.pages[2].objgen}
        document.K = Array([kid for kid in document.K  # item 1's frame pages: untagged
                            if "/Pg" not in kid or kid.Pg.objgen not in first_item])
        replace_with_tagged_pages(target, 1, src)  # frame page 2 is portrait, source's not
        replace_with_tagged_pages(target, 3, src)  # the same Pdf again
        with target.open_outline() as outline:
            item = next(i for i in outline.root[0].children if i.title == "Item 2")
            graft_outline(target, src, 3, item)
        finish_structure(target)  # as reportgen.pack.assemble does
        target.save(tmp_path / "pack.pdf")
    qpdf_check(tmp_path / "pack.pdf")
    assert serious(tmp_path / "pack.pdf") == []
    with pikepdf.open(tmp_path / "pack.pdf") as pdf:
        assert_structure_matches_content(pdf, {1, 2, 3, 4})
        tree = pdf.Root.StructTreeRoot
        assert "/Nums" in tree.ParentTree and "/Kids" not in tree.ParentTree
        assert tree.RoleMap.Callout == Name.P and tree.RoleMap.Callout_2 == Name.Div
        assert int(tree.ClassMap.Box.Padding) == 1 and int(tree.ClassMap.Box_2.Padding) == 2
        roles = [(e.S, e.get("/C")) for e, _ in walk_elements(tree) if "/C" in e]
        assert roles == [(Name("/Callout_2"), Name("/Box_2"))] * 2
        ids = [str(k) for k in list(tree.IDTree.Names)[::2]]
        assert len(ids) == len(set(ids)) == 4
        assert links(pdf, 1)[0] == ("page", 2) and links(pdf, 3)[0] == ("page", 4)
        document = tree.K[0]
        assert [role(kid) for kid in document.K] == ["/H1", "/H2", "/L", "/Part", "/Part"]
        parts = [e for e, _ in walk_elements(tree) if role(e) == "/Part"]
        assert len(parts) == 2 and parts[0].objgen != parts[1].objgen
        pages = page_index(pdf)
        item = next(i for i in pdf.open_outline().root[0].children if i.title == "Item 2")
        grafted = item.children[0]
        assert [(c.title, pages[c.destination[0].objgen]) for c in grafted.children] == [
            ("Paper Charlie summary", 3), ("Paper Charlie results", 4)]
    with pdfplumber.open(tmp_path / "pack.pdf") as doc:
        wide = doc.pages[2]  # landscape paper page over a portrait frame page
        assert wide.width > wide.height
        stamp = [c for c in wide.chars if c["tag"] == "Artifact"]
        assert "Board meeting – Item 1" in "".join(c["text"] for c in stamp)
        assert all(c["x0"] >= 0 and c["x1"] <= wide.width and c["top"] >= 0
                   and c["bottom"] <= wide.height for c in stamp)
        found = doc.pages[3].search("FRAME NOTE")  # the frame's own text: now an artifact
        assert found
        area = doc.pages[3].within_bbox((found[0]["x0"] - 1, found[0]["top"] - 1,
                                         found[0]["x1"] + 1, found[0]["bottom"] + 1))
        assert {c["tag"] for c in area.chars if c["text"].strip()} == {"Artifact"}


# ------------------------------------------------------------------ external pages


RECT = pikepdf.Rectangle(40, 60, 555, 780)


@pytest.fixture(scope="module")
def placed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("placed")
    simple(folder / "letter.pdf", "letter",
           "<p>LETTER BODY <a href='https://example.org/apply'>apply online</a></p>"
           "<label>Name <input name='who' value='FILLED VALUE'></label>", forms=True)
    simple(folder / "wide.pdf", "A4 landscape", "<p>WIDE BODY</p>")
    simple(folder / "turned.pdf", "A4", "<p>TURNED BODY</p>")
    with pikepdf.open(folder / "turned.pdf", allow_overwriting_input=True) as pdf:
        pdf.pages[0].Rotate = 90
        pdf.save(folder / "turned.pdf")
    simple(folder / "two.pdf", "A5", "<p>FIRST BODY <a href='#two'>to page two</a></p>"
           "<h2 id='two' style='break-before: page'>SECOND BODY</h2>")
    frame(folder / "frame.pdf", [("Appendices", [False] * 5)], title="Appendices")
    with pikepdf.open(folder / "frame.pdf") as target:
        for number, (name, index, page_map) in enumerate([
                ("letter", 0, None), ("wide", 0, None), ("turned", 0, None),
                ("two", 0, {0: 4, 1: 5}), ("two", 1, {0: 4, 1: 5})], start=1):
            with pikepdf.open(folder / f"{name}.pdf") as source:
                place_external_page(target, number, source, index, RECT,
                                    f"Appendix {name}, page {index + 1}", f"RgExt{number}",
                                    page_map)
        finish_structure(target)  # as reportgen.pack.assemble does
        target.save(folder / "placed.pdf")
    return folder / "placed.pdf"


def inside(box, rect=RECT, slack=0.5) -> bool:
    llx, lly, urx, ury = box
    return (llx >= rect.llx - slack and lly >= rect.lly - slack
            and urx <= rect.urx + slack and ury <= rect.ury + slack)


def placed_box(page, tags=("Figure",)) -> tuple[float, float, float, float]:
    """PDF-space bounding box of the placed page's characters on a pdfplumber page
    (marked as the /Figure, or as /Tx by the flattened field appearance)."""
    chars = [c for c in page.chars if c["tag"] in tags]
    assert chars
    return (min(c["x0"] for c in chars), page.height - max(c["bottom"] for c in chars),
            max(c["x1"] for c in chars), page.height - min(c["top"] for c in chars))


def test_placed_pages_are_sound_and_accessible(placed):
    qpdf_check(placed)
    assert serious(placed) == []


def test_placed_pages_are_scaled_into_the_rect_keeping_their_shape(placed):
    with pikepdf.open(placed) as pdf:
        figures = [e for e, _ in walk_elements(pdf.Root.StructTreeRoot) if role(e) == "/Figure"]
        boxes = [[float(v) for v in f.A.BBox] for f in figures]
        assert [str(f.Alt) for f in figures][:3] == [
            "Appendix letter, page 1", "Appendix wide, page 1", "Appendix turned, page 1"]
    shapes = [612 / 792, 842 / 595, 842 / 595, 420 / 595, 420 / 595]  # as each is seen
    for box, shape in zip(boxes, shapes, strict=True):
        assert inside(box)
        width, height = box[2] - box[0], box[3] - box[1]
        assert width / height == pytest.approx(shape, rel=0.01)
        assert width == pytest.approx(RECT.width, abs=0.5) or \
            height == pytest.approx(RECT.height, abs=0.5)  # as large as fits
    with pdfplumber.open(placed) as doc:
        for number in range(1, 6):
            page = doc.pages[number]
            box = placed_box(page, ("Figure", "Tx"))
            assert inside(box, pikepdf.Rectangle(*boxes[number - 1]))
            assert page.extract_text().count("BODY") == 1
        turned = [c for c in doc.pages[3].chars if c["tag"] == "Figure"]
        assert turned and not any(c["upright"] for c in turned)  # drawn as it is seen


def test_form_field_value_is_flattened_into_the_figure(placed):
    with pdfplumber.open(placed) as doc:
        page = doc.pages[1]
        assert "FILLED VALUE" in page.extract_text()
        value = [c for c in page.chars if c["tag"] == "Tx"]  # the field appearance
        assert "".join(c["text"] for c in value) == "FILLED VALUE"
        assert inside(placed_box(page, ("Tx",)))
    with pikepdf.open(placed) as pdf:
        assert all(a.Subtype == Name.Link for p in pdf.pages for a in p.get("/Annots", ()))
        assert "/AcroForm" not in pdf.Root


def test_links_are_recreated_inside_the_rect(placed):
    with pikepdf.open(placed) as pdf:
        assert links(pdf, 1) == [("uri", "https://example.org/apply")]
        assert links(pdf, 4) == [("page", 5)]
        assert links(pdf, 5) == [] and links(pdf, 2) == []
        entries = parent_tree(pdf)
        for number in (1, 4):
            page = pdf.pages[number]
            annot = page.Annots[0]
            assert inside([float(v) for v in annot.Rect])
            assert str(annot.Contents) and page.obj.Tabs == Name.S
            element = entries[int(annot.StructParent)]
            assert role(element) == "/Link" and element.K[0].Obj.objgen == annot.objgen
    with pdfplumber.open(placed) as doc:
        page = doc.pages[1]
        annot = page.annots[0]
        words = [c for c in page.chars if c["tag"] == "Figure"
                 and annot["x0"] - 1 <= c["x0"] and c["x1"] <= annot["x1"] + 1
                 and annot["top"] - 1 <= c["top"] and c["bottom"] <= annot["bottom"] + 1]
        assert "".join(c["text"] for c in words).strip() == "apply online"


def test_page_texts_read_each_page_and_never_fail():
    path = Path(__file__).parent.parent / "data" / "appendices" / "pcwc-annual-report-summary.pdf"
    texts = page_texts(path.read_bytes())
    with pikepdf.open(path) as pdf:
        assert len(texts) == len(pdf.pages)
    assert texts[0].startswith("Primary Care Workforce Centre Annual Report Summary")
    assert "\n" not in texts[0] and "  " not in texts[0]
    assert page_texts(b"%PDF-1.7 not really") == []
