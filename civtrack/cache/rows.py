"""What the cache's rows hold, and how they are encoded and checked when read back.

A file's result (``FileResult``: stat key, hash, problems, entry count, its entries as columns), the
shape checks that keep a damaged row from being trusted (``_valid_*``), the plans dumped and rebuilt
without validating again (``dump_model``, ``rebuild_model``), and the light entries rebuilt from
cached columns. Pure: no file is read here (civtrack.cache.files reads them)."""

from __future__ import annotations

import datetime as dt
import functools
import os
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from civtrack.errors import Problem, is_encoded

if typing.TYPE_CHECKING:
    from civtrack.cache.store import CacheStore
    from civtrack.load import EntryAt


ProblemRow = list[Any]  # [line, severity, message]: the message as Problem.encoded() (key and arguments)


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _rows(problems: Iterable[Problem]) -> list[ProblemRow]:
    return [[p.line, p.severity, p.encoded()] for p in problems]


def _problems(path: str, rows: Iterable[ProblemRow]) -> list[Problem]:
    return [Problem.decoded(path, line, severity, message) for line, severity, message in rows]


@dataclass
class FileResult:
    """What reading one progress file gave, in a form the cache can hold.

    ``meta()`` (stat key, hash, problems, entry count) is read on every run; the columns (one row per
    valid entry, in file order) only when the folder's checks or series must be redone.
    """

    key: list[int]
    hash: str
    racy: bool
    problems: list[ProblemRow]
    count: int = 0
    cols: list[list[Any]] | None = None  # lines, refs, dates (ordinals), values, dones, units, notes, bys, evidences
    cacheable: bool = True
    error: str | None = None  # why it could not be read (load() reports it)

    def meta(self) -> dict[str, Any]:
        return {"key": self.key, "hash": self.hash, "racy": self.racy, "problems": self.problems, "count": self.count}

    @classmethod
    def from_meta(cls, rec: dict[str, Any]) -> FileResult:
        return cls(rec["key"], rec["hash"], rec["racy"], rec["problems"], rec.get("count", 0))


def _valid_meta(rec: Any) -> bool:
    """Shape check of a cached file record, so that a damaged one is rebuilt rather than trusted."""
    try:
        return (
            isinstance(rec["key"], list) and len(rec["key"]) == 4 and all(type(k) is int for k in rec["key"])
            and isinstance(rec["hash"], str) and isinstance(rec["racy"], bool)
            and _valid_rows(rec["problems"]) and type(rec.get("count", 0)) is int
        )  # fmt: skip
    except (KeyError, TypeError):
        return False


_INT = {int}
_STR = {str}
_NUMBER_OR_NONE = {int, float, type(None)}
_BOOL_OR_NONE = {bool, type(None)}
_STR_OR_NONE = {str, type(None)}


def _valid_cols(cols: Any, count: int) -> bool:
    """Shape and types of a file's cached columns (the types of each column as a set: a C loop, as
    `report --month` checks a month's hundred thousand entries)."""
    if not (isinstance(cols, list) and len(cols) == 9 and all(isinstance(c, list) and len(c) == count for c in cols)):
        return False
    lines, refs, dates, values, dones, units, notes, bys, evidences = cols
    if count and not (set(map(type, dates)) <= _INT and 0 < min(dates) and max(dates) < 3_652_060):
        return False
    return (
        set(map(type, lines)) <= _INT and set(map(type, refs)) <= _STR
        and set(map(type, values)) <= _NUMBER_OR_NONE and set(map(type, dones)) <= _BOOL_OR_NONE
        and all(set(map(type, column)) <= _STR_OR_NONE for column in (units, notes, bys, evidences))
    )  # fmt: skip


def _cached_cols(store: CacheStore, rel: str, digest: str, count: int) -> list[list[Any]] | None:
    """The columns of a file's entries from its cache row, when the row was made from the content of
    hash ``digest`` and holds ``count`` well-typed entries; else None (the file is parsed)."""
    rec = store.read("entries", rel)
    if isinstance(rec, dict) and rec.get("hash") == digest and _valid_cols(rec.get("cols"), count):
        return rec["cols"]
    return None


def _valid_rows(rows: Any) -> bool:
    return isinstance(rows, list) and all(
        isinstance(r, list) and len(r) == 3 and (r[0] is None or type(r[0]) is int) and r[1] in ("error", "warning")
        and is_encoded(r[2])  # a row of an older version held the English text: rebuilt
        for r in rows
    )  # fmt: skip


def _valid_folder_record(record: Any) -> bool:
    """A cheap shape check (a few thousand values): what a damaged record could break."""
    try:
        return (
            isinstance(record, dict) and isinstance(record["files"], dict)
            and all(isinstance(rel, str) and _valid_meta(rec) for rel, rec in record["files"].items())
            and isinstance(record["plan_hash"], str)
            and isinstance(record["checks"], list)
            and all(isinstance(c, list) and len(c) == 4 and isinstance(c[0], str) and _valid_rows([c[1:]])
                    for c in record["checks"])
        )  # fmt: skip
    except (KeyError, TypeError):
        return False


# --- plans in the cache: dumped and rebuilt without validating again --------------------------------
#
# pydantic validates a thousand plans of fifty indicators in 0.5 s (a Python validator per text field);
# a plan taken from the cache was validated when it was read and is protected by the checksum, so it is
# rebuilt as model_construct would, field by field from the models' own declarations, at a tenth of the
# cost. tests/test_cache.py proves the rebuilt plans equal the validated ones, fields set included.


@functools.cache
def _field_kinds(cls: type) -> dict[str, tuple[str, type | None]]:
    """Per field of a model: how to rebuild it from JSON (date, model, list of models, or as is)."""
    from pydantic import BaseModel

    def bare(tp: Any) -> Any:
        while typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
        return tp

    kinds: dict[str, tuple[str, type | None]] = {}
    for name, info in cls.model_fields.items():  # type: ignore[attr-defined]
        tp = bare(info.annotation)
        if typing.get_origin(tp) in (typing.Union, types.UnionType):
            options = [bare(a) for a in typing.get_args(tp) if a is not type(None)]
            tp = options[0] if len(options) == 1 else tp
        item = bare(typing.get_args(tp)[0]) if typing.get_origin(tp) is list else None
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            kinds[name] = ("model", tp)
        elif isinstance(item, type) and issubclass(item, BaseModel):
            kinds[name] = ("models", item)
        elif tp is dt.date:
            kinds[name] = ("date", None)
        elif item is dt.date or tp is dt.datetime:
            raise TypeError(f"{cls.__name__}.{name}: no cache encoding")
        else:
            kinds[name] = ("plain", None)
    return kinds


def dump_model(model: Any) -> list[Any]:
    """[names of the fields set, value of each field in declaration order] of a validated model."""
    names = _field_names(type(model))
    values: list[Any] = [model.__dict__[name] for name in names]
    for index, kind, _ in _special_fields(type(model)):
        value = values[index]
        if value is None:
            continue
        if kind == "date":
            values[index] = value.isoformat()
        elif kind == "model":
            values[index] = dump_model(value)
        else:
            values[index] = [dump_model(item) for item in value]
    return [sorted(model.model_fields_set), *values]


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(_field_kinds(cls))


@functools.cache
def _special_fields(cls: type) -> tuple[tuple[int, str, type | None], ...]:
    return tuple(
        (index, kind, sub) for index, (kind, sub) in enumerate(_field_kinds(cls).values()) if kind != "plain"
    )  # fmt: skip


def rebuild_model(cls: type, record: list[Any]) -> Any:
    """The model dumped by dump_model, as model_construct would build it (no validation)."""
    return _rebuilder(cls)(record)


@functools.cache
def _rebuilder(cls: type) -> Any:
    """``rebuild_model`` specialised to one model class: a function written from the class's fields
    (their names and kinds, as _field_kinds reads them), so that rebuilding a field costs a local
    assignment or a test rather than a loop over the kinds. A hundred thousand models (a thousand plans
    of fifty indicators) are rebuilt on a warm `status` at 1M entries: 2.9 µs a model instead of 5.8.
    A record that is not a list raises TypeError, one of another length ValueError("fields"), a value of
    the wrong kind TypeError or ValueError, as the loop over the kinds did (the caller reads the file
    again)."""
    names = _field_names(cls)
    local = [f"v{index}" for index in range(len(names))]
    lines = [
        "def rebuild(record):",
        "    if type(record) is not list:",  # a dict of the right size would unpack its keys
        "        raise TypeError('record')",
        f"    if len(record) != {len(names) + 1}:",
        "        raise ValueError('fields')",
        f"    fields_set, {', '.join(local)}{',' if len(local) == 1 else ''} = record",
    ]
    scope: dict[str, Any] = {"_new": cls.__new__, "_cls": cls, "_fromisoformat": dt.date.fromisoformat}
    for index, kind, sub in _special_fields(cls):
        value = local[index]
        lines.append(f"    if {value} is not None:")
        if kind == "date":
            lines.append(f"        {value} = _fromisoformat({value})")
        elif kind == "model":
            scope[f"_sub{index}"] = _rebuilder(sub)  # type: ignore[arg-type]
            lines.append(f"        {value} = _sub{index}({value})")
        else:
            scope[f"_sub{index}"] = _rebuilder(sub)  # type: ignore[arg-type]
            lines.append(f"        {value} = [_sub{index}(item) for item in {value}]")
    fields = ", ".join(f"{name!r}: {value}" for name, value in zip(names, local, strict=True))
    lines += [
        "    model = _new(_cls)",
        f"    _set_dict(model, {{{fields}}})",
        "    _set_fields_set(model, set(fields_set))",
        "    _set_extra(model, None)",
        "    _set_private(model, None)",
        "    return model",
    ]
    from pydantic import BaseModel

    # The slots of every pydantic model (BaseModel.__slots__): set through their descriptors, as
    # object.__setattr__ would (model_construct's way), without its lookup.
    for slot, key in (("__dict__", "_set_dict"), ("__pydantic_fields_set__", "_set_fields_set"),
                      ("__pydantic_extra__", "_set_extra"), ("__pydantic_private__", "_set_private")):  # fmt: skip
        scope[key] = _slot_setter(BaseModel, slot)
    exec("\n".join(lines), scope)  # noqa: S102 - code written above from the model's own field names
    return scope["rebuild"]


def _slot_setter(base: type, slot: str) -> Any:
    """A function setting ``slot`` of an instance as object.__setattr__ does."""
    descriptor = base.__dict__.get(slot)
    if descriptor is not None and hasattr(descriptor, "__set__"):
        return descriptor.__set__
    return lambda model, value: object.__setattr__(model, slot, value)


class _LightEntry:
    """An Entry's fields (what compute, check and reporting read of it), rebuilt from cached columns
    without validating again: the columns hold what a validated Entry gave. Equal to another light
    entry with the same fields (not to an Entry: compare fields)."""

    __slots__ = ("date", "indicator", "value", "done", "unit", "note", "by", "evidence", "indicator_id", "part_id")

    def __init__(
        self,
        ref: str,
        date: dt.date,
        value: Any,
        done: bool | None,
        unit: str | None,
        note: str | None,
        by: str | None,
        evidence: str | None,
    ):
        self.indicator = ref
        self.date = date
        self.value = value
        self.done = done
        self.unit = unit
        self.note = note
        self.by = by
        self.evidence = evidence
        self.indicator_id, _, part = ref.partition("/")
        self.part_id = part or None

    def _fields(self) -> tuple[Any, ...]:
        return (self.date, self.indicator, self.value, self.done, self.unit, self.note, self.by, self.evidence)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _LightEntry):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(ENTRY_ORDER, self._fields(), strict=True))
        return f"_LightEntry({fields})"


ENTRY_ORDER = ("date", "indicator", "value", "done", "unit", "note", "by", "evidence")


@dataclass(slots=True)
class _LightItem:
    entry: _LightEntry
    path: str
    line: int
    month: str


def entries_of_columns(cols: list[list[Any]], plan_id: str, shown: str, month: str, first_seq: int) -> list[EntryAt]:
    """A month file's entries from its columns (as the cache keeps them, ``_valid_cols``): light entries
    where they stand in the file, ``seq`` counted from ``first_seq`` (what load.load gives for the file)."""
    from civtrack.load import EntryAt

    fromordinal = dt.date.fromordinal
    return [
        EntryAt(plan_id, _LightEntry(ref, fromordinal(date), value, done, unit, note, by, evidence), shown, line,  # type: ignore[arg-type]
                first_seq + index, month)
        for index, (line, ref, date, value, done, unit, note, by, evidence) in enumerate(zip(*cols, strict=True))
    ]  # fmt: skip


def _light_items(result: FileResult, shown: str, month: str) -> Iterator[_LightItem]:
    fromordinal = dt.date.fromordinal
    assert result.cols is not None
    for line, ref, date, value, done, unit, note, by, evidence in zip(*result.cols, strict=True):
        yield _LightItem(_LightEntry(ref, fromordinal(date), value, done, unit, note, by, evidence), shown, line, month)
