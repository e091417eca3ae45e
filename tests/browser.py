"""For the browser tests: Debian's chromium driven by Playwright, axe-core, and a real
uvicorn server on a free port in a thread.

axe-core comes from npm into ``tests/.axe`` (git-ignored) the first time it is needed,
so a clean clone gets it through ``make test`` (or any pytest run) with no step of its
own; chromium is a system package (``scripts/install-system-deps.sh``).
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

AXE_VERSION = "4.14.1"
AXE_FOLDER = Path(__file__).resolve().parent / ".axe"
AXE = AXE_FOLDER / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "output" / "screenshots"


def axe_source() -> str:
    if not AXE.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to fetch axe-core for the browser tests "
                        "(scripts/install-system-deps.sh installs it)")
        AXE_FOLDER.mkdir(exist_ok=True)
        subprocess.run([npm, "install", "--prefix", str(AXE_FOLDER), "--no-audit", "--no-fund",
                        "--no-save", f"axe-core@{AXE_VERSION}"], check=True,
                       capture_output=True, timeout=300)
    return AXE.read_text(encoding="utf-8")


@contextmanager
def chromium():
    """A headless chromium (Debian's) under Playwright."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: scripts/install-system-deps.sh installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def assert_accessible(page, axe: str, what: str) -> None:
    """axe-core on the page as it is now: no violations at all."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
    }""")
    assert result == [], f"{what}: {result}"


def assert_accessible_while_there(page, axe: str, what: str) -> bool:
    """axe-core on a page that reloads itself when its build ends (the progress page):
    checked if it is still there, else ``False``."""
    from playwright.sync_api import Error

    try:
        assert_accessible(page, axe, what)
    except Error as error:
        if "navigation" in str(error) or "context was destroyed" in str(error):
            return False
        raise
    return True


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@contextmanager
def live_server(app):
    """Serve ``app`` with uvicorn on 127.0.0.1 and a free port, in a thread; its URL."""
    import uvicorn

    from reportgen.web.server import bind

    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        sock.close()
