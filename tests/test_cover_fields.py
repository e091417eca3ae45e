"""Other organisations' cover sheets: their own fields, the purpose tick row, and a
``cover:`` list in theme.yaml for the order and labels of the built-in fields."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
from conftest import run_cli
from pdftext import page_texts
from workbooks import PAPER, paper_workbook


def with_rows(path: Path, rows: list[list], formats: dict[str, str] | None = None) -> Path:
    book = openpyxl.load_workbook(path)
    sheet = book["Paper"]
    for values in rows:
        sheet.append(values)
    for ref, code in (formats or {}).items():
        sheet[ref].number_format = code
    book.save(path)
    return path


def build(path: Path, out: Path, *options) -> tuple[str, list[str]]:
    result = run_cli("build", path, "-o", out, *options)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output, page_texts(next(out.glob("*.pdf")))


def refused(path: Path, out: Path, *args: str) -> str:
    before = path.read_bytes()
    result = run_cli("build", path, "-o", out, *args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())
    assert path.read_bytes() == before
    return result.output


def test_extra_fields_follow_the_built_in_ones_in_the_workbooks_order(tmp_path):
    path = with_rows(paper_workbook(tmp_path / "p.xlsx"), [
        ["Report type", "Assurance report"],
        ["Link to strategic objectives", "Objective 2: Our people"],
        ["BAF risk reference", 0.15],
        ["Link to strategic objectives", "Objective 4: Partnerships"],
        ["Date agreed by executives", date(2018, 10, 2)],
        ["Budget", 125000],
        ["Confidential", "No"],
    ], formats={"B21": "0%", "B24": "£#,##0"})
    output, pages = build(path, tmp_path / "out")
    assert "Warning" not in output, output  # none of these names is close to a built-in
    cover = pages[0]
    expected = ["Report type Assurance report",
                "Link to strategic objectives Objective 2: Our people",
                "Objective 4: Partnerships", "BAF risk reference 15%",
                "Date agreed by executives 02/10/2018", "Budget £125,000",
                "Confidential No"]
    positions = [cover.index(line) for line in expected]
    assert positions == sorted(positions), cover
    assert cover.index("Previous GB") < positions[0]


def test_a_field_name_close_to_a_built_in_one_is_a_did_you_mean_warning(tmp_path):
    path = with_rows(paper_workbook(tmp_path / "p.xlsx"), [["Authors", "A N Other"],
                                                           ["Cabinet", None]])
    output, pages = build(path, tmp_path / "out")
    assert ('Warning: Paper!A19: "Authors" is not a built-in Paper field; it is printed on '
            "the cover as a field of its own (did you mean 'Author'?)") in output
    assert ("Warning: Paper!B20: 'Cabinet' has no value; the cover shows it empty (fill it "
            "in, or delete the row)") in output
    assert "Authors A N Other" in pages[0]
    result = run_cli("validate", path, "--strict")
    assert result.exit_code == 1, result.output


def test_the_purpose_category_is_a_tick_row_with_words(tmp_path):
    path = paper_workbook(tmp_path / "p.xlsx", paper={**PAPER,
                                                      "Purpose category": "For discussion"})
    _, pages = build(path, tmp_path / "out")
    assert ("Paper is for ☐ Approval ☒ Discussion ☐ Noting ☐ Assurance ☐ Information"
            in pages[0]), pages[0]
    html_path = paper_workbook(tmp_path / "q.xlsx", paper={
        **PAPER, "Purpose category": "Information\nAssurance"})
    result = run_cli("build", html_path, "-o", tmp_path / "out2", "--html")
    assert result.exit_code == 0, result.output
    html = next((tmp_path / "out2").glob("*.html")).read_text()
    assert ('<span class="tick-choice chosen"><span class="tick-box">☒</span> Assurance</span>'
            in html)
    assert '<span class="tick-choice"><span class="tick-box">☐</span> Approval</span>' in html


def test_a_purpose_not_among_the_choices_is_refused_with_a_did_you_mean(tmp_path):
    path = paper_workbook(tmp_path / "p.xlsx", paper={**PAPER,
                                                      "Purpose category": "Aproval, Ratify"})
    output = refused(path, tmp_path / "out")
    assert ("Paper!B17: \"Aproval\" is not a purpose category (did you mean 'Approval'? use "
            "one of Approve, Discuss, Note, Assurance, Information (several separated by "
            "commas))") in output
    assert 'Paper!B17: "Ratify" is not a purpose category (use one of' in output


def test_theme_cover_list_orders_and_relabels_the_built_in_fields(tmp_path):
    theme = tmp_path / "style"
    theme.mkdir()
    (theme / "theme.yaml").write_text(
        "cover:\n"
        "  - Sponsoring board member: Executive lead\n"
        "  - Purpose category: Report for\n"
        "  - Agenda item\n"
        "  - meeting date: Date of meeting\n")
    path = paper_workbook(tmp_path / "p.xlsx", paper={**PAPER, "Purpose category": "Note"})
    path = with_rows(path, [["CQC domain", "Well-led"]])
    _, pages = build(path, tmp_path / "out", "--templates", theme)
    cover = pages[0]
    expected = ["Executive lead B Sponsor – Chief Officer",
                "Report for ☐ Approval ☐ Discussion ☒ Noting",
                "Agenda item 9", "Date of meeting 14 November 2018",
                "Author Ann Author", "Purpose of Report To update members",
                "Recommendation", "CQC domain Well-led"]
    positions = [cover.index(line) for line in expected]
    assert positions == sorted(positions), cover
    assert "Sponsoring Board member" not in cover and "Date of the meeting" not in cover


def test_a_wrong_cover_list_is_refused_naming_each_item(tmp_path):
    theme = tmp_path / "style"
    theme.mkdir()
    (theme / "theme.yaml").write_text(
        "cover:\n  - Sponsor board member\n  - Author\n  - Author\n  - Author job title: 3\n"
        "  - [1, 2]\n")
    path = paper_workbook(tmp_path / "p.xlsx")
    output = refused(path, tmp_path / "out", "--templates", str(theme))
    for line in ("cover item 1: 'Sponsor board member' is not a cover field (did you mean "
                 "'Sponsoring board member'? use one of Meeting date, Author,",
                 "cover item 3: 'Author' is listed twice",
                 "cover item 4 (Author job title): the label must be text, not 3",
                 "cover item 5: expected a field name, or 'field: label', not [1, 2]"):
        assert line in output, output


def test_a_template_override_can_still_print_any_field(tmp_path):
    theme = tmp_path / "style"
    (theme / "partials").mkdir(parents=True)
    (theme / "partials" / "cover.html").write_text(
        "<h1>{{ paper.title }}</h1><table class='cover-sheet'><tbody>"
        "{% for field in paper.extra_fields %}<tr><th scope='row'>{{ field.label|upper }}"
        "</th><td>{{ field.value }}</td></tr>{% endfor %}</tbody></table>")
    path = with_rows(paper_workbook(tmp_path / "p.xlsx"), [["CQC domain", "Safe"]])
    _, pages = build(path, tmp_path / "out", "--templates", theme)
    assert "CQC DOMAIN Safe" in pages[0]
    assert "Date of the meeting" not in pages[0]
