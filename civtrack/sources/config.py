"""`[sources.NAME]` tables of civtrack.toml: what each source is, checked before git sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from civtrack.errors import InputError
from civtrack.messages import msg
from civtrack.model import SLUG
from civtrack.sources.messages import problem
from civtrack.yamlsafe import shown

KEYS = ("url", "ref")
_HEADER = re.compile(r"""^\s*\[\s*sources\s*\.\s*["']?([^"'\]\s]+)["']?\s*\]""")


@dataclass(frozen=True)
class SourceSpec:
    name: str
    url: str
    ref: str | None  # None: the remote's HEAD
    line: int | None  # of its [sources.NAME] header in civtrack.toml


def unsafe(text: str) -> str | None:
    """Why a URL or ref cannot be given to git (a fragment of the message catalogue, ``f.src.…``, that
    takes the setting's name), or None: nothing git could read as an option, no control characters, no
    blanks around it, and no ext:: transport (it runs a command)."""
    if not text:
        return "f.src.empty"
    if text.startswith("-"):
        return "f.src.dash"
    if any(ord(ch) < 32 or ch == "\x7f" for ch in text):
        return "f.src.control"
    if text.strip() != text:
        return "f.src.blanks"
    if text.lower().startswith("ext::"):
        return "f.src.ext"
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
        raise InputError(problem("SRC10", path, None, source="?", why=msg("f.src.table")))
    specs = []
    for name, table in data.items():
        line = line_of(name)
        if not SLUG.match(name):
            raise InputError(problem("SRC10", path, line, source=name, why=msg("f.src.name")))
        if not isinstance(table, dict):
            raise InputError(problem("SRC10", path, line, source=name, why=msg("f.src.expected_table")))
        for key in table:
            if key not in KEYS:
                raise InputError(
                    problem("SRC10", path, line, source=name, why=msg("f.src.unknown_key", shown(str(key))))
                )
        url, ref = table.get("url"), table.get("ref")
        if not isinstance(url, str):
            raise InputError(problem("SRC10", path, line, source=name, why=msg("f.src.url_text")))
        if ref is not None and not isinstance(ref, str):
            raise InputError(problem("SRC10", path, line, source=name, why=msg("f.src.ref_text")))
        for key, value in (("url", url), ("ref", ref)):
            why = None if value is None else unsafe(value)
            if why:
                raise InputError(problem("SRC10", path, line, source=name, why=msg(why, key)))
        specs.append(SourceSpec(name, url, ref, line))
    return tuple(specs)
