"""`civtrack check`: validate every plan and progress file."""

from __future__ import annotations

from typing import Annotated

import typer


def run(
    ctx: typer.Context,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
) -> None:
    from civtrack.commands import open_repository
    from civtrack.i18n import label

    opened = open_repository(ctx.obj, allow_errors=True)
    snapshot = opened.snapshot
    if snapshot.problems:
        typer.echo("\n".join(problem.render(opened.lang) for problem in snapshot.problems))
    errors = len(snapshot.errors)
    warnings = len(snapshot.problems) - errors
    entries = sum(snapshot.entry_counts.values())
    summary = label("check_summary", opened.lang)
    typer.echo(
        summary.format(plans=len(snapshot.plans), entries=entries, errors=errors, warnings=warnings),
        err=bool(snapshot.problems),
    )
    if errors or (strict and warnings):
        raise typer.Exit(1)
