"""Meeting packs built from the example agenda, read back from the real PDFs."""

from __future__ import annotations

import re
import shutil
import subprocess

import pikepdf
import pytest
import weasyprint
from conftest import ROOT, run_cli
from pdftext import outline_titles, page_texts

AGENDA = ROOT / "data" / "pack" / "agenda.yaml"
STAMP = "· Governing Body Meeting · 14 November 2018"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("packs")


@pytest.fixture(scope="module")
def public(out):
    result = run_cli("pack", AGENDA, "-o", out, "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert "3 papers rendered, 0 reused" in result.output
    return out / "governing-body-meeting-2018-11-14-public.pdf"


@pytest.fixture(scope="module")
def private(out, public):
    result = run_cli("pack", AGENDA, "-o", out, "--part", "private")
    assert result.exit_code == 0, result.output
    assert "0 papers rendered, 3 reused" in result.output  # the public build's cache
    return out / "governing-body-meeting-2018-11-14-private.pdf"


def agenda_pages(texts: list[str]) -> dict[str, str]:
    """Item number -> what the agenda's Page column says."""
    agenda = next(t for t in texts if t.startswith("Agenda") or "\nAgenda\n" in t[:40])
    found = {}
    for line in agenda.splitlines():
        match = re.match(r"^(\d+(?:\.\d+)?) .* (\d+|Verbal|Supplement)$", line)
        if match:
            found[match[1]] = match[2]
    return found


def first_stamped(texts: list[str], number: str) -> int:
    return next(i for i, t in enumerate(texts) if f"Item {number} {STAMP}" in t)


def test_agenda_page_numbers_are_where_each_item_starts(public):
    texts = page_texts(public)
    pages = agenda_pages(texts)
    front = 2  # cover and agenda, unnumbered
    for number in ("2", "7.1", "7.2", "8", "9", "10"):
        physical = first_stamped(texts, number)
        assert int(pages[number]) == physical - front + 1, number
        assert f"Page {pages[number]} of" in texts[physical]
    assert pages["1"] == "Verbal" and pages["11"] == "Supplement"


def test_every_paper_page_is_stamped_and_numbered_continuously(public):
    texts = page_texts(public)
    numbered = texts[2:]
    total = len(numbered)
    for index, text in enumerate(numbered, start=1):
        assert f"Page {index} of {total}" in text, index
        assert re.search(rf"Item [\d.]+ {STAMP}", text), index
    assert "Page" not in texts[0] and "Page 1 of" not in texts[1]
    with pikepdf.open(public) as pdf:
        assert len(pdf.pages) == 2 + total


def test_pages_of_other_authors_keep_their_content_and_shape(public):
    texts = page_texts(public)
    dashboard = first_stamped(texts, "7.2")
    finance = first_stamped(texts, "7.1")
    assert "Integrated Performance Dashboard" in texts[dashboard]
    assert "Finance Report: Month 6 2018/19" in texts[finance]
    with pikepdf.open(public) as pdf:
        box = [float(v) for v in pdf.pages[dashboard].mediabox]
        assert box[2] > box[3]  # landscape stays landscape
        letter = [float(v) for v in pdf.pages[finance].mediabox]
        assert round(letter[2]) == 595 and round(letter[3]) == 842  # US Letter onto A4


def test_bookmarks_one_per_item_with_the_papers_own_below(public):
    titles = outline_titles(public)
    top = [t for depth, t in titles if depth == 0]
    assert top == ["Cover", "Agenda", "Item 2: Minutes of the meeting held on 12 September 2018",
                   "Item 7.1: Finance Report, Month 6",
                   "Item 7.2: Integrated Performance Dashboard",
                   "Item 8: Quality Report, Quarter 2",
                   "Item 9: Organisational Development Framework Update 2018/2019",
                   "Item 10: Freedom to Speak Up Guardian Annual Report"]
    nested = [t for depth, t in titles if depth > 0]
    assert "1. Introduction" in nested and "Monitoring and Assurance Summary" in nested


def test_public_pack_keeps_a_placeholder_for_private_items(public):
    texts = page_texts(public)
    assert "Item 12: confidential — considered in private" in texts[1]
    assert not any("This paper is commercially confidential" in t for t in texts)
    assert not any("Not for publication" in t for t in texts)


def test_private_pack_has_everything_marked_not_for_publication(private):
    texts = page_texts(private)
    assert any("This paper is commercially confidential" in t for t in texts)
    for text in texts:
        assert "Not for publication" in text


def test_packs_pass_the_checks_and_qpdf(public, private):
    for pdf in (public, private):
        assert run_cli("check", pdf).exit_code == 0
        check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        with pikepdf.open(pdf) as doc:
            assert str(doc.Root.Lang) == "en-GB"
            assert str(doc.docinfo["/Title"]).startswith(
                "Governing Body Meeting, 14 November 2018")


def test_supplement_is_numbered_to_follow_the_main_pack(out, public):
    main_total = len(page_texts(public)) - 2
    result = run_cli("pack", AGENDA, "-o", out, "--supplement")
    assert result.exit_code == 0, result.output
    texts = page_texts(out / "governing-body-meeting-2018-11-14-public-supplement.pdf")
    assert "Supplementary papers" in texts[0]
    first = first_stamped(texts, "11")
    assert f"Page {main_total + 1} of {main_total + len(texts) - first}" in texts[first]
    assert "Estates strategy refresh" in texts[first]


def test_draft_watermark(out, public):
    result = run_cli("pack", AGENDA, "-o", out, "--draft")
    assert result.exit_code == 0, result.output
    texts = page_texts(out / "governing-body-meeting-2018-11-14-public-draft.pdf")
    assert all("DRAFT" in text for text in texts)


def _agenda(tmp_path, papers: dict[str, str]) -> str:
    items = "".join(
        f'  - number: "{n}"\n    title: Paper {n}\n    paper: {p}\n' for n, p in papers.items())
    path = tmp_path / "agenda.yaml"
    path.write_text(f"organisation: Org\nmeeting: Board\ndate: 2026-01-14\nitems:\n{items}")
    return path


def test_missing_encrypted_and_corrupt_pdfs_stop_the_build(tmp_path):
    weasyprint.HTML(string="<p>x</p>").write_pdf(tmp_path / "plain.pdf")
    with pikepdf.open(tmp_path / "plain.pdf") as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="u"))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7 nonsense")
    agenda = _agenda(tmp_path, {"1": "locked.pdf", "2": "broken.pdf", "3": "plain.pdf"})
    out = tmp_path / "out"
    result = run_cli("pack", agenda, "-o", out)
    assert result.exit_code == 1
    assert "item 1: locked.pdf is password-protected" in result.output
    assert "item 2: broken.pdf is not a readable PDF" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    missing = _agenda(tmp_path, {"1": "gone.pdf"})
    result = run_cli("pack", missing, "-o", out)
    assert result.exit_code == 1 and "item 1: paper 'gone.pdf' not found" in result.output
    assert not out.exists()


def test_errors_in_a_paper_workbook_stop_the_pack(tmp_path):
    from workbooks import ACTIONS, paper_workbook

    bad = [*ACTIONS[:2], ["G9", "Theme", "x", None, "Lead", "30/11/2018", "Amberish", None]]
    paper_workbook(tmp_path / "bad.xlsx", actions=bad)
    result = run_cli("pack", _agenda(tmp_path, {"4": "bad.xlsx"}), "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert 'bad.xlsx: Actions!G4: item 4: "Amberish" is not a status' in result.output
    assert not (tmp_path / "out").exists()


def test_changing_one_paper_rerenders_only_that_one(tmp_path):
    import openpyxl

    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    agenda = folder / "pack" / "agenda.yaml"
    out = tmp_path / "out"
    assert "3 papers rendered, 0 reused" in run_cli("pack", agenda, "-o", out).output
    quality = folder / "pack" / "quality-report-q2.xlsx"
    book = openpyxl.load_workbook(quality)
    book["Sections"]["E2"] = "A corrected first paragraph."
    book.save(quality)
    again = run_cli("pack", agenda, "-o", out)
    assert "1 paper rendered, 2 reused" in again.output
    # The paper kept its page count, so the frame (cover, agenda, stamps) is the same.
    assert "cover, agenda and stamps reused from cache" in again.output
    texts = page_texts(out / "governing-body-meeting-2018-11-14-public.pdf")
    assert any("A corrected first paragraph." in t for t in texts)
    assert "unchanged since the last build" in run_cli("pack", agenda, "-o", out).output
    forced = run_cli("pack", agenda, "-o", out, "--no-cache", "--jobs", "1")
    assert "3 papers rendered, 0 reused" in forced.output


def test_rebuilding_gives_the_same_bytes(out, public):
    before = public.read_bytes()
    result = run_cli("pack", AGENDA, "-o", out)
    assert result.exit_code == 0 and "unchanged since the last build" in result.output
    assert public.read_bytes() == before
    # Without the whole-pack shortcut the pack is laid out again, to the same bytes.
    for stale in (out / ".reportgen-cache").glob("pack-*"):
        stale.unlink()
    result = run_cli("pack", AGENDA, "-o", out)
    assert "0 papers rendered, 3 reused" in result.output
    assert public.read_bytes() == before


def test_init_agenda_writes_a_starter_that_loads(tmp_path):
    from reportgen.pack.agenda import load_agenda

    path = tmp_path / "agenda.yaml"
    assert run_cli("init-agenda", path).exit_code == 0
    assert "already exists" in run_cli("init-agenda", path).output
    (tmp_path / "my-paper.xlsx").write_bytes(b"")  # the starter names these files
    weasyprint.HTML(string="<p>x</p>").write_pdf(tmp_path / "finance-report.pdf")
    weasyprint.HTML(string="<p>y</p>").write_pdf(tmp_path / "contract-award.pdf")
    agenda = load_agenda(path)
    assert [i.number for i in agenda.items] == ["1", "2", "3", "4"]
    assert agenda.items[3].private and agenda.items[3].late
    assert agenda.items[1].kind == "workbook" and agenda.items[0].kind == "verbal"


def test_agenda_problems_are_all_reported(tmp_path):
    path = tmp_path / "agenda.yaml"
    path.write_text("meeting: Board\ndate: 31/02/2026\nitems:\n"
                    "  - number: '1'\n    purpose: rubber-stamp\n    part: secret\n"
                    "  - number: '1'\n    title: Again\n    late: maybe\n")
    result = run_cli("pack", path, "-o", tmp_path / "out")
    assert result.exit_code == 1
    for text in ["meeting: 'organisation' is required", '"31/02/2026" is not a real date',
                 "item 1: 'title' is required", "'purpose: rubber-stamp' is not allowed",
                 "'part: secret' is not allowed", "item number 1 is used twice",
                 "'late: maybe' should be true or false"]:
        assert text in result.output, text


def test_agenda_kept_in_excel_gives_the_same_pack(tmp_path):
    import datetime

    import openpyxl

    from reportgen.pack.agenda import load_agenda

    yaml_agenda = load_agenda(AGENDA)
    book = openpyxl.Workbook()
    meeting = book.active
    meeting.title = "Meeting"
    meeting.append(["Field", "Value"])
    for field in ("organisation", "meeting", "time", "venue", "chair", "front_matter"):
        meeting.append([field.replace("_", " ").capitalize(), getattr(yaml_agenda, field)])
    meeting.append(["Date", datetime.datetime(2018, 11, 14)])
    sheet = book.create_sheet("Agenda")
    sheet.append(["Number", "Title", "Presenter", "Purpose", "Time", "Part", "Late", "Paper"])
    for item in yaml_agenda.items:  # absolute paths, so the workbook can live anywhere
        sheet.append([item.number, item.title, item.presenter, item.purpose, item.time,
                      item.part, "Yes" if item.late else "No",
                      str(item.paper) if item.paper else None])
    path = tmp_path / "agenda.xlsx"
    book.save(path)
    excel = load_agenda(path)
    assert [(i.number, i.title, i.paper, i.late, i.part) for i in excel.items] == [
        (i.number, i.title, i.paper, i.late, i.part) for i in yaml_agenda.items]
    assert (excel.meeting, excel.date, excel.venue) == (
        yaml_agenda.meeting, yaml_agenda.date, yaml_agenda.venue)


def test_pack_manifest_fingerprints_agenda_papers_and_output(out, public):
    import hashlib
    import json

    result = run_cli("pack", AGENDA, "-o", out, "--manifest")
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "governing-body-meeting-2018-11-14-public.manifest.json")
                          .read_text())
    names = [i["path"] for i in manifest["inputs"]]
    assert names[0] == "agenda.yaml" and "dorset-od-framework-2018.xlsx" in names
    assert "dorset-od-framework-2018-05.xlsx" in names and "finance-report-m6.pdf" in names
    assert "contract-award-private.pdf" not in names  # not in the public pack
    output = manifest["outputs"][0]
    assert output["sha256"] == hashlib.sha256(public.read_bytes()).hexdigest()


def test_papers_in_a_pack_do_not_quote_their_own_page_numbers(public):
    texts = page_texts(public)
    listing = next(t for t in texts if "Appendix Title Page" in t)
    assert "Leading and Working Differently Workforce Delivery Plan 2018/2019 Attached" in listing
    assert "Page 19" not in listing.split("Appendix Title Page")[1].split("Item 9")[0]


def link_pages(pdf_path) -> set[tuple[int, int]]:
    """(page, page it leads to) for every internal link, indexes from 0."""
    found = set()
    with pikepdf.open(pdf_path) as pdf:
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}
        dests = pdf.Root.Names.Dests.Names
        named = {str(dests[i]): dests[i + 1] for i in range(0, len(dests), 2)}
        for number, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", []):
                dest = annot.get("/Dest")
                if dest is not None:
                    target = named[str(dest)] if isinstance(dest, pikepdf.String) else dest
                    found.add((number, index[target[0].objgen]))
    return found


def test_a_long_frame_laid_out_in_pieces_gives_the_same_pack(tmp_path, monkeypatch):
    import reportgen.pack.frame

    shutil.copytree(ROOT / "data", tmp_path / "data")
    agenda = tmp_path / "data" / "pack" / "agenda.yaml"
    out = tmp_path / "out"
    name = "governing-body-meeting-2018-11-14-public.pdf"
    for front_matter in ("unnumbered", "numbered"):
        agenda.write_text(AGENDA.read_text().replace(
            "front_matter: unnumbered", f"front_matter: {front_matter}"))
        built = {}
        for pieces, jobs in ((True, "2"), (False, "1")):
            for stale in out.glob(".reportgen-cache/pack-*"):
                stale.unlink()  # the whole pack again, its papers from the cache
            if pieces:
                monkeypatch.setattr(reportgen.pack.frame, "FRAME_PIECE_PAGES", 4)
            result = run_cli("pack", agenda, "-o", out, "--jobs", jobs)
            monkeypatch.undo()
            assert result.exit_code == 0, result.output
            built[pieces] = tmp_path / f"{front_matter}-{pieces}.pdf"
            shutil.copy(out / name, built[pieces])
        in_pieces, in_one = built[True], built[False]
        texts = page_texts(in_pieces)
        assert texts == page_texts(in_one)
        assert agenda_pages(texts)["7.1"] == str(first_stamped(texts, "7.1") + 1 - (
            2 if front_matter == "unnumbered" else 0))
        assert outline_titles(in_pieces) == outline_titles(in_one)
        assert link_pages(in_pieces) == link_pages(in_one)
        check = run_cli("check", in_pieces)
        assert check.exit_code == 0 and "0 errors" in check.output, check.output


def test_a_template_folder_with_its_own_frame_keeps_it_in_one_piece(tmp_path, monkeypatch):
    import reportgen.pack.frame

    style = tmp_path / "style"
    style.mkdir()
    shutil.copy(ROOT / "templates" / "pack.css", style / "pack.css")
    monkeypatch.setattr(reportgen.pack.frame, "FRAME_PIECE_PAGES", 4)

    def in_pieces(*args, **kwargs):
        raise AssertionError("an organisation's own pack.css was laid out in pieces")

    monkeypatch.setattr(reportgen.pack.frame, "lay_out_frame_in_pieces", in_pieces)
    result = run_cli("pack", AGENDA, "-o", tmp_path / "out", "--templates", style,
                     "--jobs", "2")
    assert result.exit_code == 0, result.output
    texts = page_texts(tmp_path / "out" / "governing-body-meeting-2018-11-14-public.pdf")
    assert agenda_pages(texts)["7.1"] == str(first_stamped(texts, "7.1") - 1)
