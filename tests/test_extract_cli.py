"""The installed `civtrack extract`, run as users run it, and scored on the hand-labelled seeds.

The scoring test runs `civtrack extract --format json` on each plan of ../shared/seeds,
scores each output with ../shared/extract-eval/score.py, and holds the micro-averaged
scores to the bar of issue 5: recall >= 0.90, precision >= 0.85, due date and
comparator right on >= 90% of matched items, every breakdown's parts exact.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from civtrack.check import check_plan
from civtrack.load import parse_plan
from civtrack.workspace import Config
from tests.conftest import civtrack_exe

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "extract-eval" / "gold"
SCORE = SHARED / "extract-eval" / "score.py"
SEED_NAMES = sorted(p.stem for p in SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def run(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([civtrack_exe(), *args], cwd=cwd, capture_output=True, input=stdin, timeout=120)


def extract_json(path: Path, cwd: Path, *args: str) -> dict:
    done = run("extract", "--format", "json", str(path), *args, cwd=cwd)
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


# --- the scores ---------------------------------------------------------------------------

_LAST = re.compile(r"recall=([\d.]+) precision=([\d.]+) matched=(\d+) gold=(\d+) candidates=(\d+) counted=(\d+)")
_FIELDS = re.compile(r"field accuracy over matches: (.*)")


def score(seed: str, output: Path) -> dict:
    done = subprocess.run(
        [sys.executable, str(SCORE), str(GOLD / f"{seed}.yaml"), str(output)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    last = _LAST.search(done.stdout)
    assert last, done.stdout
    recall, precision = float(last.group(1)), float(last.group(2))
    matched, gold, candidates, counted = (int(last.group(i)) for i in range(3, 7))
    fields = {}
    line = _FIELDS.search(done.stdout)
    if line:
        fields = {k: float(v) for k, v in (pair.split("=") for pair in line.group(1).split(", "))}
    return {
        "recall": recall,
        "precision": precision,
        "matched": matched,
        "gold": gold,
        "candidates": candidates,
        "counted": counted,
        "fields": fields,
        "report": done.stdout,
    }


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    assert SCORE.is_file() and SEED_NAMES, (
        f"{SHARED} must hold seeds/ and extract-eval/ (the shared folder beside the project)"
    )
    out = tmp_path_factory.mktemp("extract")
    result = {}
    for seed in SEED_NAMES:
        data = extract_json(SEEDS / f"{seed}.txt", out)
        (out / f"{seed}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        result[seed] = score(seed, out / f"{seed}.json")
    return result


def test_micro_averaged_recall_and_precision(scores: dict[str, dict]) -> None:
    hits = sum(round(s["recall"] * s["gold"]) for s in scores.values())
    gold = sum(s["gold"] for s in scores.values())
    counted = sum(s["counted"] for s in scores.values())
    recall = hits / gold
    precision = hits / counted if counted else 1.0
    reports = "\n".join(f"{seed}:\n{s['report']}" for seed, s in scores.items())
    assert recall >= 0.90, reports
    assert precision >= 0.85, reports


@pytest.mark.parametrize("field", ["due", "comparator"])
def test_due_and_comparator_over_matched_items(scores: dict[str, dict], field: str) -> None:
    matched = sum(s["matched"] for s in scores.values())
    right = sum(s["fields"].get(field, 1.0) * s["matched"] for s in scores.values())
    assert matched and right / matched >= 0.90, {seed: s["fields"] for seed, s in scores.items()}


def test_every_breakdown_is_exact(scores: dict[str, dict]) -> None:
    for seed, s in scores.items():
        if s["matched"]:
            assert s["fields"]["parts"] == 1.0, (seed, s["report"])


# --- plan files ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEED_NAMES)
def test_each_seed_writes_a_plan_that_check_accepts(seed: str, tmp_path: Path) -> None:
    out = tmp_path / "plans" / f"{seed}.yaml"
    done = run("extract", str(SEEDS / f"{seed}.txt"), "-o", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr.decode().startswith(f"wrote {out}: ")
    plan_file, problems = parse_plan(out.read_bytes(), str(out), Config())
    assert problems == []
    assert plan_file.plan.id == seed
    assert [p for p in check_plan(plan_file) if p.severity == "error"] == []


def test_the_plan_id_comes_from_the_output_file_name(tmp_path: Path) -> None:
    out = tmp_path / "suizhou-2021.yaml"
    assert run("extract", str(SEEDS / "binhai-2021.txt"), "-o", str(out), cwd=tmp_path).returncode == 0
    assert "\nid: suizhou-2021\n" in out.read_text(encoding="utf-8")


def test_an_existing_output_is_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    out.write_text("mine", encoding="utf-8")
    done = run("extract", str(SEEDS / "binhai-2021.txt"), "-o", str(out), cwd=tmp_path)
    assert done.returncode == 2
    assert (
        done.stderr.decode().strip()
        == f"{out}: error E706: file exists: choose another name or pass --force to overwrite it"
    )
    assert out.read_text(encoding="utf-8") == "mine"
    assert run("extract", str(SEEDS / "binhai-2021.txt"), "-o", str(out), "--force", cwd=tmp_path).returncode == 0
    assert out.read_text(encoding="utf-8").startswith("# Drafted by `civtrack extract`")


# --- encodings and scripts --------------------------------------------------------------------


def _numbers(data: dict) -> list[tuple]:
    return [(i["target"], i["stretch"], i["unit"], i["comparator"], i["due"]) for i in data["indicators"]]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_gb_encoded_text_extracts_like_utf8(encoding: str, tmp_path: Path) -> None:
    # GBK lacks a few characters of the web copy (no-break space, •): the same text in both files
    text = (SEEDS / "fuling-2022.txt").read_text(encoding="utf-8")
    text = text.encode(encoding, errors="replace").decode(encoding)
    for name, data in (("utf-8", text.encode("utf-8")), (encoding, text.encode(encoding))):
        (tmp_path / name).mkdir()
        (tmp_path / name / "fuling-2022.txt").write_bytes(data)
    encoded = extract_json(tmp_path / encoding / "fuling-2022.txt", tmp_path)
    assert encoded == extract_json(tmp_path / "utf-8" / "fuling-2022.txt", tmp_path)
    assert len(encoded["indicators"]) >= 10


def test_utf8_with_bom(tmp_path: Path) -> None:
    bom = tmp_path / "binhai-2021.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + (SEEDS / "binhai-2021.txt").read_bytes())
    assert extract_json(bom, tmp_path) == extract_json(SEEDS / "binhai-2021.txt", tmp_path)


@pytest.mark.parametrize("seed", SEED_NAMES)
def test_traditional_text_extracts_like_simplified(seed: str, tmp_path: Path) -> None:
    import opencc

    traditional = opencc.OpenCC("s2t").convert((SEEDS / f"{seed}.txt").read_text(encoding="utf-8"))
    assert traditional != (SEEDS / f"{seed}.txt").read_text(encoding="utf-8")
    for name, data in (("utf-8", traditional.encode("utf-8")), ("gb18030", traditional.encode("gb18030"))):
        path = tmp_path / name / f"{seed}.txt"
        path.parent.mkdir()
        path.write_bytes(data)
        assert _numbers(extract_json(path, tmp_path)) == _numbers(extract_json(SEEDS / f"{seed}.txt", tmp_path))


def test_romanisation_debris_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text(
        "某区民政局2021年工作要点\n推动創(chuàng)新發(fā)展，新建老年日間照料中心30個。\n", encoding="utf-8"
    )
    (item,) = extract_json(path, tmp_path)["indicators"]
    assert (item["name"], item["target"], item["unit"]) == ("老年日间照料中心", 30, "个")
    assert item["quote"] == "推动创新发展，新建老年日间照料中心30个"


def test_a_file_in_neither_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big5.txt"
    path.write_bytes("某區民政局2021年工作要點。全年新建老年日間照料中心30個，新增養老服務床位800張。".encode("big5"))
    done = run("extract", str(path), cwd=tmp_path)
    assert done.returncode == 2
    message = done.stderr.decode()
    assert message.startswith(
        f"{path}:1: error E703: cannot read the text: it is neither UTF-8 nor GB18030/GBK Chinese text."
    )
    assert "Traceback" not in message and done.stdout == b""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt"], "missing.txt: error E001: cannot read the file: No such file or directory"),
        (["plan.txt", "--id", "Bad_Id"], "Invalid value for --id: 'Bad_Id' is not an id"),
        (["plan.txt", "--format", "xml"], "Invalid value for --format: choose yaml or json"),
        (["plan.txt", "--year", "99"], "Invalid value for '--year'"),
        (["english.txt"], "english.txt: error E704: found no Chinese text to read"),
        (["noyear.txt"], "noyear.txt: error E705: cannot tell the plan's year from the text: pass --year YYYY"),
    ],
)
def test_bad_input_exits_2_with_a_message(args: list[str], message: str, tmp_path: Path) -> None:
    (tmp_path / "plan.txt").write_text("某区民政局2021年工作要点\n新建老年食堂4个。", encoding="utf-8")
    (tmp_path / "english.txt").write_text("Annual work plan 2021: build 30 day-care centres.", encoding="utf-8")
    (tmp_path / "noyear.txt").write_text("某区民政局工作要点\n新建老年食堂4个。", encoding="utf-8")
    done = run("extract", *args, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()


def test_year_and_id_options(tmp_path: Path) -> None:
    path = tmp_path / "某区计划.txt"
    path.write_text("某区民政局工作要点\n年底前新建老年食堂4个。", encoding="utf-8")
    data = extract_json(path, tmp_path, "--year", "2024")
    assert data["plan"]["id"] == "mou-qu-ji-hua"
    assert data["plan"]["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert data["indicators"][0]["due"] == "2024-12-31"
    assert extract_json(path, tmp_path, "--year", "2024", "--id", "demo-2024")["plan"]["id"] == "demo-2024"


def test_standard_input(tmp_path: Path) -> None:
    done = run("extract", "-", cwd=tmp_path, stdin="某区民政局2021年工作要点\n新建老年食堂4个。".encode("gb18030"))
    assert done.returncode == 0, done.stderr.decode()
    assert "\nid: plan-2021\n" in done.stdout.decode()


def test_help() -> None:
    done = run("extract", "--help", cwd=Path.cwd())
    assert done.returncode == 0
    assert "Draft a plan file from the text of a work plan" in done.stdout.decode()


def test_explain_shows_rules_and_what_was_not_taken(tmp_path: Path) -> None:
    """One real run of --explain, on a text that also holds a 5,000-digit number (issue 18, D13)."""
    text = (
        "某区民政局2024年工作计划\n一、养老服务\n按照20%的比例确定试点村。\n"
        "去年全区完成新建养老床位800张。\n出台居家养老服务监管方案（养老科负责）。\n"
        "新建社区食堂" + "9" * 5000 + "个。\n"
    )
    plan = tmp_path / "plan.txt"
    plan.write_text(text, encoding="utf-8")
    done = run("extract", "--explain", str(plan), cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    assert "# rule: rate or share as the target" in out
    assert "# rule: milestone: a deliverable (出台…)" in out
    assert '  owner: "养老科"' in out
    assert "# - 去年全区完成新建养老床位800张\n#     800张: describes the present or the past" in out
    assert "no unit after it" in out  # the 5,000 digits: skipped, listed, no crash
    assert "Traceback" not in done.stderr.decode()
