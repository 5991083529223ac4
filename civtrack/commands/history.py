"""`civtrack history`: every entry of one indicator, with running totals and who committed it."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


class HistoryFormat(StrEnum):
    table = "table"
    json = "json"


def run(
    ctx: typer.Context,
    ref: Annotated[
        str, typer.Argument(metavar="PLAN/INDICATOR[/PART]", help="The indicator (or part), e.g. example/elder-beds.")
    ],
    output_format: Annotated[HistoryFormat, typer.Option("--format", help="Output format.")] = HistoryFormat.table,
) -> None:
    from civtrack import git
    from civtrack.commands import use_lang
    from civtrack.compute import add_entry, indicator_status
    from civtrack.errors import InputError
    from civtrack.i18n import label
    from civtrack.oneplan import indicator_entries, read_plan, resolve, split_ref
    from civtrack.render.history import Step, history_json, history_table
    from civtrack.text import fmt
    from civtrack.workspace import find_root, load_config

    root = find_root(ctx.obj.root)
    config = load_config(root)
    lang = use_lang(ctx.obj, config)
    plan_id, indicator_id, part_id = split_ref(ref)
    plan_file = read_plan(root, plan_id, config)
    target = resolve(plan_file, indicator_id, part_id)
    plan, ind = plan_file.plan, target.indicator
    entries, problems = indicator_entries(root, plan_file, ind.id, config)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError([*errors, *_hint()])
    entries.sort(key=lambda item: (item.entry.date, item.month, item.seq))

    in_git = git.is_repository(root)
    origins: dict[str, dict] = {}
    ledger: dict = {}
    steps: list[Step] = []
    for item in entries:
        # Every entry of the indicator moves it (a parent sums its parts); a part's history shows only its own.
        add_entry(ledger, plan.id, item.entry, (item.month, item.seq))
        if target.part is not None and item.entry.indicator != target.ref:
            continue
        status = indicator_status(plan, ind, ledger.get(plan.id, {}), item.entry.date, config.pace_tolerance)
        if target.part is not None:
            status = next(p for p in status.parts if p.id == target.part.id)
        file = f"progress/{plan.id}/{item.month}.yaml"
        origin = None
        if in_git:
            if file not in origins:
                origins[file] = git.blame(root, file)
            origin = origins[file].get(item.line, git.Origin(None, None, None, None, None))
        steps.append(Step(item, file, status, origin))

    if output_format is HistoryFormat.json:
        header = {
            "plan": plan.id,
            "indicator": target.ref,
            "name": target.part.name if target.part else ind.name,
            "kind": ind.kind,
            "unit": ind.unit,
            "comparator": ind.comparator,
            "accumulate": ind.accumulate,
            "git": in_git,
        }
        typer.echo(history_json(header, steps), nl=False)
        return
    from civtrack.richout import console

    name = target.part.name if target.part else ind.name
    if ind.kind == "milestone":
        subtitle = f"{label('milestone', lang)}, {label('due', lang)} {(ind.due or plan.period.end).isoformat()}"
    else:
        goal = (
            target.part.target
            if target.part
            else (ind.target if ind.target is not None else sum(p.target for p in ind.parts))
        )
        subtitle = (
            f"{label('target', lang)} {'≤ ' if ind.comparator == '<=' else ''}{fmt(goal)} {ind.unit or ''}".rstrip()
        )
    out = console()
    if not steps:
        out.print(f"{plan.id}/{target.ref}  {name}: {label('history_empty', lang)}")
        return
    show_parts = bool(ind.parts) and target.part is None
    out.print(history_table(f"{plan.id}/{target.ref}  {name}", subtitle, steps, lang, in_git, show_parts))


def _hint() -> list:
    from civtrack.errors import error

    return [error("civtrack", None, "E309")]
