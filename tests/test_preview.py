"""reportgen preview: the warm rebuild (parts laid out again only when their HTML
changed, and the result the same bytes as a cold build), and the live page in a real
browser following saves of the workbook, problems shown over the last good pages."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import openpyxl
import pytest
from browser import assert_accessible, axe_source, chromium, live_server, screenshot
from starlette.testclient import TestClient
from workbooks import ACTIONS, paper_workbook, set_note

from reportgen.build import render_paper_pdf
from reportgen.pdf.partcache import CachedPool
from reportgen.pdf.pool import LayoutPool
from reportgen.web.preview import Preview, create_preview_app

ROOT = Path(__file__).resolve().parent.parent




def test_a_warm_rebuild_lays_out_only_changed_parts_and_gives_the_same_bytes(tmp_path):
    workbook = paper_workbook(tmp_path / "paper.xlsx")
    with LayoutPool(1) as pool:
        cached = CachedPool(pool)
        first = render_paper_pdf(workbook, pool=cached)
        hits, misses = cached.reset_counts()
        assert hits == 0 and misses >= 3  # every part, and the frame
        again = render_paper_pdf(workbook, pool=cached)
        assert cached.reset_counts() == (misses, 0)  # nothing laid out again
        assert again.pdf == first.pdf
        set_note(workbook, 2, "A new note typed by the author.")
        edited = render_paper_pdf(workbook, pool=cached)
        hits, misses_after = cached.reset_counts()
        assert hits >= 1 and 1 <= misses_after < misses
    cold = render_paper_pdf(workbook, jobs=1)  # a fresh build of the edited workbook
    assert edited.pdf == cold.pdf  # the cache never serves a stale part


def test_the_preview_answers_only_to_its_own_host(tmp_path):
    workbook = paper_workbook(tmp_path / "paper.xlsx")
    client = TestClient(create_preview_app(Preview(workbook), watch=False),
                        base_url="http://127.0.0.1:8001")  # no lifespan: nothing built
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400 and "not to the host" in response.text
    assert client.get("/state?file=../../etc/passwd").status_code == 400


def test_preview_on_a_missing_workbook_is_a_clean_error(tmp_path):
    from conftest import run_cli

    result = run_cli("preview", tmp_path / "nope.xlsx", "--port", "0", "--no-browser")
    assert result.exit_code == 1
    assert f"Error: {tmp_path / 'nope.xlsx'}: file not found" in result.output


@pytest.fixture
def example(tmp_path) -> Path:
    folder = tmp_path / "example"
    shutil.copytree(ROOT / "data", folder)
    return folder / "dorset-od-framework-2018.xlsx"


def test_the_page_follows_each_save_and_keeps_its_place(example, tmp_path):
    axe = axe_source()
    preview = Preview(example, previous=example.with_name("dorset-od-framework-2018-05.xlsx"),
                      jobs=2)
    with live_server(create_preview_app(preview)) as url, chromium() as browser:
        context = browser.new_context(bypass_csp=True, viewport={"width": 1000, "height": 800})
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("document.querySelectorAll('#pages img').length > 10",
                               timeout=180_000)
        assert_accessible(page, axe, "preview")
        screenshot(page, "preview")
        pages = page.locator("#pages img").count()
        page.locator("#page-8").scroll_into_view_if_needed()
        scrolled = page.evaluate("window.scrollY")
        assert scrolled > 1000
        kept = page.locator("#page-2 img").get_attribute("src")
        started = time.monotonic()
        set_note(example, 3, "Reviewed at the November workshop by the whole team.")
        page.wait_for_function(
            "[...document.querySelectorAll('.page-text')].some(p => p.textContent.includes("
            "'Reviewed at the November workshop by the whole team.'))", timeout=120_000)
        took = time.monotonic() - started
        assert page.evaluate("window.scrollY") == scrolled  # the page kept its place
        assert page.locator("#pages img").count() == pages
        assert page.locator("#page-2 img").get_attribute("src") == kept  # not drawn again
        assert preview.reused[0] >= 1, preview.reused  # parts reused, not laid out again
        print(f"preview update after one edited note: {took:.2f} s "
              f"(build {preview.seconds} s, pieces reused/laid out {preview.reused})")
        # A mistake: the problems appear over the last good pages.
        book = openpyxl.load_workbook(example)
        sheet = book["Actions"]
        column = [c.value for c in sheet[1]].index("Status") + 1
        sheet.cell(row=3, column=column).value = "Amberish"
        book.save(example)
        page.locator("#preview-problems .error-summary").wait_for(timeout=120_000)
        summary = page.locator("#preview-problems .error-summary").inner_text()
        assert 'Actions!G3: "Amberish" is not a status' in summary
        assert page.locator("#pages img").count() == pages  # the last good pages stay
        assert "has problems: the pages below are the last good build" in \
            page.locator("#preview-status").inner_text()
        assert_accessible(page, axe, "preview with problems")
        screenshot(page, "preview-problems")
        sheet.cell(row=3, column=column).value = "On track"
        book.save(example)
        page.wait_for_function("document.querySelector('#preview-problems').children.length"
                               " === 0", timeout=120_000)
        assert page.locator("#preview-status").inner_text().startswith("Built ")
        context.close()


def test_actions_fixture_is_what_the_edits_expect():
    assert ACTIONS[0][7] == "Launch planned."  # set_note edits column H, Progress note
