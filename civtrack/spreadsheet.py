"""The fill-in sheet's columns, and how a spreadsheet cell is read as a number, a date or yes/no.

Shared by `sheet` (which writes the columns) and `import` (which reads them back,
from the sheet or from any workbook or CSV with the same headers, English or
Chinese). What a cell may hold is documented in docs/spreadsheets.md; in short,
more is accepted than on the command line, because it is what spreadsheets show:

* numbers: ``1,200`` (commas between groups of three digits), fullwidth digits
  (``１２``, as a Chinese input method types them), and ``76.5%`` or a cell
  formatted as a percentage when the indicator's unit is ``%`` (then 76.5);
* dates: date cells, Excel serial numbers (46326), and text ``2026-10-31``,
  ``2026/10/31``, ``2026.10.31``, ``2026年10月31日``;
* done: yes/no, 是/否, true/false, ✓, 1/0.

Pure: no file is read here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

from civtrack.entrycheck import NOT_A_DATE, NOT_YES_NO, Slip
from civtrack.i18n import label
from civtrack.messages import msg

# Every column of the fill-in sheet, in order; the last six are filled in.
COLUMNS: tuple[str, ...] = (
    "plan", "id", "name", "section", "owner", "unit", "target", "current", "completion", "state", "last_entry",
    "value", "done", "date", "note", "by", "evidence",
)  # fmt: skip
FILL: tuple[str, ...] = ("value", "done", "date", "note", "by", "evidence")
# What import reads; the other columns are there for the people who fill the sheet.
READ: frozenset[str] = frozenset({"plan", "id", "unit", *FILL})
# The hidden sheet of `sheet`: its month, language and each plan's hash when it was made.
META_SHEET = "civtrack"
META_FORMAT = 1


def header(key: str, lang: str) -> str:
    return label(f"col_{key}", lang)


def header_keys() -> dict[str, str]:
    """Every accepted header (English, Chinese, case and spaces ignored) → its column key."""
    found: dict[str, str] = {}
    for key in COLUMNS:
        for lang in ("en", "zh"):
            found[normal_header(header(key, lang))] = key
        found[normal_header(key)] = key
    found[normal_header("last entry")] = "last_entry"
    return found


def normal_header(text: object) -> str:
    return re.sub(r"[\s_]+", "", unicodedata.normalize("NFKC", str(text))).casefold()


_GROUPED = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")
_PLAIN = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def cell_number(value: Any, unit: str | None, percent_format: bool) -> tuple[int | float | str | None, Slip | None]:
    """A value cell → the number to record (int or float), None when empty, or a problem.

    A text that is not a number is returned as it is (the shared check words the problem).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool) or isinstance(value, dt.date | dt.datetime | dt.time):
        return None, Slip("IMP04.cell", (_shown(value),))
    if isinstance(value, int | float):
        if not math.isfinite(value):
            return None, Slip("IMP04.cell", (str(value),))
        if percent_format:
            # Excel keeps 76.5% as 0.765 with a percent format: the indicator's unit decides.
            if unit != "%":
                return None, Slip("IMP05.percent", (_percent(value), unit or msg("f.none")))
            return _tidy(value * 100), None
        return value, None
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    percent = text.endswith("%")
    if percent:
        if unit != "%":
            return None, Slip("IMP05.percent", (f"'{value}'", unit or msg("f.none")))
        text = text[:-1]
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not _PLAIN.match(text):
        return str(value), None
    number = float(text)
    if not math.isfinite(number):
        return str(value), None
    if re.fullmatch(r"[+-]?[0-9]+", text):
        return int(text), None
    return number, None


def _tidy(number: float) -> int | float:
    """0.765 × 100 is 76.50000000000001: keep the digits a person typed."""
    rounded = round(number, 9)
    return int(rounded) if rounded.is_integer() else rounded


def _percent(value: float) -> str:
    return f"{_tidy(value * 100)}%"


def _shown(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return f"'{value:%Y-%m-%d}' (a date)"
    return f"'{value}'"


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(:\d{2})?)?$")
# Excel's serial numbers: 1 is 1900-01-01; 2958465 is 9999-12-31.
_SERIAL_MAX = 2958465


def cell_date(value: Any, epoch: dt.datetime | None = None) -> tuple[dt.date | None, Slip | None]:
    """A date cell → the date, None when empty, or a problem."""
    from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        found = _DATE_TEXT.match(text)
        if found:
            try:
                return dt.date(int(found[1]), int(found[2]), int(found[3])), None
            except ValueError:
                return None, Slip(NOT_A_DATE, (str(value),))
        if re.fullmatch(r"\d{5}(\.\d+)?", text):
            value = float(text)  # a serial number written as text (a CSV saved from Excel)
        else:
            return None, Slip("IMP08.text", (str(value),))
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value <= _SERIAL_MAX:
            return from_excel(int(value), epoch or CALENDAR_WINDOWS_1900).date(), None
        return None, Slip("IMP08.serial", (str(value), str(_SERIAL_MAX)))
    return None, Slip("IMP08.other", (_shown(value),))


_YES = {"yes", "y", "true", "t", "1", "是", "完成", "已完成", "done", "✓", "✔", "√"}
_NO = {"no", "n", "false", "f", "0", "否", "未完成", "not done", "✗", "×"}


def cell_done(value: Any) -> tuple[bool | None, Slip | None]:
    """A done cell → True, False, None when empty, or a problem."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value), None
    text = unicodedata.normalize("NFKC", str(value)).strip().casefold()
    if text in _YES:
        return True, None
    if text in _NO:
        return False, None
    return None, Slip(NOT_YES_NO, (str(value),))


def cell_text(value: Any) -> str | None:
    """A text cell (note, by, evidence) → its text, None when empty; a number is kept as written."""
    if value is None:
        return None
    if isinstance(value, bool):
        return label("yes") if value else label("no")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    text = text.strip()
    return text or None
