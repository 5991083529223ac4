"""civtrack.cache.statuses: plans kept as evaluated, and read back.

What is read back must be the very PlanStatus that was evaluated (every field, watches too, int and
float as they were); what cannot be kept whole is not kept; a kept file that is spoilt in any way, or
not made with this user's key, is evaluated again. (Through the command line: tests/test_status_kept.py
for this repository's plans, tests/test_sources.py for sources' plans, in real git repositories.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
from pathlib import Path

import orjson
import pytest
from hypothesis import given

from civtrack.cache import statuses
from civtrack.cache.store import cache_key
from civtrack.compute import PlanStatus, fold
from civtrack.model import Entry, Plan
from civtrack.supervision import supervise
from civtrack.workspace import Config
from tests.test_properties import PROPERTY, scenarios

AS_OF = dt.date(2021, 7, 1)


def supervised(plan: Plan, entries: list[Entry], as_of: dt.date) -> PlanStatus:
    ledger = fold((plan.id, entry, (f"{entry.date:%Y-%m}", seq)) for seq, entry in enumerate(entries))
    return supervise([plan], ledger, as_of, 25.0)[0]


@PROPERTY
@given(scenario=scenarios())
def test_what_is_kept_reads_back_as_the_very_status_evaluated(scenario: tuple[Plan, list[Entry], dt.date]) -> None:
    plan, entries, as_of = scenario
    evaluated = supervised(plan, entries, as_of)
    payload = statuses._encoded(evaluated)
    assert payload is not None
    back = statuses._decoded(orjson.loads(payload), plan.id, as_of)
    assert back == evaluated
    # == would take 800 for 800.0: the types must come back too (JSON output writes them apart).
    pairs = zip(
        (s for ind in back.indicators for s in (ind, *ind.parts)),
        (s for ind in evaluated.indicators for s in (ind, *ind.parts)),
        strict=True,
    )
    for got, want in pairs:
        assert [type(v) for v in dataclasses.astuple(got)[:-1]] == [type(v) for v in dataclasses.astuple(want)[:-1]]
    assert list(back.watches) == list(evaluated.watches)


PLAN = Plan.model_validate({
    "id": "beds-2021", "title": "床位", "period": {"start": "2021-01-01", "end": "2021-12-31"},
    "indicators": [
        {"id": "beds", "name": "养老床位", "unit": "张", "target": 800},
        {"id": "homes", "name": "改造", "parts": [{"id": "a", "name": "甲", "target": 20}, {"id": "b", "name": "乙", "target": 10}]},
    ],
})  # fmt: skip
ENTRIES = [
    Entry.model_validate({"date": "2021-03-01", "indicator": "beds", "value": 300}),
    Entry.model_validate({"date": "2021-04-01", "indicator": "homes/a", "value": 7.5}),
]


@pytest.mark.parametrize("number", [float("inf"), float("nan"), 10**30])
def test_a_status_with_a_number_json_cannot_hold_is_not_kept(number: float) -> None:
    evaluated = supervised(PLAN, ENTRIES, AS_OF)
    beds = dataclasses.replace(evaluated.indicators[0], current=number)
    assert statuses._encoded(dataclasses.replace(evaluated, indicators=(beds, *evaluated.indicators[1:]))) is None
    homes = evaluated.indicators[1]
    part = dataclasses.replace(homes.parts[1], expected=number)
    spoilt = dataclasses.replace(homes, parts=(homes.parts[0], part))
    assert statuses._encoded(dataclasses.replace(evaluated, indicators=(evaluated.indicators[0], spoilt))) is None
    watch = evaluated.watches["beds"]._replace(projected=number)
    assert statuses._encoded(dataclasses.replace(evaluated, watches={**evaluated.watches, "beds": watch})) is None


def kept(tmp_path: Path, config: Config | None = None) -> tuple[list[list[str]], list[PlanStatus], Path]:
    """The plan through kept_statuses twice (as source ``s``'s at commit ``c``; ``local`` has no place):
    the ids each run evaluated, what it gave, and the kept file."""
    places = {"s/beds-2021": statuses.source_place(tmp_path, "c", "beds-2021")}
    asked: list[list[str]] = []

    def evaluate(ids: list[str]) -> list[PlanStatus]:
        asked.append(list(ids))
        return [dataclasses.replace(supervised(PLAN, ENTRIES, AS_OF), id=plan_id) for plan_id in ids]

    config = config or Config()
    given_ = [statuses.kept_statuses(places, ["local", "s/beds-2021"], AS_OF, config, evaluate) for _ in range(2)]
    return (
        asked,
        [plan for run in given_ for plan in run],
        tmp_path / "civtrack-cache/statuses-c/beds-2021/2021-07-01.json",
    )


def test_a_settled_plan_is_evaluated_once_then_read_back(tmp_path: Path) -> None:
    asked, given_, path = kept(tmp_path)
    assert asked == [["local", "s/beds-2021"], ["local"]]  # the second run reads the source's plan back
    assert given_[1] == given_[3] and given_[1].id == "s/beds-2021"
    header = orjson.loads(path.read_bytes().partition(b"\n")[0])
    assert header["stamp"][3:] == ["c", "2021-07-01", 25.0, 30, 31, 16 * 1024 * 1024]
    # Another setting the statuses depend on: evaluated again, and kept under its stamp.
    asked, _, _ = kept(tmp_path, Config(pace_tolerance=10.0))
    assert asked == [["local", "s/beds-2021"], ["local"]]


@pytest.mark.parametrize(
    "spoil",
    [
        lambda data: data[:-10],  # cut short
        lambda data: data.replace(b"\n", b" ", 1),  # no header line
        lambda data: b"not json\n" + data.partition(b"\n")[2],
        lambda data: data.replace(b'"sizes":[0,2]', b'"sizes":[0,3]'),  # wrong, and the MAC says so
    ],
)
def test_a_spoilt_file_is_evaluated_again_and_kept_anew(tmp_path: Path, spoil) -> None:
    _, given_, path = kept(tmp_path)
    good = path.read_bytes()
    path.write_bytes(spoil(good))
    asked, again, _ = kept(tmp_path)
    assert asked == [["local", "s/beds-2021"], ["local"]]
    assert again[1] == given_[1] and path.read_bytes() == good


def test_a_payload_of_the_wrong_shape_under_a_good_mac_is_evaluated_again(tmp_path: Path) -> None:
    _, given_, path = kept(tmp_path)
    header, _, payload = path.read_bytes().partition(b"\n")
    key = cache_key()
    assert key is not None
    for wrong in (payload.replace(b'"sizes":[0,2]', b'"sizes":[0,3]'), b"[]", b'{"plan": 1}'):
        stamp = orjson.loads(header)["stamp"]
        path.write_bytes(orjson.dumps({"stamp": stamp, "mac": statuses._mac(key, stamp, wrong)}) + b"\n" + wrong)
        asked, again, _ = kept(tmp_path)
        assert asked[0] == ["local", "s/beds-2021"] and again[1] == given_[1]


def test_a_file_made_with_another_key_is_not_trusted(tmp_path: Path) -> None:
    """Issue 18, D4: a kept file from elsewhere (a repository that force-added one) carries another key's
    MAC, however right its stamp: it is evaluated again, never shown."""
    _, given_, path = kept(tmp_path)
    header, _, payload = path.read_bytes().partition(b"\n")
    stamp = orjson.loads(header)["stamp"]
    forged = payload.replace(b'"current":[300,', b'"current":[999,')
    path.write_bytes(orjson.dumps({"stamp": stamp, "mac": statuses._mac(b"k" * 32, stamp, forged)}) + b"\n" + forged)
    asked, again, _ = kept(tmp_path)
    assert asked[0] == ["local", "s/beds-2021"] and again[1].indicators[0].current == 300


def test_without_a_key_nothing_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statuses, "cache_key", lambda: None)
    asked, given_, path = kept(tmp_path)
    assert asked == [["local", "s/beds-2021"], ["local", "s/beds-2021"]] and not path.exists()


def test_a_folder_that_cannot_be_written_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "civtrack-cache").write_text("a file where the folder would be")
    asked, given_, path = kept(tmp_path)
    assert asked == [["local", "s/beds-2021"], ["local", "s/beds-2021"]]  # evaluated each time, as before
    assert given_[1] == given_[3] and given_[1].indicators[0].current == 300
    assert not path.exists()


def test_modules_not_run_from_files_are_keyed_by_the_version_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    statuses._code.cache_clear()
    assert len(statuses._code()) == 16  # a digest of every module's size and time

    def unreadable(path: str) -> None:
        raise FileNotFoundError(path)

    monkeypatch.setattr(os, "scandir", unreadable)
    statuses._code.cache_clear()
    try:
        assert statuses._code() == ""
    finally:
        monkeypatch.undo()
        statuses._code.cache_clear()


def test_local_places_key_a_plan_by_its_files_hashes(tmp_path: Path) -> None:
    (tmp_path / ".civtrack" / "cache").mkdir(parents=True)
    files = {"a": [("progress/a/2021-03.yaml", "2021-03", "x"), ("progress/a/2021-04.yaml", "2021-04", "y")],
             "b": [("progress/b/2021-03.yaml", "2021-03", "z")], "c": []}  # fmt: skip
    hashes = {"progress/a/2021-03.yaml": ("h1", 2), "progress/a/2021-04.yaml": ("h2", 1)}
    places = statuses.local_places(tmp_path, {"a": "pa", "b": "pb", "c": "pc"}, files, hashes)
    # b's month file has no hash (it has a problem): b is not kept.
    assert sorted(places) == ["a", "c"]
    assert places["a"].file("2021-07-01.json") == tmp_path / ".civtrack/cache/statuses/a/2021-07-01.json"
    changed = statuses.local_places(
        tmp_path, {"a": "pa", "c": "pc2"}, files, {**hashes, "progress/a/2021-04.yaml": ("h3", 1)}
    )
    assert changed["a"].key != places["a"].key and changed["c"].key != places["c"].key
    assert statuses.local_places(tmp_path, {"a": "pa", "c": "pc"}, files, hashes) == places
    # The cache folder a link: nothing is kept.
    (tmp_path / ".civtrack" / "cache").rmdir()
    (tmp_path / ".civtrack" / "cache").symlink_to(tmp_path)
    assert statuses.local_places(tmp_path, {"a": "pa"}, files, hashes) == {}


def test_a_plan_keeps_the_dates_written_last(tmp_path: Path) -> None:
    places = {"p": statuses.Place(tmp_path, ("p",), "k")}
    plan = supervised(PLAN, ENTRIES, AS_OF)
    asked: list[dt.date] = []

    def evaluate(ids: list[str], as_of: dt.date) -> list[PlanStatus]:
        asked.append(as_of)
        return [dataclasses.replace(plan, as_of=as_of)]

    for day in (1, 2, 3, 4, 2):
        as_of = dt.date(2021, 7, day)
        statuses.kept_statuses(places, ["p"], as_of, Config(), functools.partial(evaluate, as_of=as_of))
    # Four dates written, the 1st is gone; the 2nd is read back at the end, not evaluated again.
    assert [as_of.day for as_of in asked] == [1, 2, 3, 4]
    assert sorted(path.name for path in (tmp_path / "p").iterdir()) == [
        "2021-07-02.json", "2021-07-03.json", "2021-07-04.json"
    ]  # fmt: skip


def test_never_written_through_a_link(tmp_path: Path) -> None:
    """Issue 18, D6: a repository that force-added a link where a kept plan's folder would be (or a file
    where its temporary file would be) makes civtrack write nothing outside: the plan is evaluated each
    time instead."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for linked in ("civtrack-cache", "civtrack-cache/statuses-c", "civtrack-cache/statuses-c/beds-2021"):
        repo = tmp_path / linked.replace("/", "_")
        (repo / linked).parent.mkdir(parents=True, exist_ok=True)
        (repo / linked).symlink_to(elsewhere)
        asked, given_, _ = kept(repo)
        assert asked == [["local", "s/beds-2021"], ["local", "s/beds-2021"]]
        assert given_[1].indicators[0].current == 300
        assert list(elsewhere.iterdir()) == []
    # A link named as the temporary file: not followed, nothing kept this time.
    repo = tmp_path / "tmp-link"
    folder = repo / "civtrack-cache/statuses-c/beds-2021"
    folder.mkdir(parents=True)
    target = elsewhere / "target"
    (folder / f".2021-07-01.json.{os.getpid()}.tmp").symlink_to(target)
    kept(repo)
    assert not target.exists()


def test_older_commits_are_pruned_never_through_a_link(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    for name in ("statuses-old", "statuses-new", "statuses-older"):
        (clone / "civtrack-cache" / name / "p").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "statuses-x").mkdir(parents=True)
    (clone / "civtrack-cache" / "statuses-link").symlink_to(elsewhere / "statuses-x")
    statuses.prune_commits(clone, "new")
    assert sorted(p.name for p in (clone / "civtrack-cache").iterdir()) == ["statuses-link", "statuses-new"]
    assert (elsewhere / "statuses-x").is_dir()
    # The cache folder itself a link: nothing is removed there.
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "civtrack-cache").symlink_to(elsewhere)
    statuses.prune_commits(linked, "new")
    assert (elsewhere / "statuses-x").is_dir()
