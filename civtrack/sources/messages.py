"""The problems of civtrack.sources: which catalogue code (civtrack/messages.py, SRC01–SRC17) takes
which named value in which place, and with what severity. Callers name the values (``source=…``);
the catalogue's templates take them in order, in English and Chinese."""

from __future__ import annotations

from typing import Any

from civtrack.errors import Problem
from civtrack.messages import Msg, msg

# code → (severity, the names of its values in the order of the catalogue's {0}, {1}, …)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "SRC01": ("error", ("source", "ref", "known")),
    "SRC02": ("error", ("source",)),
    "SRC03": ("error", ("plan", "source", "commit", "known")),
    "SRC04": ("error", ("what", "item", "plan", "source", "commit")),
    "SRC05": ("error", ("local", "remote", "ref")),
    "SRC06": ("error", ("local", "remote", "ref")),
    "SRC07": ("warning", ("local", "remote", "ref")),
    "SRC08": ("error", ("item", "ref")),
    "SRC09": ("error", ("ref",)),
    "SRC10": ("error", ("source", "why")),
    "SRC11": ("warning", ("source", "why", "commit", "committed", "fetched")),
    "SRC12": ("warning", ("source", "old", "new")),
    "SRC13": ("warning", ("source", "count", "commit", "first")),
    "SRC14": ("error", ("item", "ref")),
    "SRC15": ("error", ("source", "why")),
    "SRC16": ("error", ("item", "ref")),
    "SRC17": ("error", ("source", "known")),
}

# Values that are words (kinds of item, of indicator): worded in the message's language.
_WORDS = {
    "indicator": "f.src.indicator",
    "part": "f.src.part",
    "number": "f.src.number",
    "milestone": "f.src.milestone",
}


def _value(name: str, value: Any) -> Any:
    if isinstance(value, Msg):
        return value
    if name in ("what", "local", "remote") and value in _WORDS:
        return msg(_WORDS[value])
    if name == "known" and not value:
        return msg("f.none")
    if name == "why" or name == "first":  # git's or another repository's words, as they were said
        return msg("f.text", str(value))
    return str(value)


def problem(code: str, path: str, line: int | None, **values: Any) -> Problem:
    severity, names = FIELDS[code]
    return Problem(path, line, severity, code, tuple(_value(name, values[name]) for name in names))  # type: ignore[arg-type]
