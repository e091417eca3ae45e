"""The pack cache cannot lie: tampered, truncated or swapped entries are rebuilt (and
said so), concurrent builds do not corrupt it, and `reportgen cache prune` removes only
its own old files. Every pack here is read back and compared with a build without the
cache."""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, run_cli
from pdftext import page_texts

from reportgen.pack.store import CACHE_FOLDER, Entry, read_entry, size_text, write_entry

NAME = "governing-body-meeting-2018-11-14-public.pdf"
PRIVATE = "governing-body-meeting-2018-11-14-private.pdf"
DAY = 86400


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A copy of data/, so the agenda's papers are real files a test cannot spoil."""
    base = tmp_path_factory.mktemp("cache")
    shutil.copytree(ROOT / "data", base / "data")
    return base


@pytest.fixture(scope="module")
def agenda(folder):
    return folder / "data" / "pack" / "agenda.yaml"


@pytest.fixture(scope="module")
def reference(folder, agenda):
    """The public pack built without the cache: what every rebuilt pack must equal."""
    out = folder / "reference"
    result = run_cli("pack", agenda, "-o", out, "--no-cache")
    assert result.exit_code == 0, result.output
    assert not (out / CACHE_FOLDER).exists()
    return out / NAME


@pytest.fixture(scope="module")
def reference_texts(reference):
    return page_texts(reference)


@pytest.fixture(scope="module")
def warm(folder, agenda, reference):
    """An output folder whose cache holds the public pack, its frame and 3 papers."""
    out = folder / "warm"
    result = run_cli("pack", agenda, "-o", out)
    assert result.exit_code == 0, result.output
    assert "3 papers rendered, 0 reused" in result.output
    assert (out / NAME).read_bytes() == reference.read_bytes()
    return out


def records(cache: Path) -> dict[str, tuple[Path, dict, Path]]:
    """"paper 9", "frame", "pack" -> (record file, record, content file)."""
    found = {}
    for path in sorted(cache.glob("*-*.json")):
        record = json.loads(path.read_text())
        name = f"paper {record['item']}" if record["kind"] == "paper" else record["kind"]
        found[name] = (path, record, cache / f"content-{record['sha256']}.pdf")
    return found


def copy_of_warm(warm: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(warm / CACHE_FOLDER, out / CACHE_FOLDER)  # keeps modification times
    return out


def assert_clean(result) -> None:
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "This is a bug" not in result.output


def wrote(result) -> tuple[Path, int, str]:
    """The pack, page count and rest of the CLI's "Wrote … (N pages; …)" line."""
    match = re.search(r"^Wrote (.+\.pdf) \((\d+) pages; (.+)\)$", result.output, re.M)
    assert match, result.output
    # The example's item 9 is a workbook from outside the agenda's folder, named after "; ".
    return Path(match[1]), int(match[2]), match[3].split("; ")[0]


def rebuild_and_check(agenda, out, reference, messages, rebuilt):
    """Build again; the pack must be the no-cache pack, each message must be there once,
    the "Wrote" line true; and the next build finds the repaired cache whole."""
    reference, reference_texts = reference
    result = run_cli("pack", agenda, "-o", out)
    assert_clean(result)
    for message in [messages] if isinstance(messages, str) else messages:
        assert result.output.count(message) == 1, result.output
    assert result.output.count(": cached ") == (
        1 if isinstance(messages, str) else len(messages)), result.output
    pdf, pages, rest = wrote(result)
    texts = page_texts(pdf)
    assert pages == len(texts) == len(reference_texts)
    assert rest == rebuilt
    assert texts == reference_texts
    assert pdf.read_bytes() == reference.read_bytes()
    again = run_cli("pack", agenda, "-o", out)
    assert_clean(again)
    assert "unchanged since the last build" in again.output
    assert ": cached " not in again.output, again.output
    return texts


def swap_content(source: str, target: str):
    def tamper(cache):
        found = records(cache)
        shutil.copyfile(found[source][2], found[target][2])
    return tamper


def swap_record(source: str, target: str):
    def tamper(cache):
        found = records(cache)
        shutil.copyfile(found[source][0], found[target][0])
    return tamper


def truncate(name: str):
    def tamper(cache):
        content = records(cache)[name][2]
        data = content.read_bytes()
        content.write_bytes(data[: len(data) // 2])
    return tamper


def delete_content(name: str):
    def tamper(cache):
        records(cache)[name][2].unlink()
    return tamper


def garbage_record(name: str, data: bytes = b"{not json at all"):
    def tamper(cache):
        records(cache)[name][0].write_bytes(data)
    return tamper


def forge_unreadable(name: str):
    """Content that is not a PDF, with a record that vouches for it (hash and size)."""
    def tamper(cache):
        path, record, content = records(cache)[name]
        data = b"%PDF-1.7 this is not a PDF"
        sha = hashlib.sha256(data).hexdigest()
        (cache / f"content-{sha}.pdf").write_bytes(data)
        content.unlink()
        record.update(sha256=sha, size=len(data))
        path.write_text(json.dumps(record))
    return tamper


def edit_record(name: str, **changes):
    def tamper(cache):
        path, record, _ = records(cache)[name]
        record.update(changes)
        path.write_text(json.dumps(record))
    return tamper


def paper9_first_page(texts):
    return next(i for i, t in enumerate(texts) if "Item 9 · Governing Body" in t)


def several(*tampers):
    def tamper(cache):
        for one in tampers:
            one(cache)
    return tamper


PAPER_CASES = {
    "paper swapped for another's": (
        swap_content("paper 8", "paper 9"),
        "Item 9: cached paper did not match its record; laid out again", 1),
    "paper's record swapped for another's": (
        swap_record("paper 8", "paper 9"),
        "Item 9: cached paper did not match its record; laid out again", 1),
    "paper truncated": (
        truncate("paper 9"), "Item 9: cached paper was truncated; laid out again", 1),
    "paper missing, record garbage, not a PDF with a record forged to match": (
        several(delete_content("paper 8"), forge_unreadable("paper 9"),
                garbage_record("paper 10")),
        ["Item 8: cached paper was missing; laid out again",
         "Item 9: cached paper was not a readable PDF; laid out again",
         "Item 10: cached paper had a damaged record; laid out again"], 3),
}


@pytest.mark.parametrize("case", list(PAPER_CASES))
def test_a_tampered_cached_paper_is_laid_out_again(case, warm, agenda, reference,
                                                    reference_texts, tmp_path):
    tamper, messages, rendered = PAPER_CASES[case]
    out = copy_of_warm(warm, tmp_path)
    (records(out / CACHE_FOLDER)["pack"][0]).unlink()  # else the whole pack is reused
    tamper(out / CACHE_FOLDER)
    texts = rebuild_and_check(agenda, out, (reference, reference_texts), messages,
                              f"{rendered} paper{'s' * (rendered != 1)} rendered, "
                              f"{3 - rendered} reused")
    first = paper9_first_page(texts)
    assert "Organisational Development Framework Update 2018/2019" in texts[first]
    assert "Quality Report" not in texts[first]


FRAME_MESSAGE = "Pack: cached frame (cover, agenda and stamps) {}; laid out again"
FRAME_CASES = {
    "frame swapped for a paper": (swap_content("paper 8", "frame"),
                                  FRAME_MESSAGE.format("did not match its record")),
    "frame truncated": (truncate("frame"), FRAME_MESSAGE.format("was truncated")),
    "frame record garbage": (garbage_record("frame", b"[]"),
                             FRAME_MESSAGE.format("had a damaged record")),
}


@pytest.mark.parametrize("case", list(FRAME_CASES))
def test_a_tampered_cached_frame_is_laid_out_again(case, warm, agenda, reference,
                                                    reference_texts, tmp_path):
    tamper, message = FRAME_CASES[case]
    out = copy_of_warm(warm, tmp_path)
    (records(out / CACHE_FOLDER)["pack"][0]).unlink()
    tamper(out / CACHE_FOLDER)
    rebuild_and_check(agenda, out, (reference, reference_texts), message,
                      "0 papers rendered, 3 reused")


PACK_CASES = {
    # What was tried: another PDF copied over the cached pack became "the pack".
    "pack swapped for another PDF": (
        lambda cache: shutil.copyfile(ROOT / "data" / "pack" / "finance-report-m6.pdf",
                                      records(cache)["pack"][2]),
        "Pack: cached pack did not match its record; built again"),
    "pack truncated": (truncate("pack"), "Pack: cached pack was truncated; built again"),
    "pack record garbage": (garbage_record("pack"),
                            "Pack: cached pack had a damaged record; built again"),
    "pack record claims another page count": (
        edit_record("pack", pages=99), "Pack: cached pack did not match its record; built again"),
    "pack record's items garbage": (
        edit_record("pack", items=[["9", 500]]),
        "Pack: cached pack had a damaged record; built again"),
}


@pytest.mark.parametrize("case", list(PACK_CASES))
def test_a_tampered_cached_pack_is_built_again(case, warm, agenda, reference,
                                               reference_texts, tmp_path):
    tamper, message = PACK_CASES[case]
    out = copy_of_warm(warm, tmp_path)
    tamper(out / CACHE_FOLDER)
    rebuild_and_check(agenda, out, (reference, reference_texts), message,
                      "0 papers rendered, 3 reused")


def test_a_whole_cached_pack_reused_says_its_true_page_count(warm, agenda, tmp_path):
    out = copy_of_warm(warm, tmp_path)
    result = run_cli("pack", agenda, "-o", out)
    assert_clean(result)
    pdf, pages, rest = wrote(result)
    assert rest == "unchanged since the last build, reused"
    with pikepdf.open(pdf) as doc:
        assert len(doc.pages) == pages


# --- two builds at once -----------------------------------------------------------------


def test_packs_built_at_once_against_one_cache_are_right(agenda, reference, reference_texts,
                                                         tmp_path):
    """Three real processes — the public pack twice and the private one — start on
    one cold cache together, so each writes the same papers' entries at once."""
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "reportgen.cli", "pack", str(agenda), "-o", str(out),
               "--jobs", "1"]
    runs = [subprocess.Popen(command + extra, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
            for extra in ([], [], ["--part", "private"])]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (stdout, stderr) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, stdout + stderr
        assert "Traceback" not in stderr and "This is a bug" not in stderr
        assert ": cached " not in stderr, stderr
    assert page_texts(out / NAME) == reference_texts
    assert (out / NAME).read_bytes() == reference.read_bytes()
    private = page_texts(out / PRIVATE)
    assert f"({len(private)} pages;" in outputs[2][0]
    assert all("Not for publication" in text for text in private)
    assert any("This paper is commercially confidential" in text for text in private)
    cache = out / CACHE_FOLDER
    kinds = sorted(path.name.split("-")[0] for path in cache.glob("*.json"))
    assert kinds == ["frame", "frame", "pack", "pack", "paper", "paper", "paper"]
    for path in cache.glob("*.json"):
        kind, key = path.stem.split("-")
        assert isinstance(read_entry(cache, kind, key), Entry), path.name
    names = {path.name for path in cache.iterdir()}
    assert all(re.fullmatch(r"(paper|frame|pack)-[0-9a-f]{64}\.json|content-[0-9a-f]{64}"
                            r"\.pdf", name) for name in names), names  # no temporaries
    again = [run_cli("pack", agenda, "-o", out, *extra) for extra in ([], ["--part", "private"])]
    for result in again:
        assert_clean(result)
        assert "unchanged since the last build" in result.output


def _small_pdf(pages: int) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _hammer(args) -> list[str]:
    """Worker: write this process's version of one entry and read it back, many times."""
    cache, number, rounds = args
    data = _small_pdf(number + 1)
    seen = []
    for _ in range(rounds):
        assert write_entry(Path(cache), "paper", "a" * 64, data, number + 1) is None
        entry = read_entry(Path(cache), "paper", "a" * 64)
        if not isinstance(entry, Entry):
            seen.append(f"miss: {entry}")
        elif entry.data != _small_pdf(len(entry.shapes)):
            seen.append("an entry whose data is not the PDF its record names")
    return seen


def test_processes_writing_one_entry_at_once_never_read_a_wrong_one(tmp_path):
    """Four processes write different PDFs under one key while reading it back: every
    read is a whole PDF matching its record (the record is written after its content,
    and content is named by its hash), never a mixture, a miss or an error."""
    cache = tmp_path / CACHE_FOLDER
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_hammer, [(str(cache), n, 40) for n in range(4)])
    assert results == [[], [], [], []]
    assert isinstance(read_entry(cache, "paper", "a" * 64), Entry)
    assert not list(cache.glob(".reportgen-*"))


# --- reportgen cache prune --------------------------------------------------------------


def age(path: Path, days: float) -> None:
    when = time.time() - days * DAY
    os.utime(path, (when, when), follow_symlinks=False)


def test_prune_removes_only_old_cache_files_and_says_what(warm, agenda, reference, tmp_path):
    out = copy_of_warm(warm, tmp_path)
    cache = out / CACHE_FOLDER
    result = run_cli("cache", "prune", out)
    assert_clean(result)
    assert re.fullmatch(rf"Nothing to remove in {re.escape(str(cache))}: 10 files "
                        r"\(\d+\.\d KB\) kept\.\n", result.output), result.output
    found = records(cache)
    for name in ("paper 9", "pack"):  # not used for 40 days
        for path in found[name][::2]:
            age(path, 40)
    outside = tmp_path / "precious.pdf"
    outside.write_bytes(b"not the cache's")
    (cache / "link.pdf").symlink_to(outside)
    age(outside, 400)
    (cache / "notes.txt").write_text("mine")
    age(cache / "notes.txt", 400)
    (cache / "sub").mkdir()
    legacy = cache / ("frame-" + "b" * 64 + ".pdf")  # an earlier version's entry
    legacy.write_bytes(b"%PDF old")
    age(legacy, 31)
    damaged = cache / ("paper-" + "c" * 64 + ".json")
    damaged.write_bytes(b"garbage")
    temporary = cache / ".reportgen-abc123.tmp"  # left by a killed build
    temporary.write_bytes(b"half")
    age(temporary, 0.1)  # 2.4 hours
    doomed = [found["paper 9"][0], found["paper 9"][2], found["pack"][0], found["pack"][2],
              legacy, damaged, temporary]
    freed = sum(path.stat().st_size for path in doomed)
    dry = run_cli("cache", "prune", out, "--dry-run")
    assert_clean(dry)
    assert all(path.exists() for path in doomed)
    result = run_cli("cache", "prune", out, "--older-than", "30")
    assert_clean(result)
    lines = result.output.splitlines()
    for path in doomed:
        assert any(line.startswith(f"Removed {path.name} (") for line in lines), path.name
        assert not path.exists()
        assert any(line.startswith(f"Would remove {path.name} (") for line in
                   dry.output.splitlines())
    assert f"Removed {found['paper 9'][0].name} (record of item 9's paper, " in result.output
    assert "Left alone link.pdf (a symbolic link)" in lines
    assert "Left alone notes.txt (not a cache file)" in lines
    assert "Left alone sub (not a file)" in lines
    assert outside.read_bytes() == b"not the cache's" and (cache / "link.pdf").is_symlink()
    assert (cache / "notes.txt").exists()
    assert f"Freed {size_text(freed)} (7 files) in {cache}; 6 files (" in lines[-1]
    (cache / "link.pdf").unlink()
    # What is left still builds the same pack, item 9 laid out again without complaint.
    again = run_cli("pack", agenda, "-o", out)
    assert_clean(again)
    assert wrote(again)[2] == "1 paper rendered, 2 reused"
    assert ": cached " not in again.output, again.output
    assert (out / NAME).read_bytes() == reference.read_bytes()


def test_prune_to_a_size_keeps_the_most_recently_used(warm, tmp_path):
    out = copy_of_warm(warm, tmp_path)
    cache = out / CACHE_FOLDER
    found = records(cache)
    order = ["pack", "paper 9", "frame", "paper 10", "paper 8"]  # oldest used first
    for days, name in zip((5, 4, 3, 2, 1), order, strict=True):
        age(found[name][0], days)
    result = run_cli("cache", "prune", out, "--max-size", "0.1")
    assert_clean(result)
    total = sum(path.stat().st_size for path in cache.iterdir())
    assert total <= 0.1 * 1024 * 1024
    left = records(cache)
    assert "paper 8" in left and "pack" not in left and "paper 9" not in left
    kept = [n for n in order if n in left]
    assert kept == order[len(order) - len(kept):]  # the newest survive
    assert result.output.count("Removed ") == 2 * (len(order) - len(kept))


def test_prune_refuses_a_cache_folder_that_is_a_link(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / ("paper-" + "d" * 64 + ".json")
    victim.write_text("{}")
    age(victim, 100)
    out = tmp_path / "out"
    out.mkdir()
    (out / CACHE_FOLDER).symlink_to(elsewhere)
    result = run_cli("cache", "prune", out, "--older-than", "0")
    assert result.exit_code == 1
    assert f"Error: {out / CACHE_FOLDER} is a symbolic link: reportgen prunes only a " \
           "cache folder of its own, not what a link points to" in result.output
    assert victim.exists() and "Traceback" not in result.output


def test_prune_without_a_cache_or_a_folder(tmp_path):
    result = run_cli("cache", "prune", tmp_path)
    assert_clean(result)
    assert result.output == f"No cache in {tmp_path}: nothing to remove.\n"
    result = run_cli("cache", "prune", tmp_path / "typo")
    assert result.exit_code == 1
    assert f"Error: {tmp_path / 'typo'} is not a folder" in result.output


def test_every_build_removes_entries_unused_for_30_days(warm, agenda, tmp_path):
    out = copy_of_warm(warm, tmp_path)
    cache = out / CACHE_FOLDER
    path, _, content = records(cache)["frame"]
    age(path, 31)
    age(content, 31)
    recent = records(cache)["paper 8"][0]
    age(recent, 29)
    result = run_cli("pack", agenda, "-o", out)
    assert_clean(result)
    assert "unchanged since the last build" in result.output
    assert not path.exists()
    assert "Cache: removed 2 files unused for 30 days (" in result.output
    assert not content.exists() and recent.exists()
