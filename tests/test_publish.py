"""Publish-ready output: accessibility checks, contrast, PDF/A with the source
workbook, the HTML twin, reproducible bytes and the manifest."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pikepdf
import pytest
import weasyprint
from conftest import ROOT, run_cli
from workbooks import paper_workbook

from reportgen.pdf.check import check_pdf
from reportgen.render.environment import make_environment
from reportgen.render.theme import Theme

EXAMPLE = ROOT / "data" / "dorset-od-framework-2018.xlsx"
STEM = "organisational-development-framework-update-2018-2019"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("published")
    result = run_cli("build", EXAMPLE, "-o", out, "--pdfa", "--html", "--manifest")
    assert result.exit_code == 0, result.output
    return out


def test_example_outputs_pass_the_checks_with_no_errors_or_warnings(published, built_paper):
    plain = run_cli("build", EXAMPLE, "-o", published / "plain")
    assert plain.exit_code == 0
    for pdf in [published / f"{STEM}.pdf", published / "plain" / f"{STEM}.pdf", built_paper]:
        result = run_cli("check", pdf)
        assert result.exit_code == 0, result.output
        assert f"{pdf}: 0 errors, 0 warnings" in result.output


def _weasyprint_pdf(tmp_path, html: str, name: str, **options):
    path = tmp_path / name
    weasyprint.HTML(string=html).write_pdf(path, **options)
    return path


def _rules(findings, severity):
    return {f.rule for f in findings if f.severity == severity}


def test_an_untagged_pdf_fails_the_checks(tmp_path):
    bad = _weasyprint_pdf(tmp_path, "<p>No title, no language, no tags.</p>", "bad.pdf")
    errors = _rules(check_pdf(bad), "error")
    assert {"title", "display-doc-title", "language", "tagged"} <= errors
    result = run_cli("check", bad)
    assert result.exit_code == 1
    assert "the PDF is not tagged" in result.output


def test_missing_alt_text_skipped_heading_and_header_scope_are_found(tmp_path):
    pixel = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
             "nGNg+M9gDwADAQEAGN2NsAAAAABJRU5ErkJggg==")
    html = (f'<html lang="en-GB"><title>T</title><h1>Title</h1><h3>Skipped</h3>'
            f'<img src="{pixel}"><table><tr><th>Head</th></tr><tr><td>1</td></tr></table>')
    pdf = _weasyprint_pdf(tmp_path, html, "partial.pdf", pdf_variant="pdf/ua-1")
    findings = check_pdf(pdf)
    assert {"figure-alt", "heading-levels"} <= _rules(findings, "error")
    assert "th-scope" in _rules(findings, "warning")


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("stylesheet", ["paper.css", "web.css"])
def test_every_text_colour_pair_in_the_stylesheets_has_contrast_4_5(stylesheet):
    css = make_environment().get_template(stylesheet).render(
        theme=Theme(), appended_margins_mm=(0, 0, 0, 0))
    pairs = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        colour = re.search(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{6})", body)
        background = re.search(r"background(?:-color)?:\s*(#[0-9A-Fa-f]{6})", body)
        if colour or background:
            pairs.append((selector.strip(), colour and colour[1], background and background[1]))
    assert len(pairs) > 10
    # Rules giving only a background keep the body text colour; only a colour, white paper.
    ink = Theme().text_colour
    for selector, colour, background in pairs:
        ratio = contrast(colour or ink, background or "#FFFFFF")
        assert ratio >= 4.5, f"{stylesheet} {selector}: {colour} on {background} is {ratio:.2f}"


def test_status_colours_are_distinct_in_greyscale():
    css = make_environment().get_template("paper.css").render(
        theme=Theme(), appended_margins_mm=(0, 0, 0, 0))
    statuses = re.findall(r"\.status-[a-z-]+ \{ background: (#[0-9A-F]{6})", css)
    assert len(statuses) == 5
    grey = sorted(_luminance(c) for c in statuses)
    assert all(b - a > 0.03 for a, b in itertools.pairwise(grey)), grey


def test_pdfa_carries_the_workbook_and_extract_gets_it_back(published, tmp_path):
    pdf = published / f"{STEM}.pdf"
    with pikepdf.open(pdf) as doc:
        meta = doc.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "A"
        assert meta["pdfuaid:part"] == "1"
        spec = doc.attachments["dorset-od-framework-2018.xlsx"]
        assert spec.obj.AFRelationship == pikepdf.Name.Source
        assert "/AF" in doc.Root
    result = run_cli("extract", pdf, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dorset-od-framework-2018.xlsx").read_bytes() == EXAMPLE.read_bytes()
    again = run_cli("extract", pdf, "-o", tmp_path)
    assert again.exit_code == 1 and "already exists; use --force" in again.output
    plain = run_cli("extract", published / "plain" / f"{STEM}.pdf", "-o", tmp_path / "x")
    assert plain.exit_code == 1 and "has no embedded files" in plain.output


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_twin_is_self_contained_with_the_same_headings_and_numbering(published):
    html = (published / f"{STEM}.html").read_text(encoding="utf-8")
    parser = _Outline()
    parser.feed(html)
    tags = parser.tags
    assert ("html", {"lang": "en-GB"}) in tags
    assert "<title>Organisational Development Framework Update 2018/2019</title>" in html
    for tag, attrs in tags:  # nothing to fetch: one file
        assert not (tag == "link" and attrs.get("rel") == "stylesheet")
        assert not attrs.get("src", "data:").startswith(("http", "file", "/"))
    headings = [tag for tag, _ in tags if re.fullmatch(r"h[1-6]", tag)]
    assert headings[0] == "h1"
    levels = [int(h[1]) for h in headings]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    text = " ".join("".join(parser.text).split())
    numbers = re.findall(r"\b(\d\.\d+) [A-Z]", text)
    assert numbers[:3] == ["1.1", "1.2", "1.3"] and "2.23" in numbers and numbers[-1] == "5.2"
    assert "111 (34% of staff) completed the culture survey" in text
    th_scopes = {attrs.get("scope") for tag, attrs in tags if tag == "th"}
    assert th_scopes <= {"col", "row", "colgroup", "rowgroup"} and None not in th_scopes
    assert "@page" not in html


def test_manifest_fingerprints_inputs_templates_and_outputs(published):
    manifest = json.loads((published / f"{STEM}.manifest.json").read_text())
    digest = hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    assert {"path": EXAMPLE.name, "sha256": digest} in manifest["inputs"]
    assert any(t["path"] == "paper.css" for t in manifest["templates"])
    outputs = {o["path"]: o["sha256"] for o in manifest["outputs"]}
    for name in (f"{STEM}.pdf", f"{STEM}.html"):
        assert outputs[name] == hashlib.sha256((published / name).read_bytes()).hexdigest()


def test_rebuilds_in_separate_processes_are_byte_identical(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    workbook = paper_workbook(tmp_path / "paper.xlsx")
    outputs = []
    for run, source in enumerate([EXAMPLE, workbook, EXAMPLE, workbook]):
        out = tmp_path / f"run{run}"
        subprocess.run([sys.executable, "-m", "reportgen", "build", str(source), "-o", str(out),
                        "--pdfa" if source == EXAMPLE else "--html"],
                       check=True, capture_output=True, env=env)
        outputs.append(sorted(out.iterdir()))
    for first, second in [(outputs[0], outputs[2]), (outputs[1], outputs[3])]:
        assert [p.name for p in first] == [p.name for p in second]
        for a, b in zip(first, second, strict=True):
            assert a.read_bytes() == b.read_bytes(), a.name
