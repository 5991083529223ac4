"""`civtrack schema`: the JSON Schema of the file format, for editors."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Which(StrEnum):
    plan = "plan"
    progress = "progress"


def run(
    which: Annotated[Which, typer.Argument(help="Which file's schema: plan or progress.")] = Which.plan,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="PATH",
            help="Write to PATH (its folders created, the file replaced atomically) instead of standard output.",
            show_default=False,
        ),
    ] = None,
) -> None:
    from civtrack.schema import schema_json

    text = schema_json(which.value)
    if output is None:
        typer.echo(text, nl=False)
        return
    from civtrack.errors import InputError, error
    from civtrack.files import reason_msg, write_output

    try:
        write_output(output, [text])
    except OSError as exc:
        raise InputError(error(str(output) or "''", None, "E521", reason_msg(exc))) from None
