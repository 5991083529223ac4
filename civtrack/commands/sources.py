"""`civtrack sources`: the other repositories this one reads (list them, or fetch them)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


class Action(StrEnum):
    list = "list"
    fetch = "fetch"


def run(
    ctx: typer.Context,
    action: Annotated[
        Action, typer.Argument(help="list (the default): each source and how far behind; fetch: bring them up to date.")
    ] = Action.list,
    names: Annotated[
        list[str] | None,
        typer.Argument(metavar="[NAME]...", help="Only these sources (default: all).", show_default=False),
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="list: do not ask the remotes how far behind each source is.")
    ] = False,
) -> None:
    from civtrack.sources.command import fetch_sources, list_sources

    if action is Action.fetch:
        raise typer.Exit(fetch_sources(ctx.obj, names or []))
    list_sources(ctx.obj, names or [], offline=offline)
