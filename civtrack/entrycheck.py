"""Checking entries before they are written: the rules `record` and `import` share.

`record` takes an entry from the command line, `import` takes many from the rows of
a spreadsheet; both go through ``check_new_entry`` (the entry against its plan:
kind, parts, unit, period, text) and, once the month file is read under its lock,
``check_append`` (the file must read back, without errors, with the new entries
last). Only the wording differs: options (``--done``) for the command line, column
names for a sheet (``Words``). Each problem carries a stable code, which `import`
prints (docs/spreadsheets.md lists them) and `record` leaves out. Pure: no file is
read or written here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from civtrack.errors import InputError, Problem, error
from civtrack.load import EntryAt, parse_progress
from civtrack.model import MAX_NUMBER, Entry, month_of
from civtrack.oneplan import Target
from civtrack.store import new_entry_id
from civtrack.workspace import Config
from civtrack.yamlsafe import shown

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")

# Problem codes (docs/spreadsheets.md, "Problems"): stable, never reused for another meaning.
UNKNOWN_PLAN = "IMP01"
UNKNOWN_REF = "IMP02"
WRONG_KIND = "IMP03"
NOT_A_NUMBER = "IMP04"
WRONG_UNIT = "IMP05"
OUTSIDE_PERIOD = "IMP06"
OUTSIDE_MONTH = "IMP07"
NOT_A_DATE = "IMP08"
FORMULA_WITHOUT_VALUE = "IMP09"
NEEDS_PART = "IMP10"
BAD_TEXT = "IMP11"
NOTHING_TO_RECORD = "IMP12"
MERGED_VALUE = "IMP13"
BAD_FILE = "IMP14"
NOT_YES_NO = "IMP15"
FILE_REFUSED = "IMP16"
ALREADY_RECORDED = "IMP50"
PLAN_CHANGED = "IMP51"
IGNORED_COLUMN = "IMP52"


class Slip(NamedTuple):
    """One problem of an entry to be written: a stable code and the message."""

    code: str
    message: str


@dataclass(frozen=True)
class Words:
    """How messages name what is typed: options on the command line, columns in a sheet."""

    milestone_value: str
    milestone_missing: str
    number_done: str
    number_missing: str
    not_a_number: str
    needs_part: str
    no_unit: str
    fields: dict[str, str] = field(default_factory=dict)  # note, by, evidence, unit → how they are named


CLI = Words(
    milestone_value="'{id}' is a milestone: record it with --done, not a value",
    milestone_missing="'{id}' is a milestone: record it with --done (or --not-done to correct it)",
    number_done="'{id}' is a number ({unit}): give a value, not --done",
    number_missing="'{id}' is a number: give the value to record (e.g. civtrack record {plan}/{ref} 12)",
    not_a_number="value '{text}' is not a number (write digits, e.g. 12 or 12.5; a negative one after --: -- -3)",
    needs_part="indicator '{id}' has parts: record on one of them ({choices})",
    no_unit="'{id}' has no unit: leave --unit out",
    fields={"note": "--note", "by": "--by", "evidence": "--evidence", "unit": "--unit"},
)

SHEET = Words(
    milestone_value="'{id}' is a milestone: fill done (yes or no), not value",
    milestone_missing="'{id}' is a milestone: fill done (yes or no)",
    number_done="'{id}' is a number ({unit}): fill value, not done",
    number_missing="'{id}' is a number: fill value",
    not_a_number="value '{text}' is not a number (write digits, e.g. 12, 12.5 or 1,200)",
    needs_part="indicator '{id}' has parts: report on one of them ({choices})",
    no_unit="'{id}' has no unit: leave unit empty",
    fields={"note": "note", "by": "by", "evidence": "evidence", "unit": "unit"},
)


def _strict_number(text: str) -> int | float | None:
    candidate = text.strip()
    try:
        if _INTEGER.match(candidate):
            return int(candidate)
        if _DECIMAL.match(candidate):
            number = float(candidate)
            if math.isfinite(number):
                return number
    except ValueError:
        pass
    return None


def check_new_entry(
    target: Target,
    value: str | int | float | None,
    done: bool | None,
    day: dt.date,
    *,
    note: str | None,
    by: str | None,
    evidence: str | None,
    unit: str | None,
    words: Words = CLI,
) -> tuple[Entry | None, list[Slip]]:
    """The entry to write, checked against the plan, or None and every problem found.

    ``value`` is text as typed (read strictly: digits) or a number already read
    (a spreadsheet cell)."""
    from pydantic import ValidationError

    from civtrack.check import check_entry
    from civtrack.yamlsafe import CONTROL_IN_TEXT

    plan = target.plan_file.plan
    ind = target.indicator
    where = target.plan_file.path
    slips: list[Slip] = []
    fill = {"id": ind.id, "unit": ind.unit or "no unit", "plan": plan.id, "ref": target.ref}

    number: int | float | None = None
    if ind.kind == "milestone":
        if value is not None:
            slips.append(Slip(WRONG_KIND, words.milestone_value.format(**fill)))
        elif done is None:
            slips.append(Slip(WRONG_KIND, words.milestone_missing.format(**fill)))
    else:
        if done is not None:
            slips.append(Slip(WRONG_KIND, words.number_done.format(**fill)))
        elif value is None:
            slips.append(Slip(NOTHING_TO_RECORD, words.number_missing.format(**fill)))
        elif isinstance(value, str):
            number = _strict_number(value)
            if number is None:
                slips.append(Slip(NOT_A_NUMBER, words.not_a_number.format(text=shown(value))))
        elif isinstance(value, bool) or not math.isfinite(value):
            slips.append(Slip(NOT_A_NUMBER, words.not_a_number.format(text=shown(value))))
        else:
            number = value
    if ind.parts and target.part is None:
        own = words is CLI
        choices = ", ".join(f"{plan.id}/{ind.id}/{p.id}" if own else f"{ind.id}/{p.id}" for p in ind.parts)
        slips.append(Slip(NEEDS_PART, words.needs_part.format(choices=choices, **fill)))
    if unit is not None:
        if ind.kind == "milestone" or ind.unit is None:
            slips.append(Slip(WRONG_UNIT, words.no_unit.format(**fill)))
        elif unit != ind.unit:
            slips.append(Slip(WRONG_UNIT, f"unit '{unit}' differs from the indicator's unit '{ind.unit}'"))
    if not (plan.period.start <= day <= plan.period.end):
        slips.append(
            Slip(
                OUTSIDE_PERIOD,
                f"date {day} is outside the period of plan '{plan.id}' ({plan.period.start}…{plan.period.end}, {where})",
            )
        )
    for key, text in (("note", note), ("by", by), ("evidence", evidence), ("unit", unit)):
        if text is None:
            continue
        name = words.fields.get(key, key)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            slips.append(Slip(BAD_TEXT, f"{name} is not valid text (it holds bytes that are not UTF-8)"))
            continue
        # What the reader refuses (it could rewrite a terminal's screen) is not written either.
        control = CONTROL_IN_TEXT.search(text)
        if control:
            slips.append(Slip(BAD_TEXT, f"{name} holds a control character (U+{ord(control.group()):04X}): delete it"))
    if number is not None and abs(number) > MAX_NUMBER:
        slips.append(Slip(NOT_A_NUMBER, f"the number {number} is too large (the limit is 10^15)"))
    if slips:
        return None, slips
    try:
        # Every entry written gets a random id (issue 18, D1): no two lines are ever identical, so git's
        # union merge cannot collapse two offices' entries into one.
        entry = Entry(
            date=day, indicator=target.ref, value=number, done=done, unit=unit, note=note, by=by, evidence=evidence,
            id=new_entry_id(),
        )  # fmt: skip
    except ValidationError as exc:
        return None, [Slip(NOT_A_NUMBER, e["msg"].removeprefix("Value error, ")) for e in exc.errors(include_url=False)]
    item = EntryAt(plan.id, entry, "(new entry)", 0, 0, month_of(day))
    indicators = {i.id: i for i in plan.indicators}
    errors = [p for p in check_entry(plan, indicators, item) if p.severity == "error"]
    # pragma: no cover - the checks above cover check_entry's rules
    return (None, [Slip(UNKNOWN_REF, p.message) for p in errors]) if errors else (entry, [])


def check_append(
    existing: bytes | None,
    data: bytes,
    line: int,
    entries: Sequence[Entry],
    target_plan: Target,
    month: str,
    shown: str,
    config: Config,
) -> None:
    """Refuse to append to a month file that has errors, or that would not read back with ``entries`` last.

    The whole month file is parsed and its entries are checked against the plan, as
    `check` would: entries must not be added to a file that `status` then refuses
    to read (the file's own errors are listed, with their lines). The cost grows with
    this one file only (about 40 entries a millisecond), never with the rest of the
    repository. A torn last entry (a crash during an earlier write) is refused with
    its line: nothing is ever buried under a new entry. ``line``: where the first new
    entry starts; ``target_plan``: any target of the plan (only its plan is used).
    """
    from civtrack import store
    from civtrack.check import check_entry

    before = existing or b""
    refused = error(shown, None, "cannot append to this file as it stands: fix it first; nothing was recorded")
    plan = target_plan.plan_file.plan
    indicators = {ind.id: ind for ind in plan.indicators}

    def read(blob: bytes) -> tuple[list[EntryAt], list[Problem]]:
        found, problems = parse_progress(blob, shown, target_plan.plan_id, month, config)
        errors = [p for p in problems if p.severity == "error"]
        for item in found:
            errors.extend(p for p in check_entry(plan, indicators, item) if p.severity == "error")
        return found, sorted(errors, key=lambda p: p.line or 0)

    if len(before) > config.max_file_bytes:  # read_existing stops one byte past the limit
        raise InputError([*read(before)[1], refused])
    if before and store.unterminated_tail(before) is not None:
        torn = [p for p in read(before)[1] if p.message.startswith(store.TORN_MESSAGE)]
        if torn:
            raise InputError(
                [
                    *torn,
                    error(
                        shown,
                        None,
                        "record does not append after an incomplete entry: fix it first; nothing was recorded",
                    ),
                ]
            )
    if len(before) + len(data) > config.max_file_bytes:
        raise InputError(
            error(shown, None, f"the file would exceed max_file_bytes ({config.max_file_bytes}); nothing was recorded")
        )
    found, errors = read(before + data)
    count = len(entries)
    tail = found[-count:] if count else []
    if (
        not errors
        and len(tail) == count
        and (not tail or tail[0].line == line)
        and all(item.entry == entry for item, entry in zip(tail, entries, strict=True))
    ):
        return
    # The messages are about the file as it stands (one parse more, only when refusing).
    raise InputError([*(read(before)[1] if before else []), refused])
