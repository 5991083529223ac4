"""civtrack.start, the console script's entry: `--version` without building the command line, the rest
handed to civtrack.cli.main."""

from __future__ import annotations

import subprocess
import sys

from civtrack import __version__

PROBE = """
import sys
sys.argv = ["civtrack", *sys.argv[1:]]
from civtrack.start import main
try:
    main()
except SystemExit:
    pass
print(sorted(name for name in ("typer", "rich", "click", "civtrack.cli") if name in sys.modules))
"""


def probe(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def test_version_is_answered_without_the_command_line() -> None:
    assert probe("--version") == [f"civtrack {__version__}", "[]"]


def test_anything_else_goes_to_the_command_line() -> None:
    lines = probe("--version", "--help")  # not the lone --version: typer answers, eagerly, as before
    assert lines[0] == f"civtrack {__version__}"
    assert "'civtrack.cli'" in lines[-1] and "'typer'" in lines[-1]
