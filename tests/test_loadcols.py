"""A month file read straight into columns gives what parse_progress gives, entry by entry and problem by
problem (civtrack.loadcols): on every YAML file of the repository, on generated files, on entries that
pydantic reads differently or refuses, and on hypothesis-made entries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate
from civtrack import loadcols
from civtrack.load import parse_progress
from civtrack.workspace import Config
from tests.test_fastload import corpus_files


def same_as_reference(data: bytes, path: str = "x.yaml", month: str = "2024-03") -> list[list]:
    """The columns of parse_columns, after checking them and its problems against parse_progress."""
    config = Config()
    cols, problems = loadcols.parse_columns(data, path, "p", month, config)
    entries, expected = parse_progress(data, path, "p", month, config)
    assert cols == loadcols.columns_of(entries)
    # Same types too (1 is not 1.0 nor True in a cached row).
    assert [[type(v) for v in column] for column in cols] == [
        [type(v) for v in column] for column in loadcols.columns_of(entries)
    ]
    assert [str(p) for p in problems] == [str(p) for p in expected]
    return cols


def test_corpus_and_generated_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate(tmp_path, 2_000, seed=11, journal=False)
    generated = sorted(tmp_path.rglob("progress/*/*.yaml"))
    files = corpus_files() + generated
    assert len(files) > 30
    declined: list[str] = []

    def counted(data: bytes, path: str, *args: object) -> object:
        declined.append(path)
        return parse_progress(data, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(loadcols, "parse_progress", counted)
    for path in files:
        same_as_reference(path.read_bytes(), str(path))
    # Every generated file is read whole through its columns; the corpus's bad files are not.
    assert not set(declined) & {str(path) for path in generated}
    assert len(declined) > 10


def test_a_clean_file_is_read_whole_and_gives_its_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "# 2024年3月\n- date: 2024-03-01\n  indicator: a\n  value: 1\n  note: 完成 # a comment\n"
        "- date: 2024-03-02\n  indicator: b/c\n  done: true\n  by: 王芳\n  unit: 个\n  id: k3x\n"
        "- {date: 2024-03-03, indicator: a, value: 2.5, evidence: 文件}\n"
    )
    called = []
    monkeypatch.setattr(loadcols, "parse_progress", lambda *a, **k: called.append(a) or ([], []))
    cols, problems = loadcols.parse_columns(text.encode(), "x.yaml", "p", "2024-03", Config())
    assert not called and problems == []
    assert cols == [
        [2, 6, 12],
        ["a", "b/c", "a"],
        [738946, 738947, 738948],
        [1, None, 2.5],
        [None, True, None],
        [None, "个", None],
        ["完成", None, None],
        [None, "王芳", None],
        [None, None, "文件"],
    ]


@pytest.mark.parametrize(
    "entry",
    [
        "value: 1\n  note: 12",  # a number as text: str(12) to pydantic
        "value: 1\n  note: 2024-03-05",  # a date as text
        "value: true",  # refused (E080)
        "value: 1e400",  # not a safe number: the reference reads it
        "value: 1000000000000001",  # too large (E086)
        "value: -1000000000000001",
        "value: 1000000000000000",  # the largest allowed
        "value: 1\n  colour: red",  # an unknown field (E060)
        "done: yes",  # a YAML 1.1 boolean
        "done: 1",
        "value: [1]",
        "value: 1\n  by: [a]",
        "value: 1\n  id: 2021",
    ],
)
def test_entries_pydantic_turns_or_refuses_go_to_the_reference(entry: str) -> None:
    text = f"- date: 2024-03-01\n  indicator: a\n  {entry}\n- date: 2024-03-02\n  indicator: b\n  value: 3\n"
    same_as_reference(text.encode())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# nothing\n",
        "[]\n",
        "- date: 2024-03-01\n  value: 1\n",  # no indicator
        "- indicator: a\n  value: 1\n",  # no date
        "- date: 2024-03-01 10:00:00\n  indicator: a\n  value: 1\n",  # a datetime
        "- date: '2024-03-01'\n  indicator: a\n  value: 1\n",
        "- date: 2024-03-01\n  indicator: A\n  value: 1\n",  # not a reference
        "- date: 2024-03-01\n  indicator: a/b/c\n  value: 1\n",
        "- date: 2024-03-01\n  indicator: 12\n  value: 1\n",
        "- date: 2024-03-01\n  indicator: a\n  value: 1",  # no last newline: maybe torn
        "- {date: 2024-03-01, indicator: a, value: 1}\n- {date: 2024-03-01, indicator: a, value: 1}\n",  # W203
        "- date: 2024-03-01\n  indicator: a\n  value: 1\n- 5\n",
        "a: 1\n",
    ],
)
def test_odd_files_give_what_the_reference_gives(text: str) -> None:
    same_as_reference(text.encode())


_fields = st.sampled_from(
    ["value: 1", "value: 2.5", "value: -3", "value: 0", "value: x", "done: true", "done: false", "note: 完成",
     "note: 12", "by: 王芳", "unit: 个", "evidence: a.pdf", "id: k1", "value: 1.0", "note: ''", "value: null"]
)  # fmt: skip
_refs = st.sampled_from(["a", "b/c", "a-1", "x/", "B", "a/b"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(1, 31), _refs, st.lists(_fields, max_size=3, unique=True)), max_size=5))
def test_generated_entries(entries: list[tuple[int, str, list[str]]]) -> None:
    text = ""
    for day, ref, fields in entries:
        keys = {f.split(":")[0] for f in fields}
        if len(keys) < len(fields):
            continue  # a duplicate key: not what this test is about
        text += f"- date: 2024-03-{min(day, 31):02d}\n  indicator: {ref}\n" + "".join(f"  {f}\n" for f in fields)
    same_as_reference(text.encode())


@pytest.mark.parametrize("value", [10**15 + 1, -(10**15) - 1, float("nan"), float("inf"), 1e16, True])
def test_numbers_pydantic_refuses_are_never_taken_as_columns(value: object) -> None:
    """(The fast path already leaves such numbers to the reference: checked here on a document made by hand.)"""
    from civtrack.fastyaml import FastDocument

    items = [{"date": dt.date(2024, 3, 1), "indicator": "a", "value": value}]
    assert loadcols._columns(FastDocument(items, [1], "", "x.yaml", 1000)) is None
    items[0]["value"] = 10**15
    assert loadcols._columns(FastDocument(items, [1], "", "x.yaml", 1000)) is not None


def test_reading_takes_the_size_first_and_the_rest_when_the_file_grew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """load._read_up_to reads what handle.read(most) reads, without a buffer of ``most`` bytes."""
    import os

    from civtrack import load

    path = tmp_path / "f.yaml"
    path.write_bytes(b"0123456789")
    with open(path, "rb") as handle:
        assert load._read_up_to(handle, 5) == b"01234"  # at most `most`
    with open(path, "rb") as handle:
        assert load._read_up_to(handle, 100) == b"0123456789"
    real_fstat = os.fstat

    class Smaller:  # the size seen before the file grew to ten bytes
        def __init__(self, fd: int) -> None:
            self.st_size = real_fstat(fd).st_size - 6

    monkeypatch.setattr(os, "fstat", Smaller)
    with open(path, "rb") as handle:
        assert load._read_up_to(handle, 100) == b"0123456789"
    with open(path, "rb") as handle:
        assert load._read_up_to(handle, 8) == b"01234567"
