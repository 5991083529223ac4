"""The file format as types: plans, indicators, parts, checkpoints and progress entries.

These pydantic models are the contract of docs/format.md. They check the shape
of each file (required fields, types, unknown fields); rules that relate one
object to another (a parent's target against its parts, an entry against its
plan) live in civtrack.check, where the line of each object is known.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, StringConstraints

from civtrack.errors import CodedValueError
from civtrack.messages import Msg, msg
from civtrack.text import shown

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
SLUG = re.compile(SLUG_PATTERN)
REF_PATTERN = r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?$"


# Larger magnitudes are refused: sums of them would lose precision (floats hold
# integers exactly up to 2**53, about 9e15) or overflow into inf, and no target
# of a work plan comes near.
MAX_NUMBER = 10**15
# Numbers YAML reads as text or as another number: 0x1F, 0o17, 0b101, 1:30, 1e3, 017.
_OTHER_NOTATION = re.compile(
    r"^[-+]?(0[xXoObB][0-9a-fA-F_]+|[0-9][0-9_]*(:[0-9]+)+(\.[0-9_]*)?|[0-9][0-9_.]*[eE][-+]?[0-9]+|0[0-9_]+(\.[0-9]*)?)$"
)
_NUMBER_WITH_UNIT = re.compile(r"^\s*([-+]?[0-9][0-9,_]*(?:\.[0-9]+)?)\s*([^\s0-9.,].*)$")


def _kind(value: Any) -> Msg:
    """What a value is, in the words of a message."""
    if isinstance(value, bool):
        return msg("f.boolean", str(value).lower())
    if value is None:
        return msg("f.nothing")
    if isinstance(value, list):
        return msg("f.list")
    if isinstance(value, dict):
        return msg("f.mapping")
    if isinstance(value, dt.date):
        return msg("f.date", value.isoformat())
    return msg("f.value", shown(value))


def _number(value: Any) -> Any:
    # YAML 1.1 reads yes/no/on/off as booleans; pydantic would turn them into 1/0.
    if isinstance(value, bool):
        raise CodedValueError("E080", str(value).lower())
    if isinstance(value, str):
        if _OTHER_NOTATION.match(value):
            raise CodedValueError("E081", shown(value))
        with_unit = _NUMBER_WITH_UNIT.match(value)
        if with_unit:
            raise CodedValueError("E082", shown(value), with_unit[1])
        raise CodedValueError("E083", shown(value))
    if isinstance(value, float) and not math.isfinite(value):
        raise CodedValueError("E084", str(value))
    if not isinstance(value, int | float):
        raise CodedValueError("E085", _kind(value))
    if abs(value) > MAX_NUMBER:
        raise CodedValueError("E086", shown(value))
    return value


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            from civtrack.yamlsafe import impossible_date  # only for an error: warm runs never load PyYAML

            _, text, reason = impossible_date(value)
            raise CodedValueError("E049.field", text, reason) from None
    raise CodedValueError("E087", _kind(value))


def _text(value: Any) -> Any:
    # A note of 12 or a date-like title is still text; keep what the user wrote.
    if isinstance(value, bool):
        raise CodedValueError("E088", _kind(value))
    if value is None:
        raise CodedValueError("E089")
    if isinstance(value, int | float | dt.date):
        return str(value)
    return value


def _id(value: Any) -> Any:
    # `id: 2021` is a valid id that YAML reads as a number: take it as written.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Number = Annotated[int | float, BeforeValidator(_number)]
Date = Annotated[dt.date, BeforeValidator(_date)]
Text = Annotated[str, BeforeValidator(_text)]
Slug = Annotated[str, BeforeValidator(_id), StringConstraints(pattern=SLUG_PATTERN)]
Ref = Annotated[str, BeforeValidator(_id), StringConstraints(pattern=REF_PATTERN)]
# `done` takes true or false only (yes/no are booleans in YAML); not 1, 0 or "y".
Flag = Annotated[bool, Strict()]
Comparator = Literal[">=", "<="]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Period(_Strict):
    start: Date
    end: Date


class Checkpoint(_Strict):
    by: Date
    value: Number


class Part(_Strict):
    """One line of a breakdown (a county, a district, a unit)."""

    id: Slug
    name: Text
    target: Number
    baseline: Number = 0
    owner: Text | None = None
    note: Text | None = None
    # Rule 14: source/plan/indicator[/part] of another repository (civtrack.sources) gives its current.
    from_: Text | None = Field(None, alias="from")


class Indicator(_Strict):
    id: Slug
    name: Text
    kind: Literal["number", "milestone"] = "number"
    section: Text | None = None
    unit: Text | None = None
    target: Number | None = None
    comparator: Comparator = ">="
    baseline: Number | None = None
    accumulate: Literal["sum", "latest"] = "sum"
    due: Date | None = None
    start: Date | None = None
    owner: Text | None = None
    tags: list[Text] = Field(default_factory=list)
    quote: Text | None = None
    weight: Annotated[Number, Field(ge=0)] = 1
    checkpoints: list[Checkpoint] = Field(default_factory=list)
    every: Literal["month", "quarter"] | None = None
    parts: list[Part] = Field(default_factory=list)
    note: Text | None = None
    # Rule 14, as a part's.
    from_: Text | None = Field(None, alias="from")


class Plan(_Strict):
    id: Slug
    title: Text
    organization: Text | None = None
    period: Period
    source: Text | None = None
    note: Text | None = None
    indicators: list[Indicator] = Field(default_factory=list)


class Entry(_Strict):
    """One progress entry. Exactly one of ``value`` (numbers) and ``done`` (milestones)."""

    date: Date
    indicator: Ref
    value: Number | None = None
    done: Flag | None = None
    note: Text | None = None
    by: Text | None = None
    evidence: Text | None = None
    unit: Text | None = None
    # A short random text `record` adds so that no two entries are ever the same line (git's union
    # merge keeps identical lines once: two offices recording the same value would count once).
    id: Text | None = None

    @property
    def indicator_id(self) -> str:
        return self.indicator.split("/", 1)[0]

    @property
    def part_id(self) -> str | None:
        _, _, part = self.indicator.partition("/")
        return part or None


def month_of(date: dt.date) -> str:
    """YYYY-MM of a date, the year on four digits (strftime's %Y does not pad years below 1000 on glibc:
    an entry of 0001-01-15 went to progress/<plan>/1-01.yaml, a file no reader takes)."""
    return f"{date.year:04d}-{date.month:02d}"


# Field order used when writing entries (record) so that diffs stay small and stable.
ENTRY_FIELDS: tuple[str, ...] = ("date", "indicator", "value", "done", "unit", "note", "by", "evidence")
