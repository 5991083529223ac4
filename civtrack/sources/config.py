"""`[sources.NAME]` tables of civtrack.toml: what each source is, checked before git sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from civtrack.errors import InputError
from civtrack.model import SLUG
from civtrack.sources.messages import problem

KEYS = ("url", "ref")
_HEADER = re.compile(r"""^\s*\[\s*sources\s*\.\s*["']?([^"'\]\s]+)["']?\s*\]""")


@dataclass(frozen=True)
class SourceSpec:
    name: str
    url: str
    ref: str | None  # None: the remote's HEAD
    line: int | None  # of its [sources.NAME] header in civtrack.toml


def unsafe(text: str) -> str | None:
    """Why a URL or ref cannot be given to git, or None: nothing git could read as an option, no
    control characters, no blanks around it, and no ext:: transport (it runs a command)."""
    if not text:
        return "is empty"
    if text.startswith("-"):
        return "must not start with '-' (git would read it as an option)"
    if any(ord(ch) < 32 or ch == "\x7f" for ch in text):
        return "holds a control character"
    if text.strip() != text:
        return "has blanks around it"
    if text.lower().startswith("ext::"):
        return "ext:: URLs run a command: not allowed"
    return None


def parse_sources(data: Any, raw: str, path: str) -> tuple[SourceSpec, ...]:
    """The sources of civtrack.toml; InputError (with the line, code SRC10) when one is malformed."""
    headers: dict[str, int] = {}
    for number, text in enumerate(raw.splitlines(), 1):
        found = _HEADER.match(text)
        if found:
            headers.setdefault(found[1], number)

    def line_of(name: str) -> int | None:
        return headers.get(name)

    if not isinstance(data, dict):
        raise InputError(problem("SRC10", path, None, source="?", why="write each source as a [sources.NAME] table"))
    specs = []
    for name, table in data.items():
        line = line_of(name)
        if not SLUG.match(name):
            raise InputError(
                problem(
                    "SRC10", path, line, source=name, why="a source name is an id (lower-case letters, digits, '-')"
                )
            )
        if not isinstance(table, dict):
            raise InputError(problem("SRC10", path, line, source=name, why="expected a table with url (and ref)"))
        for key in table:
            if key not in KEYS:
                raise InputError(
                    problem("SRC10", path, line, source=name, why=f"unknown setting '{key}' (known: url, ref)")
                )
        url, ref = table.get("url"), table.get("ref")
        if not isinstance(url, str):
            raise InputError(problem("SRC10", path, line, source=name, why="url must be given, as text"))
        if ref is not None and not isinstance(ref, str):
            raise InputError(
                problem("SRC10", path, line, source=name, why="ref must be text (a branch, tag or commit)")
            )
        for key, value in (("url", url), ("ref", ref)):
            why = None if value is None else unsafe(value)
            if why:
                raise InputError(problem("SRC10", path, line, source=name, why=f"{key} {why}"))
        specs.append(SourceSpec(name, url, ref, line))
    return tuple(specs)
