"""The command line: global options, the command list, and turning errors into exit codes.

Each command lives in civtrack/commands/<name>.py with its help text beside it in
<name>.md (written once: it is both `civtrack <name> --help` and its doc). Command
modules import the heavy parts of civtrack inside their functions, so that
`--version` and `--help` stay fast.
"""

from __future__ import annotations

import functools
import gc
import importlib
import inspect
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click import exceptions as click_exceptions
from typer.core import TyperCommand, TyperGroup, TyperOption

from civtrack import __version__, helpcache
from civtrack.commands import COMMANDS, Globals, Lang, doc, remember
from civtrack.errors import InputError
from civtrack.helplang import (
    META_KEY,
    ROOT_KEY,
    help_lang,
    lang_in_args,
    localize_error,
    localized,
    restore_errors,
    usage_prefix,
    value_in_args,
)

LANG_HELP = "Language of labels and messages: en or zh (default: civtrack.toml, else en)."


class Localized:
    """The help of the top level and of every command: in the help language (civtrack.helplang), its
    usage line after that language's word for "Usage: ", and noted as shown (civtrack.helpcache)."""

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:
        helpcache.shown()
        with localized(self, ctx, help_lang(ctx)):
            super().format_help(ctx, formatter)  # type: ignore[misc]

    def format_usage(self, ctx: typer.Context, formatter: Any) -> None:
        pieces = " ".join(self.collect_usage_pieces(ctx))  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, pieces, prefix=usage_prefix(ctx))


class Group(Localized, TyperGroup):
    """The top level: its help in the run's language (civtrack.helplang), --lang read before --help, and
    typer's usage errors in it (those of the commands too: they reach the top level's invoke)."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        ctx.meta[META_KEY] = lang_in_args(args, commands=COMMANDS)
        ctx.meta[ROOT_KEY] = value_in_args(args, "--root", commands=COMMANDS)
        try:
            return super().parse_args(ctx, args)
        except click_exceptions.UsageError as exc:
            localize_error(exc, help_lang(ctx))
            raise

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click_exceptions.UsageError as exc:
            localize_error(exc, help_lang(ctx))
            raise

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)
        finally:
            restore_errors()


app = typer.Typer(
    name="civtrack",
    cls=Group,
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
    lang: Annotated[Lang | None, typer.Option("--lang", help=LANG_HELP, show_default=False)] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    ctx.obj = Globals(root=root, lang=lang.value if lang is not None else None)
    remember(ctx.obj)


def with_lang(run: Callable[..., Any]) -> Callable[..., Any]:
    """A command's function with a --lang option of its own (``civtrack status --lang zh``), which
    overrides the one given before the command; and a context, which init and schema do not take."""
    signature = inspect.signature(run, eval_str=True)
    takes_ctx = "ctx" in signature.parameters
    ctx = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    lang = inspect.Parameter(
        "lang",
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[Lang | None, typer.Option("--lang", help=LANG_HELP, show_default=False)],
    )

    @functools.wraps(run)
    def command(*args: Any, **kwargs: Any) -> Any:
        chosen = kwargs.pop("lang")
        context = kwargs["ctx"] if takes_ctx else kwargs.pop("ctx")
        if chosen is not None:
            context.obj.lang = chosen.value
            remember(context.obj)  # problems from now on are worded in it too
        return run(*args, **kwargs)

    parameters = [*([] if takes_ctx else [ctx]), *signature.parameters.values(), lang]
    command.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    return command


# A negative number where an option could be: `civtrack record plan/x -5` (click reads -2.5 as -2 -. -5).
NEGATIVE = re.compile(r"^-[0-9.]")
NUMBER = re.compile(r"^-[0-9]*\.?[0-9]+$")


class Command(Localized, TyperCommand):
    """Every command: a negative value taken for an option gets a hint (write it after --)."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        given = list(args)  # the parser consumes ``args``
        chosen = lang_in_args(given)
        if chosen is not None:  # --help is eager: it is shown before --lang is parsed
            ctx.meta[META_KEY] = chosen
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:
            name = getattr(exc, "option_name", None)
            if isinstance(name, str) and NEGATIVE.match(name) and hasattr(exc, "message"):
                from civtrack.i18n import label

                lang = help_lang(ctx)  # --lang before or after the command, else civtrack.toml
                value = next((arg for arg in given if arg.startswith(name) and NUMBER.match(arg)), name)
                exc.message = label("negative_hint", lang).format(value=value, command=ctx.info_name)
            raise


_display_type = TyperOption.display_type_rich


def _flag_type(option: TyperOption, ctx: Any) -> str | None:
    """An on/off flag shows no type in the help (typer shows ``--version <bool>``)."""
    return None if option.is_flag else _display_type(option, ctx)


# typer builds its options itself (there is no class to pass it): the type column of its help is set here.
TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]

for _name in COMMANDS:
    _module = importlib.import_module(f"civtrack.commands.{_name}")
    app.command(name=_name, help=doc(_name), short_help=doc(_name).split("\n", 1)[0], cls=Command)(
        with_lang(_module.run)
    )


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
