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
* nesting depth is checked before libyaml composes the text (its C composer
  recurses and would overflow the C stack on a deeply nested document);
* control characters and unusual line separators are refused (they hide text on
  a terminal and shift the line numbers of every later message);
* numbers that YAML 1.1 would silently convert (``010`` is octal 8, ``1:30`` is
  90, ``0x10`` is 16) are kept as the text written, so a model that wants a
  number says so instead of storing a different value.

Every value comes back with a map from its path (a tuple of keys and indices) to
the 1-based line where it starts, so that later checks can say ``path:line``.
"""

from __future__ import annotations

import calendar
import contextlib
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from civtrack.errors import InputError, Problem, error
from civtrack.files import system_msg
from civtrack.messages import Msg, msg
from civtrack.text import shown as shown  # its home is civtrack.text (no PyYAML): imported from here too

try:  # libyaml's parser when available: several times faster than pure Python.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
# libyaml's composer recurses once per nesting level and overflows an 8 MB C stack
# at about 30,000 levels (a thread's stack may be far smaller). A document's depth
# is at most (its count of '[' and '{') + (its longest run of spaces, tabs and '-',
# '?', ':' at a line start) + 2, since a block collection nests only by indentation
# or compact indicators ("- - x", "? - x"). When that bound is small (here at most
# 1258, safe even on a 512 KB thread stack) the document is composed at once;
# otherwise libyaml's event parser, which does not recurse, measures the real depth
# first. (A month file of one-line `- {…}` entries takes that second path only
# beyond 1000 entries.)
_SAFE_FLOW = 1000
_SAFE_PREFIX = 256
_LONG_PREFIX = re.compile(r"^[ \t?:-]{" + str(_SAFE_PREFIX) + "}", re.MULTILINE)
# The same, searched after a line break: a literal first character is found by a fast scan, where '^'
# with re.MULTILINE is tried at every character.
_LONG_PREFIX_AFTER_BREAK = re.compile(r"\n[ \t?:-]{" + str(_SAFE_PREFIX) + "}")
# Characters YAML refuses (C0 controls but tab/LF/CR, DEL, C1 controls, surrogates,
# non-characters), plus NEL and the Unicode line/paragraph separators: YAML counts
# those as line breaks while editors do not, so every later line number would be off.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# Control characters inside a value (reachable through double-quoted escapes such
# as "\e"): they would be sent to the terminal as they are.
CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# YAML 1.1 integers other than plain decimal: octal 010, hex 0x1F, binary 0b101,
# sexagesimal 1:30. Floats: sexagesimal 1:30.5. Kept as text (see the module doc).
_PLAIN_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")

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


def _line_at(data: bytes | str, offset: int) -> int:
    return data.count(b"\n" if isinstance(data, bytes) else "\n", 0, offset) + 1


def decode(data: bytes, path: str) -> str:
    """Decode file bytes as UTF-8 (BOM accepted); name any other encoding plainly."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise InputError(error(path, 1, "E002"))
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(error(path, 1, "E003"))
    nul = data.find(b"\x00")
    if nul >= 0 and _looks_like_utf16(data):
        raise InputError(error(path, 1, "E004"))
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputError(error(path, line, "E005"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(error(path, line, "E006" if _looks_like_gbk(data) else "E007")) from None


def _looks_like_gbk(data: bytes) -> bool:
    """Chinese text saved as GBK/GB18030: it decodes, and its characters are common ones.

    Almost any bytes decode as GB18030 (Latin-1 "é" followed by a letter is a rare
    character there), so decoding alone proves little; text written in GBK is made
    of GB2312's common characters.
    """
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    wide = [char for char in text if ord(char) > 0x7F][:2000]
    common = 0
    for char in wide:
        try:
            common += len(char.encode("gb2312")) == 2
        except UnicodeEncodeError:
            pass
    return bool(wide) and common >= 0.9 * len(wide)


def _looks_like_utf16(data: bytes) -> bool:
    """Text saved as UTF-16 without a BOM: ASCII characters leave a NUL in every other byte."""
    sample = data[:4000]
    even, odd = sample[0::2], sample[1::2]
    return max(even.count(0), odd.count(0)) > len(sample) // 4


def _bad_characters(text: str, path: str) -> None:
    found = _BAD_CHAR.search(text)
    if found is None:
        return
    code = ord(found.group())
    if code in (0x85, 0x2028, 0x2029):
        key = "E008"  # an unusual line separator, often pasted from a word processor
    elif 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        key = "E009"  # an invalid character
    else:
        key = "E010"  # an invisible control character
    raise InputError(error(path, _line_at(text, found.start()), key, f"{code:04X}"))


_MARKERS = ("<<<<<<<", "|||||||", "=======", ">>>>>>>")


def _conflict_markers(text: str, path: str) -> list[Problem]:
    if not any(marker in text for marker in _MARKERS):
        return []  # the usual case: one scan per marker in C, no line split
    problems = []
    # Split on "\n" only: str.splitlines() also splits on characters editors do not
    # break lines at, and would number the lines differently.
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if line.startswith(("<<<<<<<", "|||||||", ">>>>>>>")) or line.rstrip() == "=======":
            problems.append(error(path, number, "E012", line[:7]))
    return problems


def _check_nesting(text: str, path: str) -> None:
    """Refuse documents nested deeper than MAX_DEPTH before libyaml's recursive composer sees them."""
    if text.count("[") + text.count("{") <= _SAFE_FLOW and _LONG_PREFIX_AFTER_BREAK.search("\n" + text) is None:
        return  # at most 1258 levels: libyaml composes that safely, and _Builder stops at MAX_DEPTH
    _refuse_deep(_Loader, text, path)


def _refuse_deep_in_python(text: str, path: str) -> None:
    """After a parser error: was it a nesting limit of libyaml's own? libyaml 0.2.6 (in PyYAML 6.0.4) stops
    at a limit of its own (1000 levels), in its own words, and its scanner may run that far ahead of the
    events; the pure-Python parser has no such limit and does not recurse either, so it measures the
    depth and the message stays civtrack's, whatever the version. Its own syntax error, or none, leaves
    the first error to be reported in plain words."""
    if "[" in text or "{" in text or _LONG_PREFIX.search(text) is not None:
        with contextlib.suppress(yaml.YAMLError):
            _refuse_deep(yaml.SafeLoader, text, path)


def _refuse_deep(loader_class: type, text: str, path: str) -> None:
    """Raise InputError at the first collection nested deeper than MAX_DEPTH (events only: no recursion)."""
    loader = loader_class(text)
    try:
        depth = 0
        while True:
            event = loader.get_event()
            if event is None:
                return
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputError(error(path, event.start_mark.line + 1, "E013", str(MAX_DEPTH)))
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


_QUOTED_VALUE = re.compile(r"""(?:^\s*(?:-\s+)?[^\s#'"][^#'"]*?:\s+|^\s*-\s+)(["'])""")


def _quote_left_open(lines: list[str], error_line: int) -> int | None:
    """The line before ``error_line`` whose value opens a quote it does not close, when ``error_line``
    holds the quote character that YAML took for the closing one; None otherwise."""
    for index in range(min(error_line, len(lines)) - 2, -1, -1):
        found = _QUOTED_VALUE.match(lines[index])
        if found is None:
            continue
        quote, rest = found[1], lines[index][found.end() :]
        if quote == '"':
            closed = re.search(r'(?<!\\)(?:\\\\)*"', rest) is not None
        else:
            closed = rest.replace("''", "").count("'") > 0
        if not closed:
            return index + 1 if quote in lines[error_line - 1] else None
        return None  # the nearest quoted value above is closed: not this case
    return None


def _yaml_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, tuple[str, ...]]:
    """libyaml's error in plain words, at the line a person would look at."""
    problem = exc.problem or "invalid YAML"
    context = exc.context or ""
    mark, opened = exc.problem_mark, exc.context_mark
    lines = text.split("\n")
    line = mark.line + 1 if mark is not None else (opened.line + 1 if opened is not None else None)
    last = len(text.rstrip("\n").split("\n"))
    if line is not None and line > last:
        line = last  # an error "at the end of the file" is about its last line
    here = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    before = here[: mark.column] if mark is not None else ""
    at_mark = here[mark.column] if mark is not None and mark.column < len(here) else ""
    indentation = here[: len(here) - len(here.lstrip(" \t-?:"))]  # spaces and "- ", "? " at the line start
    if "tab" in problem or ("cannot start any token" in problem and "\t" in indentation + at_mark):
        return line, ("E020",)
    opened_quote = _quote_left_open(lines, line) if line is not None and "quoted scalar" not in context else None
    if opened_quote is not None:
        # `name: "新增养老服务床位` without its closing quote: YAML reads on, over the next lines, to the next
        # quote, and fails there; the line to fix is the one that opened it (issue 18, a new user).
        return opened_quote, ("E021", str(line))
    if "cannot start any token" in problem and at_mark:
        return line, ("E022", shown(at_mark))
    if "mapping values are not allowed" in problem:
        if ": " in before.lstrip(" -") or before.rstrip().endswith(":"):
            return line, ("E023",)
        return line, ("E024",)
    if "quoted scalar" in context and "end of stream" in problem and opened is not None:
        return opened.line + 1, ("E025",)
    if "quoted scalar" in context and "escape" in problem:
        return line, ("E026",)
    if "could not find expected ':'" in problem and opened is not None:
        if opened.line < len(lines) and len(lines[opened.line].split(":", 1)[0]) > 1024:
            return opened.line + 1, ("E027",)
        return opened.line + 1, ("E028",)
    if "flow mapping" in context and opened is not None:
        return opened.line + 1, ("E029",)
    if "flow sequence" in context and opened is not None:
        return opened.line + 1, ("E030",)
    if "flow node" in context and at_mark == ":":  # `{note: :x}`: not an unclosed bracket (issue 18, D15)
        return line, ("E031",)
    if "flow node" in context:
        return line, ("E032",)
    if "block mapping" in context and "expected key" in problem and here.lstrip().startswith(":"):
        return line, ("E033",)
    if "block mapping" in context and "expected key" in problem:
        return line, ("E034",)
    if "block collection" in context and "'-' indicator" in problem:
        if not here.lstrip().startswith("-"):  # a field indented wrongly, not a list item
            return line, ("E034",)
        return line, ("E035",)
    if "block sequence entries are not allowed" in problem:
        return line, ("E036",)
    if "single document" in context:
        return line, ("E037",)
    if "undefined alias" in problem:
        return line, ("E038",)
    if "duplicate anchor" in context:
        return line, ("E039",)
    text = f"{context}, {problem}" if context else problem
    return line, ("E014", text)


def parse(text: str, path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Parse one YAML document safely; raise InputError with path and line on any problem."""
    size = len(text.encode("utf-8")) if len(text) * 4 > max_bytes else len(text)
    if size > max_bytes:
        raise InputError(error(path, None, "E011", str(max_bytes)))
    conflicts = _conflict_markers(text, path)
    if conflicts:
        raise InputError(conflicts)
    _bad_characters(text, path)
    try:
        _check_nesting(text, path)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        _refuse_deep_in_python(text, path)
        line, message = _yaml_error(exc, text)
        raise InputError(error(path, line, *message)) from None
    except yaml.reader.ReaderError as exc:  # pragma: no cover - _bad_characters finds these first
        raise InputError(error(path, None, "E015", f"{exc.character:#x}")) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every libyaml error is one of the above
        raise InputError(error(path, None, "E014", shown(exc, 200))) from None
    except RecursionError:  # the pure-Python composer, when libyaml is missing
        raise InputError(error(path, None, "E013", str(MAX_DEPTH))) from None
    lines: dict[Path, int] = {}
    if node is None:
        return Document(None, lines)
    builder = _Builder(path, budget=len(text) + 1000, text_budget=max_bytes)
    try:
        value = builder.build(node, (), lines, 0)
    except _Abort:
        pass  # the problem is recorded; what follows it would only be noise
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
        raise InputError(error(name, None, "E001", system_msg(exc))) from None
    if len(data) > max_bytes:
        raise InputError(error(name, None, "E011", str(max_bytes)))
    return parse(decode(data, name), name, max_bytes=max_bytes)


class _Abort(Exception):
    """A problem after which building the rest would only report noise (an alias bomb, deep nesting)."""


class _Builder:
    """Constructs plain Python values from a node graph, checking as it goes."""

    def __init__(self, path: str, budget: int, text_budget: int = DEFAULT_MAX_BYTES):
        self.path = path
        self.budget = budget
        # Characters of text built, aliases expanded (issue 18, D8: 2,000 aliases of a 100 KB note made a
        # 230 KB file 205 MB; 8,000 of 1 MB crashed the JSON writer). Without aliases the text of a file's
        # values is never longer than the file, so the limit is the file size limit (max_file_bytes).
        self.text_budget = self.text_limit = text_budget
        self.problems: list[Problem] = []
        self.open: set[int] = set()  # nodes being built: an alias to one of them is a loop
        # The line of the top-level field or list item being built: where an alias
        # bomb is reported (its nodes' own lines are those of the anchors).
        self.top_line: int | None = None

    def _fail(self, node: yaml.Node, message: tuple[Any, ...], line: int | None = None) -> None:
        self.problems.append(error(self.path, line or node.start_mark.line + 1, *message))

    def build(self, node: yaml.Node, where: Path, lines: dict[Path, int], depth: int) -> Any:
        # Aliases make a node graph out of a tree: count every node built, so that
        # expansion stays proportional to the size of the file.
        self.budget -= 1
        if self.budget < 0:
            self._fail(node, ("E040",), self.top_line)
            raise _Abort
        if id(node) in self.open:
            self._fail(node, ("E041",))
            raise _Abort
        if depth > MAX_DEPTH:
            self._fail(node, ("E013", str(MAX_DEPTH)))
            raise _Abort
        lines[where] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            self.text_budget -= len(node.value)
            if self.text_budget < 0:
                self._fail(node, ("E042", str(self.text_limit)), self.top_line)
                raise _Abort
            return self._scalar(node)
        if node.tag not in (_CORE + "seq", _CORE + "map"):
            self._fail(node, ("E043", _short_tag(node.tag)))
            return None
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                items = []
                for i, item in enumerate(node.value):
                    if depth == 0:
                        self.top_line = item.start_mark.line + 1
                    items.append(self.build(item, (*where, i), lines, depth + 1))
                return items
            return self._mapping(node, where, lines, depth)
        finally:
            self.open.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, where: Path, lines: dict[Path, int], depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _CORE + "merge":
                self._fail(key_node, ("E044",))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._fail(key_node, ("E045",))
                continue
            if key_node.tag not in _SCALAR_TAGS:
                self._fail(key_node, ("E043", _short_tag(key_node.tag)))
                continue
            # A field name is the text as written: `1:` and `2021-01-01:` are names
            # (unknown ones), not a number or a date that messages would show changed.
            key = key_node.value
            if CONTROL_IN_TEXT.search(key):
                self._fail(key_node, ("E046", shown(key)))
                continue
            key_line = key_node.start_mark.line + 1
            if depth == 0:
                self.top_line = key_line
            if key in result:
                self._fail(key_node, ("E047", shown(key), str(first_line[key])))
                continue
            first_line[key] = key_line
            result[key] = self.build(value_node, (*where, key), lines, depth + 1)
            lines[(*where, key)] = key_line
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self._fail(node, ("E043", _short_tag(node.tag)))
            return None
        if node.tag == _CORE + "int" and not _PLAIN_INT.match(node.value):
            return node.value  # 010, 0x1F, 0b101, 1:30: not silently a different number
        if node.tag == _CORE + "float" and ":" in node.value:
            return node.value  # sexagesimal 1:30.5
        if node.tag == _CORE + "str":
            if CONTROL_IN_TEXT.search(node.value):
                self._fail(node, ("E048", shown(node.value)))
                return None
            return node.value
        try:
            return _constructor.yaml_constructors[node.tag](_constructor, node)
        except (ValueError, OverflowError, ConstructorError):
            if node.tag == _CORE + "timestamp":
                self._fail(node, impossible_date(node.value))
            else:
                self._fail(node, ("E050", shown(node.value), _short_tag(node.tag)))
            return None


_YEAR_MONTH_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


def impossible_date(text: str) -> tuple[str, str, Msg]:
    """Why a date-like text names no day, in civtrack's words (the key E049 and its arguments):
    datetime's own wording changes between Python versions (3.14 says "day 31 must be in range 1..30
    for month 6 in year 2021")."""
    match = _YEAR_MONTH_DAY.match(text)
    reason = msg("f.date.time")
    if match:
        year, month, day = (int(group) for group in match.groups())
        if year < 1:
            reason = msg("f.date.year", str(year))
        elif not 1 <= month <= 12:
            reason = msg("f.date.month")
        elif not 1 <= day <= calendar.monthrange(year, month)[1]:
            reason = msg("f.date.day")
    return "E049", shown(text), reason


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
