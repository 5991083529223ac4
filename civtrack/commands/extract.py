"""`civtrack extract`: draft a plan file from the text of a work plan."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

MAX_BYTES = 16 * 1024 * 1024
FORMATS = ("yaml", "json")


def run(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="The plan's text: UTF-8 or GB18030/GBK, simplified or traditional; - reads standard input.",
            show_default=False,
        ),
    ],
    plan_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            metavar="ID",
            help="Plan id (default: from -o's file name, else from FILE's name).",
            show_default=False,
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", metavar="YYYY", min=1900, max=2100, help="Plan year (default: from the text).", show_default=False
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", metavar="yaml|json", help="Output: a plan file (yaml) or data for scripts (json)."),
    ] = "yaml",
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", metavar="OUT", help="Write to OUT instead of standard output.", show_default=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT if it exists.")] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Show the rule that found each item, and below the draft each sentence with a number "
            "that was not taken, with the reason.",
        ),
    ] = False,
) -> None:
    from civtrack.errors import InputError, error
    from civtrack.extract import extract
    from civtrack.extract.decode import decode
    from civtrack.extract.render import to_json, to_yaml
    from civtrack.extract.slug import slug
    from civtrack.files import system_msg
    from civtrack.model import SLUG

    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose yaml or json, not '{fmt}'", param_hint="--format")
    if plan_id is not None and not SLUG.match(plan_id):
        raise typer.BadParameter(f"'{plan_id}' is not an id (lower-case letters, digits and '-')", param_hint="--id")
    if output is not None and output.exists() and not force:
        raise InputError(error(str(output), None, "E706"))
    name = "<stdin>" if file == "-" else file
    try:
        if file == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with open(file, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(error(name, None, "E001", system_msg(exc))) from None
    if len(data) > MAX_BYTES:
        raise InputError(error(name, None, "E707", str(MAX_BYTES // (1024 * 1024))))
    if plan_id is None:
        stem = output.stem if output is not None else (Path(file).stem if file != "-" else "")
        plan_id = slug(stem, "") if stem else ""
    draft = extract(decode(data, name), source=Path(name).name, plan_id=plan_id or None, year=year)
    if draft.plan.id == "plan":
        draft.plan.id = f"plan-{draft.plan.year}"
    text = to_json(draft, explain) if fmt == "json" else to_yaml(draft, explain)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        temporary = output.with_name(output.name + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(output)
    except OSError as exc:
        raise InputError(error(str(output), None, "E708", system_msg(exc))) from None
    numbers = sum(1 for item in draft.items if item.kind == "number")
    checks = sum(1 for item in draft.items if item.notes)
    from civtrack.commands import problem_lang
    from civtrack.i18n import label

    words = label("extract_wrote", problem_lang())  # --lang, else civtrack.toml's where there is one
    typer.echo(
        words.format(output=output, numbers=numbers, milestones=len(draft.items) - numbers, checks=checks), err=True
    )
