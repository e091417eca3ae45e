"""The paper as an editable Word document, from the same model and analysis as the PDF.

The content and its order follow ``templates/paper.html``: the cover and cover-sheet
table, the Monitoring and Assurance Summary, the numbered report, the action tracker
with its summary, changes and overdue tables (on landscape pages, as in the PDF), the
metrics and their charts, the workforce SPC charts and their table, the sign-off and
the appendices list. Content is mapped to named styles (Title, Heading 1-3, Caption,
List Paragraph, Table Grid), so an organisation's ``reference.docx`` restyles it; only
what a style cannot say (status colours, the shaded label column, header rows) is set
on the table itself.

Built with python-docx; what it lacks is in :mod:`reportgen.docx.ooxml`. The bytes are
reproducible: core-property dates come from the paper's date (or SOURCE_DATE_EPOCH),
and the zip is written again with fixed entry dates.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.table import _Cell

from reportgen.analysis.charts import Chart, chart_png
from reportgen.analysis.cover import TICKED, UNTICKED, cover_entries
from reportgen.analysis.figures import Analysis, metrics_note
from reportgen.analysis.numbers import format_count
from reportgen.analysis.placing import paragraph_pieces
from reportgen.docx import ooxml
from reportgen.docx.narrative import Block, blocks
from reportgen.docx.reference import open_reference
from reportgen.errors import RenderError
from reportgen.workbook.dates import long_date
from reportgen.workbook.model import Report, UserTable
from reportgen.workbook.schema import (
    PURPOSE_TICK_WORDS,
    PURPOSES,
    SPC_MIN_POINTS,
    STATUS_COLOURS,
    Status,
)

GREY_TEXT = "#425563"
RULE = "#768692"
PALE = "#E8EDEE"
STRIPE = "#F4F6F7"
#: The styles the document uses; any a reference document lacks comes from python-docx's
#: default template.
STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption",
          "List Paragraph", "Header", "Footer", "Table Grid")
#: Charts are pictures in Word: PNG at print resolution, from the PDF's own figures.
CHART_DPI = 200
#: Zip entries are dated like this (the zip format cannot store dates before 1980).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Look:
    """The theme's colours and logo (``theme.yaml``), as the PDF uses them."""

    primary: str = "#005EB8"
    ink: str = "#231F20"
    logo: bytes | None = None
    logo_alt: str | None = None
    #: The cover's built-in fields in theme.yaml's ``cover:`` order, (field, label).
    cover: tuple[tuple[str, str | None], ...] = ()


def created_at(day: date | None) -> datetime:
    """The document's date: SOURCE_DATE_EPOCH if set, else the paper's own date."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), UTC)
    return datetime.combine(day or date(2000, 1, 1), time(0, 0), tzinfo=UTC)


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def write_docx(report: Report, analysis: Analysis, *, reference: Path | None = None,
               look: Look = Look()) -> bytes:
    """The .docx bytes of the paper. ``reference`` is an organisation's reference
    document whose styles, page set-up, header and footer are used."""
    document = open_reference(reference) if reference is not None else _default_document()
    writer = _Writer(document, report, analysis, look, restyle=reference is None)
    writer.write()
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _default_document():
    document = Document()
    # python-docx's template carries its own thumbnail (its logo): not this paper's.
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(rel_id)
    return document


def _fixed_zip(data: bytes) -> bytes:
    """The package again, every entry dated ZIP_DATE and deflated the same way, so
    the same paper gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info))
    return out.getvalue()


class _Writer:
    def __init__(self, document, report: Report, analysis: Analysis, look: Look, *,
                 restyle: bool) -> None:
        self.doc = document
        self.report = report
        self.paper = report.paper
        self.analysis = analysis
        self.look = look
        _ensure_styles(document)
        if restyle:
            self._house_style()
        ooxml.set_language(document, "en-GB")
        self.numbering = ooxml.Numbering(document)
        # Looked up once: python-docx finds a style by name by walking every style, and
        # does so again for every paragraph given a style; the ids are set directly.
        self.styles = {name: document.styles[name].style_id for name in STYLES}

    # -- the whole document ------------------------------------------------------------

    def write(self) -> None:
        self._properties()
        section = self.doc.sections[0]
        self._running(section)
        self.cover()
        self.assurance()
        self.body()
        if self.report.actions:
            self._new_section(landscape=True)
            self.actions()
        if self.report.metrics:
            self.metrics()
        if self.analysis.workforce:
            self._new_section(landscape=False)
            self.workforce()
        self.signoff()
        if self.report.appendices:
            self.appendices()

    def _properties(self) -> None:
        props = self.doc.core_properties
        paper = self.paper
        moment = created_at(paper.report_date or paper.meeting_date).replace(tzinfo=None)
        props.title = paper.title
        props.author = paper.author
        props.subject = (f"{paper.meeting}, {long_date(paper.meeting_date)}, item "
                         f"{paper.agenda_item}: {paper.purpose}")
        props.keywords = f"{paper.organisation}, {paper.meeting}, board paper"
        props.language = "en-GB"
        props.comments = "Made by reportgen"
        props.category = "Board paper"
        props.last_modified_by = paper.author
        props.revision = 1
        props.created = moment
        props.modified = moment
        props.last_printed = moment

    def _house_style(self) -> None:
        """The PDF's look, set on the styles themselves (no reference document)."""
        styles = self.doc.styles
        ink, blue = _rgb(self.look.ink), _rgb(self.look.primary)
        normal = styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(10.5)
        normal.font.color.rgb = ink
        normal.paragraph_format.space_after = Mm(2.5)
        normal.paragraph_format.line_spacing = 1.15
        for name, size, colour, before, after in (
                ("Title", 16, blue, 1, 4), ("Heading 1", 13, blue, 7, 3),
                ("Heading 2", 11, blue, 5, 2.5), ("Heading 3", 10.5, ink, 4, 2)):
            style = styles[name]
            style.font.name = "Arial"
            style.font.size = Pt(size)
            style.font.bold = True
            style.font.italic = False
            style.font.color.rgb = colour
            style.paragraph_format.space_before = Mm(before)
            style.paragraph_format.space_after = Mm(after)
            style.paragraph_format.keep_with_next = True
            fonts = style.element.rPr.find(ooxml.qn("w:rFonts"))
            for theme_font in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                if fonts is not None and fonts.get(ooxml.qn(theme_font)) is not None:
                    del fonts.attrib[ooxml.qn(theme_font)]
        title = styles["Title"].element.pPr
        if title is not None:
            for border in title.findall(ooxml.qn("w:pBdr")):
                title.remove(border)
        caption = styles["Caption"]
        caption.font.size = Pt(8.5)
        caption.font.bold = False
        caption.font.italic = False
        caption.font.color.rgb = _rgb(GREY_TEXT)
        for name in ("Header", "Footer"):
            styles[name].font.size = Pt(8.5)
            styles[name].font.color.rgb = _rgb(GREY_TEXT)
        list_paragraph = styles["List Paragraph"]
        list_paragraph.paragraph_format.space_after = Mm(1)
        for section in self.doc.sections:
            section.page_width, section.page_height = Mm(210), Mm(297)
            section.top_margin, section.bottom_margin = Mm(26), Mm(22)
            section.left_margin = section.right_margin = Mm(20)
            section.header_distance, section.footer_distance = Mm(12), Mm(10)

    def _running(self, section) -> None:
        """The running header (meeting and date; the item) and footer (organisation;
        "Page X of Y" as fields), unless the reference document has its own."""
        paper = self.paper
        usable = section.page_width - section.left_margin - section.right_margin
        header = section.header
        self._ours = (not _has_text(header), not _has_text(section.footer))
        if self._ours[0]:
            paragraph = header.paragraphs[0]
            paragraph.text = ""
            _right_tab_only(paragraph, usable)
            paragraph.add_run(f"{paper.meeting} · {long_date(paper.meeting_date)}")
            paragraph.add_run("\t")
            item = paper.agenda_item
            run = paragraph.add_run(item if item.lower().startswith("item") else f"Item {item}")
            run.bold = True
            run.font.color.rgb = _rgb(self.look.primary)
            ooxml.bottom_border(paragraph, self.look.primary)
        footer = section.footer
        if self._ours[1]:
            paragraph = footer.paragraphs[0]
            paragraph.text = ""
            _right_tab_only(paragraph, usable)
            paragraph.add_run(paper.organisation)
            paragraph.add_run("\tPage ")
            ooxml.add_field(paragraph, "PAGE")
            paragraph.add_run(" of ")
            ooxml.add_field(paragraph, "NUMPAGES")

    def _new_section(self, *, landscape: bool) -> None:
        previous = self.doc.sections[-1]
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        width, height = sorted((previous.page_width, previous.page_height))
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = height, width
            first = self.doc.sections[0]
            # The PDF's wide pages have slightly narrower margins; with a reference
            # document its own margins are kept, turned with the page.
            section.top_margin, section.right_margin = first.left_margin, first.top_margin
            section.bottom_margin, section.left_margin = first.right_margin, first.bottom_margin
        else:
            first = self.doc.sections[0]
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = width, height
            section.top_margin, section.bottom_margin = first.top_margin, first.bottom_margin
            section.left_margin, section.right_margin = first.left_margin, first.right_margin
        # The header and footer run on (linked to the first section's); the right
        # tab stop is moved to the new page's edge.
        usable = section.page_width - section.left_margin - section.right_margin
        self._own_running(section, usable)

    def _own_running(self, section, usable) -> None:
        """A section of another width gets its own copy of the running header and
        footer, so the item and page number stay at the right margin."""
        first = self.doc.sections[0]
        for mine, theirs in ((section.header, first.header), (section.footer, first.footer)):
            mine.is_linked_to_previous = False
            target = mine._element
            for child in list(target):
                target.remove(child)
            for child in theirs._element:
                target.append(deepcopy(child))
            if not self._ours[mine is section.footer]:
                continue  # the reference document's own: left as it is
            for paragraph in mine.paragraphs:
                _right_tab_only(paragraph, usable)

    # -- pieces -----------------------------------------------------------------------

    def para(self, style: str):
        """A new paragraph in the named style (Caption, Heading 1, ...)."""
        paragraph = self.doc.add_paragraph()
        paragraph._p.style = self.styles[style]
        return paragraph

    def heading(self, text: str, level: int, *, number: bool = False):
        paragraph = self.para(f"Heading {level}")
        _add_lines(paragraph, text)
        if number:
            ooxml.set_number(paragraph, self.numbering.paper, 0)
        return paragraph

    def caption(self, text: str):
        paragraph = self.para("Caption")
        _add_lines(paragraph, text)
        return paragraph

    def table(self, rows: int, cols: int, widths_mm: Sequence[float] | None = None,
              *, header_rows: int = 1, font_pt: float = 9):
        table = self.doc.add_table(rows=rows, cols=cols)
        table._tbl.tblStyle_val = self.styles["Table Grid"]
        ooxml.table_borders(table, RULE)
        # The cells, found once: python-docx's table.cell() walks the whole table on
        # every call, which made a 200-row tracker take seconds.
        table._grid = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
        if widths_mm:
            table.autofit = False
            for index, width in enumerate(widths_mm):
                table.columns[index].width = Mm(width)
                for row in table._grid:
                    row[index].width = Mm(width)
        for index, row in enumerate(table.rows):
            ooxml.keep_row_whole(row)
            if index < header_rows:
                ooxml.repeat_header(row)
        table._font_pt = font_pt
        return table

    def cell(self, table, row: int, col: int, text: str | None, *, bold: bool = False,
             fill: str | None = None, colour: str | None = None, centre: bool = False,
             right: bool = False, italic: bool = False):
        cell = table._grid[row][col]
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = 1.0
        if centre:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if text:
            for run in _add_lines(paragraph, text):
                run.bold = bold or None
                run.italic = italic or None
                run.font.size = Pt(table._font_pt)
                if colour:
                    run.font.color.rgb = _rgb(colour)
        if fill:
            ooxml.shade(cell, fill)
        return cell

    def header_cells(self, table, row: int, labels: Sequence[str], *,
                     pale: bool = False) -> None:
        """A header row: white on the primary colour, or ink on pale grey."""
        for col, label in enumerate(labels):
            self.cell(table, row, col, label, bold=True,
                      fill=PALE if pale else self.look.primary,
                      colour=None if pale else "#FFFFFF")

    def status_cell(self, table, row: int, col: int, status: Status) -> None:
        background, ink = STATUS_COLOURS[status]
        self.cell(table, row, col, status.value, bold=True, fill=background, colour=ink)

    def picture(self, chart: Chart, width_mm: float) -> None:
        if chart.figure is None:
            raise RenderError(f"the chart '{chart.title}' was made without its figure, "
                              "which the Word document draws as PNG (analyse it inside "
                              "charts.keep_figures())")
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_after = Mm(1)
        png = io.BytesIO(chart_png(chart, CHART_DPI))
        shape = paragraph.add_run().add_picture(png, width=Mm(width_mm))
        ooxml.set_alt_text(shape, chart.alt, chart.title)

    # -- the paper's parts, in the PDF's order ------------------------------------------

    def cover(self) -> None:
        paper, look = self.paper, self.look
        if look.logo is not None:
            paragraph = self.doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            shape = paragraph.add_run().add_picture(io.BytesIO(look.logo), height=Mm(18))
            alt = look.logo_alt or f"{paper.organisation} logo"
            ooxml.set_alt_text(shape, alt, alt)
        organisation = self.doc.add_paragraph()
        organisation.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = organisation.add_run(paper.organisation)
        run.bold = True
        run.font.size = Pt(12)
        run.font.color.rgb = _rgb(look.primary)
        meeting = self.doc.add_paragraph()
        meeting.paragraph_format.space_after = Mm(1)
        run = meeting.add_run(paper.meeting)
        run.bold = True
        run.font.all_caps = True
        self.para("Title").add_run(paper.title)

        entries = cover_entries(paper, look.cover)
        table = self.table(len(entries), 2, (54, 116), header_rows=0)
        for index, entry in enumerate(entries):
            self.cell(table, index, 0, entry.label, bold=True, fill=PALE)
            if entry.chosen is None:
                self.cell(table, index, 1, entry.text,
                          bold=entry.field == "Recommendation")
                continue
            # The purpose as the familiar row of tick boxes: ☒ and bold for each chosen.
            paragraph = self.cell(table, index, 1, None).paragraphs[0]
            for position, purpose in enumerate(PURPOSES):
                on = purpose in entry.chosen
                run = paragraph.add_run(("   " if position else "")
                                        + f"{TICKED if on else UNTICKED} "
                                        + PURPOSE_TICK_WORDS[purpose])
                run.bold = on or None
                run.font.size = Pt(9)

    def assurance(self) -> None:
        paper = self.paper
        self.heading("Monitoring and Assurance Summary", 1)
        if paper.strategic_principles:
            table = self.table(1, 2, (54, 116), header_rows=0)
            self.cell(table, 0, 0, "This report links to the following Strategic Principles",
                      bold=True, fill=PALE)
            cell = table._grid[0][1]
            for index, principle in enumerate(paper.strategic_principles):
                paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
                paragraph._p.style = self.styles["List Paragraph"]
                paragraph.paragraph_format.space_after = Pt(0)
                ooxml.set_number(paragraph, self.numbering.bullets, 0)
                for run in _add_lines(paragraph, principle):
                    run.font.size = Pt(9)
            self.doc.add_paragraph().paragraph_format.space_after = Pt(0)
        matters = self.report.assurance
        table = self.table(2 + len(matters), 4, (79, 30, 30, 30), header_rows=2)
        blue = self.look.primary
        matter = table._grid[0][0].merge(table._grid[1][0])
        considered = table._grid[0][1].merge(table._grid[1][1])
        action = table._grid[0][2].merge(table._grid[0][3])
        for cell in (matter, considered, action, table._grid[1][2], table._grid[1][3]):
            ooxml.shade(cell, blue)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        self.cell(table, 0, 0, "Matter", bold=True, colour="#FFFFFF")
        self.cell(table, 0, 1, "Considered", bold=True, colour="#FFFFFF", centre=True)
        _note(considered, "Yes (✓)", table._font_pt - 0.5)
        self.cell(table, 0, 2, "Any action required?", bold=True, colour="#FFFFFF",
                  centre=True)
        self.cell(table, 1, 2, "Yes", bold=True, colour="#FFFFFF", centre=True)
        _note(table._grid[1][2], "detail in report", table._font_pt - 0.5)
        self.cell(table, 1, 3, "No", bold=True, colour="#FFFFFF", centre=True)
        for index, item in enumerate(matters, start=2):
            stripe = STRIPE if index % 2 == 1 else None
            self.cell(table, index, 0, item.matter, fill=stripe)
            ticks = (item.considered, item.considered and item.action_required,
                     item.considered and not item.action_required)
            for col, tick in enumerate(ticks, start=1):
                self.cell(table, index, col, "✓" if tick else None, centre=True, fill=stripe)
        gap = self.doc.add_paragraph()
        gap.paragraph_format.space_after = Pt(0)
        table = self.table(1, 3, (94, 26, 50), header_rows=0)
        self.cell(table, 0, 0, "I confirm that I have considered the implications of this "
                  "report on each of the matters above, as indicated", italic=True)
        self.cell(table, 0, 1, "✓", centre=True)
        cell = self.cell(table, 0, 2, "Initials: ")
        run = cell.paragraphs[0].add_run(paper.author_initials)
        run.bold = True
        run.font.size = Pt(table._font_pt)

    def body(self) -> None:
        figures = self.analysis.figures
        first = True
        for section in self.report.sections:
            heading = self.heading(section.heading, 1, number=True)
            if first:
                heading.paragraph_format.page_break_before = True
                first = False
            sub = False
            for para in section.paragraphs:
                if para.sub_heading:
                    sub = True
                    self.heading(para.sub_heading, 2).runs[0].font.all_caps = True
                if para.minor_heading:
                    self.heading(para.minor_heading, 3 if sub else 2)
                # Cut where its lines place tables ([[Table: name]]), as in the PDF: a
                # piece of text is numbered only if it starts the paragraph.
                for piece in paragraph_pieces(self.report, para):
                    if piece.table is not None:
                        self.user_table(piece.table)
                    else:
                        self.numbered(piece.text, figures, number=piece.number is not None)
        for table in self.report.tables:
            if table.placed_at is None:  # placed by no paragraph: at the end of the body
                self.user_table(table)

    def user_table(self, table: UserTable) -> None:
        """A table of the user's own (a "Table ..." sheet): its caption, the header row
        repeated on every page, numbers right-aligned; a wide one on landscape pages."""
        if table.wide:
            self._new_section(landscape=True)
        self.caption(f"Table {table.number}: {table.caption}").paragraph_format \
            .keep_with_next = True
        numeric = table.numeric_columns
        grid = self.table(1 + len(table.rows), len(table.header), header_rows=1)
        for col, cell in enumerate(table.header):
            self.cell(grid, 0, col, cell.text, bold=True, fill=self.look.primary,
                      colour="#FFFFFF", right=numeric[col])
        for row, cells in enumerate(table.rows, start=1):
            for col, cell in enumerate(cells):
                self.cell(grid, row, col, cell.text, right=cell.number)
        self.doc.add_paragraph().paragraph_format.space_after = Pt(0)
        if table.wide:
            self._new_section(landscape=False)

    def numbered(self, text: str, figures, *, number: bool = True) -> None:
        """One numbered paragraph (2.4) of the report, with its lists and follow-on
        paragraphs indented under the number (``number=False``: the text after a table
        the paragraph places, under the same number)."""
        parts = blocks(text, figures)
        if number and (not parts or parts[0].kind != "para"):
            parts.insert(0, Block("para"))  # the number on a line of its own
        ordered: dict[int, int] = {}
        paragraph = None
        for index, block in enumerate(parts):
            if block.kind == "para":
                paragraph = self.doc.add_paragraph()
                if index == 0 and number:
                    ooxml.set_number(paragraph, self.numbering.paper, 1)
                else:
                    paragraph.paragraph_format.left_indent = Twips(
                        ooxml.HANG + 340 * block.level)
            else:
                paragraph = self.para("List Paragraph")
                if block.kind == "bullet":
                    ooxml.set_number(paragraph, self.numbering.bullets, block.level)
                else:
                    if block.list_key not in ordered:
                        ordered[block.list_key] = self.numbering.ordered(block.start)
                    ooxml.set_number(paragraph, ordered[block.list_key], block.level)
            for run in block.runs:
                if run.text == "\n":
                    paragraph.add_run().add_break()
                    continue
                added = paragraph.add_run(run.text)
                added.bold = run.bold or None
                added.italic = run.italic or None
        if paragraph is not None:
            paragraph.paragraph_format.space_after = Mm(2.5)

    def actions(self) -> None:
        analysis, paper = self.analysis, self.paper
        progress = analysis.progress
        self.heading(paper.action_table_title, 1)
        summary = self.doc.add_paragraph()
        run = summary.add_run(progress.summary())
        run.bold = True
        run.font.size = Pt(11)
        if analysis.status_chart is not None:
            self.picture(analysis.status_chart, 200)
            self.caption(f"{analysis.status_chart.title}. The figures are in the table below.")
        table_summary = analysis.status_summary
        count = len(self.report.actions)
        self.caption(f"Actions by theme and status ({count} action{'' if count == 1 else 's'})"
                     ". An action is complete when all its milestones are, off track or at "
                     "risk if any milestone is, not started if none has started, and "
                     "otherwise on track.").paragraph_format.keep_with_next = True
        columns = list(table_summary.columns)
        table = self.table(1 + len(table_summary), 1 + len(columns),
                           (80, *([22] * len(columns))))
        self.header_cells(table, 0, ["Theme", *columns], pale=True)
        for r, (theme, row) in enumerate(table_summary.iterrows(), start=1):
            total = theme == "Total"
            fill = STRIPE if total else None
            self.cell(table, r, 0, str(theme), bold=total, fill=fill)
            for c, status in enumerate(columns, start=1):
                self.cell(table, r, c, str(row[status]), centre=True,
                          bold=total or status == "Total", fill=fill)
        if progress.previous_meeting:
            self.heading(f"Changes since the {long_date(progress.previous_meeting)} report", 2)
            if progress.changes:
                table = self.table(1 + len(progress.changes), 5, (16, 100, 40, 50, 50),
                                   font_pt=8.5)
                self.header_cells(table, 0, ["Ref", "Action", "Change", "Before", "Now"],
                                  pale=True)
                for r, change in enumerate(progress.changes, start=1):
                    self.cell(table, r, 0, change.action_id, bold=True)
                    self.cell(table, r, 1, change.title)
                    self.cell(table, r, 2, change.kind, bold=True)
                    self.cell(table, r, 3, change.before)
                    self.cell(table, r, 4, change.now)
            else:
                self.doc.add_paragraph("No action has changed since the last report.")
        if progress.overdue:
            self.heading("Overdue at the meeting", 2)
            table = self.table(1 + len(progress.overdue), 5, (16, 100, 80, 25, 30),
                               font_pt=8.5)
            self.header_cells(table, 0, ["Ref", "Action", "Milestone", "Was due", "Status"],
                              pale=True)
            for r, item in enumerate(progress.overdue, start=1):
                self.cell(table, r, 0, item.action_id, bold=True)
                self.cell(table, r, 1, item.title)
                self.cell(table, r, 2, item.milestone)
                self.cell(table, r, 3, _short_date(item.due))
                self.status_cell(table, r, 4, item.status)
        for theme in analysis.themes:
            self.heading(theme.name, 2)
            rows = sum(len(action.milestones) for action in theme.actions)
            table = self.table(1 + rows, 7, (12, 52, 46, 34, 22, 24, 71), font_pt=8.5)
            self.header_cells(table, 0, ["Ref", "Action", "Milestone", "Lead", "Due",
                                         "Status", "Progress"])
            r = 1
            for action in theme.actions:
                first = r
                for milestone in action.milestones:
                    self.cell(table, r, 2, milestone.description)
                    self.cell(table, r, 3, milestone.lead)
                    due = milestone.due
                    self.cell(table, r, 4, _short_date(due.date) if due.date else
                              (due.text or "–"))
                    self.status_cell(table, r, 5, milestone.status)
                    self.cell(table, r, 6, milestone.note)
                    if r > first:
                        # An action's milestones stay on one page with it, as in the PDF.
                        for cell in table._grid[r - 1]:
                            for paragraph in cell.paragraphs:
                                paragraph.paragraph_format.keep_with_next = True
                    r += 1
                if r - 1 > first:
                    grid = table._grid
                    grid[first][0].merge(grid[r - 1][0])
                    grid[first][1].merge(grid[r - 1][1])
                self.cell(table, first, 0, action.id, bold=True)
                self.cell(table, first, 1, action.title, bold=True)

    def metrics(self) -> None:
        analysis = self.analysis
        self.heading(self.paper.metrics_table_title, 1)
        frame = analysis.metrics
        table = self.table(1 + len(frame), 9, (50, 22, 24, 24, 16, 22, 20, 36, 47))
        scores = bool((frame["kind"] == "score").any())
        self.header_cells(table, 0, ["Metric", "Period", "Count or score" if scores else "Count",
                                     "Of", "Rate", "Target", "Target met?", "Change",
                                     "Source"])
        for r, m in enumerate(frame.itertuples(), start=1):
            has_population = m.population == m.population  # not NaN
            self.cell(table, r, 0, m.metric, bold=True)
            self.cell(table, r, 1, m.period)
            if m.kind == "score":
                count = f"{m.unit} {format_count(m.count)}" if m.unit else format_count(m.count)
                of = format_count(m.maximum)
            else:
                count = format_count(m.count)
                if m.unit and not has_population:
                    count = f"{count} {m.unit}"
                of = "–"
                if has_population:
                    of = format_count(m.population) + (f" {m.unit}" if m.unit else "")
            self.cell(table, r, 2, count, right=True)
            self.cell(table, r, 3, of, right=True)
            self.cell(table, r, 4, m.rate_text or "–", right=True)
            self.cell(table, r, 5, m.target_text or "–", right=True)
            met = {True: "Met", False: "Not met"}.get(m.target_met, "–")
            self.cell(table, r, 6, met, bold=m.target_met is not None)
            self.cell(table, r, 7, m.change or "–")
            self.cell(table, r, 8, m.source)
        for cell in table._grid[-1]:  # the note stays on the page of the table's end
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
        note = self.para("Caption")
        note.add_run(metrics_note(frame))
        note.paragraph_format.space_before = Mm(1.5)
        for chart in analysis.metric_charts:
            self.picture(chart, 200)
            self.caption(f"{chart.title}. The figures are in the table above.")

    def workforce(self) -> None:
        self.heading("Workforce measures", 1)
        intro = self.doc.add_paragraph()
        intro.add_run("Each measure is plotted month by month as a statistical process "
                      "control (SPC) chart, following NHS England's ")
        intro.add_run("Making Data Count").italic = True
        intro.add_run(": the mean, and process limits within which the measure is expected "
                      "to vary by chance. A point outside the limits, seven points in a row "
                      "above or below the mean or rising or falling, or two of three points "
                      "close to a limit show a special cause worth looking into. With fewer "
                      f"than {SPC_MIN_POINTS} months, a run chart with the median is shown "
                      "instead; so are the months since a rebase when there are fewer than "
                      f"{SPC_MIN_POINTS} of them.")
        for run in intro.runs:
            run.font.size = Pt(9.5)
        for view in self.analysis.workforce:
            self.heading(view.measure.name, 2)
            reading = self.doc.add_paragraph()
            reading.paragraph_format.keep_with_next = True
            reading.add_run(view.reading(SPC_MIN_POINTS)).font.size = Pt(9.5)
            self.picture(view.chart, 160)
            self.caption(f"{view.chart.title}. Monthly figures are in the table at the end "
                         "of this section.")
        table_frame = self.analysis.workforce_table
        self.heading("Workforce measures by month", 2)
        columns = list(table_frame.columns)
        width = 140 / max(1, len(columns))
        table = self.table(1 + len(table_frame), 1 + len(columns), (30, *[width] * len(columns)),
                           font_pt=8.5)
        self.header_cells(table, 0, ["Month", *columns])
        for r, (month, row) in enumerate(table_frame.iterrows(), start=1):
            self.cell(table, r, 0, str(month))
            for c, name in enumerate(columns, start=1):
                self.cell(table, r, c, str(row[name]), right=True)

    def signoff(self) -> None:
        paper = self.paper
        self.doc.add_paragraph().paragraph_format.space_before = Mm(5)
        rows = [("Author's name and Title", f"{paper.author}, {paper.author_job_title}")]
        if paper.report_date:
            rows.append(("Date", long_date(paper.report_date)))
        if paper.author_telephone:
            rows.append(("Telephone Number", paper.author_telephone))
        table = self.table(len(rows), 2, (54, 116), header_rows=0)
        for r, (label, value) in enumerate(rows):
            self.cell(table, r, 0, label, bold=True, fill=PALE)
            self.cell(table, r, 1, value)

    def appendices(self) -> None:
        self.heading("Appendices", 1)
        appendices = self.report.appendices
        table = self.table(1 + len(appendices), 3, (30, 110, 30))
        self.header_cells(table, 0, ["Appendix", "Title", "Page"], pale=True)
        for r, appendix in enumerate(appendices, start=1):
            self.cell(table, r, 0, f"Appendix {appendix.number}", bold=True)
            self.cell(table, r, 1, appendix.title)
            # Word cannot hold another author's PDF pages: they are in the PDF version.
            self.cell(table, r, 2, "In the PDF version" if appendix.file else "Not attached",
                      right=True, colour=None if appendix.file else GREY_TEXT)


def _ensure_styles(document) -> None:
    """Copy into ``document`` the styles it lacks from python-docx's default template."""
    present = {style.name for style in document.styles}
    missing = [name for name in STYLES if name not in present]
    if not missing:
        return
    defaults = Document().styles
    for name in missing:
        document.styles.element.append(deepcopy(defaults[name].element))


def _right_tab_only(paragraph, position) -> None:
    """One right-aligned tab stop at ``position`` (the right margin), the style's own
    tab stops (Header and Footer have a centre and a right one) cleared."""
    stops = paragraph.paragraph_format.tab_stops
    while len(stops):
        del stops[0]
    style = paragraph.style
    inherited = style.paragraph_format.tab_stops if style is not None else []
    for stop in inherited:
        if stop.position != position:
            stops.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
    stops.add_tab_stop(position, WD_TAB_ALIGNMENT.RIGHT)


def _has_text(story) -> bool:
    return any(p.text.strip() for p in story.paragraphs) or bool(story.tables)


def _add_lines(paragraph, text: str) -> list:
    """``text`` with its line breaks (Alt+Enter in a cell) kept as line breaks."""
    runs = []
    for index, line in enumerate(str(text).split("\n")):
        run = paragraph.add_run(line)
        if index:
            run._r.insert(0, run._r.makeelement(ooxml.qn("w:br"), {}))
        runs.append(run)
    return runs


def _note(cell, text: str, size: float) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run._r.insert(0, run._r.makeelement(ooxml.qn("w:br"), {}))
    run.font.size = Pt(size)
    run.font.color.rgb = _rgb("#FFFFFF")


def _short_date(value: date | None) -> str:
    return "" if value is None else f"{value:%d/%m/%Y}"
