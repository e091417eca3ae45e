"""The few pieces of WordprocessingML that python-docx has no API for, in one place.

python-docx builds paragraphs, runs, tables, pictures, sections, headers and core
properties; everything here is what it leaves out, written as the smallest XML Word
itself writes for it (ECMA-376 Part 1, section numbers in the comments):

- numbering definitions (17.9): the paper's "1." / "2.4" numbering, bullets and
  numbered lists that start where the author's list starts;
- table rows: a header row repeated on every page (``w:tblHeader``, 17.4.49) and rows
  never split across pages (``w:cantSplit``, 17.4.6);
- cell shading (``w:shd``, 17.3.5) and paragraph borders (``w:pBdr``, 17.3.1.24);
- fields (``w:fldChar`` / ``w:instrText``, 17.16): PAGE and NUMPAGES in the footer;
- the document language (``w:lang``, 17.3.2.20) and a picture's alt text
  (``wp:docPr/@descr``, 20.4.2.5).
"""

from __future__ import annotations

from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.numbering import NumberingPart

#: One multilevel list for the report body: level 0 the section heading "2.", level 1
#: its paragraphs "2.4". Paragraph numbers run on across sub-headings because the
#: sub-headings are not in the list; each section heading restarts level 1.
PAPER_LIST = 9001
BULLET_LIST = 9002
ORDERED_LIST = 9003
#: Hanging indent of a numbered paragraph: 12 mm, as in the PDF (twentieths of a point).
HANG = 680
_BULLETS = ("•", "◦", "▪")


def _level(ilvl: int, fmt: str, text: str, left: int, hanging: int, *, bold: bool = False,
           font: str | None = None) -> str:
    rpr = ""
    if bold or font:
        fonts = f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:hint="default"/>' if font else ""
        rpr = f"<w:rPr>{fonts}{'<w:b/>' if bold else ''}</w:rPr>"
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{left}"/></w:tabs>'
            f'<w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>{rpr}</w:lvl>')


def _abstract(abstract_id: int, levels: str) -> str:
    return (f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>')


def numbering_part(document) -> NumberingPart:
    """The document's numbering part, created when the reference document has none
    (python-docx's ``NumberingPart.new`` is not implemented)."""
    part = document.part
    try:
        return part.part_related_by(RELATIONSHIP_TYPE.NUMBERING)
    except KeyError:
        element = parse_xml(f'<w:numbering {nsdecls("w")}/>')
        numbering = NumberingPart(PackURI("/word/numbering.xml"), CONTENT_TYPE.WML_NUMBERING,
                                  element, part.package)
        part.relate_to(numbering, RELATIONSHIP_TYPE.NUMBERING)
        return numbering


class Numbering:
    """The paper's list definitions, added to a document's numbering part."""

    def __init__(self, document) -> None:
        self._root = numbering_part(document).element
        paper = (_level(0, "decimal", "%1.", HANG, HANG, bold=True)
                 + _level(1, "decimal", "%1.%2", HANG, HANG, bold=True))
        bullets = "".join(_level(i, "bullet", _BULLETS[i % 3], HANG + 340 * (i + 1), 340,
                                 font="Arial") for i in range(6))
        ordered = "".join(_level(i, "decimal", f"%{i + 1}.", HANG + 400 * (i + 1), 400)
                          for i in range(6))
        # Ids above any the reference document uses (9001, 9002, 9003 when it has none).
        taken = [int(a.get(qn("w:abstractNumId")))
                 for a in self._root.findall(qn("w:abstractNum"))]
        shift = max(0, max(taken, default=0) - PAPER_LIST + 1)
        self.paper_abstract = PAPER_LIST + shift
        # abstractNum elements must all come before the num elements (17.9.20).
        first_num = self._root.find(qn("w:num"))
        for abstract_id, levels in ((PAPER_LIST + shift, paper), (BULLET_LIST + shift, bullets),
                                    (ORDERED_LIST + shift, ordered)):
            element = parse_xml(_abstract(abstract_id, levels))
            if first_num is not None:
                first_num.addprevious(element)
            else:
                self._root.append(element)
        used = [int(n.get(qn("w:numId"))) for n in self._root.findall(qn("w:num"))]
        self._next = max([*used, PAPER_LIST - 1]) + 1
        self._ordered = ORDERED_LIST + shift
        self.paper = self._num(PAPER_LIST + shift)
        self.bullets = self._num(BULLET_LIST + shift)

    def _num(self, abstract_id: int, start: int | None = None) -> int:
        num_id, self._next = self._next, self._next + 1
        override = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/>'
                    "</w:lvlOverride>") if start is not None else ""
        self._root.append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId '
            f'w:val="{abstract_id}"/>{override}</w:num>'))
        return num_id

    def ordered(self, start: int) -> int:
        """A numbered list of its own, counting from ``start`` (a list typed from "5.")."""
        return self._num(self._ordered, start)


def _ppr(paragraph):
    return paragraph._p.get_or_add_pPr()


def set_number(paragraph, num_id: int, level: int) -> None:
    """Put ``paragraph`` in list ``num_id`` at ``level`` (w:numPr, 17.3.1.19)."""
    ppr = _ppr(paragraph)
    numpr = ppr.get_or_add_numPr()
    numpr.get_or_add_ilvl().val = level
    numpr.get_or_add_numId().val = num_id


def _tr_pr(row):
    return row._tr.get_or_add_trPr()


def repeat_header(row) -> None:
    """Mark ``row`` as a header row: repeated at the top of every page (17.4.49)."""
    _tr_pr(row).append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))


def keep_row_whole(row) -> None:
    """Never split ``row`` across a page break (17.4.6)."""
    _tr_pr(row).insert(0, parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))


def shade(cell, colour: str) -> None:
    """Fill ``cell`` with ``colour`` ("#E8EDEE")."""
    tcpr = cell._tc.get_or_add_tcPr()
    for old in tcpr.findall(qn("w:shd")):
        tcpr.remove(old)
    shd = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" '
                    f'w:fill="{colour.lstrip("#").upper()}"/>')
    # w:shd comes after the borders and before noWrap/margins/vAlign (17.4.70).
    after = [qn(t) for t in ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText",
                             "w:vAlign", "w:hideMark")]
    follower = next((child for child in tcpr if child.tag in after), None)
    if follower is not None:
        follower.addprevious(shd)
    else:
        tcpr.append(shd)


def table_borders(table, colour: str, size: int = 6) -> None:
    """Single lines of ``size`` eighths of a point round every cell of ``table``."""
    tblpr = table._tbl.tblPr
    for old in tblpr.findall(qn("w:tblBorders")):
        tblpr.remove(old)
    colour = colour.lstrip("#")
    sides = "".join(f'<w:{side} w:val="single" w:sz="{size}" w:space="0" w:color="{colour}"/>'
                    for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    borders = parse_xml(f'<w:tblBorders {nsdecls("w")}>{sides}</w:tblBorders>')
    # After tblW/jc/tblInd, before tblLayout/tblCellMar/tblLook (17.4.60).
    follower = next((c for c in tblpr if c.tag in (qn("w:shd"), qn("w:tblLayout"),
                                                   qn("w:tblCellMar"), qn("w:tblLook"))),
                    None)
    if follower is not None:
        follower.addprevious(borders)
    else:
        tblpr.append(borders)


def bottom_border(paragraph, colour: str) -> None:
    """A rule under ``paragraph`` (the running header's line)."""
    _ppr(paragraph).append(parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="4" '
        f'w:color="{colour.lstrip("#")}"/></w:pBdr>'))


def add_field(paragraph, instruction: str, shown: str = "1") -> None:
    """A field (PAGE, NUMPAGES) that Word and LibreOffice work out when they lay out
    the page; ``shown`` is the value shown until then."""
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>'))
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve"> '
                            f"{instruction} </w:instrText>"))
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="separate"/>'))
    paragraph.add_run(shown)
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>'))


def set_language(document, tag: str = "en-GB") -> None:
    """The language of all text not marked otherwise (docDefaults, 17.7.5)."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f'<w:docDefaults {nsdecls("w")}/>')
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = parse_xml(f'<w:rPrDefault {nsdecls("w")}/>')
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f'<w:rPr {nsdecls("w")}/>')
        rpr_default.append(rpr)
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="{tag}" w:eastAsia="{tag}" '
                         f'w:bidi="{tag}"/>'))
    # Styles that name their own language (the default template's say en-US) follow.
    for lang in styles.iter(qn("w:lang")):
        for attribute in ("w:val", "w:eastAsia", "w:bidi"):
            if lang.get(qn(attribute)) is not None:
                lang.set(qn(attribute), tag)


def set_alt_text(inline_shape, text: str, title: str) -> None:
    """The picture's alternative text (what a screen reader says) and its name."""
    doc_pr = inline_shape._inline.docPr
    doc_pr.set("descr", text)
    doc_pr.set("title", title)
