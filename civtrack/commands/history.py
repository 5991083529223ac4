"""`civtrack history`: every entry of one indicator, with running totals and who committed it."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from civtrack.completion import complete_ref


class HistoryFormat(StrEnum):
    table = "table"
    json = "json"


def run(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="PLAN/INDICATOR[/PART]",
            help="The indicator (or part): ids, names or a fragment of one, e.g. example/elder-beds or example/床位.",
            autocompletion=complete_ref,
        ),
    ],
    output_format: Annotated[HistoryFormat, typer.Option("--format", help="Output format.")] = HistoryFormat.table,
) -> None:
    from civtrack import git
    from civtrack.compute import add_entry, indicator_status
    from civtrack.errors import InputError
    from civtrack.i18n import label
    from civtrack.oneplan import indicator_entries
    from civtrack.refs import target as named_target
    from civtrack.render.history import Step, history_json, history_table
    from civtrack.text import fmt
    from civtrack.workspace import find_root, load_config

    root = find_root(ctx.obj.root)
    config = load_config(root)
    lang = ctx.obj.lang or config.lang
    target = named_target(root, ref, config)
    plan_file = target.plan_file
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
    title = f"{ind.name} / {target.part.name}" if target.part else ind.name
    if not steps:
        out.print(f"{title}: {label('history_empty', lang)}")
        return
    show_parts = bool(ind.parts) and target.part is None
    part_names = {part.id: part.name for part in ind.parts}
    out.print(history_table(title, subtitle, steps, lang, in_git, show_parts, part_names, out.width))


def _hint() -> list:
    from civtrack.errors import error

    return [error("civtrack", None, "fix the problems above (`civtrack check` lists them all)")]
