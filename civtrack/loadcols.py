"""Reading a month file straight into columns: the cold path of civtrack.cache.

civtrack.load.parse_progress validates entry by entry through pydantic (an Entry and an EntryAt per
entry); the cache keeps only the entries' fields, as columns (civtrack.cache.rows.FileResult.cols). For a
file the fast path read (civtrack.fastyaml), the columns are checked whole instead: the keys of every
entry against the fields of Entry, the types of each field as a set, the references by their distinct
values, the numbers by their extremes. Each test is one that pydantic makes, or a narrower one: when
all pass, pydantic would accept every entry as it stands and give these very values (no field of
Entry changes a value of these types), so the columns are those of the entries parse_progress would
give. Anything else (a note written as a number, a datetime, an unknown key, an error of any kind,
a file without its last newline) goes through parse_progress, which words every problem: the
reference decides whatever is in doubt. tests/test_loadcols.py compares both on the test corpus.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from operator import itemgetter
from typing import Any

from civtrack import fastyaml, yamlsafe
from civtrack.errors import InputError, Problem
from civtrack.load import EntryAt, _identical_lines, parse_progress
from civtrack.model import MAX_NUMBER, REF_PATTERN, Entry
from civtrack.store import unterminated_tail
from civtrack.workspace import Config

Columns = list[list[Any]]  # lines, refs, dates (ordinals), values, dones, units, notes, bys, evidences

_KEYS = frozenset(Entry.model_fields)
_REF = re.compile(REF_PATTERN.removeprefix("^").removesuffix("$"))  # used with fullmatch
_NUMBER_TYPES = {int, float, type(None)}
_FLAG_TYPES = {bool, type(None)}
_TEXT_TYPES = {str, type(None)}
_GOOD_REFS: set[str] = set()  # references seen to match (the same hundred recur in every file)
_DATE = itemgetter("date")
_INDICATOR = itemgetter("indicator")


def parse_columns(data: bytes, path: str, plan_id: str, month: str, config: Config) -> tuple[Columns, list[Problem]]:
    """What ``parse_progress(data, path, plan_id, month, config)`` gives, as the columns of its entries
    and its problems."""
    if len(data) <= config.max_file_bytes and unterminated_tail(data) is None:
        try:
            text = yamlsafe.decode(data, path)
        except InputError:
            text = None
        doc = fastyaml.parse(text, path, max_bytes=config.max_file_bytes) if text is not None else None
        cols = _columns(doc) if doc is not None else None
        if cols is not None:
            return cols, (_identical_lines(data, path) if len(cols[0]) > 1 else [])
    entries, problems = parse_progress(data, path, plan_id, month, config)
    return columns_of(entries), problems


def columns_of(entries: list[EntryAt]) -> Columns:
    """The columns of validated entries (as the cache stores them)."""
    return [
        [item.line for item in entries],
        [item.entry.indicator for item in entries],
        [item.entry.date.toordinal() for item in entries],
        [item.entry.value for item in entries],
        [item.entry.done for item in entries],
        [item.entry.unit for item in entries],
        [item.entry.note for item in entries],
        [item.entry.by for item in entries],
        [item.entry.evidence for item in entries],
    ]


def _columns(doc: fastyaml.FastDocument) -> Columns | None:
    """The columns of the document's entries when pydantic would take every entry as it stands, else
    None (the reference reads the file)."""
    items = doc.value
    if items is None:
        return [[] for _ in range(9)]
    if not isinstance(items, list) or not items or set(map(type, items)) != {dict}:
        return None  # not a list of mappings (or an empty list): left to the reference
    if not all(map(_KEYS.issuperset, items)):
        return None  # a key that is not a field (or not text)
    try:
        dates = list(map(_DATE, items))
        refs = list(map(_INDICATOR, items))
    except KeyError:
        return None  # a required field missing
    if set(map(type, dates)) != {dt.date} or set(map(type, refs)) != {str}:
        return None  # a datetime, a date written as text, a number as reference...
    new_refs = set(refs) - _GOOD_REFS
    if new_refs:
        if not all(_REF.fullmatch(ref) for ref in new_refs):
            return None
        if len(_GOOD_REFS) < 100_000:
            _GOOD_REFS.update(new_refs)
    values = [item.get("value") for item in items]
    dones = [item.get("done") for item in items]
    texts = [[item.get(key) for item in items] for key in ("unit", "note", "by", "evidence", "id")]
    value_types = set(map(type, values))
    if not value_types <= _NUMBER_TYPES or not set(map(type, dones)) <= _FLAG_TYPES:
        return None
    if not all(set(map(type, column)) <= _TEXT_TYPES for column in texts):
        return None  # a note of 12 is text to pydantic (str(12)): left to it
    if value_types - {type(None)}:
        numbers = [value for value in values if value is not None]
        if float in value_types and not all(map(math.isfinite, numbers)):
            return None
        if max(numbers) > MAX_NUMBER or min(numbers) < -MAX_NUMBER:
            return None
    if len(doc.item_lines) != len(items):
        return None
    units, notes, bys, evidences, _ = texts
    ordinals = list(map(dt.date.toordinal, dates))
    return [list(doc.item_lines), refs, ordinals, values, dones, units, notes, bys, evidences]
