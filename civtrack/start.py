"""The console script's entry point: `civtrack --version` answered before the command line is built.

Building it (typer, click, and every command module with its help) takes about three times the start-up
of Python itself; the version needs none of it. Every other call goes to civtrack.cli.main unchanged.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from civtrack import __version__

        print(f"civtrack {__version__}")
        return
    from civtrack.cli import main as run

    run()
