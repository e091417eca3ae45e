"""What the secretary sends: a pack no bigger than its papers, other authors' turned
pages upright, their bookmarks on their headings, one link per agenda row.

Every test builds real PDFs (WeasyPrint, pikepdf), a real agenda and a real pack with
the CLI, and reads the pack back with pikepdf and pdfplumber.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import weasyprint
from conftest import ROOT, run_cli
from pdftext import page_texts
from workbooks import paper_workbook

from reportgen.pack.store import entry_files
from reportgen.pdf.share import embedded_font_files

PACK = "board-2026-01-14-public.pdf"
MM = 72 / 25.4


def write_agenda(folder: Path, items: list[dict]) -> Path:
    lines = ["organisation: NHS Test Trust", "meeting: Board", "date: 2026-01-14", "items:"]
    for item in items:
        lines.append(f'  - number: "{item["number"]}"')
        for key, value in item.items():
            if key != "number":
                lines.append(f"    {key}: {value}")
    path = folder / "agenda.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build(agenda: Path, out: Path, *extra: str) -> Path:
    result = run_cli("pack", agenda, "-o", out, *extra)
    assert result.exit_code == 0, result.output
    return out / PACK


def item_pages(texts: list[str], number: str) -> list[int]:
    return [i for i, text in enumerate(texts) if f"Item {number} · Board" in text]


# -- 1. size: identical fonts, images and forms stored once --------------------------------


def repeated_pdf(path: Path, sources: list[Path], pages: int) -> Path:
    """A long PDF made of the example PDFs' pages over and over, as the benchmark's are:
    every page brings the same fonts."""
    opened = [pikepdf.open(source) for source in sources]
    every = [page for pdf in opened for page in pdf.pages]
    out = pikepdf.new()
    for number in range(pages):
        out.pages.append(every[number % len(every)])
    out.save(path)
    for pdf in opened:
        pdf.close()
    return path


def font_hashes(pdf_path: Path) -> list[str]:
    with pikepdf.open(pdf_path) as pdf:
        return [hashlib.sha256(f.read_bytes()).hexdigest() for f in embedded_font_files(pdf)]


@pytest.fixture(scope="module")
def small_pack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small-pack")
    examples = sorted((ROOT / "data" / "pack").glob("*.pdf"))
    examples = [p for p in examples if "private" not in p.name]
    repeated_pdf(folder / "long-report.pdf", examples, 12)
    repeated_pdf(folder / "short-report.pdf", examples[::-1], 5)
    paper_workbook(folder / "paper.xlsx")
    agenda = write_agenda(folder, [
        {"number": "1", "title": "Apologies"},
        {"number": "2", "title": "Long report", "paper": "long-report.pdf"},
        {"number": "3", "title": "Test Framework Update 2018/2019", "paper": "paper.xlsx"},
        {"number": "4", "title": "Short report", "paper": "short-report.pdf"},
    ])
    out = folder / "out"
    return folder, agenda, out, build(agenda, out, "--jobs", "1")


def test_pack_is_no_bigger_than_its_papers_and_frame(small_pack):
    folder, _, out, pack = small_pack
    entries = entry_files(out / ".reportgen-cache")
    made = entries["frame"] + entries["paper"]
    assert len(entries["frame"]) == 1 and len(entries["paper"]) == 1, entries
    inputs = [folder / "long-report.pdf", folder / "short-report.pdf", *made]
    total = sum(p.stat().st_size for p in inputs)
    ratio = pack.stat().st_size / total
    assert ratio <= 1.3, f"pack {pack.stat().st_size} bytes, inputs {total} bytes: {ratio:.2f}×"


def test_every_font_file_is_embedded_once(small_pack):
    folder, _, out, pack = small_pack
    in_pack = font_hashes(pack)
    assert len(in_pack) == len(set(in_pack)), "a font file is embedded more than once"
    entries = entry_files(out / ".reportgen-cache")
    made = entries["frame"] + entries["paper"]
    inputs = set()
    for path in [folder / "long-report.pdf", folder / "short-report.pdf", *made]:
        inputs |= set(font_hashes(path))
    assert set(in_pack) <= inputs  # nothing new, and no copy of any
    # The 17 pages of the two reports drew in their fonts 17 times; once each now.
    with pikepdf.open(folder / "long-report.pdf") as pdf:
        assert len(embedded_font_files(pdf)) < 12


def test_sharing_changes_nothing_a_reader_sees(small_pack, tmp_path, monkeypatch):
    """The same pack assembled without sharing: the same text on every page, the same
    bookmarks, and a larger file with more font streams."""
    import reportgen.pack.assemble

    _, agenda, out, pack = small_pack
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    for stale in copy.glob(".reportgen-cache/pack-*"):
        stale.unlink()  # assemble again from the cached paper and frame
    monkeypatch.setattr(reportgen.pack.assemble, "share_identical_resources", lambda pdf: 0)
    unshared = build(agenda, copy)
    monkeypatch.undo()
    assert page_texts(unshared) == page_texts(pack)
    with pikepdf.open(unshared) as a, pikepdf.open(pack) as b:
        assert [(i.title, len(i.children)) for i in a.open_outline().root] == \
               [(i.title, len(i.children)) for i in b.open_outline().root]
    assert len(font_hashes(unshared)) > len(font_hashes(pack))
    assert pack.stat().st_size < unshared.stat().st_size
    check = run_cli("check", pack)
    assert check.exit_code == 0 and "0 errors" in check.output, check.output
    qpdf = subprocess.run(["qpdf", "--check", str(pack)], capture_output=True, text=True)
    assert qpdf.returncode == 0, qpdf.stdout + qpdf.stderr


def test_other_authors_pages_keep_their_text(small_pack):
    folder, _, _, pack = small_pack
    texts = page_texts(pack)
    pages = item_pages(texts, "2")
    with pdfplumber.open(folder / "long-report.pdf") as source:
        for offset, page in enumerate(source.pages):
            for word in (page.extract_text() or "").split():
                assert word in texts[pages[offset]], (offset, word)


# -- 2. pages turned with /Rotate come out upright -----------------------------------------

#: Content matrix that draws an upright page into a page turned by /Rotate (the viewer
#: turns it back), for a page shown ``width`` × ``height``.
def _turn(rotate: int, width: float, height: float) -> tuple[float, ...]:
    return {90: (0, 1, -1, 0, height, 0), 180: (-1, 0, 0, -1, width, height),
            270: (0, -1, 1, 0, 0, width)}[rotate]


def turned_pdf(path: Path, rotate: int, body: str) -> Path:
    """A PDF whose page is stored turned, with /Rotate so that it shows upright (as a
    scanner or a "landscape" export writes it); its bookmarks moved with its content."""
    landscape = rotate in (90, 270)
    html = (f"<style>@page {{ size: A4 {'landscape' if landscape else ''}; margin: 20mm }}"
            f"</style>{body}")
    pdf = pikepdf.open(io.BytesIO(weasyprint.HTML(string=html).write_pdf()))
    page = pdf.pages[0]
    width, height = float(page.mediabox[2]), float(page.mediabox[3])
    matrix = pikepdf.Matrix(*_turn(rotate, width, height))
    if landscape:
        page.mediabox = pikepdf.Array([0, 0, height, width])
        for box in ("/CropBox", "/TrimBox", "/BleedBox", "/ArtBox"):
            if box in page.obj:
                del page.obj[box]
    page.contents_add(b"q %g %g %g %g %g %g cm\n" % _turn(rotate, width, height), prepend=True)
    page.contents_add(b"\nQ\n")
    page.obj.Rotate = rotate
    with pdf.open_outline() as outline:
        for item in outline.root:
            dest = list(item.destination)
            x, y = matrix.transform((float(dest[2]), float(dest[3])))
            item.destination = pikepdf.Array([dest[0], pikepdf.Name.XYZ, x, y, 0])
    pdf.save(path)
    return path


@pytest.fixture(scope="module")
def turned_pack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("turned")
    items = []
    for number, rotate in enumerate((90, 180, 270), start=1):
        turned_pdf(folder / f"turned-{rotate}.pdf", rotate,
                   f"<h1 style='margin-top: 50mm'>Turned heading {rotate}</h1>"
                   f"<p>Upright text on a page stored turned by {rotate} degrees.</p>")
        items.append({"number": str(number), "title": f"Turned {rotate}",
                      "paper": f"turned-{rotate}.pdf"})
    agenda = write_agenda(folder, items)
    return folder, build(agenda, folder / "out")


@pytest.mark.parametrize("number,rotate", [("1", 90), ("2", 180), ("3", 270)])
def test_turned_pages_come_out_upright(turned_pack, number, rotate):
    _, pack = turned_pack
    texts = page_texts(pack)
    (index,) = item_pages(texts, number)
    assert f"Turned heading {rotate}" in texts[index]
    assert f"Upright text on a page stored turned by {rotate} degrees." in texts[index]
    with pdfplumber.open(pack) as doc:
        page = doc.pages[index]
        assert page.rotation == 0
        chars = [c for c in page.chars if c["text"].strip()]
        for char in chars:
            a, b, c, d, _, _ = char["matrix"]
            # Upright and the right way up (a page turned 180° is "upright" too).
            assert char["upright"] and a > 0 and d > 0 and abs(b) < 1e-6 and abs(c) < 1e-6
            assert 0 <= char["x0"] < char["x1"] <= page.width
            assert 0 <= char["top"] < char["bottom"] <= page.height
        # The item's heading for screen readers ("Item 1: Turned 90", drawn small under
        # the stamp) is the pack's, not the page's: set apart from the page's own text.
        title = f"Item{number}:Turned{rotate}"
        lines: dict[int, list] = {}
        for char in chars:
            lines.setdefault(round(char["top"]), []).append(char)
        agenda = [c for line in lines.values() if "".join(c["text"] for c in line) == title
                  for c in line]
        assert agenda, f"the heading {title!r} is on the page"
        chars = [c for c in chars if all(c is not a for a in agenda)]
        stamp = [c for c in chars if c["top"] < 20 * MM]
        footer = [c for c in chars if c["bottom"] > page.height - 20 * MM]
        body = [c for c in chars
                if c["top"] >= 20 * MM and c["bottom"] <= page.height - 20 * MM]
        assert "".join(c["text"] for c in stamp).startswith(f"Item{number}·Board")
        assert "Page" in "".join(c["text"] for c in footer)
        heading = [c for c in body if c["size"] > 14]
        text = [c for c in body if c["size"] <= 14]
        assert heading and text
        assert max(c["bottom"] for c in heading) < min(c["top"] for c in text)  # reads down
        assert min(c["x0"] for c in heading) < max(c["x0"] for c in heading)  # reads across
        # The page's shape was taken from how it shows, not how it is stored.
        assert (page.width > page.height) == (rotate in (90, 270))


def test_turned_pages_pass_the_checks(turned_pack):
    _, pack = turned_pack
    check = run_cli("check", pack)
    assert check.exit_code == 0 and "0 errors" in check.output, check.output


# -- 3. bookmarks of other authors' PDFs land on their headings ----------------------------


def bookmark_views(pack: Path) -> dict[str, tuple[int, list]]:
    """Title -> (page index, view) of every bookmark below the items."""
    found = {}
    with pikepdf.open(pack) as pdf:
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}

        def walk(items):
            for item in items:
                dest = item.destination
                if isinstance(dest, pikepdf.Array):
                    found[str(item.title)] = (index[dest[0].objgen],
                                              [v if isinstance(v, pikepdf.Name) else
                                               None if v is None else float(v)
                                               for v in list(dest)[1:]])
                walk(item.children)

        walk(pdf.open_outline().root)
    return found


def heading_top(pack: Path, index: int, text: str) -> tuple[float, float]:
    """(left, top) of a heading's first glyph on a pack page, in PDF coordinates."""
    with pdfplumber.open(pack) as doc:
        page = doc.pages[index]
        words = page.extract_words()
        first = text.split()[0]
        for position, word in enumerate(words):
            following = " ".join(w["text"] for w in words[position:position + len(text.split())])
            if word["text"] == first and following == text:
                return word["x0"], page.height - word["top"]
    raise AssertionError(f"{text!r} not on page {index + 1}")


@pytest.fixture(scope="module")
def outlined_pack(tmp_path_factory):
    """A PDF whose bookmarks lead to headings high, low and in the middle of its pages,
    by /XYZ (as WeasyPrint and Word write them), /FitH and /FitR."""
    folder = tmp_path_factory.mktemp("outlined")
    html = ("<style>@page { size: A4; margin: 15mm } h1, h2 { margin: 0 }</style>"
            "<h1>High heading</h1><p>First paragraph.</p>"
            "<h2 style='margin-top: 200mm'>Low heading</h2><p>Near the foot.</p>"
            "<h2 style='break-before: page; margin-top: 110mm'>Middle heading</h2>"
            "<p>Halfway down.</p>")
    pdf = pikepdf.open(io.BytesIO(weasyprint.HTML(string=html).write_pdf()))
    with pdf.open_outline() as outline:
        items = {str(i.title): i for i in outline.root}
        for i in outline.root:
            items.update({str(c.title): c for c in i.children})
        low = items["Low heading"]
        page, _, left, top, _ = list(low.destination)
        low.destination = pikepdf.Array([page, pikepdf.Name.FitH, top])
        middle = items["Middle heading"]
        page, _, left, top, _ = list(middle.destination)
        middle.destination = pikepdf.Array([page, pikepdf.Name.FitR, left, float(top) - 40,
                                            float(left) + 200, top])
    pdf.save(folder / "outlined.pdf")
    turned_pdf(folder / "turned.pdf", 90,
               "<h1 style='margin-top: 80mm'>Turned page heading</h1><p>Text.</p>")
    agenda = write_agenda(folder, [
        {"number": "1", "title": "Outlined report", "paper": "outlined.pdf"},
        {"number": "2", "title": "Turned report", "paper": "turned.pdf"},
    ])
    return build(agenda, folder / "out")


def test_xyz_bookmarks_land_on_their_heading(outlined_pack):
    views = bookmark_views(outlined_pack)
    for title in ("High heading", "Turned page heading"):
        index, view = views[title]
        assert view[0] == "/XYZ"
        left, top = heading_top(outlined_pack, index, title)
        assert abs(view[2] - top) < 4, (title, view, top)
        assert abs(view[1] - left) < 4, (title, view, left)


def test_fith_and_fitr_bookmarks_land_on_their_heading(outlined_pack):
    views = bookmark_views(outlined_pack)
    index, view = views["Low heading"]
    assert view[0] == "/FitH"
    _, top = heading_top(outlined_pack, index, "Low heading")
    assert abs(view[1] - top) < 4, (view, top)
    index, view = views["Middle heading"]
    assert view[0] == "/FitR"
    left, top = heading_top(outlined_pack, index, "Middle heading")
    _, bottom, right, upper = view[1:]
    assert abs(upper - top) < 4 and abs(view[1] - left) < 4, (view, left, top)
    assert bottom < upper and right > view[1]
    with pdfplumber.open(outlined_pack) as doc:  # the whole rectangle is on the page
        assert bottom > 0 and upper < doc.pages[index].height


# -- 4. one link annotation per agenda row -------------------------------------------------


def agenda_links(pack: Path) -> list[tuple[str, int]]:
    """(Contents, page it leads to) of every link on the agenda page."""
    with pikepdf.open(pack) as pdf:
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}
        names = pdf.Root.Names.Dests.Names
        named = {bytes(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        links = []
        for annot in pdf.pages[1].obj.get("/Annots", []):
            assert annot.Subtype == "/Link"
            dest = annot.Dest
            dest = named[bytes(dest)] if isinstance(dest, pikepdf.String) else dest
            links.append((str(annot.get("/Contents", "")), index[dest[0].objgen]))
        return links


def link_elements(pack: Path) -> list[pikepdf.Dictionary]:
    from reportgen.pdf.structure import walk_elements

    with pikepdf.open(pack) as pdf:
        agenda = pdf.pages[1].objgen
        found = []
        for element, _ in walk_elements(pdf.Root.StructTreeRoot):
            if element.get("/S") == "/Link" and element.get("/Pg") is not None \
                    and element.Pg.objgen == agenda:
                objrs = [k for k in element.K if isinstance(k, pikepdf.Dictionary)
                         and k.get("/Type") == "/OBJR"]
                content = [k for k in element.K if isinstance(k, int)]
                found.append((len(objrs), len(content)))
        return found


@pytest.fixture(scope="module")
def linked_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("linked")
    for name in ("minutes-2018-09-12.pdf", "finance-report-m6.pdf",
                 "performance-dashboard-2018-09.pdf", "contract-award-private.pdf"):
        shutil.copy(ROOT / "data" / "pack" / name, folder / name)
    agenda = write_agenda(folder, [
        {"number": "1", "title": "Apologies"},
        {"number": "2", "title": "Minutes", "paper": "minutes-2018-09-12.pdf"},
        {"number": "3", "title": "Finance", "paper": "finance-report-m6.pdf"},
        {"number": "4", "title": "Confidential", "part": "private",
         "paper": "contract-award-private.pdf"},
        {"number": "5", "title": "Dashboard", "paper": "performance-dashboard-2018-09.pdf"},
    ])
    return agenda


@pytest.mark.parametrize("pieces", [False, True], ids=["one-piece frame", "frame in pieces"])
def test_one_link_per_agenda_row_landing_on_its_item(linked_folder, tmp_path, monkeypatch,
                                                      pieces):
    import reportgen.pack.frame

    if pieces:
        monkeypatch.setattr(reportgen.pack.frame, "FRAME_PIECE_PAGES", 2)
    pack = build(linked_folder, tmp_path / "out", "--jobs", "2" if pieces else "1")
    texts = page_texts(pack)
    links = agenda_links(pack)
    # Each says what it does (issue 15), not its anchor id ("item-2").
    assert [contents.rsplit(", page ", 1)[0] for contents, _ in links] == [
        "Go to Item 2: Minutes", "Go to Item 3: Finance", "Go to Item 5: Dashboard"]
    for (_, target), number in zip(links, ("2", "3", "5"), strict=True):
        assert target == item_pages(texts, number)[0]
    # Each link is one /Link element holding its annotation and the page number it shows.
    assert link_elements(pack) == [(1, 1)] * 3
    check = run_cli("check", pack)
    assert check.exit_code == 0 and "0 errors" in check.output, check.output


def test_resources_that_loop_or_nest_deeply_are_shared_safely(tmp_path):
    """A form that names itself among its resources, and forms nested 400 deep in each
    other's resources (a file made to crash a walker): the pack is still built, checked,
    and reads the same."""
    weasyprint.HTML(string="<h1>Looping resources</h1><p>Body text.</p>").write_pdf(
        tmp_path / "base.pdf")
    pdf = pikepdf.open(tmp_path / "base.pdf")
    looped = pdf.make_stream(b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                             BBox=[0, 0, 10, 10])
    looped.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Self=looped))
    inner = looped
    for _ in range(400):
        inner = pdf.make_stream(b"/Inner Do", Type=pikepdf.Name.XObject,
                                Subtype=pikepdf.Name.Form, BBox=[0, 0, 10, 10],
                                Resources=pikepdf.Dictionary(
                                    XObject=pikepdf.Dictionary(Inner=inner)))
    page = pdf.pages[0]
    page.add_resource(inner, pikepdf.Name.XObject, pikepdf.Name("/Deep"))  # named, not drawn
    pdf.save(tmp_path / "looped.pdf")
    agenda = write_agenda(tmp_path, [
        {"number": "1", "title": "Looped", "paper": "looped.pdf"},
        {"number": "2", "title": "Looped again", "paper": "looped.pdf"},
    ])
    pack = build(agenda, tmp_path / "out")
    texts = page_texts(pack)
    for number in ("1", "2"):
        (index,) = item_pages(texts, number)
        assert "Looping resources" in texts[index] and "Body text." in texts[index]
    check = run_cli("check", pack)
    assert check.exit_code == 0 and "0 errors" in check.output, check.output
