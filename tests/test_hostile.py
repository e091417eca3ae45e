"""Hostile and broken inputs (issue 14): each file is made here the way an attacker
would, run through the CLI, and must end quickly, in bounded memory, with a clean
message naming the file and place, exit 1, no traceback and nothing written."""

from __future__ import annotations

import io
import os
import re
import resource
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli
from workbooks import paper_workbook

import reportgen.workbook.reader

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def rewrite_part(path: Path, part: str, change) -> Path:
    """Rewrite one part of an .xlsx (as an attacker would, with a zip tool)."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == part:
                data = change(data)
            target.writestr(info.filename, data)
    return path


def sheet_part(path: Path, sheet: str) -> str:
    """The zip part of a sheet (openpyxl writes them in order: sheet1.xml, ...)."""
    import openpyxl

    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"


def refused(result, expected: str, out: Path) -> None:
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output
    assert "Traceback" not in result.output and "bug" not in result.output
    assert not out.exists() or not any(out.iterdir())


def run_limited(args: list[str], seconds: float = 10, memory_mb: int = 500):
    """Run the CLI in a child process with a memory limit; fail if it takes too long."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20 * 3, memory_mb * 2**20 * 3))

    start = time.monotonic()
    process = subprocess.run([sys.executable, "-m", "reportgen", *args], env=ENV,
                             capture_output=True, text=True, timeout=seconds,
                             preexec_fn=limit)
    return process, time.monotonic() - start


def peak_rss_mb_of_children() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


# ---------------------------------------------------------------------------------------
# Small files that take the machine


def far_cell_workbook(path: Path, ref: str) -> Path:
    """A complete paper whose Actions sheet also has one value at ``ref``."""
    paper_workbook(path)
    return rewrite_part(path, sheet_part(path, "Actions"), lambda xml: xml.replace(
        b"</sheetData>", f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">'
        f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'.encode()))


@pytest.mark.parametrize(("ref", "expected"), [
    ("XFD1048576", "Actions: its cells reach XFD1048576: from A1 that is 1,048,576 rows × "
     "16,384 columns (17,179,869,184 cells), over the 2,000,000-cell limit; it is not read"),
    ("ZZ100000", "Actions: its cells reach ZZ100000: from A1 that is 100,000 rows × 702 "
     "columns (70,200,000 cells), over the 2,000,000-cell limit; it is not read"),
])
def test_one_far_cell_is_refused_before_anything_is_allocated(tmp_path, ref, expected):
    path = far_cell_workbook(tmp_path / "far.xlsx", ref)
    assert path.stat().st_size < 20_000
    out = tmp_path / "out"
    for command in (["validate", "--format", "json", str(path)],
                    ["build", str(path), "-o", str(out)]):
        process, seconds = run_limited(command)
        output = process.stdout + process.stderr
        assert process.returncode == 1, output
        assert expected.split(": ", 1)[1] in output, output
        assert "Traceback" not in output
        assert seconds < 10
    assert peak_rss_mb_of_children() < 500
    assert not out.exists()


def test_a_sparse_sheet_within_the_limit_is_read(tmp_path):
    path = far_cell_workbook(tmp_path / "sparse.xlsx", "Z5000")  # 130,000 cells
    result = run_cli("validate", path)
    assert result.exit_code == 0, result.output


def test_cells_without_positions_count_towards_the_limit(tmp_path, monkeypatch):
    # 3,000 rows with no r="" and 1,000 cells with none: calamine places each after
    # the one before, so the sheet reaches 3,000+ rows × 1,000+ columns.
    monkeypatch.setattr(reportgen.workbook.reader, "MAX_SHEET_CELLS", 1_000_000)
    path = paper_workbook(tmp_path / "unplaced.xlsx")
    filler = b"<row>" + b"<c/>" * 1000 + b"</row>" + b"<row><c/></row>" * 3000
    rewrite_part(path, sheet_part(path, "Actions"),
                 lambda xml: xml.replace(b"</sheetData>", filler + b"</sheetData>"))
    refused(run_cli("build", path, "-o", tmp_path / "out"),
            "Actions: its cells reach EXD3007: from A1 that is 3,007 rows × 4,008 columns "
            "(12,052,056 cells), over the 1,000,000-cell limit", tmp_path / "out")


def test_comment_crafted_for_a_quadratic_scan_is_read_in_linear_time(tmp_path):
    # 32,000 unclosed <c r="A1"> inside a comment, and a formula so the scan runs.
    path = paper_workbook(tmp_path / "slow.xlsx")
    trap = b"<!--" + b'<c r="A1"><f>1</f>' * 32_000 + b"-->"
    rewrite_part(path, sheet_part(path, "Actions"),
                 lambda xml: xml.replace(b"<sheetData>", trap + b"<sheetData>")
                 .replace(b'<c r="H2" t="inlineStr"><is><t>Launch planned.</t></is></c>',
                          b'<c r="H2"><f>1+1</f></c>'))
    assert path.stat().st_size < 20_000
    start = time.monotonic()
    result = run_cli("build", path, "-o", tmp_path / "out")
    assert time.monotonic() - start < 10
    assert result.exit_code == 1, result.output
    assert ("Actions!H2: formula has no calculated value (the file was saved by a program, "
            "not Excel)") in result.output
    assert "Actions!A1: formula" not in result.output  # nothing inside the comment counts


@pytest.mark.parametrize(("make", "expected"), [
    (lambda p: os.mkfifo(p), "is a pipe (FIFO), not a regular file; it is not read"),
    (lambda p: p.symlink_to("/dev/zero"), "is a device, not a regular file; it is not read"),
])
def test_workbook_argument_that_is_not_a_regular_file(tmp_path, make, expected):
    path = tmp_path / "paper.xlsx"
    make(path)
    out = tmp_path / "out"
    for command in (["validate", "--format", "json", str(path)],
                    ["build", str(path), "-o", str(out)]):
        process, seconds = run_limited(command, seconds=10)
        output = process.stdout + process.stderr
        assert process.returncode == 1, output
        assert expected in output, output
        assert seconds < 10
    assert not out.exists()


def test_workbook_over_the_size_limit_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(reportgen.workbook.reader, "MAX_WORKBOOK_BYTES", 1000)
    path = paper_workbook(tmp_path / "big.xlsx")
    size = path.stat().st_size
    refused(run_cli("build", path, "-o", tmp_path / "out"),
            f"big.xlsx: is {size:,} bytes, over the 1,000 bytes limit for a workbook; "
            "it is not read", tmp_path / "out")


def test_yaml_alias_bomb_agenda_is_refused_at_once(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    agenda = tmp_path / "agenda.yaml"
    agenda.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert agenda.stat().st_size < 600
    process, seconds = run_limited(["pack", str(agenda), "-o", str(tmp_path / "out")])
    assert seconds < 10
    assert process.returncode == 1, process.stderr
    assert ("agenda.yaml:\n  line 2: is not valid YAML (aliases (*a0) are not allowed in "
            "reportgen files; write the value out in full)") in process.stderr, process.stderr
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------------
# Files read that must not be: theme.yaml's logo, template symlinks


def png(width: int = 1, height: int = 1) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


def build_with_theme(tmp_path: Path, theme: str, **files) -> tuple:
    style = tmp_path / "style"
    style.mkdir(exist_ok=True)
    (style / "theme.yaml").write_text(theme, encoding="utf-8")
    for name, make in files.items():
        make(style / name)
    out = tmp_path / "out"
    result = run_cli("build", paper_workbook(tmp_path / "paper.xlsx"), "-o", out,
                     "--templates", style, "--html")
    return result, style, out


@pytest.mark.parametrize(("logo", "files", "expected"), [
    ("../../../../../../etc/passwd", {},
     "'../../../../../../etc/passwd' leads to /etc/passwd, outside the template folder"),
    ("/etc/hostname", {}, "'/etc/hostname' leads to /etc/hostname, outside the template"),
    ("logo.png", {"logo.png": lambda p: p.symlink_to("/etc/hostname")},
     "'logo.png' leads to /etc/hostname, outside the template folder"),
    ("logo.png", {"logo.png": lambda p: p.write_text("root:x:0:0:root:/root:/bin/bash\n")},
     "logo 'logo.png' is not an image Pillow can read (UnidentifiedImageError); use a PNG "
     "or JPEG file"),
    ("logo.png", {"logo.png": lambda p: os.mkfifo(p)},
     "logo 'logo.png': is a pipe (FIFO), not a regular file; it is not read"),
])
def test_theme_logo_outside_the_folder_or_not_an_image_is_refused(tmp_path, logo, files,
                                                                    expected):
    result, style, out = build_with_theme(tmp_path, f"logo: {logo}\n", **files)
    refused(result, f"Error: {style / 'theme.yaml'}: {expected}", out)
    assert "root:" not in result.output


def test_huge_logo_is_refused_not_silently_dropped(tmp_path, monkeypatch):
    # The limit is 25 megapixels; a 2,000 × 1,000 logo against 1 megapixel is the same check.
    import reportgen.render.theme

    monkeypatch.setattr(reportgen.render.theme, "MAX_LOGO_PIXELS", 1_000_000)
    result, _style, out = build_with_theme(
        tmp_path, "logo: big.png\n", **{"big.png": lambda p: p.write_bytes(png(2000, 1000))})
    refused(result, "logo 'big.png' is 2,000 × 1,000 pixels (2 megapixels), over the "
            "1-megapixel limit; it is not used", out)


def test_decompression_bomb_logo_is_an_error(tmp_path):
    # 20,000 × 20,000 (400 megapixels) compresses to a few tens of kilobytes.
    result, _style, out = build_with_theme(
        tmp_path, "logo: bomb.png\n", **{"bomb.png": lambda p: p.write_bytes(png(20000, 20000))})
    refused(result, "logo 'bomb.png' is too large an image (Image size (400000000 pixels) "
            "exceeds limit", out)


def test_a_real_logo_inside_the_folder_is_embedded(tmp_path):
    result, _style, out = build_with_theme(
        tmp_path, "logo: art/logo.png\n",
        art=lambda p: p.mkdir(), **{"art/logo.png": lambda p: p.write_bytes(png(40, 20))})
    assert result.exit_code == 0, result.output
    twin = (out / "test-framework-update-2018-2019.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in twin


def test_theme_yaml_alias_bomb_is_refused(tmp_path):
    theme = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
    result, _style, out = build_with_theme(tmp_path, theme)
    refused(result, "theme.yaml: not valid YAML (aliases (*a) are not allowed in reportgen "
            "files", out)


def test_template_symlink_out_of_the_folder_is_refused(tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_text("SECRET-CONTENT", encoding="utf-8")
    style = tmp_path / "style"
    style.mkdir()
    (style / "partials").mkdir()
    (style / "partials" / "signoff.html").symlink_to(secret)
    out = tmp_path / "out"
    result = run_cli("build", paper_workbook(tmp_path / "paper.xlsx"), "-o", out,
                     "--templates", style)
    refused(result, f"template 'partials/signoff.html' ({style / 'partials/signoff.html'}) "
            f"leads to {secret}, outside the template folders; it is not read", out)
    assert "SECRET" not in result.output


# ---------------------------------------------------------------------------------------
# Clean errors, not "This is a bug"


@pytest.mark.parametrize(("doctype", "label"), [
    ('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', "xxe-file"),
    ('<!DOCTYPE x [<!ENTITY e SYSTEM "http://example.invalid/x">]>', "xxe-url"),
    ('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
     '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>', "billion-laughs"),
])
def test_dtd_in_sheet_xml_is_refused_naming_the_part(tmp_path, doctype, label):
    path = paper_workbook(tmp_path / f"{label}.xlsx")
    part = sheet_part(path, "Sections")
    rewrite_part(path, part, lambda xml: doctype.encode() + xml.replace(
        b"<t>First paragraph.</t>", b"<t>&e;&c;</t>" if "ENTITY e" not in doctype
        else b"<t>&e;</t>").replace(b"&c;", b"" if "ENTITY c" not in doctype else b"&c;"))
    out = tmp_path / "out"
    refused(run_cli("build", path, "-o", out),
            f"{label}.xlsx: part {part} declares a DTD or entities, which Excel never "
            "writes", out)
    assert "root:" not in run_cli("validate", path).output


def test_zip_entry_lying_about_its_size_is_refused_naming_the_part(tmp_path):
    path = paper_workbook(tmp_path / "liar.xlsx")
    part = sheet_part(path, "Sections")
    rewrite_part(path, part, lambda xml: xml + b" " * 200_000)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part)
    # Claim 1,000 bytes in both the local header and the central directory.
    local = info.header_offset
    data[local + 22:local + 26] = (1000).to_bytes(4, "little")
    central = data.find(b"PK\x01\x02")
    while not data[central + 46:].startswith(part.encode()):
        central = data.find(b"PK\x01\x02", central + 4)
    data[central + 24:central + 28] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    out = tmp_path / "out"
    refused(run_cli("build", path, "-o", out),
            f"liar.xlsx: part {part} is damaged or not what its header says", out)


def test_extract_of_an_attachment_that_inflates_without_end_is_capped(tmp_path, monkeypatch):
    # The real cap is 200 MB; 8 MB of zeros (8 KB compressed) against 1 MB is the same check.
    import pikepdf

    import reportgen.pdf.extract

    monkeypatch.setattr(reportgen.pdf.extract, "MAX_ATTACHMENT_BYTES", 2**20)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments["paper.xlsx"] = pikepdf.AttachedFileSpec(pdf, b"\0" * 8 * 2**20)
    path = tmp_path / "bomb.pdf"
    pdf.save(path)
    assert path.stat().st_size < 100_000
    out = tmp_path / "out"
    result = run_cli("extract", path, "-o", out)
    refused(result, "bomb.pdf: embedded file 'paper.xlsx' would unpack to more than 1 MB (it "
            "is ", out)
    assert "bytes compressed), over the limit; nothing was extracted" in result.output
    # Within the limit it is extracted, byte for byte.
    monkeypatch.setattr(reportgen.pdf.extract, "MAX_ATTACHMENT_BYTES", 9 * 2**20)
    assert run_cli("extract", path, "-o", out).exit_code == 0
    assert (out / "paper.xlsx").read_bytes() == b"\0" * 8 * 2**20


def test_control_characters_from_excel_escapes_are_refused_naming_the_cell(tmp_path):
    # openpyxl writes "_x001B_" as typed; Excel and calamine read it as the ESC character.
    path = paper_workbook(tmp_path / "esc.xlsx", sections=[
        [1, "Intro", None, None, "Text _x001B_[2J then _x0000_ NUL."]])
    out = tmp_path / "out"
    refused(run_cli("build", path, "-o", out, "--html"),
            "Sections!E2: contains control characters U+0000, U+001B, which cannot be "
            "printed (delete them (Excel may show it as _x0000_, or not at all) and save "
            "again)", out)


def test_right_to_left_override_in_a_title_is_a_warning(tmp_path):
    path = paper_workbook(tmp_path / "rlo.xlsx",
                          paper={"Title": "Quarterly update \u202efdp.exe"})
    result = run_cli("build", path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert ("Warning: Paper!B6: contains U+202E RIGHT-TO-LEFT OVERRIDE, which can make the "
            "text display differently from how it is stored") in result.output
    assert run_cli("validate", path, "--strict").exit_code == 1


def test_a_10000_character_word_is_broken_onto_the_page_with_a_warning(tmp_path):
    from pdftext import page_texts

    word = "".join(f"{i % 10}" for i in range(10_000))
    path = paper_workbook(tmp_path / "long.xlsx", sections=[
        [1, "Intro", None, None, word]], actions=[
        ["G1", "Theme 1", "Action " + word[:3000], None, "Lead", "31/01/2019", "On track",
         None]])
    result = run_cli("build", path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert ("Warning: Sections!E2: is 10,000 characters long, over 8,000") in result.output
    assert ('Warning: Sections!E2: has a 10,000-character word with no spaces '
            '("01234567890123456789…"); it is broken wherever it reaches the edge'
            ) in result.output
    assert "Warning: Actions!C2: has a 3,000-character word" in result.output
    text = "".join("".join(page_texts(
        tmp_path / "out" / "test-framework-update-2018-2019.pdf")).split())
    # Without the running header and footer, which fall between the word's pages.
    text = re.sub(r"NHSTestClinicalCommissioningGroupPage\d+of\d+|GoverningBodyMeeting·"
                  r"14November2018Item9", "", text)
    assert word in text, "every character of the word is on the page"
    assert word[:3000] in text, "and every character of the action's word"


def test_dollars_in_theme_and_metric_names_print_as_typed(tmp_path):
    from pdftext import page_texts

    path = paper_workbook(
        tmp_path / "money.xlsx", sections=[[1, "Intro", None, None, "Text."]],
        actions=[["G1", "Budget $5m and $3m", "Act", None, "Lead", "31/01/2019", "On track",
                  None],
                 ["G2", r"Theme $\foo{x}$", "Act", None, "Lead", "31/01/2019", "Complete",
                  None]],
        metrics=[[r"Spend $\frac{a}{b}$ $5m", "Apr 2018", 10, 100, "staff", None, None],
                 [r"Spend $\frac{a}{b}$ $5m", "Oct 2018", 20, 100, "staff", None, None]])
    out = tmp_path / "out"
    result = run_cli("build", path, "-o", out, "--html")
    assert result.exit_code == 0, result.output
    text = "\n".join(page_texts(out / "test-framework-update-2018-2019.pdf"))
    assert "Budget $5m and $3m" in text and r"Theme $\foo{x}$" in text
    twin = (out / "test-framework-update-2018-2019.html").read_text(encoding="utf-8")
    import base64

    svgs = [base64.b64decode(m).decode() for m in
            re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", twin)]
    assert any("Budget $5m and $3m" in svg for svg in svgs), "the chart's label as typed"
    assert any(r"Spend $\frac{a}{b}$ $5m" in svg for svg in svgs)


@pytest.mark.parametrize(("title", "name"), [
    ("事業報告", "事業報告.pdf"), ("تقرير", "تقرير.pdf"),
    ("Café Strategy – Ŵyl 2019", "cafe-strategy-wyl-2019.pdf"),
    ("../../etc/passwd", "etc-passwd.pdf"),
])
def test_titles_in_any_script_keep_their_letters_in_the_file_name(tmp_path, title, name):
    out = tmp_path / "out"
    result = run_cli("build", paper_workbook(tmp_path / "p.xlsx", paper={"Title": title}),
                     "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [name]


def test_two_titles_that_give_one_file_name_are_not_replaced_in_silence(tmp_path):
    out = tmp_path / "out"
    first = run_cli("build", paper_workbook(tmp_path / "a.xlsx", paper={"Title": "???"}),
                    "-o", out)
    assert first.exit_code == 0 and "Warning" not in first.output, first.output
    second = run_cli("build", paper_workbook(tmp_path / "b.xlsx", paper={"Title": "!!!"}),
                     "-o", out)
    assert second.exit_code == 0, second.output
    assert ("Warning: Paper: paper.pdf held the paper '???'; it is replaced by '!!!', whose "
            "title gives the same file name (give the papers titles that differ in their "
            "letters or digits)") in second.output
    again = run_cli("build", tmp_path / "b.xlsx", "-o", out)
    assert "Warning" not in again.output  # the same paper again replaces itself quietly


# ---------------------------------------------------------------------------------------
# All or nothing, and nothing left behind

STEM = "test-framework-update-2018-2019"


def outputs_of(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def changed_workbook(path: Path) -> Path:
    return paper_workbook(path, paper={"Recommendation": "The Board is asked to approve."})


def test_a_failed_write_of_the_twin_keeps_every_old_file(tmp_path):
    out = tmp_path / "out"
    workbook = paper_workbook(tmp_path / "paper.xlsx")
    assert run_cli("build", workbook, "-o", out, "--html", "--manifest").exit_code == 0
    before = outputs_of(out)
    assert sorted(before) == [f"{STEM}.html", f"{STEM}.manifest.json", f"{STEM}.pdf"]
    # The twin's temporary cannot be created: the OS refuses (a folder is in the way).
    blocker = out / f".reportgen-{os.getpid()}-new-{STEM}.html.tmp"
    blocker.mkdir()
    result = run_cli("build", changed_workbook(workbook), "-o", out, "--html", "--manifest")
    assert result.exit_code == 1, result.output
    assert (f"Error: could not write {out / (STEM + '.html')}: File exists; nothing was "
            "replaced (the previous files are kept)") in result.output
    assert "Traceback" not in result.output
    assert outputs_of(out) == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [blocker.name]


def test_a_full_disk_while_writing_keeps_every_old_file(tmp_path):
    # A real write failure from the OS: the largest output exceeds the file-size limit
    # (RLIMIT_FSIZE), as it would a full disk, after the smaller ones were written.
    out = tmp_path / "out"
    workbook = paper_workbook(tmp_path / "paper.xlsx")
    command = [sys.executable, "-m", "reportgen", "build", str(workbook), "-o", str(out),
               "--html", "--manifest", "--jobs", "1"]
    subprocess.run(command, check=True, capture_output=True, env=ENV)
    before = outputs_of(out)
    largest = max(before, key=lambda name: len(before[name]))
    limit = sorted(len(data) for data in before.values())[-2] + 1024

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    changed_workbook(workbook)
    process = subprocess.run(command, capture_output=True, text=True, env=ENV,
                             preexec_fn=small_files)
    assert process.returncode == 1, process.stderr
    assert (f"Error: could not write {out / largest}: File too large; nothing was replaced "
            "(the previous files are kept)") in process.stderr
    assert "Traceback" not in process.stderr
    assert outputs_of(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".reportgen-")]


def test_temporaries_of_a_killed_build_are_removed_whatever_their_age(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    killed = out / f".reportgen-{dead.pid}-new-{STEM}.pdf.tmp"
    killed.write_bytes(b"%PDF-1.7 half a file")
    running = out / f".reportgen-1-new-{STEM}.pdf.tmp"  # pid 1 is alive: another build's
    running.write_bytes(b"%PDF-1.7 being written")
    result = run_cli("build", paper_workbook(tmp_path / "paper.xlsx"), "-o", out)
    assert result.exit_code == 0, result.output
    assert not killed.exists()
    assert running.exists()


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def long_tracker(path: Path) -> Path:
    from test_safe_output import _many_actions

    return paper_workbook(path, actions=_many_actions(400))


def start_build(tmp_path: Path) -> tuple[subprocess.Popen, set[int]]:
    workbook = long_tracker(tmp_path / "long.xlsx")
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "build", str(workbook), "-o",
         str(tmp_path / "out"), "--jobs", "2"], env=ENV, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 30
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:
        time.sleep(0.2)
        workers = {pid for pid in children_of(process.pid) if alive(pid)}
    assert len(workers) >= 2, "the build started its layout workers"
    time.sleep(1.5)  # mid-layout
    assert process.poll() is None
    return process, workers


def wait_gone(pids: set[int], seconds: float = 10) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.1)
    return {pid for pid in pids if alive(pid)}


def test_layout_workers_die_with_a_killed_build(tmp_path):
    process, workers = start_build(tmp_path)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert wait_gone(workers) == set(), "no layout worker outlives its build"
    assert not (tmp_path / "out").exists() or not any(
        p for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))


def test_ctrl_c_stops_the_workers_without_their_tracebacks(tmp_path):
    process, workers = start_build(tmp_path)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal sends it: to the whole group
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert stderr.strip() == "Interrupted: nothing was written.", stderr
    assert wait_gone(workers) == set()


CRASH_IN_IMPORT = """
import os, signal, time
from reportgen import cli

@cli.cli.command(cls=cli.Command)
def crash():
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(10)
    except KeyboardInterrupt:  # as a C extension does when Ctrl-C comes in its import
        raise ImportError("initialization failed") from None

cli.main()
"""


def test_ctrl_c_during_an_import_is_an_interruption_not_a_bug():
    # Seen on a loaded machine: Ctrl-C while WeasyPrint's libraries were being imported
    # printed "unexpected ImportError: initialization failed. This is a bug".
    process = subprocess.run([sys.executable, "-c", CRASH_IN_IMPORT, "crash"], env=ENV,
                             capture_output=True, text=True, timeout=60)
    assert process.returncode == 130, process.stderr
    assert process.stderr.strip() == "Interrupted: nothing was written."


def test_the_same_paper_gives_the_same_bytes_whatever_jobs_is(tmp_path):
    from test_safe_output import _many_actions

    workbook = paper_workbook(tmp_path / "paper.xlsx", actions=_many_actions(120))
    built = {}
    for jobs in ("1", "2", "3"):
        out = tmp_path / f"jobs{jobs}"
        result = run_cli("build", workbook, "-o", out, "--jobs", jobs)
        assert result.exit_code == 0, result.output
        built[jobs] = (out / f"{STEM}.pdf").read_bytes()
    assert built["1"] == built["2"] == built["3"]
