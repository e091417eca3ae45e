"""The tracker on paper (issue 21): an action broken across pages repeats its Ref and
Action ("G3 (continued)"), a theme heading never ends a page over one row, the status
summary is never split, column widths follow the content and a timescale breaks only
after its dash. Built with the CLI from openpyxl workbooks; read back with pdfplumber."""

from __future__ import annotations

import itertools
from datetime import date

import pdfplumber
import pytest
from conftest import run_cli
from workbooks import paper_workbook

NOTE = ("Progress was reviewed with the leads in October and the next steps were agreed "
        "with the programme board, including the dates for the remaining workshops.")


def build(tmp_path, actions):
    path = paper_workbook(tmp_path / "paper.xlsx", actions=actions)
    out = tmp_path / "out"
    result = run_cli("build", path, "-o", out)
    assert result.exit_code == 0, result.output
    return out / "test-framework-update-2018-2019.pdf"


def page_words(pdf):
    with pdfplumber.open(pdf) as doc:
        return [page.extract_words() for page in doc.pages]


@pytest.fixture(scope="module")
def long_action(tmp_path_factory):
    """G3 has 30 milestones with long notes: more than one landscape page."""
    actions = [["G1", "Theme 1: Governance", "Short action", "One milestone", "Head of HR",
                date(2018, 11, 30), "On track", "Fine."],
               ["G3", "Theme 1: Governance", "Deliver the leadership programme", "Milestone 01",
                "Head of OD", date(2019, 1, 31), "On track", NOTE]]
    actions += [[None, None, None, f"Milestone {i:02d}", "Head of OD", date(2019, 1, 31),
                 "On track", NOTE] for i in range(2, 31)]
    pdf = build(tmp_path_factory.mktemp("long"), actions)
    # The continued pieces and the row group that keeps an action with its theme's
    # heading are tagged as one table whose rows all have its columns.
    result = run_cli("check", pdf)
    assert result.exit_code == 0 and result.output.strip().endswith("0 errors, 0 warnings"), \
        result.output
    return page_words(pdf)


def test_an_action_broken_across_pages_repeats_its_ref_and_action(long_action):
    continued = [(number, word) for number, words in enumerate(long_action)
                 for word in words if word["text"] == "(continued)"]
    assert continued, "no piece of G3 says (continued)"
    for number, note in continued:
        words = long_action[number]
        ref = [w for w in words if w["text"] == "G3" and abs(w["x0"] - note["x0"]) < 2
               and 0 < note["top"] - w["top"] < 15]
        assert ref, f"page {number + 1}: '(continued)' not under G3"
        title = [w for w in words if w["text"] == "Deliver" and w["top"] < note["top"] + 5]
        assert title, f"page {number + 1}: the Action is not repeated"
    # Nothing dropped, nothing doubled: every milestone once.
    text = [w["text"] for words in long_action for w in words]
    numbers = [b for a, b in itertools.pairwise(text) if a == "Milestone"
               and b.isdigit()]
    assert sorted(numbers) == [f"{i:02d}" for i in range(1, 31)]


def themed_actions(count: int) -> list[list]:
    """``count`` themes, each a one-milestone action A then an action B of 1 to 4
    milestones (so the themes' headings fall at many places on their pages)."""
    actions = []
    for t in range(1, count + 1):
        theme = f"Theme {t:02d}"
        actions.append([f"A{t:02d}", theme, "Act", "First and only milestone", "Head of HR",
                        date(2019, 3, 31), "On track", NOTE])
        actions.append([f"B{t:02d}", theme, "Act", "Milestone one",
                        "Deputy Director of Engagement and Development", "3 months – 3 years",
                        "Not started", NOTE])
        actions += [[None, None, None, "Another milestone", "Head of HR",
                     "Within 6 months of launch – 3 years after that", "Not started",
                     "Short."]] * (t % 4)
    return actions


@pytest.fixture(scope="module")
def many_themes(tmp_path_factory):
    return page_words(build(tmp_path_factory.mktemp("themes"), themed_actions(20)))


@pytest.fixture(scope="module")
def eight_themes(tmp_path_factory):
    """After the chart of 8 themes, the summary table does not fit the rest of the page."""
    return page_words(build(tmp_path_factory.mktemp("eight"), themed_actions(8)))


def test_a_theme_heading_never_ends_a_page_over_one_row(many_themes):
    for number, words in enumerate(many_themes):
        text = [w["text"] for w in words]
        for i, (a, b) in enumerate(itertools.pairwise(text)):
            if a == "Theme" and b.isdigit() and "Ref" in text[i:i + 4]:  # a theme heading
                assert f"B{b}" in text, f"page {number + 1}: Theme {b} heading without B{b}"


def test_the_status_summary_is_never_split(eight_themes):
    # The summary's 10 rows do not fit under the chart of 8 themes: the whole table
    # moves to the next page, its caption, every theme and its Total together.
    texts = [" ".join(w["text"] for w in words) for words in eight_themes]
    caption = "Actions by theme and status (16 actions)"
    page = next(n for n, text in enumerate(texts) if caption in text)
    summary = texts[page][texts[page].index(caption):]
    for t in range(1, 9):
        assert f"Theme {t:02d} 0 1 0 0 1 2" in summary, f"Theme {t:02d} not with the rest"
    assert "Total 0 8 0 0 8 16" in summary


def header_columns(words):
    """x0 of each tracker header word on a page that has the tracker's header."""
    names = ["Ref", "Action", "Milestone", "Lead", "Due", "Status", "Progress"]
    heads = {}
    for w in words:
        if w["text"] in names and w["text"] not in heads:
            heads[w["text"]] = w["x0"]
    return heads if len(heads) == len(names) else None


def test_column_widths_follow_the_content(many_themes):
    heads = next(h for h in map(header_columns, many_themes) if h and
                 h["Action"] < h["Milestone"] < h["Lead"] < h["Due"] < h["Status"])
    action = heads["Milestone"] - heads["Action"]
    milestone = heads["Lead"] - heads["Milestone"]
    status = heads["Progress"] - heads["Status"]
    progress = 841.89 - 51 - heads["Progress"]  # to the right margin (18 mm)
    assert action < milestone * 0.75, heads  # "Act" does not get a milestone's width
    assert status < progress * 0.4, heads  # a status needs little room, a note much


def test_a_timescale_breaks_only_after_its_dash(many_themes):
    checked = 0
    for words in many_themes:
        heads = header_columns(words)
        for i, w in enumerate(words[:-3]):
            if [x["text"] for x in words[i:i + 3]] == ["3", "months", "–"]:
                line = [x for x in words if abs(x["top"] - w["top"]) < 1 and x["x0"] >= w["x0"]]
                # "3 months – 3 years" fits its column on one line: kept whole.
                assert [x["text"] for x in line[:5]] == ["3", "months", "–", "3", "years"]
                checked += 1
            if w["text"] == "Within":  # too long for its column: broken after the dash
                cell = [x for x in words if heads["Due"] - 1 < x["x0"] < heads["Status"] - 2
                        and -1 < x["top"] - w["top"] < 12]
                lines = {}
                for x in cell:
                    lines.setdefault(round(x["top"]), []).append(x["text"])
                assert list(lines.values())[:2] == [
                    ["Within", "6", "months", "of", "launch", "–"],
                    ["3", "years", "after", "that"]], lines
                checked += 1
    assert checked >= 16
