"""Fuzzing the readers: whatever the bytes, a clean load or clean problems, never another exception.

Inputs: random bytes; YAML-like text assembled from the tokens that break YAML
(indicators, tags, anchors, quotes, tabs, conflict markers, YAML 1.1 booleans and
numbers, control characters); random mutations of good files (a character
deleted, a token inserted, a line doubled, the file cut at any byte as a killed
writer would leave it); and well-formed YAML of random structure (which reaches
the model, the checks and the computation).

A "clean" outcome: `yamlsafe.parse` returns a Document or raises InputError;
`parse_plan`/`parse_progress` return their values and problems. Every problem
names the file given, a line inside the file (or none), and a one-line message
with no control character. When a plan loads, `check_plan` and `evaluate` run
on it without an exception too.

Examples per test: 150 here, 5000 under `make soak` (CIVTRACK_SOAK=1).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from civtrack import yamlsafe
from civtrack.check import check_entry, check_plan
from civtrack.compute import evaluate, fold
from civtrack.errors import InputError, Problem
from civtrack.load import parse_plan, parse_progress
from civtrack.workspace import Config

SOAK = bool(os.environ.get("CIVTRACK_SOAK"))
FUZZ = settings(
    max_examples=5000 if SOAK else 150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
CONFIG = Config(max_file_bytes=64 * 1024)
PLAN_PATH = "plans/fuzz.yaml"
PROGRESS_PATH = "progress/fuzz/2021-06.yaml"
BASE = Path(__file__).parent / "bad_inputs" / "base"
GOOD_PLAN = (BASE / "plans" / "town-2021.yaml").read_bytes()
GOOD_PROGRESS = (BASE / "progress" / "town-2021" / "2021-03.yaml").read_bytes()
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def line_count(data: bytes) -> int:
    return data.count(b"\n") + 1


def assert_clean(problems: list[Problem], path: str, data: bytes) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path == path
        assert problem.severity in ("error", "warning")
        assert problem.line is None or 1 <= problem.line <= line_count(data), (problem, line_count(data))
        assert problem.message and not CONTROL.search(problem.message), problem.message
        assert len(problem.message) < 400, problem.message


def load_everything(data: bytes) -> None:
    """Both readers on the same bytes; a loaded plan goes on through the checks and the computation."""
    plan_file, problems = parse_plan(data, PLAN_PATH, CONFIG)
    assert_clean(problems, PLAN_PATH, data)
    assert (plan_file is None) == bool(problems)
    if plan_file is not None:
        assert_clean(check_plan(plan_file), PLAN_PATH, data)
        for as_of in (plan_file.plan.period.start, plan_file.plan.period.end):
            evaluate([plan_file.plan], {}, as_of)
    entries, problems = parse_progress(data, PROGRESS_PATH, "fuzz", "2021-06", CONFIG)
    assert_clean(problems, PROGRESS_PATH, data)
    for item in entries:
        assert 1 <= item.line <= line_count(data)
    if plan_file is not None and entries:
        indicators = {ind.id: ind for ind in plan_file.plan.indicators}
        for item in entries:
            assert_clean(check_entry(plan_file.plan, indicators, item), PROGRESS_PATH, data)
        ledger = fold((plan_file.plan.id, item.entry, (item.month, item.seq)) for item in entries)
        evaluate([plan_file.plan], ledger, plan_file.plan.period.end)


def parse_bytes(data: bytes) -> yamlsafe.Document | None:
    try:
        return yamlsafe.parse(yamlsafe.decode(data, PLAN_PATH), PLAN_PATH, max_bytes=CONFIG.max_file_bytes)
    except InputError as exc:
        assert exc.problems
        assert_clean(exc.problems, PLAN_PATH, data)
        return None


# --- random bytes ---------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=2000))
@example(b"\xff\xfe" + "id: x\n".encode("utf-16-le"))
@example(b"? " * 40000 + b"x\n")  # crashed libyaml's composer (C stack overflow)
@example(b"a: [it's, " + b"[" * 40000)  # hid its depth from a scan that trusted quotes
def test_random_bytes(data: bytes) -> None:
    parse_bytes(data)
    load_everything(data)


# --- YAML-like text -------------------------------------------------------------------

FIELDS = [
    "id", "title", "period", "start", "end", "indicators", "name", "unit", "target", "baseline", "comparator",
    "accumulate", "due", "kind", "parts", "checkpoints", "by", "value", "every", "weight", "tags", "date",
    "indicator", "done", "note", "section", "owner", "quote", "evidence",
]  # fmt: skip
SCALARS = [
    "800", "800张", "12.5", "-3", "0", "010", "0x1F", "0o17", "1:30", "1_000", "1e3", "1.0e+400", ".nan", ".inf",
    "-.inf", "yes", "no", "on", "off", "true", "False", "~", "null", "2021-06-30", "2021-02-30", "2021-13-01",
    "2021年6月底", "6月15日", "2021/06/15", "2021-06-30 10:00:00", '"quoted: text"', "'it''s'", '"\\e[2J"',
    '"\\x00"', '"\\ud800"', "'[/]'", "elder-beds", "care-homes/east", "../../etc", "a/b/c", ">=", "<=", "'>='",
    "sum", "latest", "milestone", "number", "quarter", "month", "示范县", "养老: 床位", "x" * 300,
]  # fmt: skip
TOKENS = [
    "- ", "? ", ": ", ":", "-", "[", "]", "{", "}", ",", "#", "&a ", "*a", "&b ", "*b", "!!python/object:os.system ",
    "!!binary ", "!foo ", "!!str ", "!!int ", "!!map ", "<<: ", "|", ">", "|-", "%YAML 1.1", "---", "...", "@", "`",
    '"', "'", "\\", "\t", "\r", "\r\n", "\u2028", "\x85", "\x07", "\ufeff", "<<<<<<< HEAD", "=======", ">>>>>>> x",
    "||||||| base", "  ", "    ",
]  # fmt: skip

fragment = st.one_of(
    st.sampled_from(FIELDS).map(lambda f: f + ": "),
    st.sampled_from(SCALARS),
    st.sampled_from(TOKENS),
    st.text(max_size=8),
)


@st.composite
def yaml_like(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 25))):
        indent = " " * draw(st.sampled_from([0, 0, 2, 2, 4, 4, 6, 1, 3, 8]))
        lines.append(indent + "".join(draw(st.lists(fragment, max_size=6))))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@FUZZ
@given(yaml_like())
def test_yaml_like_text(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    parse_bytes(data)
    load_everything(data)


# --- mutations of good files (what hand editing and torn writes leave) ----------------


@st.composite
def mutated(draw: st.DrawFn, good: bytes) -> bytes:
    data = good
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "double", "swap", "cut"]))
        lines = data.split(b"\n")
        if kind == "delete" and data:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + data[at + 1 :]
        elif kind == "insert":
            at = draw(st.integers(0, len(data)))
            token = draw(st.one_of(st.sampled_from(TOKENS + SCALARS), st.binary(max_size=4).map(bytes.hex)))
            data = data[:at] + token.encode("utf-8", "surrogatepass") + data[at:]
        elif kind == "double":
            at = draw(st.integers(0, len(lines) - 1))
            data = b"\n".join([*lines[: at + 1], lines[at], *lines[at + 1 :]])
        elif kind == "swap" and len(lines) > 1:
            at = draw(st.integers(0, len(lines) - 2))
            lines[at], lines[at + 1] = lines[at + 1], lines[at]
            data = b"\n".join(lines)
        elif kind == "cut":  # a writer killed mid-write: any prefix, even inside a character
            data = data[: draw(st.integers(0, len(data)))]
    return data


@FUZZ
@given(mutated(GOOD_PLAN))
def test_mutated_plan(data: bytes) -> None:
    load_everything(data)


@FUZZ
@given(mutated(GOOD_PROGRESS))
def test_mutated_progress(data: bytes) -> None:
    load_everything(data)


def test_every_torn_tail_of_a_progress_file() -> None:
    """A progress file cut at every byte (a writer killed mid-write): a clean outcome, and when
    nothing is reported, the entries read are the file's own, in order (the last may be cut short)."""
    original = [item.entry for item in parse_progress(GOOD_PROGRESS, PROGRESS_PATH, "town-2021", "2021-03", CONFIG)[0]]
    assert len(original) == 4
    for cut in range(len(GOOD_PROGRESS) + 1):
        data = GOOD_PROGRESS[:cut]
        entries, problems = parse_progress(data, PROGRESS_PATH, "town-2021", "2021-03", CONFIG)
        assert_clean(problems, PROGRESS_PATH, data)
        if not problems:
            read = [item.entry for item in entries]
            assert read[:-1] == original[: max(len(read) - 1, 0)], cut


# --- well-formed YAML of random structure: reaches the model, checks and computation --

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**18), 10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.text(max_size=20),
    st.sampled_from(SCALARS + FIELDS),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.sampled_from(FIELDS), children, max_size=6)
    ),
    max_leaves=30,
)


@st.composite
def plan_shaped(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly the right fields with random values: the model, not the parser, has to say no."""
    indicator = {
        "id": draw(st.sampled_from(["beds", "a", "A", "../x", "", 12])),
        "name": draw(scalars),
        **draw(st.dictionaries(st.sampled_from(FIELDS), documents, max_size=5)),
    }
    return {
        "id": "fuzz",
        "title": draw(st.one_of(st.just("计划"), scalars)),
        "period": draw(st.one_of(st.just({"start": dt.date(2021, 1, 1), "end": dt.date(2021, 12, 31)}), documents)),
        "indicators": [indicator, *draw(st.lists(documents, max_size=2))],
    }


@FUZZ
@given(st.one_of(documents, plan_shaped()))
def test_well_formed_yaml_of_any_shape(value: Any) -> None:
    text = yaml.safe_dump(value, allow_unicode=True)
    load_everything(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.lists(st.fixed_dictionaries({}, optional={f: scalars for f in FIELDS[20:]}), max_size=5))
def test_progress_entries_of_any_values(entries: list[dict[str, Any]]) -> None:
    text = yaml.safe_dump(entries, allow_unicode=True)
    load_everything(text.encode("utf-8", "surrogatepass"))
