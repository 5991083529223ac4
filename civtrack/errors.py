"""Problems found in input files, and the exception that carries them to the CLI.

Every problem names a file and, where one exists, a line, so that the CLI can
print ``path:line: error: message`` and editors can jump to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    severity: Severity
    message: str
    # A stable problem code where the input has them (spreadsheet imports: IMP01…, docs/spreadsheets.md).
    code: str | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        kind = self.severity if self.code is None else f"{self.severity} {self.code}"
        return f"{where}: {kind}: {self.message}"


class InputError(Exception):
    """Unusable input: the CLI prints the problems and exits 2."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem("civtrack", None, "error", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def error(path: str, line: int | None, message: str) -> Problem:
    return Problem(path, line, "error", message)


def warning(path: str, line: int | None, message: str) -> Problem:
    return Problem(path, line, "warning", message)
