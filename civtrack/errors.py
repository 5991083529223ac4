"""Problems found in input files, and the exception that carries them to the CLI.

Every problem names a file and, where one exists, a line, so that the CLI can
print ``path:line: error E012: message`` and editors can jump to it. A problem holds
no text: it holds a key of the message catalogue (civtrack/messages.py: a stable
code such as ``E012``, with an optional variant, ``IMP14.folder``) and its arguments,
and is worded in a language only where it is shown (``render``), at the edge (the
CLI): the pure core never needs to know the language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from civtrack.messages import CATALOGUE, Msg, code_of, render_message, severity_word

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    severity: Severity
    key: str  # a key of civtrack.messages.CATALOGUE
    args: tuple[Any, ...] = ()  # str, or Msg (a fragment worded in the same language)

    @property
    def code(self) -> str:
        """The stable code people and scripts match (``E012``, ``IMP04``)."""
        return code_of(self.key)

    @property
    def message(self) -> str:
        """The message in English (what logs and tests read)."""
        return render_message(self.key, self.args, "en")

    def message_in(self, lang: str) -> str:
        return render_message(self.key, self.args, lang)

    def render(self, lang: str = "en") -> str:
        """``path:line: error E012: message`` (``错误 E012``… in Chinese)."""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        code = self.key.partition(".")[0]
        return f"{where}: {severity_word(self.severity, lang)} {code}: {render_message(self.key, self.args, lang)}"

    def __str__(self) -> str:
        return self.render("en")

    def __lt__(self, other: Problem) -> bool:
        """In file order, then by severity and English text (as when problems were text)."""
        return (self.path, self.line, self.severity, self.message) < (
            other.path,
            other.line,
            other.severity,
            other.message,
        )

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        """For JSON outputs: scripts match ``code``, never ``message``."""
        return {
            "path": self.path, "line": self.line, "severity": self.severity, "code": self.code,
            "message": self.message_in(lang),
        }  # fmt: skip

    def encoded(self) -> str:
        """The key and arguments as one string (what the cache keeps in a problem row's message slot):
        joined by a separator no argument holds (user text is escaped by yamlsafe.shown), else JSON."""
        args = self.args
        if all(type(a) is str and _SEP not in a for a in args):
            return _SEP.join((self.key, *args))
        return json.dumps([self.key, *map(_plain, args)], ensure_ascii=False)

    @classmethod
    def decoded(cls, path: str, line: int | None, severity: Severity, text: str) -> Problem:
        if text[0] == "[":
            key, *args = json.loads(text)
            return cls(path, line, severity, key, tuple(map(_nested, args)))
        key, *parts = text.split(_SEP)
        return cls(path, line, severity, key, tuple(parts))


_SEP = "\x1f"  # ASCII's unit separator: a control character, never in an argument shown to people


def _plain(arg: Any) -> Any:
    return [arg.key, *map(_plain, arg.args)] if isinstance(arg, Msg) else arg


def _nested(arg: Any) -> Any:
    return Msg(arg[0], tuple(map(_nested, arg[1:]))) if isinstance(arg, list) else arg


def is_encoded(text: Any) -> bool:
    """Whether a cached message slot holds an encoded problem (rows of older versions held English text)."""
    return isinstance(text, str) and (text.startswith('["') or text.partition(_SEP)[0] in CATALOGUE)


class InputError(Exception):
    """Unusable input: the CLI prints the problems and exits 2."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def error(path: str, line: int | None, key: str, *args: Any) -> Problem:
    return Problem(path, line, "error", key, args)


def warning(path: str, line: int | None, key: str, *args: Any) -> Problem:
    return Problem(path, line, "warning", key, args)


def fail(key: str, *args: Any) -> InputError:
    """An error of the command line itself (no file to name): ``civtrack: error E517: …``."""
    return InputError(error("civtrack", None, key, *args))


class CodedValueError(ValueError):
    """A model validator's refusal as a catalogue key and arguments (pydantic keeps the exception in the
    error's ``ctx``; civtrack.load words it, the field's name first): ``{0}`` of the template is the field."""

    def __init__(self, key: str, *args: Any):
        self.key = key
        self.args_ = args
        super().__init__(render_message(key, ("…", *args), "en").removeprefix("…: "))
