"""How long ``reportgen preview`` takes to show an edit: save -> new pages in the browser.

    .venv/bin/python benchmarks/preview.py            # 5 edits
    .venv/bin/python benchmarks/preview.py --quick    # 2 edits

The example paper (with its previous workbook) is previewed in a warm process, in
Debian's chromium driven by Playwright. Each run edits one progress note with openpyxl
and saves, then waits until the page shows the new text with every page image
loaded. Printed, and written to benchmarks/preview-results.json: the median, minimum
and maximum of that time, the server's own build time, and how many pieces (parts
and frame) were reused from the part cache; and, for comparison, one cold
``reportgen build`` of the same paper on the same machine at the same time. Target
(issue 16): 1.5 s. Not a test: `make bench` runs it after benchmarks/run.py.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 1.5
NOTES = ["Reviewed at the November workshop.", "Agreed with staff side colleagues.",
         "Moved to the new intranet pages.", "Discussed with the senior team.",
         "Completed for all directorates."]



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 edits instead of 5")
    options = parser.parse_args()
    from browser import chromium, live_server
    from workbooks import set_note  # the tests' own edit of a progress note

    from reportgen.pdf.pool import default_jobs
    from reportgen.web.preview import Preview, create_preview_app

    runs = 2 if options.quick else 5
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-preview-") as tmp:
        folder = Path(tmp) / "example"
        shutil.copytree(ROOT / "data", folder)
        workbook = folder / "dorset-od-framework-2018.xlsx"
        previous = folder / "dorset-od-framework-2018-05.xlsx"
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "reportgen.cli", "-q", "build", str(workbook),
                        "--previous", str(previous), "-o", str(Path(tmp) / "cold")],
                       check=True, cwd=ROOT)
        cold = time.monotonic() - started
        preview = Preview(workbook, previous=previous, jobs=default_jobs())
        results = []
        with live_server(create_preview_app(preview)) as url, chromium() as browser:
            # bypass_csp: Playwright's wait_for_function evaluates a string.
            page = browser.new_context(bypass_csp=True,
                                       viewport={"width": 1000, "height": 900}).new_page()
            page.goto(url)
            page.wait_for_function("document.querySelectorAll('#pages img').length > 10",
                                   timeout=600_000)
            first = preview.seconds
            for index in range(runs):
                note = NOTES[index % len(NOTES)]
                set_note(workbook, 3, note)
                saved = time.monotonic()
                page.wait_for_function(
                    "note => [...document.querySelectorAll('.page-text')].some("
                    "p => p.textContent.includes(note)) && [...document.querySelectorAll("
                    "'#pages img')].every(i => i.complete && i.naturalWidth > 0)",
                    arg=note, timeout=600_000, polling=20)
                shown = time.monotonic() - saved
                results.append({"seconds": round(shown, 3), "build": preview.seconds,
                                "reused": preview.reused[0], "laid_out": preview.reused[1]})
                print(f"  edit {index + 1}: shown after {shown:.2f} s (build {preview.seconds} s, "
                      f"{preview.reused[0]} pieces reused, {preview.reused[1]} laid out)")
        times = [r["seconds"] for r in results]
        summary = {"median": round(statistics.median(times), 3), "min": min(times),
                   "max": max(times), "runs": results, "first_build": first,
                   "cold_build_cli": round(cold, 2), "target": TARGET_SECONDS,
                   "met": statistics.median(times) <= TARGET_SECONDS}
    print(f"Preview update after one edited note: median {summary['median']:.2f} s "
          f"(min {summary['min']:.2f}, max {summary['max']:.2f}; target {TARGET_SECONDS} s: "
          f"{'met' if summary['met'] else 'not met'}); a cold reportgen build of the same "
          f"paper just now took {cold:.2f} s")
    (HERE / "preview-results.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
