"""The reference YAML reader: values, lines, and what it refuses."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from civtrack import yamlsafe
from civtrack.errors import InputError
from civtrack.messages import render_message
from civtrack.yamlsafe import decode, impossible_date, parse


def messages(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse(text, "f.yaml")
    return [str(p) for p in caught.value.problems]


def test_values_and_lines() -> None:
    doc = parse("a: 1\nb: [1, 2.5]\nc:\n  - x: 2021-02-03\n", "f.yaml")
    assert doc.value == {"a": 1, "b": [1, 2.5], "c": [{"x": dt.date(2021, 2, 3)}]}
    assert doc.line(("c", 0, "x")) == 4
    assert doc.line(("c", 0, "missing")) == 4  # nearest ancestor
    assert doc.line(("b",)) == 2


def test_empty_document() -> None:
    assert parse("", "f.yaml").value is None
    assert parse("# only a comment\n", "f.yaml").value is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\na: 2\n", "f.yaml:2: error E047: duplicate key 'a' (first at line 1): YAML would keep only the last one; keep one and delete the other"),
        ("a: !!python/object:os.system x\n", "f.yaml:1: error E043: unsupported YAML tag !!python/object:os.system: tags are not allowed"),
        ("a: !custom 1\n", "f.yaml:1: error E043: unsupported YAML tag !custom: tags are not allowed"),
        ("a: 2021-02-30\n", "f.yaml:1: error E049: impossible date '2021-02-30' (day is out of range for month)"),
        ('a: "x\n', "f.yaml:1: error E025: a quote opened on this line is never closed"),
        ("a:\n\t- 1\n", "f.yaml:2: error E020: tab character in the indentation: YAML indents with spaces only"),
        ("a: b: c\n", "f.yaml:1: error E023: a second ':' on this line: put text that contains ': ' in quotes"),
        ("a: &x 1\nb:\n  <<: {c: 1}\n", "f.yaml:3: error E044: merge keys (<<) are not supported: write the fields out"),
    ],
)  # fmt: skip
def test_refusals(text: str, expected: str) -> None:
    assert messages(text) == [expected]


def test_conflict_markers_named_plainly() -> None:
    text = "<<<<<<< HEAD\n- a: 1\n=======\n- a: 2\n>>>>>>> other\n"
    assert messages(text) == [
        f"f.yaml:{n}: error E012: git merge conflict left in the file (marker '{marker}'): "
        "keep the right lines and delete the marker lines"
        for n, marker in ((1, "<<<<<<<"), (3, "======="), (5, ">>>>>>>"))
    ]


def test_billion_laughs_is_bounded() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        lines.append(f"{name}: &{name} [" + ", ".join(f"*{prev}" for _ in range(9)) + "]")
    # reported at the top-level field whose expansion runs over the budget
    assert messages("\n".join(lines) + "\n") == [
        "f.yaml:4: error E040: too many aliases expanded (alias bomb?): YAML aliases are limited"
    ]


def test_deep_nesting_refused_before_libyaml() -> None:
    assert messages("[" * 100_000 + "]" * 100_000) == ["f.yaml:1: error E013: nesting deeper than 64 levels"]
    assert messages("a: " + "[" * 100 + "]" * 100 + "\n") == ["f.yaml:1: error E013: nesting deeper than 64 levels"]


class _LimitedLibyaml(yaml.SafeLoader):
    """A parser that, like libyaml 0.2.6 (PyYAML 6.0.4), stops at a nesting limit of its own (here 100),
    in its own words, and scans ahead of its events: civtrack's message must not depend on it."""

    def get_event(self):  # type: ignore[no-untyped-def]
        if self.peek_event() is not None and self.peek_event().start_mark.line == 0 and "[" * 100 in self.buffer:
            mark = self.peek_event().start_mark
            raise yaml.scanner.ScannerError("while increasing flow level", mark, "exceeded maximum nesting depth", mark)
        return super().get_event()


def test_deep_nesting_message_is_civtracks_whatever_the_parser_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsafe, "_Loader", _LimitedLibyaml)
    deep = "a: 1\nb: " + "[" * 2_000 + "]" * 2_000 + "\n"
    assert messages(deep) == ["f.yaml:2: error E013: nesting deeper than 64 levels"]
    # Below civtrack's cheap bound (it composes at once) but past a parser's own limit: still civtrack's words.
    assert messages("[" * 100 + "]" * 100 + "\n") == ["f.yaml:1: error E013: nesting deeper than 64 levels"]
    # A real syntax error is still reported as one, not as nesting.
    assert messages("a: [1, 2\nb: 3\n") == [
        "f.yaml:1: error E030: a '[' opened on this line is not closed, or a ',' is missing between its items"
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2021-02-29", "day is out of range for month"),
        ("2020-02-30", "day is out of range for month"),
        ("2021-06-00", "day is out of range for month"),
        ("2021-13-01", "month must be in 1..12"),
        ("2021-00-01", "month must be in 1..12"),
        ("0000-01-01", "year 0 is out of range"),
        ("2021-06-30T25:00:00", "the time of day is impossible"),
    ],
)
def test_impossible_dates_in_civtracks_words(text: str, reason: str) -> None:
    # datetime's wording changes between Python versions; these words are civtrack's.
    key, *args = impossible_date(text)
    assert render_message(key, tuple(args), "en") == f"impossible date '{text}' ({reason})"


def test_size_limit() -> None:
    with pytest.raises(InputError, match="larger than the limit of 10 bytes"):
        parse("a: 12345678901\n", "f.yaml", max_bytes=10)


def test_decode() -> None:
    assert decode("\ufeffa: 中".encode(), "f.yaml") == "a: 中"
    with pytest.raises(InputError, match="f.yaml:1: error E003: file is UTF-16 encoded; save it as UTF-8"):
        decode("a: 1".encode("utf-16"), "f.yaml")
    with pytest.raises(InputError, match=r"f.yaml:2: error E006: file is not valid UTF-8 \(it looks like GBK/GB18030"):
        decode("a: 1\nb: 养老床位\n".encode("gb18030"), "f.yaml")
    with pytest.raises(InputError, match="f.yaml:2: error E005: file contains a NUL byte"):
        decode(b"a: 1\nb: \x00\n", "f.yaml")


def test_aliases_are_bounded_by_the_text_they_expand_to() -> None:
    """Issue 18 D8: a 100 KB note referenced by 2,000 entries (a 400 KB file: few nodes, 200 MB of text) made
    check use 653 MB; with 1 MB notes it crashed. The text built, aliases expanded, is bounded by max_file_bytes."""
    import time

    from civtrack import yamlsafe
    from civtrack.errors import InputError

    note = "长" * 100_000
    text = f"- {{date: 2021-06-01, indicator: a, value: 1, note: &n {note}}}\n" + "".join(
        "- {date: 2021-06-01, indicator: a, value: 1, note: *n}\n" for _ in range(2000)
    )
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        yamlsafe.parse(text, "p.yaml", max_bytes=16 * 1024 * 1024)
    assert time.perf_counter() - start < 5
    assert str(caught.value) == (
        "p.yaml:168: error E042: aliases expand this file to more than 16777216 characters of text (max_file_bytes): "
        "write the text where it belongs instead of repeating it through aliases"
    )
    few = f"- {{note: &n {note}}}\n" + "- {note: *n}\n" * 100  # 10 MB of text: within the limit
    assert len(yamlsafe.parse(few, "q.yaml", max_bytes=16 * 1024 * 1024).value) == 101
