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
from typing import Any, NamedTuple

from civtrack.errors import InputError, Problem, error
from civtrack.load import EntryAt, parse_progress
from civtrack.messages import Msg, code_of, msg, render_message
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
ALREADY_RECORDED = "IMP50"
PLAN_CHANGED = "IMP51"
IGNORED_COLUMN = "IMP52"


class Slip(NamedTuple):
    """One problem of an entry to be written: a key of the message catalogue (its code first) and the
    arguments (civtrack.messages)."""

    key: str
    args: tuple[Any, ...] = ()

    @property
    def code(self) -> str:
        return code_of(self.key)

    @property
    def message(self) -> str:
        return render_message(self.key, self.args, "en")


@dataclass(frozen=True)
class Words:
    """How messages name what is typed: options on the command line, columns in a sheet (the variant of
    each catalogue key, civtrack.messages)."""

    milestone_value: str
    milestone_missing: str
    number_done: str
    number_missing: str
    not_a_number: str
    needs_part: str
    no_unit: str
    fields: dict[str, str] = field(default_factory=dict)  # note, by, evidence, unit → how they are named


CLI = Words(
    milestone_value="IMP03.cli_value", milestone_missing="IMP03.cli_missing", number_done="IMP03.cli_done",
    number_missing="IMP12.cli", not_a_number="IMP04.cli", needs_part="IMP10.cli", no_unit="IMP05.cli_no_unit",
    fields={"note": "--note", "by": "--by", "evidence": "--evidence", "unit": "--unit"},
)  # fmt: skip

SHEET = Words(
    milestone_value="IMP03.sheet_value", milestone_missing="IMP03.sheet_missing", number_done="IMP03.sheet_done",
    number_missing="IMP12.sheet", not_a_number="IMP04.sheet", needs_part="IMP10.sheet", no_unit="IMP05.sheet_no_unit",
    fields={"note": "note", "by": "by", "evidence": "evidence", "unit": "unit"},
)  # fmt: skip


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
    unit_words: Any = ind.unit or msg("f.no_unit")

    number: int | float | None = None
    if ind.kind == "milestone":
        if value is not None:
            slips.append(Slip(words.milestone_value, (ind.id,)))
        elif done is None:
            slips.append(Slip(words.milestone_missing, (ind.id,)))
    else:
        if done is not None:
            slips.append(Slip(words.number_done, (ind.id, unit_words)))
        elif value is None:
            slips.append(Slip(words.number_missing, (ind.id, plan.id, target.ref)))
        elif isinstance(value, str):
            number = _strict_number(value)
            if number is None:
                slips.append(Slip(words.not_a_number, (shown(value),)))
        elif isinstance(value, bool) or not math.isfinite(value):
            slips.append(Slip(words.not_a_number, (shown(value),)))
        else:
            number = value
    if ind.parts and target.part is None:
        own = words is CLI
        choices = ", ".join(f"{plan.id}/{ind.id}/{p.id}" if own else f"{ind.id}/{p.id}" for p in ind.parts)
        slips.append(Slip(words.needs_part, (ind.id, choices)))
    if unit is not None:
        if ind.kind == "milestone" or ind.unit is None:
            slips.append(Slip(words.no_unit, (ind.id,)))
        elif unit != ind.unit:
            slips.append(Slip(WRONG_UNIT, (unit, ind.unit)))
    if not (plan.period.start <= day <= plan.period.end):
        slips.append(Slip(OUTSIDE_PERIOD, (str(day), plan.id, str(plan.period.start), str(plan.period.end), where)))
    for key, text in (("note", note), ("by", by), ("evidence", evidence), ("unit", unit)):
        if text is None:
            continue
        name = words.fields.get(key, key)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            slips.append(Slip(BAD_TEXT, (name,)))
            continue
        # What the reader refuses (it could rewrite a terminal's screen) is not written either.
        control = CONTROL_IN_TEXT.search(text)
        if control:
            slips.append(Slip("IMP11.control", (name, f"{ord(control.group()):04X}")))
    if number is not None and abs(number) > MAX_NUMBER:
        slips.append(Slip("IMP04.large", (str(number),)))
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
        return None, [Slip("IMP04.model", (_model_slip(e),)) for e in exc.errors(include_url=False)]
    item = EntryAt(plan.id, entry, "(new entry)", 0, 0, month_of(day))
    indicators = {i.id: i for i in plan.indicators}
    errors = [p for p in check_entry(plan, indicators, item) if p.severity == "error"]
    # pragma: no cover - the checks above cover check_entry's rules
    return (None, [Slip(UNKNOWN_REF, (Msg(p.key, p.args),)) for p in errors]) if errors else (entry, [])


def _model_slip(err: Any) -> Msg:
    """A refusal of the model (civtrack.model's validators), as a fragment."""
    from civtrack.errors import CodedValueError

    coded = err.get("ctx", {}).get("error")
    name = ".".join(str(part) for part in err["loc"][:1])
    if isinstance(coded, CodedValueError):
        return Msg(coded.key, (name, *coded.args_))
    return msg("f.text", err["msg"].removeprefix("Value error, "))


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
    refused = error(shown, None, "E502")
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
        torn = [p for p in read(before)[1] if p.key == store.TORN_KEY]
        if torn:
            raise InputError(
                [
                    *torn,
                    error(shown, None, "E503"),
                ]
            )
    if len(before) + len(data) > config.max_file_bytes:
        raise InputError(error(shown, None, "E504", str(config.max_file_bytes)))
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
