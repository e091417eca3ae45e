"""The example in data/ reproduces the Dorset Governing Body paper (the seed)."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, run_cli
from pdftext import outline_titles, page_texts

EXAMPLE = ROOT / "data" / "dorset-od-framework-2018.xlsx"
SECTION_LENGTHS = {1: 3, 2: 23, 3: 4, 4: 3, 5: 2}  # paragraphs per section in the seed


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("example")
    result = run_cli("build", EXAMPLE, "-o", out)
    assert result.exit_code == 0, result.output
    return out / "organisational-development-framework-update-2018-2019.pdf"


def test_page_one_holds_the_cover_sheet_and_assurance_summary(example_pdf):
    first = page_texts(example_pdf)[0]
    for text in ["NHS Dorset Clinical Commissioning Group", "GOVERNING BODY MEETING",
                 "Organisational Development Framework Update 2018/2019",
                 "14 November 2018", "T Goodson – Chief Officer",
                 "The Governing Body is asked to note the report.",
                 "Monitoring and Assurance Summary", "Care closer to home",
                 "Freedom of Information", "Initials: EP"]:
        assert text in first, text
    # "Yes (✓)" in the heading, two ticks per matter, one for the confirmation.
    assert first.count("✓") == 1 + 9 * 2 + 1


def test_all_paragraphs_of_the_seed_are_numbered_in_order(example_pdf):
    body = "\n".join(page_texts(example_pdf)[1:])
    numbers = re.findall(r"^(\d\.\d+) [A-Z0-9]", body, flags=re.MULTILINE)
    expected = [f"{s}.{p}" for s, n in SECTION_LENGTHS.items() for p in range(1, n + 1)]
    assert numbers == expected


def test_survey_figures_are_computed_as_in_the_seed(example_pdf):
    text = " ".join(" ".join(page_texts(example_pdf)).split())
    for phrase in ["111 (34% of staff) completed the culture survey",
                   "37 (11% of staff) attended one of the 5 focus groups",
                   "16 Governing Body interviews were conducted",
                   "Over 260 (79% of staff) completed the Strengths Development Inventory",
                   "107 awards have been made so far in 2018"]:
        assert phrase in text, phrase


def test_appendix_pdfs_are_appended_with_bookmarks(example_pdf):
    texts = page_texts(example_pdf)
    assert "Leading and Working Differently" in texts[-2]
    assert "Primary Care Workforce Centre" in texts[-1]
    titles = [t for _, t in outline_titles(example_pdf)]
    assert any(t.startswith("Appendix 2: Leading and Working Differently") for t in titles)
    assert "5. Conclusion" in titles
