"""The fill-in workbook of `civtrack sheet` (a 进度填报表): one sheet per plan, one row per item to report.

Rows: each number indicator without parts, each part, each milestone not yet done
at the month's start. The columns are civtrack.spreadsheet.COLUMNS: the first
eleven describe the item as of the day before the month (read-only: the sheet is
protected, without a password, against slips), the last six are filled in (value
or done, date, note, by, evidence), with data validation: numbers only in value,
yes/no in done, a date in the month in date. Column widths follow the display
width of the text (a Chinese character counts two), the header row and the first
three columns are frozen. A hidden sheet records the month, the language and
each plan's hash, so that `import` can tell when a plan changed after the sheet
was made.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from civtrack.compute import PlanStatus, Status
from civtrack.i18n import label, month_label
from civtrack.spreadsheet import COLUMNS, FILL, META_FORMAT, META_SHEET, header
from civtrack.text import display_width

HEAD_FILL = "DCE6F1"
OPEN_FILL = "FFF8DC"  # cells to fill in
SHUT_FILL = "F2F2F2"  # a fill-in cell that does not apply (value of a milestone, done of a number)
DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class SheetRow:
    plan: str
    ref: str
    status: Status
    owner: str | None
    last_entry: dt.date | None


def sheet_rows(
    plan: PlanStatus,
    last_entries: Mapping[str, dt.date],
    owners: Sequence[str] = (),
    linked: frozenset[str] | set[str] = frozenset(),
) -> list[SheetRow]:
    """The items of a plan to report on: numbers without parts, parts, milestones not done.
    ``last_entries``: ref → date of its last entry; ``owners``: keep only these owners' items;
    ``linked``: refs that take their figures from another repository (`from:`, issue 16), never asked for
    here (their progress is recorded in that repository, and `import` would refuse it)."""
    rows = []
    for status in plan.indicators:
        items: Iterable[Status]
        if status.parts:
            items = status.parts
        elif status.kind == "milestone" and status.state == "done":
            items = ()
        else:
            items = (status,)
        for item in items:
            owner = item.owner if item.owner is not None else status.owner
            if owners and owner not in owners or item.ref in linked:
                continue
            rows.append(SheetRow(plan.id, item.ref, item, owner, last_entries.get(item.ref)))
    return rows


def fill_in_workbook(
    plans: Sequence[tuple[PlanStatus, list[SheetRow]]],
    month_first: dt.date,
    month_last: dt.date,
    lang: str,
    hashes: Mapping[str, tuple[str, str]],
) -> bytes:
    """The workbook as .xlsx bytes; ``hashes``: plan id → (plan file, its hash)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.remove(book.active)
    head_style = (Font(bold=True), PatternFill("solid", fgColor=HEAD_FILL), Alignment(vertical="center", wrap_text=True))
    open_fill, shut_fill = PatternFill("solid", fgColor=OPEN_FILL), PatternFill("solid", fgColor=SHUT_FILL)
    for name, fill, locked, number_format in (
        ("civtrack-open", open_fill, False, "General"),
        ("civtrack-date", open_fill, False, DATE_FORMAT),
        ("civtrack-shut", shut_fill, True, "General"),
    ):
        book.add_named_style(
            NamedStyle(name, fill=fill, protection=Protection(locked=locked), number_format=number_format)
        )
    month = month_label(month_first.year, month_first.month, lang)
    col = {key: get_column_letter(i) for i, key in enumerate(COLUMNS, 1)}
    yes, no = label("yes", lang), label("no", lang)

    for plan, rows in plans:
        ws = book.create_sheet(plan.id[:31])
        ws.append([header(key, lang) for key in COLUMNS])
        for c in ws[1]:
            c.font, c.fill, c.alignment = head_style
        widths = [display_width(header(key, lang)) for key in COLUMNS]
        numbers: list[str] = []
        milestones: list[str] = []
        for r, row in enumerate(rows, 2):
            s = row.status
            milestone = s.kind == "milestone"
            state = label(s.state, lang)
            values = [
                row.plan, row.ref, s.name, s.section, row.owner, None if milestone else s.unit,
                None if milestone else s.target, None if milestone else s.current, round(s.completion, 1), state,
                row.last_entry, None, None, month_last, None, None, None,
            ]  # fmt: skip
            ws.append(values)
            cells = {key: ws.cell(r, i) for i, key in enumerate(COLUMNS, 1)}
            if s.comparator == "<=" and not milestone:
                cells["target"].number_format = '"≤ "0.##'
            cells["completion"].number_format = '0.0"%"'
            cells["last_entry"].number_format = DATE_FORMAT
            for key in FILL:
                shut = (key == "value" and milestone) or (key == "done" and not milestone)
                # Named styles: one assignment a cell instead of three (a sheet of 10,000 rows has 60,000).
                cells[key].style = "civtrack-shut" if shut else "civtrack-date" if key == "date" else "civtrack-open"
            (milestones if milestone else numbers).append(str(r))
            for i, value in enumerate(values):
                if value is not None and i < 11:
                    text = value.isoformat() if isinstance(value, dt.date) else str(value)
                    widths[i] = max(widths[i], display_width(text))
        last = len(rows) + 1
        for i, key in enumerate(COLUMNS):
            width = {"note": 30, "evidence": 24, "by": 14, "date": 12, "value": 12, "done": 10}.get(key)
            ws.column_dimensions[get_column_letter(i + 1)].width = width or min(50, round(max(6, widths[i]) * 1.15) + 2)
        ws.row_dimensions[1].height = 30
        ws.freeze_panes = "D2"
        if rows:
            ws.auto_filter.ref = f"A1:{col['evidence']}{last}"
            value_check = DataValidation(
                type="decimal", operator="between", formula1="-1E+15", formula2="1E+15", allow_blank=True,
                showErrorMessage=True, errorTitle=header("value", lang), error=label("sheet_value_error", lang),
                showInputMessage=True, promptTitle=header("value", lang), prompt=label("sheet_value_prompt", lang),
            )  # fmt: skip
            done_check = DataValidation(
                type="list", formula1=f'"{yes},{no}"', allow_blank=True, showErrorMessage=True,
                errorTitle=header("done", lang), error=label("sheet_done_error", lang),
            )  # fmt: skip
            date_check = DataValidation(
                type="date", operator="between", allow_blank=True, showErrorMessage=True,
                formula1=f"DATE({month_first.year},{month_first.month},{month_first.day})",
                formula2=f"DATE({month_last.year},{month_last.month},{month_last.day})",
                errorTitle=header("date", lang), error=label("sheet_date_error", lang).format(month=month),
                showInputMessage=True, promptTitle=header("date", lang),
                prompt=label("sheet_date_prompt", lang).format(month=month),
            )  # fmt: skip
            for check in (value_check, done_check, date_check):
                ws.add_data_validation(check)
            for r in numbers:
                value_check.add(f"{col['value']}{r}")
            for r in milestones:
                done_check.add(f"{col['done']}{r}")
            date_check.add(f"{col['date']}2:{col['date']}{last}")
        # Printed: A4 landscape, every column on one page's width, the header row on each page.
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"
        # Read-only columns are locked against slips, not secrets: no password.
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.protection.autoFilter = False
        ws.protection.sort = False

    if not plans:
        book.create_sheet("-")  # a workbook needs one visible sheet
    meta = book.create_sheet(META_SHEET)
    meta.append(["civtrack sheet", META_FORMAT])
    meta.append(["month", f"{month_first:%Y-%m}"])
    meta.append(["lang", lang])
    meta.append(["as_of", month_first - dt.timedelta(days=1)])
    for plan_id, (path, digest) in sorted(hashes.items()):
        meta.append(["plan", plan_id, path, digest])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
