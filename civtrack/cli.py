"""The command line: global options, the command list, and turning errors into exit codes.

Each command lives in civtrack/commands/<name>.py with its help text beside it in
<name>.md (written once: it is both `civtrack <name> --help` and its doc). Command
modules import the heavy parts of civtrack inside their functions, so that
`--version` and `--help` stay fast.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from civtrack import __version__
from civtrack.commands import COMMANDS, Globals, doc, remember
from civtrack.errors import InputError

app = typer.Typer(
    name="civtrack",
    help=doc("civtrack"),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"civtrack {__version__}")
        raise typer.Exit()


@app.callback()
def global_options(
    ctx: typer.Context,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="Repository root (default: $CIVTRACK_ROOT, else the nearest folder above holding civtrack.toml or plans/).",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help="Language of labels: en or zh (default: civtrack.toml, else en).", show_default=False
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    if lang is not None and lang not in ("en", "zh"):
        raise typer.BadParameter("choose en or zh", param_hint="--lang")
    ctx.obj = Globals(root=root, lang=lang)
    remember(ctx.obj)


for _name in COMMANDS:
    _module = importlib.import_module(f"civtrack.commands.{_name}")
    app.command(name=_name, help=doc(_name), short_help=doc(_name).split("\n", 1)[0])(_module.run)


def main() -> None:
    """Console entry point: never a traceback for bad input, always a meaningful exit code."""
    # A run builds millions of small objects that live until it ends (plans, series, statuses), and
    # makes little cyclic garbage: Python's cyclic collector would walk the live ones again and again
    # (a third of a warm `status` at a million entries). Reference counting frees the rest.
    gc.disable()
    try:
        app()
    except InputError as exc:
        from civtrack.commands import say

        for problem in exc.problems:
            print(say(problem), file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # `civtrack status | head`: the reader left; say nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        if os.environ.get("CIVTRACK_DEBUG"):
            raise
        print(
            f"civtrack: internal error: {exc!r} (set CIVTRACK_DEBUG=1 for details, and please report it)",
            file=sys.stderr,
        )
        sys.exit(3)
