"""`civtrack import`: the rows of a filled-in workbook or CSV → checked entries, ready to append.

Reading (``read_table``): an .xlsx (what `sheet` writes, or any workbook whose
header row has the same headers, English or Chinese) or a CSV (UTF-8, with or
without a byte-order mark, or GB18030). Each row keeps where it came from,
``FILE:SHEET!ROW`` (``FILE:ROW`` for a CSV), for its messages. In a workbook:

* formulas count with the value the spreadsheet program computed and saved with
  them; a formula saved without one (a file written by a program that does not
  compute) is refused, as there is nothing to read;
* a merged cell's value belongs to every row of the merge (a date, an office
  shared by several rows), except in value and done, where one number for several
  rows is ambiguous and refused;
* dates may be date cells, Excel serial numbers or text (civtrack.spreadsheet).

Checking (``check_rows``): every row goes through the same checks as `record`
(civtrack.entrycheck), plus the month of the sheet; all problems are collected,
each with its stable code (docs/spreadsheets.md).

Planning the write (``Batch.build``): under the month file's lock, a row equal to
an entry already in the file (date, reference, value or done, note) is skipped
with a warning, so importing a sheet twice adds nothing; the rest are appended
through civtrack.store, like `record`'s.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from civtrack import entrycheck as codes
from civtrack.entrycheck import SHEET, Slip, check_append, check_new_entry
from civtrack.errors import InputError, Problem
from civtrack.load import EntryAt, PlanFile, parse_progress
from civtrack.messages import Msg, msg
from civtrack.model import Entry, month_of
from civtrack.oneplan import Target, read_plan, resolve
from civtrack.reporting import Month
from civtrack.sources.links import refuse_linked
from civtrack.spreadsheet import (
    META_SHEET,
    READ,
    cell_date,
    cell_done,
    cell_number,
    cell_text,
    header_keys,
    normal_header,
)
from civtrack.workspace import PROGRESS_DIR, Config

HEADER_SEARCH_ROWS = 10
# A cell's formula element, <f> or <x:f …> (not <formula1> of a data validation).
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


@dataclass
class Row:
    """One row of a sheet, by column key."""

    where: str  # FILE:SHEET!ROW or FILE:ROW
    cells: dict[str, Any]
    percent: bool = False  # the value cell is formatted as a percentage
    uncached: frozenset[str] = frozenset()  # keys whose cell is a formula saved without its value
    merged_value: str | None = None  # the merged range (A1:A3) that spans this row's value or done


@dataclass
class Table:
    """What a file holds: its rows to read, the problems of the file itself, and the sheet's meta data."""

    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    month: Month | None = None
    hashes: dict[str, str] = field(default_factory=dict)  # plan id → hash when the sheet was made


def _problem(where: str, key: str, *args: Any, severity: str = "error") -> Problem:
    return Problem(where, None, severity, key, args)  # type: ignore[arg-type]


def read_table(path: Path, shown: str) -> Table:
    """The rows of an .xlsx or .csv file; InputError when it cannot be read at all."""
    suffix = path.suffix.lower()
    if path.is_dir():
        raise InputError(_problem(shown, "IMP14.folder"))
    if not path.is_file():
        raise InputError(_problem(shown, "IMP14.missing"))
    if suffix in (".xlsx", ".xlsm"):
        return _read_workbook(path, shown)
    if suffix in (".csv", ".txt"):
        return _read_csv(path, shown)
    raise InputError(_problem(shown, codes.BAD_FILE, path.suffix))


# --- CSV ---------------------------------------------------------------------------


def _read_csv(path: Path, shown: str) -> Table:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost any bytes
        raise InputError(_problem(shown, "IMP14.encoding"))
    if "\x00" in text:
        raise InputError(_problem(shown, "IMP14.nul"))
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputError(_problem(shown, "IMP14.csv", msg("f.text", str(exc)))) from None
    table = Table()
    keys = _find_header(records, shown, table)
    if keys is None:
        return table
    start, columns = keys
    for number, record in enumerate(records[start + 1 :], start + 2):
        cells = {key: (record[i] if i < len(record) else None) for i, key in columns.items()}
        table.rows.append(Row(f"{shown}:{number}", cells))
    return table


def _find_header(records: list[list[Any]], where: str, table: Table) -> tuple[int, dict[int, str]] | None:
    """The header row among the first rows (index, column index → key); a problem when there is none."""
    known = header_keys()
    for index, record in enumerate(records[:HEADER_SEARCH_ROWS]):
        columns: dict[int, str] = {}
        unknown: list[str] = []
        for i, value in enumerate(record):
            if value is None or not str(value).strip():
                continue
            key = known.get(normal_header(value))
            if key is None:
                unknown.append(str(value).strip())
            elif key in READ and key not in columns.values():
                columns[i] = key
        if {"plan", "id"} <= set(columns.values()):
            if not {"value", "done"} & set(columns.values()):
                table.problems.append(_problem(where, "IMP14.no_value"))
                return None
            for name in unknown:
                table.problems.append(_problem(where, codes.IGNORED_COLUMN, name, severity="warning"))
            return index, columns
    table.problems.append(_problem(where, "IMP14.no_header"))
    return None


# --- workbooks ------------------------------------------------------------------------


def _read_workbook(path: Path, shown: str) -> Table:
    from openpyxl import load_workbook

    # Read-only mode streams each sheet's XML: several times faster than building every cell, and
    # enough, as a merge's range is read from the sheet's XML (``_merges``).
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise InputError(_problem(shown, "IMP14.workbook", msg("f.text", str(exc)))) from None
    try:
        return _read_sheets(book, path, shown)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet inside a readable archive
        raise InputError(_problem(shown, "IMP14.workbook", msg("f.text", str(exc)))) from None
    finally:
        book.close()


def _read_sheets(book: Any, path: Path, shown: str) -> Table:
    table = Table()
    if META_SHEET in book.sheetnames:
        _read_meta(book[META_SHEET], table)
    formulas = _formula_cells(path) if _has_formulas(path) else {}
    found = False
    for ws in book.worksheets:
        if ws.title == META_SHEET or ws.sheet_state != "visible":
            continue
        where = f"{shown}:{ws.title}"
        rows = ws.iter_rows()
        head = []
        for record in rows:
            head.append(record)
            if len(head) == HEADER_SEARCH_ROWS:
                break
        probe = Table()
        keys = _find_header([[c.value for c in record] for record in head], where, probe)
        if keys is None:
            if len(book.worksheets) == 1 or any(p.code != codes.BAD_FILE for p in probe.problems):
                table.problems.extend(probe.problems)
            continue  # another sheet (instructions, a summary): not one to import
        found = True
        table.problems.extend(probe.problems)
        start, columns = keys
        first = start + 2
        merged = _merged(_merges(book, ws), columns, first)
        tops_wanted = {source for source, _ in merged.values() if isinstance(source, tuple)}
        tops: dict[tuple[int, int], Any] = {}
        uncached = formulas.get(ws.title, set())
        by_column = {key: i for i, key in columns.items()}
        value_col = by_column.get("value")
        for r, cells in enumerate(_chain(head[start + 1 :], rows), first):
            row: dict[str, Any] = {}
            width = len(cells)
            for i, key in columns.items():
                row[key] = cells[i].value if i < width else None
            if merged:
                for key, i in by_column.items():
                    if (r, i) in tops_wanted:
                        tops[(r, i)] = row[key]
                    fill = merged.get((r, i))
                    if fill is not None and fill[0] is not _TOP:
                        row[key] = None if fill[0] is None else tops.get(fill[0])
            percent = value_col is not None and value_col < width and "%" in (cells[value_col].number_format or "")
            missing = frozenset(key for key, i in by_column.items() if (r, i + 1) in uncached and row[key] is None)
            spans = next((merged[(r, i)][1] for i in (by_column.get("value"), by_column.get("done"))
                          if i is not None and (r, i) in merged and merged[(r, i)][1]), None)  # fmt: skip
            table.rows.append(Row(f"{shown}:{ws.title}!{r}", row, percent, missing, spans))
    if not found and not table.problems:
        table.problems.append(_problem(shown, "IMP14.no_sheet"))
    return table


_TOP = object()  # in _merged: the merge's own top-left cell


def _chain(first: list[Any], rest: Iterator[Any]) -> Iterator[Any]:
    yield from first
    yield from rest


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merges(book: Any, ws: Any) -> list[Any]:
    """The merged ranges of a sheet, from its XML (a read-only worksheet does not parse them)."""
    from openpyxl.worksheet.cell_range import CellRange

    with book._archive.open(ws._worksheet_path) as source:
        data = source.read()
    if b"mergeCell" not in data:
        return []
    return [CellRange(ref.decode("ascii")) for ref in _MERGE.findall(data)]


def _read_meta(ws: Any, table: Table) -> None:
    for row in ws.iter_rows(values_only=True):
        if not row or row[0] is None:
            continue
        if row[0] == "month" and isinstance(row[1], str):
            try:
                table.month = Month.parse(row[1])
            except ValueError:
                pass
        elif row[0] == "plan" and len(row) >= 4 and row[1] and row[3]:
            table.hashes[str(row[1])] = str(row[3])


def _merged(ranges: list[Any], columns: dict[int, str], first: int) -> dict[tuple[int, int], tuple[Any, str | None]]:
    """(row, column index) → (the merge's value, its range when it spans rows of value or done).
    The value is filled in later (``_fill_merged``): here it is the top-left cell's position."""
    found: dict[tuple[int, int], tuple[Any, str | None]] = {}
    for rng in ranges:
        for col in range(rng.min_col, rng.max_col + 1):
            key = columns.get(col - 1)
            if key is None:
                continue
            spans = str(rng.coord) if key in ("value", "done") and rng.max_row > rng.min_row else None
            for r in range(max(rng.min_row + 1, first), rng.max_row + 1):
                # Down the first column of the merge the value belongs to each row; other columns stay empty.
                found[(r, col - 1)] = ((rng.min_row, col - 1) if col == rng.min_col else None, spans)
            if spans and rng.min_row >= first:
                found[(rng.min_row, col - 1)] = (_TOP, spans)
    return found


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the file holds a formula (a byte search: most sheets have none)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(
                _FORMULA.search(archive.read(name))
                for name in archive.namelist()
                if name.startswith("xl/worksheets/") and name.endswith(".xml")
            )
    except (OSError, zipfile.BadZipFile, KeyError):
        return False


def _formula_cells(path: Path) -> dict[str, set[tuple[int, int]]]:
    """Per sheet, the (row, column) of every formula cell (the formulas' text, read once more)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=False)
    found: dict[str, set[tuple[int, int]]] = {}
    for ws in book.worksheets:
        cells = found.setdefault(ws.title, set())
        for row in ws.iter_rows():
            for c in row:
                if getattr(c, "data_type", None) == "f":
                    cells.add((c.row, c.column))
    book.close()
    return found


# --- checking ------------------------------------------------------------------------------


@dataclass
class Checked:
    """A row that passed every check: its entry and where it goes."""

    row: Row
    target: Target
    entry: Entry
    rel: str = ""  # the month file it goes into

    def __post_init__(self) -> None:
        date = self.entry.date
        self.rel = f"{PROGRESS_DIR}/{self.target.plan_id}/{date.year:04d}-{date.month:02d}.yaml"


def is_empty(row: Row) -> bool:
    """Nothing filled in (the date alone does not count: the sheet sets it beforehand)."""
    if row.uncached or row.merged_value:
        return False
    return all(cell_text(row.cells.get(key)) is None for key in ("value", "done", "note", "by", "evidence"))


def check_rows(
    root: Path, table: Table, config: Config, month: Month | None
) -> tuple[list[Checked], list[Problem], dict[str, PlanFile]]:
    """Every filled row checked as `record` checks an entry; the problems with their rows and codes."""
    plans: dict[str, PlanFile | InputError] = {}
    checked: list[Checked] = []
    problems: list[Problem] = []
    for row in table.rows:
        if is_empty(row):
            continue
        slips = list(_row_slips(root, row, config, month, plans, checked))
        problems.extend(_problem(row.where, slip.key, *slip.args) for slip in slips)
    return checked, problems, {k: v for k, v in plans.items() if isinstance(v, PlanFile)}


def _row_slips(
    root: Path,
    row: Row,
    config: Config,
    month: Month | None,
    plans: dict[str, PlanFile | InputError],
    checked: list[Checked],
) -> Iterator[Slip]:
    cells = row.cells
    for key in sorted(row.uncached):
        yield Slip(codes.FORMULA_WITHOUT_VALUE, (key,))
    if row.merged_value:
        yield Slip(codes.MERGED_VALUE, (str(row.merged_value),))
    if row.uncached or row.merged_value:
        return
    plan_id, ref = cell_text(cells.get("plan")), cell_text(cells.get("id"))
    if plan_id is None or ref is None:
        yield Slip("IMP02.empty")
        return
    plan_file = plans.get(plan_id)
    if plan_file is None:
        try:
            plan_file = read_plan(root, plan_id, config)
        except InputError as exc:
            plan_file = exc
        plans[plan_id] = plan_file
    if isinstance(plan_file, InputError):
        first = plan_file.problems[0]
        if first.code == "E305":  # an unknown plan
            yield Slip(codes.UNKNOWN_PLAN, (Msg(first.key, first.args),))
        else:
            yield Slip("IMP01.errors", (plan_id,))
        return
    indicator_id, _, part_id = ref.partition("/")
    try:
        target = resolve(plan_file, indicator_id, part_id or None)
        refuse_linked(target)  # issue 16: a linked item's progress is recorded in its source
    except InputError as exc:
        first = exc.problems[0]
        yield Slip(codes.UNKNOWN_REF, (Msg(first.key, first.args),))
        return
    ind = target.indicator
    slips: list[Slip] = []
    value, slip = cell_number(cells.get("value"), ind.unit, row.percent)
    if slip:
        slips.append(slip)
    done, slip = cell_done(cells.get("done"))
    if slip:
        slips.append(slip)
    day, slip = cell_date(cells.get("date"))
    if slip:
        slips.append(slip)
    elif day is None:
        if month is None:
            slips.append(Slip("IMP08.empty"))
        else:
            day = month.last
    if day is not None and month is not None and day not in month:
        slips.append(Slip(codes.OUTSIDE_MONTH, (str(day), str(month))))
    unit = cell_text(cells.get("unit"))
    if slips:
        yield from slips
        return
    assert day is not None
    entry, found = check_new_entry(
        target,
        value,
        done,
        day,
        note=cell_text(cells.get("note")),
        by=cell_text(cells.get("by")),
        evidence=cell_text(cells.get("evidence")),
        # The unit column is checked, not written: entries carry the unit only when record's --unit gives it.
        unit=unit if unit is not None and unit != ind.unit else None,
        words=SHEET,
    )
    yield from found
    if entry is not None:
        checked.append(Checked(row, target, entry))


def plan_changes(root: Path, table: Table, shown: str) -> list[Problem]:
    """Warnings for the plans whose file changed since the sheet was made (its hidden sheet's hashes)."""
    from civtrack.oneplan import plan_hash

    found = []
    for plan_id, digest in sorted(table.hashes.items()):
        now = plan_hash(root, plan_id)
        if now is None:
            continue  # an unknown plan is named by its rows
        if now[1] != digest:
            found.append(_problem(shown, codes.PLAN_CHANGED, plan_id, str(now[0]), severity="warning"))
    return found


# --- writing -----------------------------------------------------------------------------


def _key(entry: Entry) -> tuple:
    """What makes a row the same as an entry already recorded."""
    return (entry.date, entry.indicator, entry.value, entry.done, entry.note)


@dataclass
class Batch:
    """The checked rows of one import, by month file; ``build`` is store.append_files' callback."""

    rows: list[Checked]
    config: Config
    shown: Any  # Callable[[Path], str]
    root: Path
    written: dict[str, list[Checked]] = field(default_factory=dict)  # rel → rows appended
    lines: dict[str, int] = field(default_factory=dict)  # rel → line of the first appended entry
    skipped: list[Problem] = field(default_factory=list)

    by_file: dict[str, list[Checked]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for item in self.rows:
            self.by_file.setdefault(item.rel, []).append(item)

    def files(self) -> list[str]:
        return list(self.by_file)

    def skipped_in(self, plan_id: str) -> int:
        """Rows of the plan found already recorded."""
        return sum(
            len(rows) - len(self.written.get(rel, []))
            for rel, rows in self.by_file.items()
            if rel.split("/")[1] == plan_id
        )

    def build(self, rel: str, existing: bytes | None) -> bytes:
        from civtrack import store

        mine = self.by_file[rel]
        store.refuse_links(self.root, rel, self.shown(self.root), "import")
        shown = self.shown(self.root / rel)
        month = rel.rsplit("/", 1)[-1].removesuffix(".yaml")
        target = mine[0].target
        have: Counter[tuple] = Counter()
        lines: dict[tuple, int] = {}
        if existing:
            entries, _ = parse_progress(existing, shown, target.plan_id, month, self.config)
            for item in entries:
                have[_key(item.entry)] += 1
                lines.setdefault(_key(item.entry), item.line)
        fresh = []
        for item in mine:
            key = _key(item.entry)
            if have[key]:
                have[key] -= 1
                self.skipped.append(
                    _problem(item.row.where, codes.ALREADY_RECORDED, f"{shown}:{lines[key]}", severity="warning")
                )
            else:
                fresh.append(item)
        self.written[rel] = fresh
        if not fresh:
            return b""
        data = store.payload(existing, "".join(store.format_entry(item.entry) for item in fresh))
        line = store.block_line(existing, data)
        self.lines[rel] = line
        check_append(existing, data, line, [item.entry for item in fresh], target, month, shown, self.config)
        return data


def new_items(batch: Batch) -> dict[str, list[EntryAt]]:
    """Per plan id, the appended entries as the loader would give them (after every entry already there)."""
    found: dict[str, list[EntryAt]] = {}
    for rel, rows in batch.written.items():
        line = batch.lines.get(rel, 0)
        for i, item in enumerate(rows):
            month = month_of(item.entry.date)
            at = EntryAt(item.target.plan_id, item.entry, rel, line + i, (1 << 62) + i, month)
            found.setdefault(item.target.plan_id, []).append(at)
    return found


# --- the summary -------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanImported:
    """What an import did to one plan: entries added (and where), rows skipped, and before → after
    of every indicator and part it touched, as (ref, before, after), parts before their indicator."""

    plan_id: str
    title: str
    added: int
    skipped: int
    spans: tuple[tuple[str, int, int], ...]  # (month file as shown, first line, entries)
    changes: tuple[tuple[str, Any, Any], ...]


def summarize(
    batch: Batch,
    plans: dict[str, PlanFile],
    before: dict[str, list[EntryAt]],
    added: dict[str, list[EntryAt]],
    as_of: dt.date,
    tolerance: float,
) -> list[PlanImported]:
    """Per plan the sheet touched, by id: the facts of the summary. ``before``: the plan's entries
    before the import; ``added``: those appended (``new_items``)."""
    from civtrack.compute import fold, plan_status

    found = []
    for plan_id in sorted({item.target.plan_id for item in batch.rows}):
        plan = plans[plan_id].plan
        items = added.get(plan_id, [])
        spans = tuple(
            (batch.shown(batch.root / rel), batch.lines[rel], len(rows))
            for rel, rows in sorted(batch.written.items())
            if rows and rel.split("/")[1] == plan_id
        )
        changes: list[tuple[str, Any, Any]] = []
        if items:

            def status(entries: list[EntryAt], plan: Any = plan) -> Any:
                ledger = fold((i.plan_id, i.entry, (i.month, i.seq)) for i in entries)
                return plan_status(plan, ledger, as_of, tolerance)

            old, new = status(before[plan_id]), status([*before[plan_id], *items])
            touched = {item.entry.indicator for item in items}
            touched |= {ref.split("/")[0] for ref in touched}
            for old_ind, new_ind in zip(old.indicators, new.indicators, strict=True):
                if new_ind.id not in touched:
                    continue
                for old_part, new_part in zip(old_ind.parts, new_ind.parts, strict=True):
                    if new_part.ref in touched:
                        changes.append((f"{new_ind.name} / {new_part.name}", old_part, new_part))
                changes.append((new_ind.name, old_ind, new_ind))
        found.append(
            PlanImported(plan_id, plan.title, len(items), batch.skipped_in(plan_id), spans, tuple(changes))
        )
    return found
