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
    repo = opened.repo
    for problem in repo.problems:
        typer.echo(str(problem))
    errors = len(repo.errors)
    warnings = len(repo.problems) - errors
    entries = sum(len(items) for items in repo.entries.values())
    typer.echo(
        f"{len(repo.plans)} plans, {entries} entries: {errors} errors, {warnings} warnings",
        err=bool(repo.problems),
    )
    if errors or (strict and warnings):
        raise typer.Exit(1)
