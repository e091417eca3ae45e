"""reportgen serve in a real browser (Debian's chromium, driven by Playwright), doing
what a secretary does, with axe-core run on every page: 0 violations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from browser import (
    assert_accessible,
    assert_accessible_while_there,
    axe_source,
    chromium,
    live_server,
    screenshot,
)
from workbooks import ACTIONS, paper_workbook

from reportgen.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "dorset-od-framework-2018.xlsx"
#: Records every value the progress bar shows, across the reload at the end.
RECORD_PROGRESS = """
document.addEventListener('DOMContentLoaded', () => {
  const bar = document.getElementById('progress-bar');
  if (!bar) return;
  const seen = JSON.parse(sessionStorage.getItem('progress') || '[]');
  seen.push(bar.value);
  new MutationObserver(() => {
    seen.push(bar.value);
    sessionStorage.setItem('progress', JSON.stringify(seen));
  }).observe(bar, {attributes: true});
  sessionStorage.setItem('progress', JSON.stringify(seen));
});
"""


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The example (workbooks, appendices, agenda) in a folder, served."""
    folder = tmp_path_factory.mktemp("site") / "papers"
    shutil.copytree(ROOT / "data", folder)
    app = create_app(folder, jobs=2)
    with live_server(app) as url:
        yield url, folder


@pytest.fixture(scope="module")
def chrome():
    with chromium() as launched:
        yield launched


@pytest.fixture
def tab(chrome):
    context = chrome.new_context(accept_downloads=True, bypass_csp=True,
                                  viewport={"width": 1100, "height": 900})
    context.add_init_script(RECORD_PROGRESS)
    page = context.new_page()
    yield page
    context.close()


def test_a_workbook_dropped_on_the_page_becomes_a_paper(site, tab, axe, tmp_path):
    url, _ = site
    page = tab
    page.goto(url)
    assert_accessible(page, axe, "start page")
    screenshot(page, "serve-start")
    page.get_by_role("button", name="Build a board paper").click()
    assert_accessible(page, axe, "paper form")
    screenshot(page, "serve-paper-form")
    page.set_input_files("#workbook", str(EXAMPLE))
    # The PDFs it appends go with it (it names them in appendices/: they are put there).
    page.set_input_files("#appendices", sorted(str(p) for p in
                                               (ROOT / "data" / "appendices").glob("*.pdf")))
    page.get_by_role("button", name="Build the paper").click()
    page.wait_for_url("**/jobs/*")
    if page.locator("#progress-bar").count():
        assert_accessible_while_there(page, axe, "paper progress")
    pdf_link = page.locator("#downloads a[data-output='PDF']")
    pdf_link.wait_for(timeout=180_000)
    assert page.title() == "Your paper is ready – reportgen"
    assert_accessible(page, axe, "paper result")
    screenshot(page, "serve-paper-result")
    labels = page.locator("#downloads a").all_inner_texts()
    assert labels[:3] == ["PDF", "HTML twin (for a website)",
                          "Manifest (SHA-256 of every input and output)"]
    with page.expect_download() as download:
        pdf_link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "organisational-development-framework-update-2018-2019.pdf"
    with pikepdf.open(saved) as pdf:
        pages = len(pdf.pages)
    assert pages == page.locator("#pages img").count() >= 15
    page.locator("#page-1 img").scroll_into_view_if_needed()
    assert page.locator("#page-1 img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert "Organisational Development" in page.locator("#page-1 .page-text").text_content()
    # The HTML twin, as the build wrote it, passes axe too.
    twin = page.locator("#downloads a", has_text="HTML twin").get_attribute("href")
    page.goto(url + twin)
    assert "Organisational Development Framework" in page.title()
    assert_accessible(page, axe, "HTML twin")


def test_a_broken_workbook_shows_the_error_summary_with_its_cells(site, tab, axe, tmp_path):
    url, _ = site
    page = tab
    bad = [*ACTIONS[:2], ["G9", "Theme", "x", None, "Lead", "30/11/2018", "Amberish", None]]
    workbook = paper_workbook(tmp_path / "broken.xlsx", actions=bad, paper={"Title": None})
    page.goto(url + "/paper")
    page.set_input_files("#workbook", str(workbook))
    page.get_by_role("button", name="Build the paper").click()
    summary = page.locator(".error-summary")
    summary.wait_for(timeout=60_000)
    assert page.title().startswith("Error: There is a problem with broken.xlsx")
    links = summary.locator("a").all_inner_texts()
    assert any(link.startswith('Actions!G4: "Amberish" is not a status') for link in links)
    assert any(link.startswith("Paper!B6: 'Title' is required") for link in links), links
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    row = page.locator("#problems tbody tr", has_text="Amberish")
    assert row.locator("td").all_inner_texts()[:2] == ["Actions", "G4"]
    summary.locator("a", has_text="Amberish").click()
    assert page.url.endswith("#problems-" + str(links.index(next(
        link for link in links if "Amberish" in link)) + 1))
    assert page.locator("#downloads").count() == 0
    assert_accessible(page, axe, "problems page")
    screenshot(page, "serve-problems")
    # A form sent with nothing: the GOV.UK summary links to the field.
    page.goto(url + "/paper")
    page.get_by_role("button", name="Build the paper").click()
    page.locator(".error-summary a", has_text="Upload a workbook").click()
    assert page.evaluate("document.activeElement.id") == "workbook"
    assert_accessible(page, axe, "paper form with an error")
    page.goto(url + "/nowhere")
    assert_accessible(page, axe, "not found page")


def test_the_example_pack_is_built_with_a_moving_progress_bar(site, tab, axe, tmp_path):
    url, _ = site
    page = tab
    page.goto(url + "/pack")
    assert_accessible(page, axe, "pack form")
    screenshot(page, "serve-pack-form")
    page.select_option("#choice", "pack/agenda.yaml")
    page.check("#part-private")
    assert page.is_checked("#part-public")
    page.get_by_role("button", name="Build the pack").click()
    page.wait_for_url("**/jobs/*")
    if page.locator("#progress-bar").count():
        page.wait_for_function("document.getElementById('progress-bar') === null || "
                               "document.getElementById('progress-bar').value > 0",
                               timeout=120_000)
        if page.locator("#progress-bar").count():
            screenshot(page, "serve-pack-progress")
            # A cold pack takes far longer than axe: the progress page is still there.
            assert assert_accessible_while_there(page, axe, "pack progress")
    page.locator("#downloads a").first.wait_for(timeout=300_000)
    assert page.title() == "Your pack is ready – reportgen"
    seen = page.evaluate("JSON.parse(sessionStorage.getItem('progress') || '[]')")
    assert seen[-1] == 100 and any(0 < value < 100 for value in seen), seen
    assert seen == sorted(seen), seen
    assert_accessible(page, axe, "pack result")
    screenshot(page, "serve-pack-result")
    labels = page.locator("#downloads a").all_inner_texts()
    assert labels == ["Public pack: PDF", "Public pack: Manifest", "Private pack: PDF",
                      "Private pack: Manifest"]
    for label, marked in (("Public pack: PDF", False), ("Private pack: PDF", True)):
        with page.expect_download() as download:
            page.locator("#downloads a", has_text=label).click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        with pikepdf.open(saved) as pdf:
            assert len(pdf.pages) > 10
        import pypdfium2

        document = pypdfium2.PdfDocument(str(saved))
        text = document[1].get_textpage().get_text_range()
        document.close()
        assert ("Not for publication" in text) is marked, text[:300]
