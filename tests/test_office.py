"""Files for Excel and Word: `export --format xlsx`, CSV encodings, `report --format docx`.

The workbooks and documents are opened again with openpyxl and python-docx and compared with
what the other formats say (the CSV export, the Markdown report) cell by cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from openpyxl import load_workbook

from civtrack.render.export import ENTRY_COLUMNS, STATUS_COLUMNS
from civtrack.render.report_docx import CELL_MM, PAD_MM, TEXT_WIDTH_MM, column_widths
from tests.record_driver import invoke
from tests.reportkit import FIXTURE, run_fixture


def run(*args: str) -> tuple[int, str, str]:
    return invoke(["--root", str(FIXTURE), *args])


def csv_rows(*args: str) -> list[dict[str, str]]:
    code, out, err = run("export", *args)
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


# --- export ------------------------------------------------------------------------------


def test_export_xlsx_has_typed_status_and_entries_sheets(tmp_path: Path) -> None:
    out = tmp_path / "status.xlsx"
    result = run_fixture("export", "--format", "xlsx", "--as-of", "2021-09-30", "-o", str(out))
    assert result.returncode == 0, result.stderr
    book = load_workbook(out)
    assert book.sheetnames == ["status", "entries"]
    status, entries = book["status"], book["entries"]
    assert [c.value for c in status[1]] == list(STATUS_COLUMNS)
    assert [c.value for c in entries[1]] == list(ENTRY_COLUMNS)
    assert status.freeze_panes == entries.freeze_panes == "A2"
    # The same rows as the CSV export, each cell typed.
    expected_status = csv_rows("--what", "status", "--as-of", "2021-09-30")
    expected_entries = csv_rows("--as-of", "2021-09-30")
    assert status.max_row - 1 == len(expected_status) == 20
    assert entries.max_row - 1 == len(expected_entries) == 40
    children = next(r for r in status.iter_rows(min_row=2, values_only=True) if r[2] == "children-homes")
    assert dict(zip(STATUS_COLUMNS, children, strict=True)) == {
        "as_of": dt.datetime(2021, 9, 30), "plan": "qingshan-2021", "indicator": "children-homes", "part": None,
        "name": "完成儿童福利机构改造", "section": "三、推进基层治理和社会事务", "kind": "number", "state": "overdue",
        "completion": 50, "current": 1, "target": 2, "baseline": 0, "unit": "个", "comparator": ">=",
        "expected": 2, "gap": 1, "start": dt.datetime(2021, 1, 1), "due": dt.datetime(2021, 8, 31),
        "days_overdue": 30, "owner": "儿童福利科", "weight": 1, "entries": 1,
        # Rules 10–13: 1 of 2 in the 272 days since the start; the line reaches 2 in 272 days more.
        "projected": 1, "projected_completion": 50, "eta": dt.datetime(2022, 6, 29), "alert": "red",
        "last_entry": dt.datetime(2021, 7, 30), "stale": True,
    }  # fmt: skip
    assert status["A2"].number_format == "yyyy-mm-dd"
    beds = next(r for r in entries.iter_rows(min_row=2, values_only=True) if r[3] == dt.datetime(2021, 9, 22))
    assert beds == ("qingshan-2021", "elder-beds", None, dt.datetime(2021, 9, 22), 200, None, "张",
                    "青石镇颐养中心投用,全年床位任务完成", "养老服务科 王敏", "验收报告 青民〔2021〕45号",
                    "progress/qingshan-2021/2021-09.yaml", 15)  # fmt: skip
    place = next(r for r in entries.iter_rows(min_row=2, values_only=True) if r[1] == "place-names")
    assert (place[4], place[5]) == (None, True)
    # Every CSV cell agrees with the workbook's.
    for row, expected in zip(entries.iter_rows(min_row=2, values_only=True), expected_entries, strict=True):
        assert [_as_csv(v) for v in row] == list(expected.values())


def _as_csv(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


@pytest.mark.parametrize(("encoding", "start"), [("utf-8-sig", b"\xef\xbb\xbfplan,"), ("gb18030", b"plan,")])
def test_csv_encodings_for_excel(tmp_path: Path, encoding: str, start: bytes) -> None:
    out = tmp_path / "entries.csv"
    code, _, err = run("export", "--as-of", "2021-09-30", "--encoding", encoding, "-o", str(out))
    assert code == 0, err
    data = out.read_bytes()
    assert data.startswith(start)
    code, plain, _ = run("export", "--as-of", "2021-09-30")
    assert data.decode(encoding) == plain
    assert "青石镇颐养中心投用".encode(encoding.removesuffix("-sig")) in data


def test_encoding_only_for_csv() -> None:
    code, out, err = run("export", "--format", "jsonl", "--encoding", "gb18030")
    assert code == 2 and "only CSV takes another encoding" in err


# --- report --format docx -----------------------------------------------------------------


def _markdown(lang: str) -> str:
    code, out, err = run("report", "--month", "2021-09", "--lang", lang)
    assert code == 0, err
    return out


def _docx(tmp_path: Path, lang: str, subprocess: bool = False) -> Document:
    out = tmp_path / f"report-{lang}.docx"
    args = ("report", "--month", "2021-09", "--lang", lang, "--format", "docx", "-o", str(out))
    if subprocess:
        result = run_fixture(*args)
        assert result.returncode == 0, result.stderr
    else:
        code, _, err = run(*args)
        assert code == 0, err
    return Document(str(out))


def _md_tables(text: str) -> list[list[list[str]]]:
    """The Markdown report's tables, cells as text (emphasis and escapes removed)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            if re.fullmatch(r"\|[-:|]+\|", line):
                continue
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            current.append([c.strip().replace("\\|", "|").replace("**", "").replace("*", "") for c in cells])
        elif current:
            tables.append(current)
            current = []
    return tables


def _docx_tables(doc: Document) -> list[list[list[str]]]:
    found = []
    for table in doc.tables:
        rows = []
        for row in table.rows:
            cells = row.cells
            if len(cells) > 1 and all(c._tc is cells[0]._tc for c in cells):  # a merged section row
                rows.append([cells[0].text] + [""] * (len(cells) - 1))
            else:
                rows.append([c.text for c in cells])
        found.append(rows)
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_docx_has_the_markdown_reports_headings_and_tables(tmp_path: Path, lang: str) -> None:
    doc = _docx(tmp_path, lang, subprocess=lang == "en")
    markdown = _markdown(lang)
    burn_up = "Completion month by month" if lang == "en" else "逐月完成率"
    headings = [
        (int(p.style.name.removeprefix("Heading ")), p.text)
        for p in doc.paragraphs
        if p.style.name.startswith("Heading")
    ]
    md_headings = [(len(m[1]), m[2].replace("\\|", "|")) for m in re.finditer(r"^(#+) (.*)$", markdown, re.M)]
    assert [h for h in headings if h[1] != burn_up] == md_headings
    assert headings[0] == (1, "Monthly report: September 2021" if lang == "en" else "2021年9月工作进展月报")
    assert sum(1 for h in headings if h[1] == burn_up) == 2  # one per plan
    # Every table of the Markdown report, in order, cell for cell; and a month-end table per plan.
    tables = _docx_tables(doc)
    month_ends = [t for t in tables if t[0][:2] == (["Month", "Completion"] if lang == "en" else ["月份", "完成率"])]
    assert len(month_ends) == 2
    # ... but the Warnings, which on A4 leave out their plan (second column) and due date (last).
    expected = _md_tables(markdown)
    warnings = next(i for i, t in enumerate(expected) if t[0][0] == ("Warning" if lang == "en" else "预警"))
    expected[warnings] = [[row[0], *row[2:-1]] for row in expected[warnings]]
    assert [t for t in tables if t not in month_ends] == expected
    qingshan = month_ends[1]
    assert len(qingshan) == 13  # the head, then January … December 2021
    september = qingshan[9]
    assert september[0] == ("September 2021" if lang == "en" else "2021年9月")
    assert september[3] == "█" * round(float(september[1].rstrip("%")) / 5)
    assert qingshan[10][1] == "—"  # October: after the as-of date


def test_docx_page_and_fonts(tmp_path: Path) -> None:
    doc = _docx(tmp_path, "zh")
    section = doc.sections[0]
    # Word keeps twentieths of a point: 210 mm is 11906, a fraction of a millimetre off.
    assert (section.page_width.mm, section.page_height.mm) == (pytest.approx(210, abs=0.1), pytest.approx(297, abs=0.1))
    assert section.left_margin.mm == section.right_margin.mm == pytest.approx(20, abs=0.1)
    for name, face in (("Normal", "SimSun"), ("Heading 1", "SimHei"), ("Heading 2", "SimHei"), ("Heading 3", "SimHei")):
        fonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == face
        assert fonts.get(qn("w:ascii")) == "Arial"
        assert fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override it
    assert doc.styles["Normal"].element.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    # Tables fill the width between the margins; header rows repeat on each page.
    for table in doc.tables:
        widths = [c.width for c in table.columns]
        assert abs(sum(widths) - Mm(TEXT_WIDTH_MM)) < Mm(1)
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert doc.core_properties.title == "2021年9月工作进展月报"


def test_column_widths_keep_short_columns_whole() -> None:
    widths = column_widths([60, 10, 6, 12, 10])
    assert sum(widths) == pytest.approx(TEXT_WIDTH_MM)
    assert widths[1:] == pytest.approx([n * CELL_MM + PAD_MM for n in (10, 6, 12, 10)])
    # Short columns that nearly fill the page leave the long one a quarter of it.
    assert column_widths([60, 14, 14, 14, 14, 14])[0] == pytest.approx(TEXT_WIDTH_MM / 4 * 170 / (5 * 31 + 42.5))
    assert column_widths([4, 4]) == pytest.approx([85, 85])
