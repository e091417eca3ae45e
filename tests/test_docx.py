"""The Word export (build --docx), read back with python-docx: the example paper's
headings, paragraph numbers, cells and statuses in order, header rows, pictures with
alt text, core properties; reproducible bytes; reference.docx, good and hostile."""

from __future__ import annotations

import html
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import ROOT, run_cli
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm
from docx_example import EXAMPLE, PREVIOUS, STEM, example_build
from PIL import Image
from workbooks import paper_workbook

from reportgen.analysis.figures import analyse
from reportgen.render.markup import render_markup
from reportgen.workbook.schema import STATUS_COLOURS, Status
from reportgen.workbook.validate import load_report

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def out() -> Path:
    return example_build()


@pytest.fixture(scope="module")
def document(out):
    return docx.Document(out / f"{STEM}.docx")


@pytest.fixture(scope="module")
def report():
    return load_report(EXAMPLE)


@pytest.fixture(scope="module")
def analysis(report):
    return analyse(report, load_report(PREVIOUS))


def plain(markup: str) -> str:
    """The text a reader sees of a rendered HTML fragment."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


def numbering(paragraph) -> tuple[int, int] | None:
    ppr = paragraph._p.pPr
    if ppr is None or ppr.numPr is None:
        return None
    return ppr.numPr.numId.val, ppr.numPr.ilvl.val


def test_headings_are_word_headings_in_the_papers_order(document, report, analysis):
    paper = report.paper
    expected = [("Title", paper.title), ("Heading 1", "Monitoring and Assurance Summary")]
    for section in report.sections:
        expected.append(("Heading 1", section.heading))
        sub = False
        for para in section.paragraphs:
            if para.sub_heading:
                sub = True
                expected.append(("Heading 2", para.sub_heading))
            if para.minor_heading:
                expected.append(("Heading 3" if sub else "Heading 2", para.minor_heading))
    expected.append(("Heading 1", paper.action_table_title))
    progress = analysis.progress
    expected.append(("Heading 2", f"Changes since the {progress.previous_meeting.day} "
                                  f"{progress.previous_meeting:%B %Y} report"))
    if progress.overdue:
        expected.append(("Heading 2", "Overdue at the meeting"))
    expected += [("Heading 2", theme.name) for theme in analysis.themes]
    expected.append(("Heading 1", paper.metrics_table_title))
    expected.append(("Heading 1", "Workforce measures"))
    expected += [("Heading 2", view.measure.name) for view in analysis.workforce]
    expected.append(("Heading 2", "Workforce measures by month"))
    expected.append(("Heading 1", "Appendices"))
    found = [(p.style.name, p.text) for p in document.paragraphs
             if p.style.name == "Title" or p.style.name.startswith("Heading")]
    assert found == expected
    # The report starts on a new page, as in the PDF.
    first = next(p for p in document.paragraphs if p.text == report.sections[0].heading)
    assert first.paragraph_format.page_break_before is True


def test_paragraph_numbers_are_words_numbering_and_read_as_the_papers(document, report):
    """Section headings are level 0 ("2.") and paragraphs level 1 ("2.4") of one list:
    Word counts them, and the count gives the paper's numbers, running on across
    sub-headings."""
    numbering_xml = document.part.numbering_part.element
    lists = {}
    for num in numbering_xml.findall(f"{W}num"):
        lists[int(num.get(f"{W}numId"))] = int(num.find(f"{W}abstractNumId").get(f"{W}val"))
    paper_lists = [num for num, abstract in lists.items() if abstract == 9001]
    assert len(paper_lists) == 1
    abstract = next(a for a in numbering_xml.findall(f"{W}abstractNum")
                    if a.get(f"{W}abstractNumId") == "9001")
    texts = [lvl.find(f"{W}lvlText").get(f"{W}val") for lvl in abstract.findall(f"{W}lvl")]
    assert texts == ["%1.", "%1.%2"]

    shown = []
    section = paragraph = 0
    for p in document.paragraphs:
        number = numbering(p)
        if number is None or number[0] != paper_lists[0]:
            continue
        if number[1] == 0:
            section, paragraph = section + 1, 0
            shown.append((f"{section}.", p.text))
        else:
            paragraph += 1
            shown.append((f"{section}.{paragraph}", p.text))
    expected = []
    for s in report.sections:
        expected.append((f"{s.number}.", s.heading))
        for para in s.paragraphs:
            expected.append((para.number, para.text))
    assert [number for number, _ in shown] == [number for number, _ in expected]
    # Each numbered paragraph holds its cell's first paragraph.
    for (number, text), (_, source) in zip(shown, expected, strict=True):
        if "." in number[:-1]:
            first_block = source.replace("\r\n", "\n").split("\n\n")[0].split("\n- ")[0]
            if first_block.startswith(("- ", "• ")):
                assert text == ""
            elif "[[" not in first_block:
                assert text == plain(render_markup(first_block)), number


def test_bullets_bold_and_figures_come_through(document, analysis):
    paragraphs = document.paragraphs
    bullets = [p for p in paragraphs if p.style.name == "List Paragraph" and numbering(p)]
    assert len(bullets) > 10
    # A [[Metric]] reference reads as its figure, as in the PDF.
    assert any(analysis.figures["culture survey"] in p.text for p in paragraphs)
    assert not any("[[" in p.text for p in paragraphs)
    bold = [r.text for p in paragraphs for r in p.runs if r.bold]
    assert "Integrated Care System" in bold


def tables_with_header(document, first_cells: list[str]):
    return [t for t in document.tables
            if [c.text for c in t.rows[0].cells][: len(first_cells)] == first_cells]


def fill(cell) -> str | None:
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shd is None else "#" + shd.get(qn("w:fill"))


def test_tracker_cells_statuses_and_colours_in_order(document, report, analysis):
    trackers = tables_with_header(document, ["Ref", "Action", "Milestone", "Lead", "Due",
                                             "Status", "Progress"])
    assert len(trackers) == len(analysis.themes)
    found, expected = [], []
    for table, theme in zip(trackers, analysis.themes, strict=True):
        for row in table.rows[1:]:
            cells = row.cells
            found.append((cells[0].text, cells[1].text, cells[2].text, cells[5].text,
                          fill(cells[5])))
        for action in theme.actions:
            for milestone in action.milestones:
                expected.append((action.id, action.title, milestone.description or "",
                                 milestone.status.value,
                                 STATUS_COLOURS[milestone.status][0].upper()))
    assert found == expected
    assert {status for *_, status, _ in found} >= {s.value for s in Status} - {"Off track"}


def test_header_rows_repeat_and_rows_do_not_split(document):
    assert len(document.tables) > 10
    for table in document.tables:
        rows = table._tbl.tr_lst
        for tr in rows:
            assert tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None
        header = [c.text for c in table.rows[0].cells]
        flagged = [tr.trPr.find(qn("w:tblHeader")) is not None for tr in rows]
        if header[0] in ("Ref", "Theme", "Metric", "Month", "Matter", "Appendix"):
            assert flagged[0], header
        else:  # the cover sheet, principles, confirmation and sign-off: label | value
            assert not any(flagged), header
        assert not any(flagged[2:]), header


def test_cover_sheet_label_column_is_shaded(document, report):
    cover = document.tables[0]
    labels = [row.cells[0].text for row in cover.rows]
    assert labels[:5] == ["Date of the meeting", "Author", "Sponsoring Board member",
                          "Purpose of Report", "Recommendation"]
    assert {fill(row.cells[0]) for row in cover.rows} == {"#E8EDEE"}
    assert cover.rows[0].cells[1].text == "14 November 2018"


def test_assurance_matrix_ticks(document, report):
    matrix = tables_with_header(document, ["Matter"])[0]
    rows = [[c.text for c in row.cells] for row in matrix.rows[2:]]
    expected = [[m.matter, "✓" if m.considered else "",
                 "✓" if m.considered and m.action_required else "",
                 "✓" if m.considered and not m.action_required else ""]
                for m in report.assurance]
    assert rows == expected


def test_every_picture_has_the_pdfs_alt_text(document, analysis):
    charts = [analysis.status_chart, *analysis.metric_charts,
              *(view.chart for view in analysis.workforce)]
    pictures = document.inline_shapes
    assert len(pictures) == len(charts) >= 6
    for picture, chart in zip(pictures, charts, strict=True):
        doc_pr = picture._inline.docPr
        assert doc_pr.get("descr") == chart.alt
        assert doc_pr.get("title") == chart.title
        # PNG at print resolution (200 dpi), not scaled up from a thumbnail.
        blob = document.part.related_parts[
            picture._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        assert blob.startswith(b"\x89PNG")
        width_px = Image.open(io.BytesIO(blob)).width
        assert width_px / (picture.width / Mm(25.4)) >= 150


def test_core_properties_language_sections_and_running_header(document, report):
    props = document.core_properties
    assert props.title == report.paper.title
    assert props.author == report.paper.author
    assert props.language == "en-GB"
    assert props.created.date() == props.modified.date() == report.paper.report_date
    lang = document.styles.element.find(f"{W}docDefaults").find(f".//{W}lang")
    assert lang.get(f"{W}val") == "en-GB"
    orientations = [s.orientation for s in document.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    for section in document.sections:
        assert section.header.paragraphs[0].text == \
            "Governing Body Meeting · 14 November 2018\tItem 9"
        footer = section.footer._element.xml
        assert "> PAGE <" in footer and "> NUMPAGES <" in footer
        assert section.footer.paragraphs[0].text.startswith(
            "NHS Dorset Clinical Commissioning Group\tPage ")


def test_no_text_boxes_and_no_thumbnail(out):
    with zipfile.ZipFile(out / f"{STEM}.docx") as archive:
        names = archive.namelist()
        body = archive.read("word/document.xml")
    assert b"txbxContent" not in body and b"v:textbox" not in body
    assert not any("thumbnail" in name for name in names)
    assert {info.date_time for info in zipfile.ZipFile(out / f"{STEM}.docx").infolist()} == \
        {(1980, 1, 1, 0, 0, 0)}


def test_the_same_inputs_give_the_same_bytes(out, tmp_path):
    """Another process, another day: the same .docx, byte for byte."""
    script = (
        "import sys; from pathlib import Path\n"
        "from reportgen.build import word_document\n"
        "from reportgen.analysis.charts import keep_figures\n"
        "from reportgen.analysis.figures import analyse\n"
        "from reportgen.workbook.validate import load_report\n"
        f"report = load_report(Path({str(EXAMPLE)!r}))\n"
        "with keep_figures():\n"
        f"    analysis = analyse(report, load_report(Path({str(PREVIOUS)!r})))\n"
        "sys.stdout.buffer.write(word_document(report, analysis, None)[0])\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SOURCE_DATE_EPOCH", None)
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, env=env,
                           check=True, cwd=tmp_path).stdout
    assert again == (out / f"{STEM}.docx").read_bytes()


# ---------------------------------------------------------------------------------------
# reference.docx: an organisation's styles; hostile files refused naming the file


def house_reference(path: Path) -> Path:
    reference = docx.Document()
    reference.styles["Normal"].font.name = "Georgia"
    reference.styles["Heading 1"].font.color.rgb = docx.shared.RGBColor(0x7C, 0x28, 0x55)
    section = reference.sections[0]
    section.left_margin = section.right_margin = Mm(30)
    section.header.paragraphs[0].text = "Our Trust – house header"
    reference.add_paragraph("Reference content that must not reach the paper.")
    reference.save(path)
    return path


def test_reference_docx_gives_styles_margins_and_header(tmp_path):
    templates = tmp_path / "style"
    templates.mkdir()
    house_reference(templates / "reference.docx")
    (templates / "partials").mkdir()
    (templates / "partials" / "signoff.html").write_text("<p>Signed</p>")
    Image.new("RGB", (300, 100), "#7C2855").save(templates / "logo.png")
    (templates / "theme.yaml").write_text('primary_colour: "#7C2855"\nlogo: logo.png\n'
                                          "logo_alt: Our Trust logo\n")
    workbook = paper_workbook(tmp_path / "paper.xlsx")
    result = run_cli("build", workbook, "-o", tmp_path / "out", "--docx", "--templates",
                     templates)
    assert result.exit_code == 0, result.output
    assert (f"Warning: the Word document does not follow the HTML templates in {templates} "
            f"(partials/signoff.html); it has the built-in layout (restyle Word with "
            f"{templates / 'reference.docx'})") in result.output
    made = docx.Document(tmp_path / "out" / "test-framework-update-2018-2019.docx")
    assert made.styles["Normal"].font.name == "Georgia"
    assert str(made.styles["Heading 1"].font.color.rgb) == "7C2855"
    assert abs(made.sections[0].left_margin - Mm(30)) < Mm(0.1)  # stored in twips
    assert made.sections[0].header.paragraphs[0].text == "Our Trust – house header"
    texts = [p.text for p in made.paragraphs]
    assert "Reference content that must not reach the paper." not in texts
    # theme.yaml reaches Word too: the logo with its alt text, the primary colour.
    logo = made.inline_shapes[0]
    assert logo._inline.docPr.get("descr") == "Our Trust logo"
    tracker = tables_with_header(made, ["Ref", "Action", "Milestone"])[0]
    assert fill(tracker.rows[0].cells[0]) == "#7C2855"
    assert texts[texts.index("Introduction") + 1] == "First paragraph."


def not_a_docx(path: Path) -> Path:
    path.write_text("this is not a Word document")
    return path


def zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>" + b" " * (100 * 2**20))
    return path


def encrypted(path: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain_file = house_reference(path.with_name("plain.docx"))
    with plain_file.open("rb") as source, path.open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    plain_file.unlink()
    return path


def workbook_renamed(path: Path) -> Path:
    path.write_bytes(paper_workbook(path.with_name("other.xlsx")).read_bytes())
    path.with_name("other.xlsx").unlink()
    return path


def with_dtd(path: Path) -> Path:
    house_reference(path.with_name("plain.docx"))
    with zipfile.ZipFile(path.with_name("plain.docx")) as source, \
            zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/styles.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e "boom">]>', 1)
            target.writestr(info.filename, data)
    path.with_name("plain.docx").unlink()
    return path


@pytest.mark.parametrize(("make", "message"), [
    (not_a_docx, "reference.docx: is not a Word document (.docx): it is not a zip package "
                 "(open it in Word and save it as a Word Document (.docx) without a "
                 "password)"),
    (zip_bomb, "reference.docx: would unpack to 104,857,621 bytes in 2 parts, over the 60 MB "
               "limit for a reference document; it is not read (a reference document needs "
               "only styles, page set-up, header and footer: save an empty document with "
               "them)"),
    (encrypted, "reference.docx: is encrypted (password-protected) or an old Word 97-2003 "
                "document, not a .docx (open it in Word and save it as a Word Document "
                "(.docx) without a password)"),
    (workbook_renamed, "reference.docx: is an Excel workbook, not a Word document (.docx) "
                       "(open it in Word and save it as a Word Document (.docx) without a "
                       "password)"),
    (with_dtd, "reference.docx: has XML with a DTD (word/styles.xml); it is not read (open "
               "it in Word and save it as a Word Document (.docx) without a password)"),
])
def test_a_hostile_reference_docx_is_refused_naming_it(tmp_path, make, message):
    templates = tmp_path / "style"
    templates.mkdir()
    reference = make(templates / "reference.docx")
    before = reference.read_bytes()
    workbook = paper_workbook(tmp_path / "paper.xlsx")
    out = tmp_path / "out"
    result = run_cli("build", workbook, "-o", out, "--docx", "--templates", templates)
    assert result.exit_code == 1, result.output
    assert result.output == f"Error: 1 problem in {reference}:\n  {message}\n"
    assert not out.exists()
    assert reference.read_bytes() == before
    assert sorted(p.name for p in templates.iterdir()) == ["reference.docx"]


def test_an_output_folder_that_cannot_be_written_writes_nothing(tmp_path):
    """The folder cannot be written (no write permission; as root, whom permissions do
    not stop, an immutable folder): a clean message, no traceback, no file at all."""
    workbook = paper_workbook(tmp_path / "paper.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("kept")
    if os.getuid() == 0:
        made = subprocess.run(["chattr", "+i", str(out)], capture_output=True, text=True)
        if made.returncode != 0:
            pytest.skip(f"root, and this filesystem has no immutable folders: {made.stderr}")
        reason = "Operation not permitted"
    else:
        out.chmod(0o555)
        reason = "Permission denied"
    try:
        result = run_cli("build", workbook, "-o", out, "--docx", "--jobs", "1")
    finally:
        if os.getuid() == 0:
            subprocess.run(["chattr", "-i", str(out)], check=True)
        out.chmod(0o755)
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"Error: could not write {out / 'test-framework-update-2018-2019.pdf'}: {reason}; "
        "nothing was replaced (the previous files are kept)\n")
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_pack_help_says_a_pack_cannot_be_word():
    result = run_cli("pack", "--help")
    assert result.exit_code == 0
    assert "it cannot be a Word document" in " ".join(result.output.split())
