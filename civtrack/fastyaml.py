"""The fast path for reading YAML: yaml-rs (Rust) on the files it reads exactly as the reference does.

civtrack.yamlsafe (PyYAML's libyaml composer and our own constructor) is the reference: it defines what a
file means and every message. It reads about 40,000 entries a second; yaml-rs reads ten times more, but
it implements YAML 1.2 where PyYAML implements 1.1, knows no line numbers, and parses quoted dates. So
the fast path is taken only for text where the two cannot differ, decided by a few regular expressions
run over the whole text (C speed) before yaml-rs sees it; anything else, and any error at all, goes to
the reference, so that messages always carry the reference's file, line and wording:

* characters that introduce what yamlsafe must examine or reject: tags (``!``), anchors and aliases
  (``&``, ``*``: no alias bomb can reach yaml-rs), merge keys (``<<``), escapes (``\\``), block scalars
  (``|``, ``>``), directives and document markers, complex keys, tabs, carriage returns, merge-conflict
  markers and every character PyYAML refuses as unprintable;
* scalars whose YAML 1.1 and 1.2 readings differ: ``yes``/``no``/``on``/``off``, octal and sexagesimal
  numbers, exponents without a sign, ``.5``, ``1_000``, impossible dates, a quoted date (yaml-rs reads
  it as a date, PyYAML as text), ``key:value``, a plain scalar that starts with ``_`` or ``:``, the year 0000. A scalar that starts like a number must be a plain
  decimal integer (at most 15 digits), a decimal fraction, or a possible date ``YYYY-MM-DD``;
* nesting: yamlsafe's own depth checks run first.

Duplicate keys are errors in yaml-rs too (then the reference reports them with both lines). Size limits
are checked by the callers (civtrack.load) before any parser runs. ``tests/test_fastload.py`` proves on
every YAML file of the test corpus, the bundled plans and generated repositories that the values are
the same, and ``benchmarks/`` measures the gain.
"""

from __future__ import annotations

import re
from itertools import accumulate, repeat
from typing import Any

from civtrack import yamlsafe

try:
    import yaml_rs
except ImportError:  # pragma: no cover - yaml-rs is a dependency; without it, the reference reads all
    yaml_rs = None  # type: ignore[assignment]

# Characters that send a file to the reference loader wherever they stand (see the docstring): what
# PyYAML refuses as unprintable, tabs, carriage returns and escapes; and lines that start a directive, a
# document or a merge conflict. (Each check is kept simple: the regular expression engine is fastest on
# patterns that start with one character class, and this scan runs over every byte of every file.)
# (NEL and surrogates too, which the reference refuses where PyYAML would not: yamlsafe._BAD_CHAR finds
# nothing in a text that passes, and parse does not look again.)
_UNUSUAL_CHARS = re.compile(r"[\\\t\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_UNUSUAL_LINES = ("\n%", "\n---", "\n...", "\n=======", "\n<<<<<<<", "\n>>>>>>>")
# ... and outside comments: tags, anchors, aliases, merge keys, block scalars, reserved indicators and
# complex keys (rare characters, looked for one by one), flow indicators after ':', JSON-style
# "key":value, and a quote before a digit (yaml-rs reads '2021-06-30' as a date, unless other text
# follows: "1-3月" is text to both).
_RARE = "!&*|>`@?"
_NON_ASCII = r"\x80-\U0010ffff"
_COLON_FLOW = re.compile(r":[,\[\]{}]")
_FLOW_KEY = re.compile(r"[\]}] *:")  # a flow collection as a key
# A ':' with no key before it (yaml-rs reads a null key; the reference refuses the line), and keys
# yaml-rs would read as something else than their text (the reference keeps every key as written):
# numbers, dates, null, booleans; conservatively, anything at the start of a line or of a flow item
# that starts like a number.
_KEY_TAIL = (
    r"(?::(?=[\s,}\]]|$)|(?:null|Null|NULL|true|True|TRUE|false|False|FALSE) *:"
    r"|[+.0-9~](?![^\s,\[\]{}#:" + _NON_ASCII + r"]*[" + _NON_ASCII + r"]))"
)
_EMPTY_KEY = re.compile(r"\n[ -]*+" + _KEY_TAIL)  # (two patterns: each starts with one character)
_EMPTY_FLOW_KEY = re.compile(r"[{,] *+" + _KEY_TAIL)
_QUOTE = re.compile(r"['\"](?::\S|[-+.0-9](?![^\s'\"" + _NON_ASCII + r"]*[" + _NON_ASCII + r"]))")
# Plain scalars that YAML 1.1 reads as booleans (YAML 1.2: text).
_BOOL_1_1 = re.compile(r"[ \n\[{,](?=[YyNnOo=])(?:[Yy]es|YES|[Nn]o|NO|[Oo]n|ON|[Oo]ff|OFF|=)(?=[\s,\]}:#]|$)")
_SAFE_NUMBER = (
    r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?"
    r"|(?!0000)[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    r"|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29"
)
# A scalar that starts like a number (or '.', '+') but is not one of the safe forms above. Every special
# form of either YAML version is ASCII: a run of ASCII that ends in other text ("2021年", "1-3月") is text.
_RISKY_NUMBER = re.compile(
    r"[ \n\[{,](?=[+.0-9]|-\S)(?!(?:" + _SAFE_NUMBER + r")(?=[\s,\]}#]|$))"
    r"(?![^\s,\[\]{}#" + _NON_ASCII + r"]*[" + _NON_ASCII + r"])"
)
# A plain scalar that starts with '_' or ':' (yaml-rs reads "_1e3" as 1000 and ":5" in a flow mapping as
# text, where the reference reads text and refuses the line: issue 18, D2, D14, D15).
_ODD_START = re.compile(r"[ \n\[{,][_:]")
# _BOOL_1_1, _RISKY_NUMBER and _ODD_START start alike: one search finds any of them.
_AFTER_SPACE = re.compile(
    r"[ \n\[{,](?:"
    + "|".join(p.pattern.removeprefix(r"[ \n\[{,]") for p in (_BOOL_1_1, _RISKY_NUMBER, _ODD_START))
    + ")"
)
_DEEP_COLUMNS = (yamlsafe.MAX_DEPTH - 8) // 2
# An item's '-' at the start of a line: after a line break (a literal to search for, far faster than '^'
# with re.MULTILINE, which is tried at every character), or at the very start (_FIRST_ITEM).
_ITEM = re.compile(r"\n-(?=[ \n]|$)")
_FIRST_ITEM = re.compile(r"-(?=[ \n]|$)")
# Comments hold no scalar: their text cannot be read differently. Only comments on lines without quotes
# are left out of the scan (a '#' inside quotes is text, and what follows it may be another scalar).
_COMMENT_LINE = re.compile(r"^([^'\"\n#]*?)(?:^|[ ])#.*$", re.MULTILINE)


def _without_comments(text: str) -> str:
    """``_COMMENT_LINE.sub(r"\\1", text)``, line by line from each '#' (a regular expression anchored at
    '^' is tried at every character: a third of the scan's time, where a file has one comment line).
    A line loses its comment when its first '#' starts the line or follows a space and no quote stands
    before it: the comment goes, with that space."""
    pieces: list[str] = []
    kept = 0  # text[kept:] is not yet in pieces
    find, rfind = text.find, text.rfind
    hash_at = find("#")
    while hash_at >= 0:
        start = rfind("\n", 0, hash_at) + 1
        end = find("\n", hash_at)
        if end < 0:
            end = len(text)
        before = text[start:hash_at]
        if (hash_at == start or text[hash_at - 1] == " ") and "'" not in before and '"' not in before:
            pieces.append(text[kept : hash_at - 1 if hash_at > start else start])
            kept = end
        hash_at = find("#", end)
    if not pieces:
        return text
    pieces.append(text[kept:])
    return "".join(pieces)


def eligible(text: str) -> bool:
    """True when yaml-rs reads ``text`` exactly as yamlsafe.parse does (or both fail). The scanned
    text starts with a line break, so that "after a space or a line break" needs no '^'."""
    lined = "\n" + text
    if _UNUSUAL_CHARS.search(text) or any(marker in lined for marker in _UNUSUAL_LINES):
        return False
    # The reference refuses values nested deeper than MAX_DEPTH; yaml-rs does not. A level of block
    # nesting needs at least one more column of indentation every two levels ("key:" then "- item" at
    # the same column); flow levels are counted on the value (parse) when there are many brackets.
    if re.search(r"\n[ -]{" + str(_DEEP_COLUMNS) + "}", lined):
        return False
    scalars = "\n" + _without_comments(text) if "#" in text else lined
    if any(char in scalars for char in _RARE) or "<<" in scalars:
        return False
    # (A pattern that starts with one of a few rare characters is run only where one is: looking for a
    # character is a fast scan, running a pattern over text in which none occurs is not; and the three
    # patterns that start after a space or a line break are one pattern, tried once per space.)
    return not (
        _COLON_FLOW.search(scalars)
        or (("]" in scalars or "}" in scalars) and _FLOW_KEY.search(scalars))
        or (("'" in scalars or '"' in scalars) and _QUOTE.search(scalars))
        or _EMPTY_KEY.search(scalars)
        or (("{" in scalars or "," in scalars) and _EMPTY_FLOW_KEY.search(scalars))
        or _AFTER_SPACE.search(scalars)
    )


def parse(text: str, path: str, *, max_bytes: int = yamlsafe.DEFAULT_MAX_BYTES) -> yamlsafe.Document | None:
    """The document of ``text`` read by yaml-rs, or None when the reference must read it.

    ``text`` has passed the callers' size limit. The document knows the line of each top-level list
    item at once (all that a valid entry's messages need); any other line is found by the reference
    reader, on first use.
    """
    if yaml_rs is None or not eligible(text):
        return None
    try:
        # The reference's own checks of the text (each a scan in C): what they refuse, it reports.
        # (yamlsafe._bad_characters would find nothing: eligible refused every character it refuses.)
        if yamlsafe._conflict_markers(text, path):
            return None
        yamlsafe._check_nesting(text, path)
        value = yaml_rs.loads(text)
    except Exception:  # noqa: BLE001 - any complaint at all: the reference finds it and words it
        return None
    if text.count("[") + text.count("{") > _DEEP_COLUMNS and _depth(value) > yamlsafe.MAX_DEPTH - 4:
        return None
    item_lines: list[int] = []
    if isinstance(value, list):
        found = _item_lines(text, len(value))
        if found is None:
            return None
        item_lines = found
    return FastDocument(value, item_lines, text, path, max_bytes)


class FastDocument(yamlsafe.Document):
    """A document read by the fast path. Lines other than the items' come from the reference, lazily."""

    fast = True  # a problem found in it: civtrack.load reads the file again with the reference

    def __init__(self, value: Any, item_lines: list[int], text: str, path: str, max_bytes: int):
        self.value = value
        self.item_lines = item_lines  # the line of each top-level list item (none: not a list)
        self._source = (text, path, max_bytes)
        self._lines: dict[yamlsafe.Path, int] | None = None

    @property
    def lines(self) -> dict[yamlsafe.Path, int]:  # type: ignore[override]
        if self._lines is None:
            text, path, max_bytes = self._source
            self._lines = yamlsafe.parse(text, path, max_bytes=max_bytes).lines
        return self._lines

    def line(self, path: yamlsafe.Path) -> int | None:
        if len(path) == 1 and type(path[0]) is int and 0 <= path[0] < len(self.item_lines):
            return self.item_lines[path[0]]
        return super().line(path)


def _depth(value: Any) -> int:
    """How deep lists and mappings nest in ``value`` (a scalar: 0)."""
    deepest = 0
    level = [value]
    while level:
        level = [
            child
            for node in level
            if isinstance(node, (list, dict))
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, (list, dict))
        ]
        deepest += 1
        if deepest > yamlsafe.MAX_DEPTH:
            break
    return deepest


def _item_lines(text: str, count: int) -> list[int] | None:
    """The line of each top-level item of a block list written at column 0, or None.

    Every item of such a list starts with '-' at the start of a line; when the number of lines that
    start so equals the number of items, they are exactly the items' lines (none is a continuation).
    """
    breaks = list(map(_START, _ITEM.finditer(text)))  # the line break before each item but the first
    first = _FIRST_ITEM.match(text) is not None
    if len(breaks) + first != count:
        return None
    # The item after the break at b is on line 2 + the breaks before b: added up from one to the next.
    lines = list(accumulate(map(text.count, repeat("\n"), [0, *breaks[:-1]], breaks), initial=2))[1:]
    return [1, *lines] if first else lines


_START = re.Match.start


def value_equal(left: Any, right: Any) -> bool:
    """Equal values and equal types all the way down (1 == 1.0 == True for ==; not here)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(value_equal(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(value_equal(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, float) and left != left:
        return right != right
    return bool(left == right)
