"""Safe YAML reading with line numbers: the reference loader.

Plan and progress files are edited by hand and copied between offices, so this
reader trusts nothing:

* bytes are decoded as UTF-8 only (a BOM is accepted); GBK/GB18030, UTF-16 and
  NUL bytes are named in plain words;
* files above a size limit are refused before parsing;
* unresolved git merge-conflict markers are reported as such, not as a YAML
  syntax error;
* libyaml (or the pure-Python parser) only *composes* a node graph; this module
  constructs the values itself, so no tag outside the YAML core schema is ever
  constructed (``!!python/object`` and friends are rejected), duplicate mapping
  keys are errors (PyYAML silently keeps the last one: data loss), and alias
  expansion is bounded by the size of the input (no billion laughs);
* nesting depth is checked before libyaml sees the text (its C parser recurses
  and would overflow the C stack on a deeply nested document).

Every value comes back with a map from its path (a tuple of keys and indices) to
the 1-based line where it starts, so that later checks can say ``path:line``.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from civtrack.errors import InputError, Problem, error

try:  # libyaml's parser when available: several times faster than pure Python.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
# libyaml recurses once per nesting level; stay far below what overflows it.
_MAX_FLOW_DEPTH = 256
_MAX_INDENT = 2000
_DEEP_INDENT = re.compile(r"^[ -]{" + str(_MAX_INDENT) + "}", re.MULTILINE)

Path = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_constructor = SafeConstructor()


@dataclass
class Document:
    """A parsed YAML document: its value and the line where each path starts."""

    value: Any
    lines: dict[Path, int]

    def line(self, path: Path) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def decode(data: bytes, path: str) -> str:
    """Decode file bytes as UTF-8 (BOM accepted); name any other encoding plainly."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(error(path, 1, "file is UTF-16 encoded; save it as UTF-8"))
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputError(error(path, line, "file contains a NUL byte (binary data?); save it as UTF-8 text"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        try:
            data.decode("gb18030")
            hint = "it looks like GBK/GB18030; convert it with `iconv -f GB18030 -t UTF-8`"
        except UnicodeDecodeError:
            hint = "save it as UTF-8"
        raise InputError(error(path, line, f"file is not valid UTF-8 ({hint})")) from None


def _conflict_markers(text: str, path: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(("<<<<<<<", ">>>>>>>")) or line.rstrip() == "=======":
            problems.append(
                error(path, number, "unresolved git merge conflict marker: resolve the conflict and remove it")
            )
    return problems


def _check_nesting(text: str, path: str) -> None:
    """Refuse documents nested deeper than libyaml can safely recurse."""
    deep_block = _DEEP_INDENT.search(text)
    if deep_block:
        line = text.count("\n", 0, deep_block.start()) + 1
        raise InputError(error(path, line, f"nesting deeper than {MAX_DEPTH} levels"))
    if text.count("[") + text.count("{") <= _MAX_FLOW_DEPTH:
        return  # cannot be nested that deep: skip the character scan
    depth = 0
    line = 1
    quote = ""  # brackets inside quoted text do not nest
    for char in text:
        if char == "\n":
            line += 1
        if quote:
            if char == quote:
                quote = ""
            continue
        if char in "[{":
            depth += 1
            if depth > _MAX_FLOW_DEPTH:
                raise InputError(error(path, line, f"nesting deeper than {MAX_DEPTH} levels"))
        elif char in "]}":
            depth = max(0, depth - 1)
        elif char in "'\"" and depth:
            quote = char


def _yaml_error_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    problem = exc.problem or "invalid YAML"
    context = exc.context or ""
    mark = exc.problem_mark
    if mark is not None and "cannot start any token" in problem:
        lines = text.splitlines()
        if mark.line < len(lines) and "\t" in lines[mark.line]:
            return "tab character in indentation: YAML indents with spaces only"
    if "mapping values are not allowed" in problem:
        return "unexpected ':' (quote text that contains ': ')"
    if "found unexpected end of stream" in problem or "while scanning a quoted scalar" in context:
        return "unclosed quote"
    text = f"{context}, {problem}" if context else problem
    return f"invalid YAML: {text}"


def parse(text: str, path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Parse one YAML document safely; raise InputError with path and line on any problem."""
    size = len(text.encode("utf-8")) if len(text) * 4 > max_bytes else len(text)
    if size > max_bytes:
        raise InputError(error(path, None, f"file is larger than the limit of {max_bytes} bytes (max_file_bytes)"))
    conflicts = _conflict_markers(text, path)
    if conflicts:
        raise InputError(conflicts)
    _check_nesting(text, path)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(error(path, line, _yaml_error_message(exc, text))) from None
    except yaml.YAMLError as exc:
        raise InputError(error(path, None, f"invalid YAML: {exc}")) from None
    except RecursionError:
        raise InputError(error(path, None, f"nesting deeper than {MAX_DEPTH} levels")) from None
    lines: dict[Path, int] = {}
    if node is None:
        return Document(None, lines)
    builder = _Builder(path, budget=len(text) + 1000)
    value = builder.build(node, (), lines, 0)
    if builder.problems:
        raise InputError(builder.problems)
    return Document(value, lines)


def load_file(file: str, *, max_bytes: int = DEFAULT_MAX_BYTES, display: str | None = None) -> Document:
    """Read, decode and parse one file. ``display`` is the name used in messages."""
    name = display or file
    try:
        with open(file, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(error(name, None, f"cannot read file: {exc.strerror}")) from None
    if len(data) > max_bytes:
        raise InputError(error(name, None, f"file is larger than the limit of {max_bytes} bytes (max_file_bytes)"))
    return parse(decode(data, name), name, max_bytes=max_bytes)


class _Builder:
    """Constructs plain Python values from a node graph, checking as it goes."""

    def __init__(self, path: str, budget: int):
        self.path = path
        self.budget = budget
        self.problems: list[Problem] = []

    def _fail(self, node: yaml.Node, message: str) -> None:
        self.problems.append(error(self.path, node.start_mark.line + 1, message))

    def build(self, node: yaml.Node, where: Path, lines: dict[Path, int], depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            if self.budget == -1:
                self._fail(node, "too many aliases expanded (alias bomb?): YAML aliases are limited")
            return None
        if depth > MAX_DEPTH:
            if not self.problems:
                self._fail(node, f"nesting deeper than {MAX_DEPTH} levels")
            return None
        lines[where] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _CORE + "seq":
                self._fail(node, f"unsupported YAML tag {_short_tag(node.tag)}: tags are not allowed")
                return None
            return [self.build(item, (*where, i), lines, depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != _CORE + "map":
                self._fail(node, f"unsupported YAML tag {_short_tag(node.tag)}: tags are not allowed")
                return None
            result: dict[Any, Any] = {}
            first_line: dict[Any, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _CORE + "merge":
                    self._fail(key_node, "merge keys (<<) are not supported: write the fields out")
                    continue
                key = self.build(key_node, (*where, "<key>"), {}, depth + 1)
                if not isinstance(key, str | int | bool | float | _dt.date) and key is not None:
                    self._fail(key_node, "mapping keys must be plain scalars")
                    continue
                key_line = key_node.start_mark.line + 1
                if key in result:
                    self._fail(key_node, f"duplicate key '{key}' (first at line {first_line[key]})")
                    continue
                first_line[key] = key_line
                result[key] = self.build(value_node, (*where, key), lines, depth + 1)
                lines[(*where, key)] = key_line
            return result
        self._fail(node, "unsupported YAML node")  # pragma: no cover - composer makes only the above
        return None

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self._fail(node, f"unsupported YAML tag {_short_tag(node.tag)}: tags are not allowed")
            return None
        try:
            return _constructor.yaml_constructors[node.tag](_constructor, node)
        except (ValueError, OverflowError, ConstructorError) as exc:
            if node.tag == _CORE + "timestamp":
                self._fail(node, f"impossible date '{node.value}' ({exc})")
            else:
                self._fail(node, f"cannot read value '{node.value}': {exc}")
            return None


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
