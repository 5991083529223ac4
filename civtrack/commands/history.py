"""`civtrack history`: every entry of one indicator, with running totals and who committed it."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from civtrack.completion import complete_ref

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import RenderableType

    from civtrack.oneplan import Target
    from civtrack.render.history import Step
    from civtrack.workspace import Config


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
    from civtrack.commands import workspace
    from civtrack.refs import target as named_target
    from civtrack.render.history import history_json

    root, config, lang = workspace(ctx.obj)
    target = named_target(root, ref, config)
    plan_file = target.plan_file
    plan, ind = plan_file.plan, target.indicator
    steps, in_git = history_steps(root, target, config)

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

    out = console()
    out.print(history_view(target, steps, in_git, lang, out.width))


def history_view(target: Target, steps: list[Step], in_git: bool, lang: str, width: int) -> RenderableType:
    """What `history` prints: the names, the target and the table of steps, within ``width`` cells."""
    from rich.text import Text

    from civtrack.i18n import label
    from civtrack.render.history import history_table
    from civtrack.text import fmt

    plan, ind = target.plan_file.plan, target.indicator
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
    title = f"{ind.name} / {target.part.name}" if target.part else ind.name
    if not steps:
        linked = (target.part or ind).from_
        if linked is not None:  # issue 16: its entries are in the repository it takes its figures from
            return Text(f"{title}: {label('history_linked', lang).format(ref=linked, source=linked.split('/')[0])}")
        return Text(f"{title}: {label('history_empty', lang)}")
    show_parts = bool(ind.parts) and target.part is None
    part_names = {part.id: part.name for part in ind.parts}
    return history_table(title, subtitle, steps, lang, in_git, show_parts, part_names, width)


def history_steps(root: Path, target: Target, config: Config) -> tuple[list[Step], bool]:
    """Each entry of the target in date order with the indicator (or part) right after it, and whether
    ``root`` is a git repository (then each step has its commit, from git blame)."""
    from civtrack import git
    from civtrack.compute import add_entry, indicator_status
    from civtrack.errors import InputError
    from civtrack.oneplan import indicator_entries
    from civtrack.render.history import Step

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
    return steps, in_git


def _hint() -> list:
    from civtrack.errors import error

    return [error("civtrack", None, "E309")]
