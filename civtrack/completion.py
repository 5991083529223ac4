"""Shell completion (typer's) of plan and indicator ids: light to import, since every command's module
names these functions (civtrack --help and --version must stay fast); the work is done when called."""

from __future__ import annotations

from pathlib import Path


def complete_ref(ctx: object, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of ``PLAN/INDICATOR[/PART]``: plan ids, then that plan's indicator and part ids
    (with their names as help). Never fails: a broken repository completes nothing."""
    try:
        return _complete_ref(incomplete)
    except Exception:  # noqa: BLE001 - completion must never print a traceback into the shell
        return []


def complete_plan(ctx: object, incomplete: str) -> list[str]:
    """Shell completion of --plan: the plan ids."""
    try:
        return [plan for plan in _plan_ids(_root()) if plan.startswith(incomplete)]
    except Exception:  # noqa: BLE001
        return []


def _root() -> Path:
    from civtrack.workspace import find_root

    return find_root()


def _plan_ids(root: Path) -> list[str]:
    from civtrack.workspace import PLANS_DIR

    return sorted(p.stem for p in (root / PLANS_DIR).glob("*.yaml") if not p.name.startswith("."))


def _complete_ref(incomplete: str) -> list[tuple[str, str]]:
    root = _root()
    if "/" not in incomplete:
        return [(f"{plan}/", "") for plan in _plan_ids(root) if plan.startswith(incomplete)]
    from civtrack.oneplan import read_plan
    from civtrack.workspace import load_config

    plan = incomplete.split("/", 1)[0]
    plan_file = read_plan(root, plan, load_config(root))
    offered = []
    for ind in plan_file.plan.indicators:
        offered.append((f"{plan}/{ind.id}", ind.name))
        offered.extend((f"{plan}/{ind.id}/{part.id}", part.name) for part in ind.parts)
    return [(ref, name) for ref, name in offered if ref.startswith(incomplete)]
