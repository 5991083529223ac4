"""`civtrack record`: append one progress entry, checked against its plan."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from civtrack.errors import Problem
    from civtrack.load import EntryAt
    from civtrack.model import Entry
    from civtrack.oneplan import Target

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def run(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="PLAN/INDICATOR[/PART]",
            help="What to record on, e.g. example/elder-beds or example/elder-homes/east.",
        ),
    ],
    value: Annotated[
        str | None,
        typer.Argument(
            help="The value: an increment (accumulate: sum) or the current level (latest). Omit it with --done.",
            show_default=False,
        ),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Date of the entry, YYYY-MM-DD (default: today).", show_default=False)
    ] = None,
    done: Annotated[
        bool | None,
        typer.Option(
            "--done/--not-done", help="For a milestone: it is done (or, to correct, not done).", show_default=False
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="What happened (any text).", show_default=False)] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who reports it.", show_default=False)] = None,
    evidence: Annotated[
        str | None, typer.Option("--evidence", help="A document number, link or file name.", show_default=False)
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="The unit, checked against the indicator's (e.g. 张).", show_default=False),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and print the entry; write nothing.")] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="Print only where the entry went (no new state: no other progress file is read)."
        ),
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Show the indicator's state at this date (default: today, or the entry's date when later).",
            show_default=False,
        ),
    ] = None,
) -> None:
    import os
    import stat
    from contextlib import nullcontext

    from civtrack import store
    from civtrack.commands import parse_date
    from civtrack.errors import InputError, error
    from civtrack.files import kind, reason
    from civtrack.model import month_of
    from civtrack.oneplan import read_plan, resolve, split_ref
    from civtrack.workspace import PROGRESS_DIR, display_path, find_root, load_config

    root = find_root(ctx.obj.root)
    config = load_config(root)
    lang = ctx.obj.lang or config.lang
    plan_id, indicator_id, part_id = split_ref(ref)
    day = parse_date(date, "--date")
    status_day = parse_date(as_of, "--as-of") if as_of else None
    plan_file = read_plan(root, plan_id, config)
    target = resolve(plan_file, indicator_id, part_id)
    entry = build_entry(target, value, done, day, note=note, by=by, evidence=evidence, unit=unit)

    month = month_of(entry.date)
    rel = f"{PROGRESS_DIR}/{plan_id}/{month}.yaml"
    path = root / rel
    shown = display_path(path)
    for link in (PROGRESS_DIR, f"{PROGRESS_DIR}/{plan_id}", rel):
        base = display_path(root)  # not display_path(root / link): that would resolve the link
        name = link if base == "." else f"{base}/{link}"
        try:
            mode = os.lstat(root / link).st_mode
        except FileNotFoundError:
            break  # created by the append
        except OSError as exc:  # a folder on the way that cannot be searched
            raise InputError(error(name, None, f"cannot read: {reason(exc)}; nothing was recorded")) from None
        if stat.S_ISLNK(mode):
            raise InputError(error(name, None, "symbolic link not followed: record writes only real files"))
        if link != rel and not stat.S_ISDIR(mode):
            raise InputError(error(name, None, f"{kind(mode)}, not a folder: nothing was recorded"))
    block = store.format_entry(entry)

    with nullcontext() if dry_run else store.locked(root, rel):
        existing = store.read_existing(path, config.max_file_bytes, shown)
        data = store.payload(existing, block)
        line = store.block_line(existing, data)
        _check_append(existing, data, line, entry, target, month, shown, config)
        if not dry_run:
            store.append(path, data, len(existing or b""), shown)

    if quiet:
        from civtrack.i18n import label

        typer.echo(f"{label('record_dry_run' if dry_run else 'recorded', lang)} {shown}:{line}")
        return
    _report(root, target, entry, shown, line, block, dry_run, config, lang, status_day)


def parse_value(text: str) -> int | float:
    """A number as typed: 12 → int, 12.5 or 1e3 → float; InputError otherwise."""
    from civtrack.errors import InputError
    from civtrack.yamlsafe import shown

    candidate = text.strip()
    try:
        if _INTEGER.match(candidate):
            return int(candidate)
        if _DECIMAL.match(candidate):
            number = float(candidate)
            if number == number and abs(number) != float("inf"):
                return number
    except ValueError:
        pass
    raise InputError(
        f"value '{shown(text)}' is not a number (write digits, e.g. 12 or 12.5; a negative one after --: -- -3)"
    )


def build_entry(
    target: Target,
    value: str | None,
    done: bool | None,
    day: dt.date,
    *,
    note: str | None,
    by: str | None,
    evidence: str | None,
    unit: str | None,
) -> Entry:
    """The entry to write, checked against the plan: InputError with every problem found."""
    from pydantic import ValidationError

    from civtrack import store
    from civtrack.check import check_entry
    from civtrack.errors import InputError, error
    from civtrack.load import EntryAt
    from civtrack.model import Entry, month_of
    from civtrack.yamlsafe import CONTROL_IN_TEXT

    plan = target.plan_file.plan
    ind = target.indicator
    where = target.plan_file.path
    problems = []

    def fail(message: str) -> None:
        # Problems of the command line, not of the plan file: named as civtrack's own.
        problems.append(error("civtrack", None, message))

    number: int | float | None = None
    if ind.kind == "milestone":
        if value is not None:
            fail(f"'{ind.id}' is a milestone: record it with --done, not a value")
        elif done is None:
            fail(f"'{ind.id}' is a milestone: record it with --done (or --not-done to correct it)")
    else:
        if done is not None:
            fail(f"'{ind.id}' is a number ({ind.unit or 'no unit'}): give a value, not --done")
        elif value is None:
            fail(f"'{ind.id}' is a number: give the value to record (e.g. civtrack record {plan.id}/{target.ref} 12)")
        else:
            try:
                number = parse_value(value)
            except InputError as exc:
                problems.extend(exc.problems)
    if ind.parts and target.part is None:
        choices = ", ".join(f"{plan.id}/{ind.id}/{p.id}" for p in ind.parts)
        fail(f"indicator '{ind.id}' has parts: record on one of them ({choices})")
    if unit is not None:
        if ind.kind == "milestone" or ind.unit is None:
            fail(f"'{ind.id}' has no unit: leave --unit out")
        elif unit != ind.unit:
            fail(f"unit '{unit}' differs from the indicator's unit '{ind.unit}'")
    if not (plan.period.start <= day <= plan.period.end):
        fail(f"date {day} is outside the period of plan '{plan.id}' ({plan.period.start}…{plan.period.end}, {where})")
    for name, text in (("--note", note), ("--by", by), ("--evidence", evidence), ("--unit", unit)):
        if text is not None:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                fail(f"{name} is not valid text (it holds bytes that are not UTF-8)")
                continue
            # What the reader refuses (it could rewrite a terminal's screen) is not written either.
            control = CONTROL_IN_TEXT.search(text)
            if control:
                fail(f"{name} holds a control character (U+{ord(control.group()):04X}): delete it")
    if problems:
        raise InputError(problems)
    try:
        entry = Entry(
            date=day,
            indicator=target.ref,
            value=number,
            done=done,
            unit=unit,
            note=note,
            by=by,
            evidence=evidence,
            id=store.new_entry_id(),
        )
    except ValidationError as exc:
        raise InputError(
            [error("civtrack", None, e["msg"].removeprefix("Value error, ")) for e in exc.errors(include_url=False)]
        ) from None
    item = EntryAt(plan.id, entry, "(new entry)", 0, 0, month_of(day))
    indicators = {i.id: i for i in plan.indicators}
    errors = [p for p in check_entry(plan, indicators, item) if p.severity == "error"]
    if errors:  # pragma: no cover - the checks above cover check_entry's rules
        raise InputError([error("civtrack", None, p.message) for p in errors])
    return entry


def _check_append(
    existing: bytes | None,
    data: bytes,
    line: int,
    entry: Entry,
    target: Target,
    month: str,
    shown: str,
    config,
) -> None:
    """Refuse to append to a month file that has errors, or that would not read back with the new entry last.

    The whole month file is parsed and its entries are checked against the plan, as
    `check` would: an entry must not be added to a file that `status` then refuses
    to read (the file's own errors are listed, with their lines). The cost grows with
    this one file only (about 40 entries a millisecond), never with the rest of the
    repository. A torn last entry (a crash during an earlier write) is refused with
    its line: record never buries it under a new entry.
    """
    from civtrack import store
    from civtrack.check import check_entry
    from civtrack.errors import InputError, error
    from civtrack.load import parse_progress

    before = existing or b""
    refused = error(shown, None, "cannot append to this file as it stands: fix it first; nothing was recorded")
    plan = target.plan_file.plan
    indicators = {ind.id: ind for ind in plan.indicators}

    def read(blob: bytes) -> tuple[list[EntryAt], list[Problem]]:
        entries, problems = parse_progress(blob, shown, target.plan_id, month, config)
        errors = [p for p in problems if p.severity == "error"]
        for item in entries:
            errors.extend(p for p in check_entry(plan, indicators, item) if p.severity == "error")
        return entries, sorted(errors, key=lambda p: p.line or 0)

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
    entries, errors = read(before + data)
    if not errors and entries and entries[-1].line == line and entries[-1].entry == entry:
        return
    # The messages are about the file as it stands (one parse more, only when refusing).
    raise InputError([*(read(before)[1] if before else []), refused])


def _report(
    root,
    target: Target,
    entry: Entry,
    shown: str,
    line: int,
    block: str,
    dry_run: bool,
    config,
    lang: str,
    status_day: dt.date | None,
) -> None:
    """Print what was recorded and the indicator's current, completion and state before → after."""
    from rich.text import Text

    from civtrack.compute import fold, indicator_status
    from civtrack.i18n import label
    from civtrack.load import EntryAt
    from civtrack.model import month_of
    from civtrack.oneplan import indicator_entries
    from civtrack.render.diff import change_grid
    from civtrack.richout import console

    out = console()
    head = Text(label("record_dry_run" if dry_run else "recorded", lang), style="bold" if dry_run else "bold green")
    head.append(f" {shown}:{line}")
    out.print(head)
    out.print(Text("".join("  " + text for text in block.splitlines(keepends=True)).rstrip("\n")))

    # Read after writing (outside the lock): entries other processes added meanwhile count too.
    entries, problems = indicator_entries(root, target.plan_file, target.indicator.id, config)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        _print_problems(errors, label("status_unavailable", lang))
        return
    month = month_of(entry.date)
    if dry_run:
        before, after = entries, [*entries, EntryAt(target.plan_id, entry, shown, line, 1 << 62, month)]
    else:
        before = [e for e in entries if not (e.path == shown and e.line == line)]
        after = entries
    plan = target.plan_file.plan
    as_of = status_day or max(dt.date.today(), entry.date)

    def status(items: list[EntryAt]):
        ledger = fold((i.plan_id, i.entry, (i.month, i.seq)) for i in items)
        return indicator_status(plan, target.indicator, ledger.get(plan.id, {}), as_of, config.pace_tolerance)

    old_status, new_status = status(before), status(after)
    rows = []
    if target.part is not None:
        old_part = next(p for p in old_status.parts if p.id == target.part.id)
        new_part = next(p for p in new_status.parts if p.id == target.part.id)
        rows.append((target.ref, old_part, new_part))
    rows.append((target.indicator.id, old_status, new_status))
    out.print(change_grid(rows, lang))
    note = Text(f"{label('as_of', lang)} {as_of.isoformat()}", style="dim")
    if entry.date > as_of:
        note.append(f"  ({label('future_entry', lang)})", style="yellow")
    out.print(note)


def _print_problems(problems: list[Problem], headline: str) -> None:
    import sys

    for problem in problems:
        print(problem, file=sys.stderr)
    print(headline, file=sys.stderr)
