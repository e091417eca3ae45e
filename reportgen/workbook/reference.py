"""The workbook format as Markdown, generated from the schema for the README.

``scripts/update_readme.py`` writes it between the markers in README.md, and a test
fails if the README and the schema ever disagree.
"""

from __future__ import annotations

from reportgen.workbook.schema import (
    PAPER_FIELDS,
    PAPER_SHEET,
    READING_RULES,
    TABLE_SHEETS,
    WIDE_TABLE_COLUMNS,
)

START = "<!-- workbook-format:start (generated from reportgen/workbook/schema.py) -->"
END = "<!-- workbook-format:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def workbook_reference() -> str:
    lines = ["How cells are read:", ""]
    lines += [f"- {_cell(rule)}" for rule in READING_RULES]
    lines += [
        "",
        f"#### {PAPER_SHEET}",
        "",
        "One row per field: the field name in column A, its value in column B. "
        "Required fields in **bold**.",
        "",
        "| Field | What to enter |",
        "|---|---|",
    ]
    for spec in PAPER_FIELDS:
        name = f"**{spec.name}**" if spec.required else spec.name
        also = f" (also: {', '.join(spec.aliases)})" if spec.aliases else ""
        lines.append(f"| {name} | {_cell(spec.help)}{_cell(also)} |")
    for sheet in TABLE_SHEETS:
        optional = "" if sheet.required else " (optional sheet)"
        lines += ["", f"#### {sheet.name}{optional}", "", _cell(sheet.help), "",
                  "| Column | What to enter |", "|---|---|"]
        for column in sheet.columns:
            name = f"**{column.name}**" if column.required else column.name
            also = f" (also: {', '.join(column.aliases)})" if column.aliases else ""
            lines.append(f"| {name} | {_cell(column.help)}{_cell(also)} |")
    lines += [
        "",
        "#### Table sheets (optional, any number)",
        "",
        "A sheet named \"Table\" and then the table's name (\"Table Competency scores\") "
        "holds a table of your own: an optional title row (one cell), the header row, then "
        "one row per table row. A paragraph of the Sections sheet with "
        "`[[Table: Competency scores]]` on a line of its own prints it there, as "
        "\"Table 1: Competency scores\" (the title row, if any, instead of the name); "
        "a paragraph holding nothing else is not numbered. More than "
        f"{WIDE_TABLE_COLUMNS} columns: a landscape page.",
    ]
    return "\n".join(lines) + "\n"


def replace_section(readme: str) -> str:
    """README text with the generated reference between the markers."""
    before, _, rest = readme.partition(START)
    _, _, after = rest.partition(END)
    return f"{before}{START}\n{workbook_reference()}{END}{after}"
