"""A monthly report → a Word document (.docx), with python-docx.

The same sections and tables as the Markdown report (report_md), in the same
order and words (report_text's listings), laid out for Word: the report title is
Heading 1, each plan (and the overview) Heading 2, each list Heading 3, so that
Word's navigation pane and table of contents work. A4 portrait with 20 mm
margins; tables in 9 pt with a repeated, shaded header row; behind and overdue
in bold orange and red. Fonts: Latin text in Arial, Chinese in SimSun (宋体) and
SimHei (黑体) for headings, set as the East Asian font of every style
(``w:eastAsia``), so Word shows Chinese in a Chinese face and LibreOffice
substitutes a CJK font it has.

The completion chart is a table here, not an image: plan completion and the
expected pace at each month's end, with a bar of block characters. No well-kept
library draws the chart into a PNG without bringing a plotting stack (matplotlib,
numpy, Pillow: some 60 MB) into the product, and Chinese axis labels would need a
CJK font on the machine, which is a system package; python-docx cannot embed the
HTML report's SVG. A table also stays editable for whoever forwards the report.

A plan's section is laid out (``report_section``) as plain data, so that it can be
built in another process like the other renderers'; ``report_bytes`` assembles the
document.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, NamedTuple

from civtrack.compute import STATES
from civtrack.i18n import label
from civtrack.render.report_text import (
    ALL_INDICATOR_ALIGN,
    ALL_INDICATOR_KEYS,
    Cell,
    all_indicator_rows,
    headline,
    listings,
    month_name,
    points,
    signed_count,
    supervision_listings,
    with_remark,
)
from civtrack.reporting import Month, PlanReport, Report, Summary
from civtrack.supervision import Supervision
from civtrack.text import display_width, pct

LATIN_FONT = "Arial"
BODY_EAST_ASIAN = "SimSun"  # 宋体
HEADING_EAST_ASIAN = "SimHei"  # 黑体
STATE_COLOURS = {"done": "2E7D32", "on-track": "0277BD", "behind": "C77700", "overdue": "C62828"}
ALERT_COLOURS = {"red": "C62828", "orange": "E65100", "yellow": "B38600", "blue": "1565C0"}
HEAD_SHADE = "DCE6F1"
TEXT_WIDTH_MM = 170  # A4's 210 mm less two margins of 20
SECTION_SHADE = "F2F2F2"


class Heading(NamedTuple):
    level: int
    text: str


class Para(NamedTuple):
    runs: tuple[tuple[str, bool], ...]  # (text, bold)


class Grid(NamedTuple):
    head: tuple[str, ...]
    align: str  # one l or r per column
    rows: tuple[tuple[str | Cell, ...], ...]
    spans: frozenset[int] = frozenset()  # rows that are one cell across the table (a section)


Block = Heading | Para | Grid


def _counts(p: PlanReport, lang: str) -> Grid:
    rows = tuple((label(s, lang), str(p.status.counts[s]), signed_count(p.counts_change[s])) for s in STATES)
    return Grid(tuple(label(k, lang) for k in ("state", "indicator_count", "change")), "lrr", rows)


def _month_ends(p: PlanReport, lang: str) -> Grid:
    """The completion chart as a table: each month's end, completion, expected pace and a bar."""
    rows = []
    for point in p.series:
        done = point.completion
        bar = "" if done is None else "█" * round(min(done, 100) / 5)
        rows.append((month_name(point.month, lang), pct(done), pct(point.expected), bar))
    head = (label("month", lang), label("completion", lang), label("expected_pace", lang).capitalize(), "")
    return Grid(head, "lrrl", tuple(rows))


def _all_indicators(p: PlanReport, lang: str) -> Grid:
    rows = [(row,) if type(row) is str else row for row in all_indicator_rows(p, lang)]
    spans = frozenset(index for index, row in enumerate(rows) if len(row) == 1)
    return Grid(tuple(label(k, lang) for k in ALL_INDICATOR_KEYS), ALL_INDICATOR_ALIGN, tuple(rows), spans)


def report_section(p: PlanReport, lang: str = "en") -> list[Block]:
    """One plan's part of the document, as the Markdown report lays it out (plus the month-end table)."""
    plan, now = p.plan, p.status
    meta = [plan.organization] if plan.organization else []
    meta.append(f"{label('period', lang)} {plan.period.start.isoformat()} – {plan.period.end.isoformat()}")
    completion = f"{label('plan_completion', lang).capitalize()} {pct(now.completion)}"
    blocks: list[Block] = [
        Heading(2, f"{plan.title} ({plan.id})"),
        Para(((" · ".join(meta), False),)),
        Para(((completion, True), (with_remark("", headline(p, lang), lang), False))),
        _counts(p, lang),
        Heading(3, label("burn_up", lang)),
        _month_ends(p, lang),
    ]
    for listing in listings(p, lang):
        blocks.append(Heading(3, with_remark(listing.title, str(len(listing.rows)), lang)))
        if listing.rows:
            blocks.append(Grid(listing.head, listing.align, listing.rows))
        else:
            blocks.append(Para(((label("none", lang), False),)))
    blocks += [Heading(3, label("all_indicators", lang)), _all_indicators(p, lang)]
    return blocks


def _overview(summaries: Sequence[Summary], lang: str) -> list[Block]:
    head = (label("plan", lang), label("completion", lang), label("change", lang), *(label(s, lang) for s in STATES))
    rows = tuple(
        (
            f"{s.title} ({s.id})",
            pct(s.completion),
            points(s.completion_change, lang),
            *(with_remark(str(s.counts[k]), signed_count(s.counts_change[k]), lang) for k in STATES),
        )
        for s in summaries
    )
    return [Heading(2, label("overview", lang)), Grid(head, "lrrrrrr", rows)]


def _supervision(sup: Supervision, lang: str, many_plans: bool) -> list[Block]:
    """By responsible unit, Warnings and Not reported (a table per owner), as the Markdown lays them out."""
    ranking, warnings, not_reported, *owners = supervision_listings(sup, lang, many_plans)
    # On A4 the warnings drop their plan and due date (days left stays), so that no figure wraps.
    lean = supervision_listings(sup, lang, False)[1]
    warnings = replace(lean, head=lean.head[:-1], align=lean.align[:-1], rows=tuple(row[:-1] for row in lean.rows))
    blocks: list[Block] = []
    for listing, title in (
        (ranking, ranking.title),
        (warnings, with_remark(warnings.title, str(len(warnings.rows)), lang)),
    ):
        blocks.append(Heading(2, title))
        blocks.append(
            Grid(listing.head, listing.align, listing.rows) if listing.rows else Para(((label("none", lang), False),))
        )
    blocks.append(Heading(2, with_remark(not_reported.title, str(len(not_reported.rows)), lang)))
    if not owners:
        blocks.append(Para(((label("none", lang), False),)))
    for listing in owners:
        blocks += [Heading(3, with_remark(listing.title, str(len(listing.rows)), lang)),
                   Grid(listing.head, listing.align, listing.rows)]  # fmt: skip
    return blocks


def report_bytes(
    month: Month,
    summaries: Sequence[Summary],
    sections: Sequence[list[Block]],
    lang: str = "en",
    supervision: Supervision | None = None,
) -> bytes:
    """The whole document as .docx bytes, from the plans' summaries and sections (report_section)."""
    from docx import Document
    from docx.shared import Mm

    doc = Document()
    _page(doc, Mm)
    _styles(doc, lang)
    title = label("report_title", lang).format(month=month_name(month, lang))
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "civtrack", "civtrack"
    # No clock: the same files give the same document.
    props.created = props.modified = dt.datetime(month.last.year, month.last.month, month.last.day)
    props.revision = 1
    doc.add_heading(title, 1)
    doc.add_paragraph(label("report_as_of", lang).format(as_of=month.last, previous=month.previous().last))
    if not summaries:
        doc.add_paragraph(label("report_no_plans", lang).format(month=month_name(month, lang)))
    blocks: list[Block] = _overview(summaries, lang) if len(summaries) > 1 else []
    if summaries and supervision is not None:
        blocks += _supervision(supervision, lang, len(summaries) > 1)
    for block in [*blocks, *(b for section in sections for b in section)]:
        _add(doc, block, lang)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def report_docx(report: Report, lang: str = "en") -> bytes:
    sections = [report_section(p, lang) for p in report.plans]
    return report_bytes(report.month, report.summaries, sections, lang, report.supervision)


# --- python-docx ------------------------------------------------------------------------


def _page(doc: Any, mm: Any) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = mm(210), mm(297)
        section.left_margin = section.right_margin = mm(20)
        section.top_margin = section.bottom_margin = mm(20)


def _fonts(style: Any, east_asian: str, lang: str) -> None:
    """Latin and East Asian faces of a style, explicitly (theme fonts would override them)."""
    from docx.oxml.ns import qn

    style.font.name = LATIN_FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:  # pragma: no cover - font.name creates it
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:eastAsia"), east_asian)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-GB")
    lang_el.set(qn("w:eastAsia"), "zh-CN")


def _styles(doc: Any, lang: str) -> None:
    from docx.shared import Pt, RGBColor

    styles = doc.styles
    normal = styles["Normal"]
    _fonts(normal, BODY_EAST_ASIAN, lang)
    normal.font.size = Pt(10.5)
    for level, size in ((1, 18), (2, 14), (3, 12)):
        style = styles[f"Heading {level}"]
        _fonts(style, HEADING_EAST_ASIAN, lang)
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x1D, 0x4F, 0x91)
    _fonts(styles["Table Grid"], BODY_EAST_ASIAN, lang)


def _shade(cell: Any, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _add(doc: Any, block: Block, lang: str) -> None:
    if isinstance(block, Heading):
        doc.add_heading(block.text, block.level)
    elif isinstance(block, Para):
        para = doc.add_paragraph()
        for text, bold in block.runs:
            para.add_run(text).bold = bold
    else:
        _table(doc, block, lang)


# At 9 pt, one display cell (half a Chinese character) of Arial or SimSun takes about 1.75 mm; a cell's
# padding (both sides) about 4 mm, and 2 mm to spare (fonts substituted by LibreOffice run wider).
CELL_MM, PAD_MM, SHORT = 1.8, 5.8, 14


def column_widths(needs: list[int]) -> list[float]:
    """Widths in mm, summing to TEXT_WIDTH_MM, for columns whose text needs ``needs`` display cells:
    short columns (dates, figures, states) get all they need, so they never wrap; the long ones share
    the rest in proportion."""
    natural = [need * CELL_MM + PAD_MM for need in needs]
    if sum(natural) <= TEXT_WIDTH_MM:
        spare = TEXT_WIDTH_MM - sum(natural)
        return [mm + spare * mm / sum(natural) for mm in natural]
    short = [need <= SHORT for need in needs]
    if all(short):
        return [TEXT_WIDTH_MM * mm / sum(natural) for mm in natural]
    fixed = sum(mm for mm, s in zip(natural, short, strict=True) if s)
    rest = max(TEXT_WIDTH_MM - fixed, TEXT_WIDTH_MM / 4)
    scale = TEXT_WIDTH_MM / (fixed + rest)  # when short columns alone nearly fill the page
    long_total = sum(mm for mm, s in zip(natural, short, strict=True) if not s)
    return [scale * (mm if s else rest * mm / long_total) for mm, s in zip(natural, short, strict=True)]


def _table(doc: Any, grid: Grid, lang: str) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    table = doc.add_table(rows=1 + len(grid.rows), cols=len(grid.head))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    sides = [WD_ALIGN_PARAGRAPH.RIGHT if a == "r" else WD_ALIGN_PARAGRAPH.LEFT for a in grid.align]

    def put(cell: Any, value: str | Cell, side: Any, bold: bool = False) -> None:
        para = cell.paragraphs[0]
        para.alignment = side
        para.paragraph_format.space_after = Pt(0)
        text = value if isinstance(value, str) else value.text
        run = para.add_run(text)
        run.font.size = Pt(9)
        run.bold = bold
        if isinstance(value, Cell):
            if value.state in ("behind", "overdue") or value.alert in ("red", "orange"):
                run.bold = True
            if value.state is not None:
                colour = STATE_COLOURS[value.state]
                run.font.color.rgb = RGBColor.from_string(colour)
            if value.alert is not None:
                run.font.color.rgb = RGBColor.from_string(ALERT_COLOURS[value.alert])
            if value.remark:
                remark = para.add_run(with_remark("", value.remark, lang))
                remark.italic = True
                remark.font.size = Pt(9)

    # Columns as wide as their text needs (a Chinese character counts two), shared out over the
    # 170 mm between the margins: names get the room, dates and figures do not wrap.
    needs = [max(4, display_width(text)) for text in grid.head]
    for i, values in enumerate(grid.rows):
        if i not in grid.spans:
            for c, value in enumerate(values):
                text = value if isinstance(value, str) else with_remark(value.text, value.remark or "", lang)
                needs[c] = max(needs[c], min(36, display_width(text)))
    table.autofit = False
    widths = [Mm(mm) for mm in column_widths(needs)]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid (LibreOffice reads it) and each cell (Word does)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    head = table.rows[0]
    # The header row repeats at the top of each page the table runs onto.
    head_props = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    head_props.append(repeat)
    for cell, text, side in zip(head.cells, grid.head, sides, strict=True):
        put(cell, text, side, bold=True)
        _shade(cell, HEAD_SHADE)
    for i, (row, values) in enumerate(zip(table.rows[1:], grid.rows, strict=True)):
        if i in grid.spans:
            merged = row.cells[0].merge(row.cells[-1])
            put(merged, values[0], WD_ALIGN_PARAGRAPH.LEFT, bold=True)
            _shade(merged, SECTION_SHADE)
            continue
        for cell, value, side in zip(row.cells, values, sides, strict=True):
            put(cell, value, side)
    doc.add_paragraph()
