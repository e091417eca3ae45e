"""Progress since the last paper, metric trends and SPC charts, read back from the PDF."""

from __future__ import annotations

import pikepdf
import pytest
from conftest import ROOT, run_cli
from pdftext import page_texts
from workbooks import METRICS, paper_workbook

from reportgen.analysis.progress import compare
from reportgen.workbook.validate import load_report

EXAMPLE = ROOT / "data" / "dorset-od-framework-2018.xlsx"
PREVIOUS = ROOT / "data" / "dorset-od-framework-2018-05.xlsx"
STEM = "organisational-development-framework-update-2018-2019"


def flat(text: str) -> str:
    return " ".join(text.split())


def figure_alts(pdf) -> list[str]:
    with pikepdf.open(pdf) as doc:
        return [str(obj.Alt) for obj in doc.objects
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == pikepdf.Name.Figure
                and "/Alt" in obj]


@pytest.fixture(scope="module")
def with_previous(tmp_path_factory):
    out = tmp_path_factory.mktemp("previous")
    result = run_cli("build", EXAMPLE, "--previous", PREVIOUS, "-o", out)
    assert result.exit_code == 0, result.output
    return out / f"{STEM}.pdf"


def test_summary_sentence_matches_the_workbooks(with_previous):
    progress = compare(load_report(EXAMPLE), load_report(PREVIOUS))
    sentence = progress.summary()
    assert sentence.startswith("Of 25 actions, 7 are complete (5 since the May 2018 update)")
    text = flat(" ".join(page_texts(with_previous)))
    assert sentence in text


def test_changes_table_lists_every_change_the_sentence_counts(with_previous):
    progress = compare(load_report(EXAMPLE), load_report(PREVIOUS))
    pages = page_texts(with_previous)
    start = next(i for i, t in enumerate(pages) if "Changes since the 9 May 2018 report" in t)
    table = flat(" ".join(pages[start:start + 2]))
    table = table[table.index("Changes since"):table.index("Overdue at the meeting")]
    for change in progress.changes:
        assert f"{change.action_id} " in table and change.kind in table
    # The counts in the sentence are the counts of rows in the table.
    assert table.count(" Completed ") == 5 and table.count(" Improved ") == 3
    assert table.count(" Worsened ") == 3 and table.count(" Due date later ") == 3
    assert table.count(" New ") == 2 and table.count(" Removed ") == 1
    assert "31/01/2019 (3 months later)" not in table  # G8 moved 31/01 -> 30/04
    assert "30/04/2019 (3 months later)" in table


def test_overdue_milestones_are_listed(with_previous):
    text = flat(" ".join(page_texts(with_previous)))
    assert "1 is overdue" in text
    assert "Overdue at the meeting" in text and "31/10/2018 Off track" in text


def test_charts_carry_alt_text_stating_the_finding(with_previous):
    alts = figure_alts(with_previous)
    assert any(a.startswith("Actions by theme and status: 7 of 25 complete") for a in alts)
    sickness = next(a for a in alts if a.startswith("Sickness absence, monthly Nov 2016"))
    assert "Special cause improving (low)" in sickness and "hit and miss" in sickness
    assert any(a.startswith("Vacancy rate") and "rebase" in a for a in alts)
    assert len([a for a in alts if "monthly" in a]) == 5


def test_spc_numbers_are_also_in_a_table(with_previous):
    text = flat(" ".join(page_texts(with_previous)))
    assert "Workforce measures by month" in text
    assert "Nov 2016 4.6% 15.1%" in text  # sickness and turnover, first month


def test_without_previous_the_paper_says_nothing_about_change(built_paper):
    text = flat(" ".join(page_texts(built_paper)))
    assert "Of 4 actions, 1 is complete, 2 are on track" in text or "Of 4 actions" in text
    assert "since the" not in text.split("Of 4 actions")[1][:80]
    assert "Changes since" not in text


def test_metric_reported_for_several_periods_gets_a_trend_with_words(tmp_path):
    metrics = [["Culture survey", "May 2018", 95, 326, "staff", 0.4, None], *METRICS]
    workbook = paper_workbook(tmp_path / "p.xlsx", metrics=metrics)
    result = run_cli("build", workbook, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "test-framework-update-2018-2019.pdf"
    text = flat(" ".join(page_texts(pdf)))
    assert "up 5 points from 29%" in text
    assert "nan" not in text.split()  # the May row has no source
    assert ("Culture survey rose from 29% in May 2018 to 34% in Oct 2018; target 40% not met."
            in figure_alts(pdf))


def test_variation_and_assurance_icons_have_words(with_previous):
    alts = figure_alts(with_previous)
    assert "Variation: special cause improving (low)" in alts
    assert "Assurance: consistently failing the target" in alts
    text = flat(" ".join(page_texts(with_previous)))
    assert "Variation: Special cause improving (low). Assurance: Hit and miss" in text


def test_history_sheet_stands_in_for_a_previous_workbook(tmp_path):
    from datetime import date

    import openpyxl
    from workbooks import paper_workbook

    from reportgen.analysis.figures import analyse

    path = paper_workbook(tmp_path / "p.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("History")
    sheet.append(["Date", "ID", "Status", "Due", "Progress note"])
    sheet.append([date(2018, 5, 9), "G1", "On track", date(2018, 10, 31), "Planned."])
    sheet.append([date(2018, 5, 9), "G2", "On track", date(2018, 9, 30), "Started."])
    sheet.append([date(2018, 5, 9), "X9", "At risk", None, None])
    sheet.append([date(2017, 11, 8), "G1", "Not started", None, None])  # older: ignored
    book.save(path)
    progress = analyse(load_report(path), charts=False).progress
    kinds = {(c.kind, c.action_id) for c in progress.changes}
    assert ("Completed", "G2") in kinds and ("Worsened", "G1") in kinds
    assert ("Due date later", "G1") in kinds  # 31/10/2018 -> 30/11/2018
    assert ("New", "V1") in kinds and ("Removed", "X9") in kinds
    assert "(1 since the May 2018 update)" in progress.summary()
    result = run_cli("build", path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = flat(" ".join(page_texts(tmp_path / "out" / "test-framework-update-2018-2019.pdf")))
    assert "Changes since the 9 May 2018 report" in text



def test_metric_without_a_source_or_unit_has_none_not_nan():
    from reportgen.analysis.figures import metrics_frame
    from reportgen.workbook.model import Metric

    frame = metrics_frame([Metric("Survey", "May 2018", 95, 326, None, 0.4, None),
                           Metric("Survey", "Oct 2018", 111, 326, "staff", 0.4, "Survey")])
    assert list(frame["source"]) == [None, "Survey"]
    assert list(frame["unit"]) == [None, "staff"]
