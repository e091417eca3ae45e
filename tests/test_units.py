"""Small, fast checks of the pieces: markup, analysis, dates, slugs, atomic writes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reportgen.analysis.figures import metrics_frame, percent, status_summary, themes
from reportgen.render.environment import css_string
from reportgen.render.markup import render_markup
from reportgen.safeio import atomic_write, slugify
from reportgen.workbook.dates import read_date
from reportgen.workbook.model import Action, Due, Metric, Milestone
from reportgen.workbook.schema import Status


@pytest.mark.parametrize(("count", "population", "expected"), [
    (111, 326, 34), (37, 326, 11), (260, 329, 79), (1, 8, 13), (69, 200, 35), (0, 5, 0),
])
def test_percent_rounds_half_up(count, population, expected):
    assert percent(count, population) == expected


def test_metric_figures_read_like_the_paper():
    frame = metrics_frame([
        Metric("Culture survey", "Oct 2018", 111, 326, "staff", 0.4),
        Metric("Awards", "2018", 107, None, "awards"),
        Metric("Culture survey", "Apr 2019", 150, 330, "staff", 0.4),
    ])
    assert list(frame["figure"]) == ["111 (34% of staff)", "107 awards", "150 (45% of staff)"]
    assert list(frame["target_met"]) == [False, None, True]
    assert list(frame["change"]) == [None, None, "up 11 points from 34%"]


def test_metric_changes_in_words_for_counts_and_no_change():
    frame = metrics_frame([
        Metric("Awards", "2017", 95, None, "awards"), Metric("Awards", "2018", 107, None, "awards"),
        Metric("Rate", "Q1", 1, 4), Metric("Rate", "Q2", 1, 4), Metric("Rate", "Q3", 1, 5),
    ])
    assert list(frame["change"]) == [None, "up 12 from 95", None, "unchanged from Q1",
                                     "down 5 points from 25%"]


def _action(action_id, theme, *statuses):
    return Action(action_id, theme, "t", [Milestone(None, "lead", Due(date(2019, 1, 1)), s)
                                          for s in statuses])


def test_action_status_is_complete_only_when_all_milestones_are():
    assert _action("A", "T", Status.COMPLETE, Status.COMPLETE).status is Status.COMPLETE
    assert _action("A", "T", Status.COMPLETE, Status.NOT_STARTED).status is Status.ON_TRACK
    assert _action("A", "T", Status.NOT_STARTED).status is Status.NOT_STARTED
    assert _action("A", "T", Status.ON_TRACK, Status.AT_RISK).status is Status.AT_RISK
    assert _action("A", "T", Status.OFF_TRACK, Status.AT_RISK).status is Status.OFF_TRACK


def test_status_summary_counts_by_theme_in_order():
    actions = [_action("B1", "Beta", Status.COMPLETE), _action("A1", "Alpha", Status.AT_RISK),
               _action("B2", "Beta", Status.COMPLETE)]
    table = status_summary(actions)
    assert list(table.index) == ["Beta", "Alpha", "Total"]
    assert table.loc["Beta", "Complete"] == 2 and table.loc["Total", "Total"] == 3
    assert [t.name for t in themes(actions)] == ["Beta", "Alpha"]


def test_markup_escapes_everything_but_bold_and_bullets():
    html = render_markup("A **bold** <b>x</b> & [l](http://x)\n• one\n- [[Survey]]",
                         {"survey": "5 (50% of staff)"}, number="2.4")
    assert html.startswith('<p><span class="num">2.4 </span>A <strong>bold</strong> '
                           "&lt;b&gt;x&lt;/b&gt; &amp; [l](http://x)</p>")
    assert "<li>one</li>" in html and "<li>5 (50% of staff)</li>" in html


def test_markup_number_before_a_leading_list():
    html = render_markup("- first", number="1.1")
    assert html.startswith('<p class="number-only"><span class="num">1.1 </span></p>')


@pytest.mark.parametrize(("text", "expected"), [
    ("14/11/2018", date(2018, 11, 14)), ("14 Nov 2018", date(2018, 11, 14)),
    ("14th November 2018", date(2018, 11, 14)), ("2018-11-14", date(2018, 11, 14)),
    ("14.11.18", date(2018, 11, 14)), ("November 2018", date(2018, 11, 30)),
    ("Sept 2019", date(2019, 9, 30)), ("Ongoing", None), ("6 months – 3 years", None),
])
def test_uk_dates(text, expected):
    assert read_date(text).value == expected
    assert read_date(text).error is None


@pytest.mark.parametrize(("text", "error"), [
    ("31/02/2019", "is not a real date"), ("11/14/2018", "looks like a US date"),
    ("November 14, 2018", "looks like a US date"), ("2019-13-01", "is not a real date"),
])
def test_impossible_and_us_dates_are_refused(text, error):
    reading = read_date(text)
    assert reading.value is None and error in reading.error


def test_css_string_cannot_break_out():
    quoted = css_string('x"; } body { background: url(http://e/) } "')
    assert quoted.count('"') == 2
    assert "}" not in quoted and "(" not in quoted


def test_slug_stays_inside_the_folder():
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("Organisational Development Framework Update 2018/2019") == \
        "organisational-development-framework-update-2018-2019"
    assert slugify("???") == "paper"


def test_atomic_write_leaves_no_temporary_and_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "paper.pdf"
    atomic_write(target, b"first")
    assert target.read_bytes() == b"first"

    with pytest.raises(TypeError):
        atomic_write(target, object())  # type: ignore[arg-type]
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["paper.pdf"]


def test_stale_temporaries_are_cleaned(tmp_path):
    import os

    stale = tmp_path / ".reportgen-old.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (0, 0))
    atomic_write(tmp_path / "x.pdf", b"ok")
    assert not stale.exists()
    assert Path(tmp_path / "x.pdf").read_bytes() == b"ok"


def test_readme_workbook_format_matches_the_schema():
    from reportgen.workbook.reference import replace_section

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert readme == replace_section(readme), "run scripts/update_readme.py"
