"""The console script's entry point: `civtrack --version`, and a help shown before, answered before the
command line is built.

Building it (typer, click, and every command module with its help) takes about six times the start-up
of Python itself; the version needs none of it, nor a help printed before with the same key
(civtrack.helpcache). Every other call goes to civtrack.cli.main unchanged.
"""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    if args == ["--version"]:
        from civtrack import __version__

        print(f"civtrack {__version__}")
        return
    from civtrack import helpcache

    if helpcache.is_help(args):
        if helpcache.answer(args):
            return

        def run() -> None:
            from civtrack.cli import main as run_cli

            run_cli()

        helpcache.run_and_keep(args, run)
        return
    from civtrack.cli import main as run

    run()
