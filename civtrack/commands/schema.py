"""`civtrack schema`: the JSON Schema of the file format, for editors."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


class Which(StrEnum):
    plan = "plan"
    progress = "progress"


def run(
    which: Annotated[Which, typer.Argument(help="Which file's schema: plan or progress.")] = Which.plan,
) -> None:
    from civtrack.schema import schema_json

    typer.echo(schema_json(which.value), nl=False)
