"""civtrack.store: entry lines that read back exactly, appends that never rewrite, torn tails found."""

from __future__ import annotations

import datetime as dt
import errno
import os
import threading
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from civtrack import store, yamlsafe
from civtrack.errors import InputError
from civtrack.load import parse_progress
from civtrack.model import Entry
from civtrack.workspace import Config

CONFIG = Config()
# Any text civtrack stores: everything but control characters and odd line separators,
# which the reader refuses (tests/test_record.py: record refuses them too); newline and tab are text.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), whitelist_characters="\n\t"), max_size=60
)


def read_back(line: str) -> dict:
    value = yamlsafe.parse(line, "t.yaml").value
    assert isinstance(value, list) and len(value) == 1
    return value[0]


# --- quoting and numbers ---------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(TEXT)
@example("")
@example("a: b # not a comment")
@example("say \"hi\" and 'bye' \\ back")
@example("line one\nline two\nthree\tfour")
@example("两个街道项目完工，新增床位120张")
@example("\ufeff in the middle, \ufffe\uffff")
@example("😀 𠀀")
@example(" leading and trailing ")
@example("- x")
@example("{a: b}, [1, 2]")
@example("yes")
@example("~")
def test_any_text_round_trips_through_the_safe_reader_and_pyyaml(text: str) -> None:
    line = f"- {{note: {store.quote(text)}}}\n"
    assert "\n" not in line[:-1]  # one line, whatever the text
    assert read_back(line) == {"note": text}
    assert yaml.load(line, Loader=yaml.SafeLoader) == [{"note": text}]  # the pure-Python parser agrees


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)))
@example(1e16)
@example(1.5e-07)
@example(-0.0)
@example(620.0)
@example(10**40)
def test_numbers_read_back_with_their_value_and_type(number: int | float) -> None:
    text = store.format_number(number)
    parsed = read_back(f"- {{value: {text}}}\n")["value"]
    assert parsed == number and type(parsed) is type(number)


def test_numbers_are_written_as_people_write_them() -> None:
    assert [store.format_number(n) for n in (120, -3, 12.5, 620.0, 1e16, 1.5e-07)] == [
        "120",
        "-3",
        "12.5",
        "620.0",
        "1.0e+16",
        "1.5e-07",
    ]


def test_an_entry_is_one_line_with_keys_in_the_fixed_order() -> None:
    entry = Entry(
        evidence="民发〔2026〕12号",
        by="养老服务科",
        note="两个街道: 完工",
        unit="家",
        value=2,
        indicator="homes/east",
        date=dt.date(2026, 3, 15),
    )
    assert store.format_entry(entry) == (
        '- {date: 2026-03-15, indicator: homes/east, value: 2, unit: "家", note: "两个街道: 完工", '
        'by: "养老服务科", evidence: "民发〔2026〕12号"}\n'
    )
    milestone = Entry(date=dt.date(2026, 5, 20), indicator="cemetery-plan", done=True)
    assert store.format_entry(milestone) == "- {date: 2026-05-20, indicator: cemetery-plan, done: true}\n"


@pytest.mark.parametrize("ref", ["2026-06-15", "123", "yes", "null", "on", "1-2", "0x1f"])
def test_ids_that_yaml_would_read_as_something_else_are_quoted(ref: str) -> None:
    line = store.format_entry(Entry(date=dt.date(2026, 1, 2), indicator=ref, value=1))
    assert read_back(line)["indicator"] == ref


ENTRIES = st.builds(
    Entry,
    date=st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)),
    indicator=st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,8}(/[a-z0-9][a-z0-9-]{0,5})?\Z"),
    value=st.one_of(st.integers(-(10**12), 10**12), st.floats(-1e12, 1e12, allow_nan=False)),
    note=st.one_of(st.none(), TEXT),
    by=st.one_of(st.none(), TEXT),
    evidence=st.one_of(st.none(), TEXT),
    unit=st.one_of(st.none(), TEXT),
    id=st.one_of(st.from_regex(r"\A[a-z][a-z2-7]{7}\Z"), TEXT),  # record's form, or any text written by hand
)


@settings(max_examples=200, deadline=None)
@given(st.lists(ENTRIES, min_size=1, max_size=5, unique_by=lambda e: e.id))
def test_entries_read_back_exactly_through_the_loader(entries: list[Entry]) -> None:
    data = "".join(store.format_entry(e) for e in entries).encode("utf-8")
    loaded, problems = parse_progress(data, "p.yaml", "town", "2026-03", CONFIG)
    assert problems == []
    assert [item.entry for item in loaded] == entries
    assert [item.line for item in loaded] == list(range(1, len(entries) + 1))


# --- torn tails --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "tail"),
    [
        (b"", None),
        (b"- {a: 1}\n", None),
        (b"# only a comment", None),
        (b"- {a: 1}\n- {b: ", store.Tail(9, 2, 0)),
        (b"- {a: 1", store.Tail(0, 1, 0)),
        (b"- {a: 1}\n\x00\x00\x00", store.Tail(9, 2, 3)),
        (b"- {a: 1}\n- {b\x00\x00", store.Tail(9, 2, 2)),
        (b"- date: 2026-03-01\n  value: 6", store.Tail(0, 1, 0)),
    ],
)
def test_unterminated_tail_finds_the_last_list_item(data: bytes, tail: store.Tail | None) -> None:
    assert store.unterminated_tail(data) == tail


def _three_entries() -> tuple[bytes, list[Entry]]:
    entries = [
        Entry(date=dt.date(2026, 3, 1), indicator="elder-beds", value=120, note="一季度：新增床位"),
        Entry(date=dt.date(2026, 3, 2), indicator="homes/east", value=62, by="张三"),
        Entry(date=dt.date(2026, 3, 3), indicator="cemetery-plan", done=True, note='a "quoted" # note'),
    ]
    return "".join(store.format_entry(e) for e in entries).encode("utf-8"), entries


def test_every_cut_of_a_file_is_read_as_whole_entries_plus_a_reported_tail() -> None:
    """Cut the file at every byte: no cut value is ever read silently."""
    data, entries = _three_entries()
    for cut in range(len(data) + 1):
        prefix = data[:cut]
        whole = prefix.count(b"\n")
        loaded, problems = parse_progress(prefix, "p.yaml", "town", "2026-03", CONFIG)
        got = [item.entry for item in loaded]
        if cut == 0 or prefix.endswith(b"\n"):
            assert (got, problems) == (entries[:whole], []), cut
        elif data[cut : cut + 1] == b"\n":  # the whole line, only its newline missing
            assert got == entries[: whole + 1], cut
            assert [(p.severity, p.line) for p in problems] == [("warning", whole + 1)], cut
        else:
            assert got == entries[:whole], cut
            assert [(p.severity, p.line) for p in problems] == [("error", whole + 1)], cut
            assert problems[0].message.startswith(store.TORN_MESSAGE), cut
        zeros, problems = parse_progress(prefix + b"\x00" * 7, "p.yaml", "town", "2026-03", CONFIG)
        if cut and not (prefix.endswith(b"\n") or data[cut : cut + 1] == b"\n"):
            assert [item.entry for item in zeros] == entries[:whole]
        assert [(p.severity, p.line) for p in problems] == [("error", whole + 1)], cut
        assert "7 NUL bytes" in problems[0].message


def test_a_hand_written_block_without_its_last_newline() -> None:
    cut = b"- date: 2026-03-01\n  indicator: elder-beds\n  value: 5\n- date: 2026-03-02\n  indicator: elder-beds\n  val"
    loaded, problems = parse_progress(cut, "p.yaml", "town", "2026-03", CONFIG)
    assert [item.entry.value for item in loaded] == [5]
    assert [(p.line, p.severity) for p in problems] == [(4, "error")]
    assert str(problems[0]).startswith("p.yaml:4: error E211: incomplete last entry (interrupted write?)")
    whole = cut[: -len(b"  val")] + b"  value: 6"
    loaded, problems = parse_progress(whole, "p.yaml", "town", "2026-03", CONFIG)
    assert [item.entry.value for item in loaded] == [5, 6]
    assert [(p.line, p.severity) for p in problems] == [(4, "warning")]


# --- appending ------------------------------------------------------------------------


def test_append_creates_folders_and_keeps_existing_bytes(tmp_path: Path) -> None:
    path = tmp_path / "progress" / "town" / "2026-03.yaml"
    store.append(path, b"- {a: 1}\n", 0, "p")
    assert path.read_bytes() == b"- {a: 1}\n"
    store.append(path, b"- {b: 2}\n", 9, "p")
    assert path.read_bytes() == b"- {a: 1}\n- {b: 2}\n"


def test_a_file_without_its_last_newline_gets_one_before_the_new_entry(tmp_path: Path) -> None:
    path = tmp_path / "2026-03.yaml"
    existing = b"- date: 2026-03-01\n  indicator: elder-beds\n  value: 5"
    path.write_bytes(existing)
    line = store.format_entry(Entry(date=dt.date(2026, 3, 2), indicator="elder-beds", value=6))
    data = store.payload(existing, line)
    assert data.startswith(b"\n") and store.block_line(existing, data) == 4
    store.append(path, data, len(existing), "p")
    assert path.read_bytes().startswith(existing)
    loaded, problems = parse_progress(path.read_bytes(), "p.yaml", "town", "2026-03", CONFIG)
    assert problems == [] and [(i.entry.value, i.line) for i in loaded] == [(5, 1), (6, 4)]


def test_a_failed_write_is_undone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "2026-03.yaml"
    path.write_bytes(b"- {a: 1}\n")
    real_write = os.write
    calls = []

    def half_then_full(fd: int, data) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.os, "write", half_then_full)
    with pytest.raises(InputError) as caught:
        store.append(path, b"- {b: 22222222}\n", 9, "progress/town/2026-03.yaml")
    assert str(caught.value) == (
        "progress/town/2026-03.yaml: error E509: cannot write: no space left on the device; nothing was recorded"
    )
    assert calls == [16, 8]
    assert path.read_bytes() == b"- {a: 1}\n"


def test_append_refuses_a_file_that_changed_since_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "2026-03.yaml"
    path.write_bytes(b"- {a: 1}\n- {a: 2}\n")
    with pytest.raises(InputError, match="the file changed while recording"):
        store.append(path, b"- {b: 2}\n", 9, "p")
    assert path.read_bytes() == b"- {a: 1}\n- {a: 2}\n"


def test_append_never_follows_a_symbolic_link(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(b"")
    (tmp_path / "2026-03.yaml").symlink_to(outside)
    with pytest.raises(InputError, match="symbolic link"):
        store.append(tmp_path / "2026-03.yaml", b"- {b: 2}\n", 0, "p")
    assert outside.read_bytes() == b""


def test_the_lock_lives_in_a_folder_git_ignores_and_excludes_others(tmp_path: Path) -> None:
    rel = "progress/town/2026-03.yaml"
    with store.locked(tmp_path, rel):
        assert (tmp_path / ".civtrack" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
        assert store.lock_path(tmp_path, rel).exists()
        outcome: list[str] = []

        def contender() -> None:
            try:
                with store.locked(tmp_path, rel, timeout=0.2):
                    outcome.append("acquired")
            except InputError as exc:
                outcome.append(str(exc))

        thread = threading.Thread(target=contender)
        thread.start()
        thread.join()
    assert outcome == [
        "progress/town/2026-03.yaml: error E505: another civtrack process has held this file's lock for 0.2 s; try again"
    ]
    with store.locked(tmp_path, rel, timeout=0.2):  # released: free again
        pass


def test_a_failed_write_into_a_new_month_leaves_no_file_or_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18 D19: on a full disk, record into a new month said nothing was recorded but left an empty
    month file and its folder behind."""
    path = tmp_path / "progress" / "town" / "2026-03.yaml"
    (tmp_path / "progress").mkdir()

    def full(fd: int, data) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.os, "write", full)
    with pytest.raises(InputError, match="no space left on the device; nothing was recorded"):
        store.append(path, b"- {b: 2}\n", 0, "progress/town/2026-03.yaml")
    assert list((tmp_path / "progress").iterdir()) == []
