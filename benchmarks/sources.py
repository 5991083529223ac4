"""Issue 16's benchmark repositories: a province of 100 county repositories of 10,000 entries each, and a
city whose plan has 100 parts linked to them.

    python -m benchmarks.sources OUT      # make them (once: about a minute per 20 counties)

Each county is benchmarks.generate's repository of 10,000 entries (10 plans of 50 indicators), with its
own seed, committed in its own git repository. ``province`` lists the 100 counties as sources and has no
plan of its own (`status --all-sources` shows their 1,000 plans); ``city`` lists them too and has one
plan whose indicator has 100 parts, each `from:` a county's first plan's first indicator (with that
indicator's target and unit: no warning). Both have fetched every source when made.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.generate import generate

COUNTIES = 100
ENTRIES = 10_000
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org", "GIT_AUTHOR_DATE": "2024-10-01T09:00:00+08:00",
    "GIT_COMMITTER_DATE": "2024-10-01T09:00:00+08:00", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}  # fmt: skip


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=ENV, check=True, capture_output=True)


def county_name(number: int) -> str:
    return f"county-{number:03d}"


def _first_indicator(county: Path) -> tuple[str, str, float]:
    """(plan id, unit, target) of the first indicator of the county's first plan."""
    from civtrack.load import parse_plan
    from civtrack.workspace import Config

    path = sorted((county / "plans").glob("*.yaml"))[0]
    plan_file, _ = parse_plan(path.read_bytes(), str(path), Config())
    assert plan_file is not None
    ind = plan_file.plan.indicators[0]
    return plan_file.plan.id, ind.unit or "", ind.target or 0


def _sources_toml() -> str:
    return 'lang = "zh"\n' + "".join(
        f'\n[sources.{county_name(n)}]\nurl = "../{county_name(n)}"\nref = "main"\n' for n in range(1, COUNTIES + 1)
    )


def make(out: Path, civtrack: str) -> dict[str, Path]:
    """The counties, the province and the city under ``out`` (made again when missing or stale)."""
    stamp = out / "sources.json"
    wanted = {"counties": COUNTIES, "entries": ENTRIES, "generator": Path(__file__).stat().st_size}
    found = {"province": out / "province", "city": out / "city"}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return found
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    parts = []
    for n in range(1, COUNTIES + 1):
        county = out / county_name(n)
        generate(county, ENTRIES, seed=n, journal=False)
        _git(county, "init", "-q", "-b", "main")
        _git(county, "add", "-A")
        _git(county, "commit", "-q", "-m", "generated")
        plan_id, unit, target = _first_indicator(county)
        parts.append((n, plan_id, unit, target))
        if n % 20 == 0:
            print(f"  {n} counties", file=sys.stderr, flush=True)
    province = found["province"]
    (province / "plans").mkdir(parents=True)
    (province / "civtrack.toml").write_text(_sources_toml(), encoding="utf-8")
    city = found["city"]
    (city / "plans").mkdir(parents=True)
    (city / "civtrack.toml").write_text(_sources_toml(), encoding="utf-8")
    unit = parts[0][2]
    lines = [
        "id: city-2024", "title: 市级2024年民政工作要点（基准）", "organization: 市民政局",
        "period: {start: 2024-01-01, end: 2024-12-31}", "indicators:", "  - id: linked", "    name: 县级汇总",
        f"    unit: {unit}", "    parts:",
    ]  # fmt: skip
    for n, plan_id, part_unit, target in parts:
        assert part_unit == unit, "the generator gives every county's first indicator the same unit"
        lines.append(
            f"      - {{id: {county_name(n)}, name: 县{n:03d}, target: {target:g}, "
            f"from: {county_name(n)}/{plan_id}/ind-01}}"
        )
    (city / "plans" / "city-2024.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for repo in (province, city):
        _git(repo, "init", "-q", "-b", "main")
        subprocess.run([civtrack, "sources", "fetch"], cwd=repo, check=True, capture_output=True)
    stamp.write_text(json.dumps(wanted))
    return found


if __name__ == "__main__":
    from benchmarks.run import civtrack_bin

    print(make(Path(sys.argv[1]), civtrack_bin()))
