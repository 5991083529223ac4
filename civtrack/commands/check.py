"""`civtrack check`: validate every plan and progress file."""

from __future__ import annotations

from typing import Annotated

import typer


def run(
    ctx: typer.Context,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
) -> None:
    from civtrack.commands import open_repository

    opened = open_repository(ctx.obj, allow_errors=True)
    snapshot = opened.snapshot
    if snapshot.problems:
        typer.echo("\n".join(str(problem) for problem in snapshot.problems))
    errors = len(snapshot.errors)
    warnings = len(snapshot.problems) - errors
    entries = sum(snapshot.entry_counts.values())
    typer.echo(
        f"{len(snapshot.plans)} plans, {entries} entries: {errors} errors, {warnings} warnings",
        err=bool(snapshot.problems),
    )
    if errors or (strict and warnings):
        raise typer.Exit(1)
