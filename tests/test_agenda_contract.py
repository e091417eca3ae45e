"""The agenda contract: every key known, every value typed, every problem at once.

Each test writes the agenda (YAML or Excel) and its papers the way a committee
secretary would — with the slip in it — runs ``reportgen pack`` and checks the exact
message with its place, that nothing was written, or what the built PDF says.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import openpyxl
import pdfplumber
import pikepdf
import pytest
import weasyprint
from conftest import run_cli
from pdftext import page_texts

SECRET = "Commercially confidential contract terms"


def make_pdf(path: Path, text: str, pages: int = 1) -> Path:
    body = "".join(f'<p style="break-after: page">{text} (page {n + 1})</p>'
                   for n in range(pages))
    weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf(path)
    return path


def write_agenda(folder: Path, items: str, meeting: str = "", name: str = "agenda.yaml") -> Path:
    path = folder / name
    path.write_text("organisation: NHS Example ICB\nmeeting: Board Meeting\n"
                    f"date: 2026-01-14\n{meeting}items:\n{items}", encoding="utf-8")
    return path


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def refused(agenda: Path, out: Path, *args) -> str:
    """Run a pack that must fail cleanly; its output."""
    before = digests(agenda.parent)
    result = run_cli("pack", agenda, "-o", out, *args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "This is a bug" not in result.output
    assert not out.exists(), "nothing may be written"
    assert digests(agenda.parent) == before, "inputs are never changed"
    return result.output


@pytest.fixture
def papers(tmp_path) -> Path:
    make_pdf(tmp_path / "minutes.pdf", "Minutes of the last meeting")
    make_pdf(tmp_path / "contract.pdf", SECRET)
    return tmp_path


# -- confidentiality first -------------------------------------------------------------

CONFIDENTIAL = """\
  - number: "1"
    title: Minutes
    paper: minutes.pdf
  - number: "12"
    title: Contract award
    {marking}
    paper: contract.pdf
"""


def test_private_true_stops_the_public_pack_and_part_private_keeps_the_paper_out(papers):
    out = papers / "out"
    slip = write_agenda(papers, CONFIDENTIAL.format(marking="private: true"))
    output = refused(slip, out)
    assert ("item 12: unknown key 'private' (use 'part: private' to keep an item out of "
            "the public pack, or 'part: public')") in output
    fixed = write_agenda(papers, CONFIDENTIAL.format(marking="part: private"))
    result = run_cli("pack", fixed, "-o", out)
    assert result.exit_code == 0, result.output
    public = page_texts(out / "board-meeting-2026-01-14-public.pdf")
    assert not any(SECRET in text for text in public)
    assert "Item 12: confidential — considered in private" in public[1]
    assert any("Minutes of the last meeting" in text for text in public)
    result = run_cli("pack", fixed, "-o", out, "--part", "private")
    assert result.exit_code == 0, result.output
    assert any(SECRET in t for t in page_texts(out / "board-meeting-2026-01-14-private.pdf"))


def test_a_public_private_column_in_excel_stops_the_pack(papers):
    book = _excel_agenda([["Number", "Title", "Public/Private", "Paper"],
                          ["1", "Minutes", "Public", "minutes.pdf"],
                          ["12", "Contract award", "Private", "contract.pdf"]])
    agenda = papers / "agenda.xlsx"
    book.save(agenda)
    output = refused(agenda, papers / "out")
    assert ("Agenda!C1: column 'Public/Private' is not an agenda column (a column headed "
            "'Part' with public or private in each row keeps an item out of the public "
            "pack)") in output


def test_an_excel_agenda_with_a_part_column_keeps_the_private_paper_out(papers):
    book = _excel_agenda([["Item no.", " TITLE ", "Part:", "Late?", "Paper"],
                          [1, "Minutes", "Public", "No", "minutes.pdf"],
                          [12, "Contract award", "Private", False, "contract.pdf"]])
    book.save(papers / "agenda.xlsx")
    result = run_cli("pack", papers / "agenda.xlsx", "-o", papers / "out")
    assert result.exit_code == 0, result.output
    public = page_texts(papers / "out" / "board-meeting-2026-01-14-public.pdf")
    assert not any(SECRET in text for text in public)
    assert "Item 12: confidential — considered in private" in public[1]


# -- unknown keys and wrong types ------------------------------------------------------


def test_unknown_keys_are_errors_with_did_you_mean(papers):
    agenda = write_agenda(papers, '  - number: "1"\n    title: Minutes\n    papr: minutes.pdf\n'
                          '    Presenter: Chair\n', meeting="venu: Room 1\nchiar: Sam\n")
    output = refused(agenda, papers / "out")
    for text in ["meeting: unknown key 'venu' (did you mean 'venue'?)",
                 "meeting: unknown key 'chiar' (did you mean 'chair'?)",
                 "item 1: unknown key 'papr' (did you mean 'paper'?)",
                 "item 1: unknown key 'Presenter' (did you mean 'presenter'?)"]:
        assert text in output, text
    assert output.startswith("Error: 4 problems in ")


def test_values_are_read_as_typed_or_refused(papers):
    agenda = write_agenda(papers, """\
  - number: 3.10
    title: Minutes
    time: 10:00
    paper: minutes.pdf
  - number: "4"
    title: [Finance, report]
  - number: "5"
    title: {name: Quality}
    presenter: [Chair]
  - number: "6"
    title: Estates
    purpose: approval
    part: privat
    late: maybe
""", meeting="front_matter: numberd\ndividers: sometimes\n")
    output = refused(agenda, papers / "out")
    for text in [
            "item 4: 'title' should be text, not a list",
            "item 5: 'title' should be text, not a set of 'key: value' settings",
            "item 5: 'presenter' should be text, not a list",
            "item 6: 'purpose: approval' is not allowed (did you mean 'approve'? use one "
            "of note, discuss, approve, assurance)",
            "item 6: 'part: privat' is not allowed (did you mean 'private'? use one of "
            "public, private)",
            "item 6: 'late: maybe' should be true or false",
            "meeting: 'front_matter: numberd' is not allowed (did you mean 'numbered'?",
            "meeting: 'dividers: sometimes' should be true or false"]:
        assert text in output, text
    assert "3.10" not in output  # the unquoted number and time are fine as typed
    fixed = write_agenda(papers, "  - number: 3.10\n    title: Minutes\n    time: 10:00\n"
                         "    paper: minutes.pdf\n    late: no\n")
    result = run_cli("pack", fixed, "-o", papers / "out")
    assert result.exit_code == 0, result.output
    texts = page_texts(papers / "out" / "board-meeting-2026-01-14-public.pdf")
    assert re.search(r"^3\.10 Minutes .*10:00 1$", texts[1], re.M), texts[1]
    assert "Item 3.10 · Board Meeting · 14 January 2026" in texts[2]


def test_aliases_and_repeated_keys_are_refused(papers):
    (papers / "agenda.yaml").write_text(
        "organisation: Org\nmeeting: &m Board\ndate: 2026-01-14\nitems:\n"
        "  - number: '1'\n    title: *m\n")
    output = refused(papers / "agenda.yaml", papers / "out")
    assert "are not allowed in reportgen files; write the value out in full" in output
    repeated = write_agenda(papers, "  - number: '12'\n    title: Contract\n"
                            "    part: private\n    paper: contract.pdf\n    part: public\n")
    output = refused(repeated, papers / "out")
    assert "item 12: 'part' is given twice (line 9) (keep one)" in output


def test_item_numbers_that_share_a_link_target_are_refused(papers):
    agenda = write_agenda(papers, "".join(
        f'  - number: "{n}"\n    title: Paper {n}\n    paper: minutes.pdf\n'
        for n in ("7.1", "7/1", "7 1")))
    output = refused(agenda, papers / "out")
    assert ("item 7/1: item numbers 7.1 and 7/1 would share the link target 'item-7-1', "
            "so the agenda could not link each to its own paper") in output
    assert "item 7 1: item numbers 7.1 and 7 1 would share the link target" in output


# -- every agenda link lands on its own item ---------------------------------------------


def agenda_links(pdf_path: Path) -> dict[str, int]:
    """Item number in the agenda row -> the page (from 0) that row's link leads to
    (links on the agenda's pages only: papers have links of their own)."""
    found = {}
    with pikepdf.open(pdf_path) as pdf, pdfplumber.open(pdf_path) as plumb:
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}
        dests = pdf.Root.Names.Dests.Names
        named = {str(dests[i]): dests[i + 1] for i in range(0, len(dests), 2)}
        for number, page in enumerate(pdf.pages):
            if not (plumb.pages[number].extract_text() or "").startswith("Agenda"):
                continue
            words = plumb.pages[number].extract_words()
            height = float(page.mediabox[3])
            for annot in page.obj.get("/Annots", []):
                dest = annot.get("/Dest")
                if dest is None:
                    continue
                target = named[str(dest)] if isinstance(dest, pikepdf.String) else dest
                _, y0, _, y1 = (float(v) for v in annot.Rect)
                low, high = height - max(y0, y1), height - min(y0, y1)  # from the top
                row = [w for w in words if w["top"] < high and w["bottom"] > low]
                item = min(row, key=lambda w: w["x0"])["text"]  # the Item column
                found[item] = index[target[0].objgen]
    return found


@pytest.mark.parametrize("dividers", [False, True])
def test_every_agenda_link_lands_on_its_own_items_first_page(tmp_path, dividers):
    numbers = ["1", "2", "7.1", "7.2", "7.10", "10", "A"]
    for n, number in enumerate(numbers):
        make_pdf(tmp_path / f"p{n}.pdf", f"Body of the paper for item {number}",
                 pages=1 + n % 3)
    items = "".join(f'  - number: "{number}"\n    title: Paper {number}\n'
                    f"    paper: p{n}.pdf\n" for n, number in enumerate(numbers))
    agenda = write_agenda(tmp_path, items, meeting=f"dividers: {str(dividers).lower()}\n")
    result = run_cli("pack", agenda, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "board-meeting-2026-01-14-public.pdf"
    texts = page_texts(pdf)
    links = agenda_links(pdf)
    assert sorted(links) == sorted(numbers)
    for number, page in links.items():
        stamp = f"Item {number} · Board Meeting"
        first = next(i for i, t in enumerate(texts) if stamp in t)
        assert page == first, (number, page, first)
        body = texts[page + 1] if dividers else texts[page]
        assert f"Body of the paper for item {number} (page 1)" in body, number


# -- every problem in one pass -----------------------------------------------------------


def test_every_problem_in_the_agenda_and_its_papers_is_reported_at_once(papers):
    from workbooks import ACTIONS, paper_workbook

    bad = [*ACTIONS[:2], ["G9", "Theme", "x", None, "Lead", "30/11/2018", "Amberish", None]]
    paper_workbook(papers / "bad.xlsx", actions=bad)
    with pikepdf.open(papers / "minutes.pdf") as pdf:
        pdf.save(papers / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="u"))
    (papers / "notes.docx").write_bytes(b"PK\x03\x04 not really")
    (papers / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (papers / "scan.pdf").write_bytes(b"\x89PNG\r\n\x1a\n an image renamed")
    agenda = write_agenda(papers, "".join(
        f'  - number: "{n}"\n    title: Paper {n}\n    paper: {p}\n' for n, p in
        [("1", "notes.docx"), ("2", "locked.pdf"), ("3", "bad.xlsx"), ("4", "gone.pdf"),
         ("5", "old.doc"), ("6", "scan.pdf")]))
    output = refused(agenda, papers / "out")
    for text in [
            "item 1: paper 'notes.docx' is a word-processor document (a pack takes PDFs and "
            "reportgen workbooks: save it as PDF and name the PDF)",
            "item 2: locked.pdf is password-protected (save an unprotected copy and name "
            "that instead)",
            'bad.xlsx: Actions!G4: item 3: "Amberish" is not a status',
            "item 4: paper 'gone.pdf' not found",
            "item 5: paper 'old.doc' is a word-processor document",
            "item 6: scan.pdf is not a PDF file (export or print it to PDF from the program "
            "that made it, and name that file)"]:
        assert text in output, text
    assert "item 2: item 2:" not in output
    assert output.count("unprotected") == 1  # only the locked one is told to unlock it
    assert output.startswith("Error: 6 problems in ")


# -- a paper's own cover sheet ---------------------------------------------------------


def test_a_paper_naming_another_meeting_warns_and_strict_fails(tmp_path):
    from workbooks import paper_workbook

    paper_workbook(tmp_path / "od.xlsx")  # Governing Body Meeting, 14/11/2018, item 9
    agenda = write_agenda(tmp_path, '  - number: "4"\n    title: Finance Report\n'
                          "    paper: od.xlsx\n")
    output = refused(agenda, tmp_path / "out", "--strict")
    for text in [
            "item 4: od.xlsx gives Meeting 'Governing Body Meeting' on its Paper sheet, the "
            "agenda 'Board Meeting' (check it is the right paper, or correct one of them; "
            "a warning, which --strict treats as an error)",
            "item 4: od.xlsx gives Meeting date '14/11/2018' on its Paper sheet, the agenda "
            "'14/01/2026'",
            "item 4: od.xlsx gives Title 'Test Framework Update 2018/2019' on its Paper "
            "sheet, the agenda 'Finance Report'",
            "item 4: od.xlsx gives Agenda item '9' on its Paper sheet, the agenda '4'"]:
        assert text in output, text
    result = run_cli("pack", agenda, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert ("Warning: item 4: od.xlsx gives Meeting date '14/11/2018' on its Paper sheet, "
            "the agenda '14/01/2026'") in result.output
    assert "(6 pages; 1 paper rendered, 0 reused)" in result.output
    assert (tmp_path / "out" / "board-meeting-2026-01-14-public.pdf").is_file()


def test_a_paper_that_matches_its_agenda_entry_gives_no_warning(tmp_path):
    from workbooks import paper_workbook

    from reportgen.pack.agenda import load_agenda
    from reportgen.pack.papers import check_papers

    paper_workbook(tmp_path / "od.xlsx")
    (tmp_path / "agenda.yaml").write_text(
        "organisation: Org\nmeeting: Governing Body\ndate: 14/11/2018\nitems:\n"
        "  - number: '9'\n    title: Test Framework Update\n    paper: od.xlsx\n")
    agenda = load_agenda(tmp_path / "agenda.yaml")
    problems, _ = check_papers(agenda, agenda.items)
    assert problems == []


# -- papers from outside the agenda's folder ---------------------------------------------


def test_papers_from_outside_the_agenda_folder_are_named_in_the_summary(tmp_path):
    make_pdf(tmp_path / "shared.pdf", "A paper on the shared drive")
    (tmp_path / "board").mkdir()
    make_pdf(tmp_path / "board" / "minutes.pdf", "Minutes")
    agenda = write_agenda(tmp_path / "board", '  - number: "1"\n    title: Minutes\n'
                          '    paper: minutes.pdf\n  - number: "2"\n    title: Shared\n'
                          "    paper: ../shared.pdf\n")
    result = run_cli("pack", agenda, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(
        "(4 pages; 0 papers rendered, 0 reused; 1 paper from outside the agenda folder: "
        "../shared.pdf)")
    again = run_cli("pack", agenda, "-o", tmp_path / "out")
    assert again.output.strip().endswith(
        "(4 pages; unchanged since the last build, reused; 1 paper from outside the agenda "
        "folder: ../shared.pdf)")


# -- the Excel agenda --------------------------------------------------------------------


def _excel_agenda(rows, meeting=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Meeting"
    for row in meeting or [["Field", "Value"], ["Organisation", "NHS Example ICB"],
                           ["Meeting", "Board Meeting"], ["Date", "14/01/2026"]]:
        sheet.append(row)
    agenda = book.create_sheet("Agenda")
    for row in rows:
        agenda.append(row)
    return book


def test_init_agenda_writes_an_excel_starter_with_dropdowns_that_loads(tmp_path):
    from reportgen.pack.agenda import load_agenda

    path = tmp_path / "agenda.xlsx"
    result = run_cli("init-agenda", path)
    assert result.exit_code == 0 and f"Wrote {path}" in result.output
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Instructions", "Meeting", "Agenda"]
    heading = [c.value for c in book["Agenda"][1]]
    assert heading == ["Number", "Title", "Presenter", "Purpose", "Time", "Part", "Late",
                       "Paper", "Previous"]
    lists = {str(v.sqref): v.formula1 for v in book["Agenda"].data_validations.dataValidation}
    assert lists == {"D2:D200": '"note,discuss,approve,assurance"',
                     "F2:F200": '"public,private"', "G2:G200": '"Yes,No"'}
    assert book["Agenda"]["A2"].number_format == "@"  # item numbers kept as typed
    make_pdf(tmp_path / "finance-report.pdf", "x")
    make_pdf(tmp_path / "contract-award.pdf", "y")
    (tmp_path / "my-paper.xlsx").write_bytes(b"")
    excel = load_agenda(path)
    (tmp_path / "agenda.yaml").unlink(missing_ok=True)
    assert run_cli("init-agenda", tmp_path / "agenda.yaml").exit_code == 0
    yaml_agenda = load_agenda(tmp_path / "agenda.yaml")
    for field in ("organisation", "meeting", "date", "time", "venue", "chair",
                  "contact_name", "contact_email", "contact_phone", "front_matter",
                  "dividers"):
        assert getattr(excel, field) == getattr(yaml_agenda, field), field
    assert excel.items == [  # the same items; a paper's problems point at its cell
        type(i)(**{**i.__dict__, "place": f"Agenda!{'H' if i.paper else 'A'}{n}"})
        for n, i in enumerate(yaml_agenda.items, start=2)]
    assert "already exists" in run_cli("init-agenda", path).output
    wrong = run_cli("init-agenda", tmp_path / "agenda.txt")
    assert wrong.exit_code == 1
    assert "name the agenda *.yaml (YAML) or *.xlsx (Excel)" in wrong.output


def test_excel_agenda_errors_name_their_cells(papers):
    book = _excel_agenda(
        [["Board agenda"], [], ["Number", "Title", "Purpose", "Late", "Paper", "Papr"],
         ["1", "Minutes", "Note", "No", "minutes.pdf", None],
         [7.1, "Finance", "rubber", "maybe", "notes.docx", None],
         ["7.1", None, None, None, None, None]],
        meeting=[["Field", "Value"], ["Organisation", "Org"], ["Meeting", "Board"],
                 ["Date", "31/02/2026"], ["Venu", "Room 1"]])
    book["Agenda"]["A7"] = __import__("datetime").datetime(2026, 1, 7)
    book["Agenda"].append(["8", "Locked paper", None, None, "locked.pdf"])
    with pikepdf.open(papers / "minutes.pdf") as pdf:
        pdf.save(papers / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="u"))
    book.save(papers / "agenda.xlsx")
    output = refused(papers / "agenda.xlsx", papers / "out")
    for text in [
            "Meeting!A5: 'Venu' is not a Meeting field (did you mean 'Venue'?)",
            "Agenda!F3: column 'Papr' is not an agenda column (did you mean 'Paper'?)",
            "Meeting!B4: \"31/02/2026\" is not a real date",
            "Agenda!C5: Purpose 'rubber' is not allowed (use one of note, discuss, approve, "
            "assurance)",
            "Agenda!D5: Late 'maybe' should be true or false",
            "Agenda!E5: Paper 'notes.docx' is a word-processor document",
            "Agenda!A6: item number 7.1 is used twice (also at Agenda!A5)",
            "Agenda!B6: Title is required",
            "Agenda!A7: Number is a date (07/01/2026), not text (Excel turned what was "
            "typed into a date: format the cell as Text and type it again)",
            "Agenda!E8: locked.pdf is password-protected (save an unprotected copy"]:
        assert text in output, text
    assert "items #" not in output


def test_pack_help_says_the_agenda_may_be_yaml_or_excel():
    result = run_cli("pack", "--help")
    assert "AGENDA, YAML (agenda.yaml) or an Excel workbook" in " ".join(result.output.split())
    assert "--strict" in result.output


# -- the cover ---------------------------------------------------------------------------


def test_cover_has_the_contact_line_and_the_organisations_logo(papers):
    from PIL import Image

    style = papers / "style"
    style.mkdir()
    Image.new("RGB", (300, 90), "#005EB8").save(style / "logo.png")
    (style / "theme.yaml").write_text("logo: logo.png\nlogo_alt: NHS Example ICB logo\n")
    agenda = write_agenda(papers, '  - number: "1"\n    title: Minutes\n    paper: minutes.pdf\n',
                          meeting="contact_name: Jo Clerk, Board Secretary\n"
                                  "contact_email: jo.clerk@example.nhs.uk\n"
                                  "contact_phone: 01234 567890\n")
    result = run_cli("pack", agenda, "-o", papers / "out", "--templates", style)
    assert result.exit_code == 0, result.output
    pdf = papers / "out" / "board-meeting-2026-01-14-public.pdf"
    cover = page_texts(pdf)[0]
    assert ("Contact Jo Clerk, Board Secretary · jo.clerk@example.nhs.uk · 01234 567890"
            in cover)
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages[0].images) == 1
    with pikepdf.open(pdf) as doc:
        alts = [str(e.get("/Alt")) for e in _elements(doc.Root.StructTreeRoot)
                if e.get("/S") == pikepdf.Name.Figure]
    assert "NHS Example ICB logo" in alts
    assert run_cli("check", pdf).exit_code == 0
    bad = write_agenda(papers, '  - number: "1"\n    title: Minutes\n',
                       meeting="contact_email: jo.clerk at nhs\n")
    assert ("meeting: 'contact_email: jo.clerk at nhs' is not an email address"
            in refused(bad, papers / "out2"))


def _elements(node):
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _elements(kid)


def test_every_agenda_link_in_the_example_pack_lands_on_its_own_item(tmp_path):
    from conftest import ROOT

    result = run_cli("pack", ROOT / "data" / "pack" / "agenda.yaml", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(
        "2 papers from outside the agenda folder: ../dorset-od-framework-2018.xlsx, "
        "../dorset-od-framework-2018-05.xlsx (previous))")
    assert "Warning" not in result.output  # its papers' cover sheets match the agenda
    pdf = tmp_path / "governing-body-meeting-2018-11-14-public.pdf"
    texts = page_texts(pdf)
    links = agenda_links(pdf)
    assert sorted(links) == ["10", "2", "7.1", "7.2", "8", "9"]
    for number, page in links.items():
        first = next(i for i, t in enumerate(texts) if f"Item {number} · Governing Body" in t)
        assert page == first, (number, page, first)


def test_excel_sheets_are_found_however_spelled_and_notes_beside_fields_are_named(papers):
    book = _excel_agenda([["number", "title", "PART", "paper"],
                          ["1", "Minutes", "public", "minutes.pdf"]],
                         meeting=[["Field", "Value"], ["Organisation", "Org"],
                                  ["Meeting", "Board Meeting", "check with the chair"],
                                  ["Meeting date", "14/01/2026"]])
    book["Meeting"].title = "meeting "
    book["Agenda"].title = "x"  # openpyxl refuses a new case of the same name directly
    book["x"].title = "AGENDA"
    book.save(papers / "agenda.xlsx")
    output = refused(papers / "agenda.xlsx", papers / "out", "--strict")
    assert ("Meeting!C3: only columns A (Field) and B (Value) are read; this is ignored "
            "(move it into column B, or delete it; a warning, which --strict treats as an "
            "error)") in output
    result = run_cli("pack", papers / "agenda.xlsx", "-o", papers / "out")
    assert result.exit_code == 0, result.output
    assert "Warning: Meeting!C3: only columns A (Field) and B (Value) are read" in result.output
    (papers / "agenda.xls").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512)
    output = refused(papers / "agenda.xls", papers / "out2")
    assert "agenda.xls: is an old Excel 97-2003 (.xls) file" in output


def test_a_key_written_without_its_value_is_not_taken_as_the_default(papers):
    agenda = write_agenda(papers, '  - number: "12"\n    title: Contract\n    part:\n'
                          '    paper: contract.pdf\n  - number: "13"\n    title: Later\n'
                          "    paper:\n")
    output = refused(agenda, papers / "out")
    assert "item 12: 'part' is empty (write part: public or part: private)" in output
    fixed = write_agenda(papers, '  - number: "13"\n    title: Later\n    paper:\n')
    result = run_cli("pack", fixed, "-o", papers / "out")
    assert result.exit_code == 0, result.output
    assert ("Warning: item 13: 'paper' is empty, so this is a verbal item (name the "
            "paper's file, or delete the line)") in result.output


def test_a_papers_own_workbook_warnings_are_shown_with_its_file(tmp_path):
    from workbooks import PAPER, paper_workbook

    paper_workbook(tmp_path / "od.xlsx", paper={**PAPER, "Sponser": "Someone"})
    agenda = write_agenda(tmp_path, '  - number: "9"\n    title: Test Framework Update\n'
                          "    paper: od.xlsx\n").read_text()
    (tmp_path / "agenda.yaml").write_text(
        agenda.replace("meeting: Board Meeting", "meeting: Governing Body Meeting")
        .replace("2026-01-14", "2018-11-14"))
    output = refused(tmp_path / "agenda.yaml", tmp_path / "out", "--strict")
    assert re.search(r"od\.xlsx: Paper!A\d+: item 9: \"Sponser\" is not a built-in Paper "
                     r"field; it is printed on the cover as a field of its own \(did you mean "
                     r"'Sponsor'\?; a warning, which --strict treats as an error\)", output)
    result = run_cli("pack", tmp_path / "agenda.yaml", "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert re.search(r"Warning: od\.xlsx: Paper!A\d+: item 9: \"Sponser\" is not a built-in "
                     r"Paper field; it is printed on the cover as a field of its own \(did you "
                     r"mean 'Sponsor'\?\)\n", result.output), result.output
    assert result.output.count("Warning:") == 1  # its cover sheet matches the agenda
