"""Reading one plan and one indicator's progress, without loading the whole repository.

`record` and `history` name a single ``PLAN/INDICATOR[/PART]``: they read that
plan's file and only those month files of its progress folder that mention the
indicator (a byte search skips the others before any YAML is parsed), so that
their cost does not grow with the rest of the repository.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from civtrack.check import check_entry, check_plan
from civtrack.errors import InputError, Problem, error
from civtrack.files import read_regular, reason_msg
from civtrack.load import MONTH_FILE, DiskSource, EntryAt, PlanFile, parse_plan, parse_progress
from civtrack.messages import msg
from civtrack.model import SLUG, Indicator, Part
from civtrack.workspace import PLANS_DIR, PROGRESS_DIR, Config, display_path
from civtrack.yamlsafe import shown as escaped


@dataclass(frozen=True)
class Target:
    """What a ``PLAN/INDICATOR[/PART]`` argument names, checked against the plan."""

    plan_file: PlanFile
    indicator: Indicator
    part: Part | None

    @property
    def plan_id(self) -> str:
        return self.plan_file.plan.id

    @property
    def ref(self) -> str:
        """The reference written in entries: ``indicator`` or ``indicator/part``."""
        return self.indicator.id if self.part is None else f"{self.indicator.id}/{self.part.id}"


def read_plan(root: Path, plan_id: str, config: Config) -> PlanFile:
    """plans/<plan_id>.yaml, parsed and checked; InputError when unknown or invalid."""
    path = root / PLANS_DIR / f"{plan_id}.yaml"
    shown = display_path(path)
    if not SLUG.match(plan_id):  # what refs.plan_id found no plan for
        known = sorted(p.stem for p in (root / PLANS_DIR).glob("*.yaml") if not p.name.startswith("."))
        where = f"{display_path(root / PLANS_DIR)}/{escaped(plan_id)}.yaml"
        raise InputError(error(where, None, "E305", escaped(plan_id), ", ".join(known) or msg("f.none")))
    # What the loader says of these files (it lists them, so "unknown plan" would contradict itself).
    try:
        os.lstat(path)
    except FileNotFoundError:
        pass
    except OSError as exc:  # plans/ cannot be searched (issue 18, D21): not an "unknown plan"
        raise InputError(error(shown, None, "E001", reason_msg(exc))) from None
    if (root / PLANS_DIR).is_symlink() or path.is_symlink():
        link = PLANS_DIR if (root / PLANS_DIR).is_symlink() else f"{PLANS_DIR}/{plan_id}.yaml"
        raise InputError(error(display_path(root / link), None, "E300"))
    if path.exists() and not path.is_file():
        raise InputError(error(shown, None, "E301"))
    if not path.is_file():
        known = sorted(p.stem for p in (root / PLANS_DIR).glob("*.yaml") if not p.name.startswith("."))
        raise InputError(
            error(shown, None, "E305", plan_id, ", ".join(known) or msg("f.none")),
        )
    try:
        found = read_regular(path, config.max_file_bytes)  # enough to refuse a file above the limit
    except OSError as exc:  # replaced by a link or a pipe meanwhile, no permission
        raise InputError(error(shown, None, "E001", reason_msg(exc))) from None
    if found is None:  # removed meanwhile
        raise InputError(error(shown, None, "E305.bare", plan_id))
    data = found
    plan_file, problems = parse_plan(data, shown, config)
    problems = [p for p in problems if p.severity == "error"]
    if plan_file is not None:
        if plan_file.plan.id != plan_id:
            problems.append(error(shown, plan_file.line("id"), "E114", plan_file.plan.id, plan_id))
        problems.extend(p for p in check_plan(plan_file) if p.severity == "error")
    if problems or plan_file is None:
        raise InputError([*problems, error("civtrack", None, "E310")])
    return plan_file


def resolve(plan_file: PlanFile, indicator_id: str, part_id: str | None) -> Target:
    """The indicator (and part) of a plan; InputError naming the known ones otherwise."""
    plan = plan_file.plan
    indicators = {ind.id: ind for ind in plan.indicators}
    ind = indicators.get(indicator_id)
    if ind is None:
        known = ", ".join(indicators) or msg("f.none")
        raise InputError(error(plan_file.path, None, "E203.known", indicator_id, plan.id, known))
    if part_id is None:
        return Target(plan_file, ind, None)
    parts = {part.id: part for part in ind.parts}
    if part_id not in parts:
        known = ", ".join(parts) or msg("f.no_parts")
        raise InputError(
            error(
                plan_file.path,
                plan_file.line("indicators", plan.indicators.index(ind)),
                "E204.known",
                part_id,
                ind.id,
                known,
            )
        )
    return Target(plan_file, ind, parts[part_id])


def month_files(root: Path, plan_id: str) -> list[str]:
    """Relative paths of the plan's month files, in order."""
    source = DiskSource(root)
    return [rel for rel in source.files(f"{PROGRESS_DIR}/{plan_id}") if MONTH_FILE.match(rel.rsplit("/", 1)[-1])]


def indicator_entries(
    root: Path, plan_file: PlanFile, indicator_id: str, config: Config
) -> tuple[list[EntryAt], list[Problem]]:
    """Every entry of one indicator (and its parts) in file order, and the problems found on the way.

    Files that do not contain the indicator id anywhere are not parsed; in files of
    one-line entries (what `record` writes) only the lines that mention it are. Problems are those of the files read (any of them could hide one of this
    indicator's entries) and the cross-object checks of this indicator's entries.
    """
    plan = plan_file.plan
    source = DiskSource(root)
    needle = indicator_id.encode("utf-8")
    entries: list[EntryAt] = []
    problems: list[Problem] = []
    seq = 0
    rels = [rel for rel in source.files(f"{PROGRESS_DIR}/{plan.id}") if MONTH_FILE.match(rel.rsplit("/", 1)[-1])]
    # What load() says of the folder: a month file that cannot be listed or read could hide an entry.
    problems.extend(error(source.display(folder), None, *why) for folder, why in source.unlistable)
    problems.extend(error(source.display(rel), None, "E301") for rel in source.special)
    problems.extend(error(source.display(rel), None, "E300") for rel in source.links)
    for rel in rels:
        try:
            data = source.read(rel, config.max_file_bytes)
        except OSError as exc:
            problems.append(error(source.display(rel), None, "E001", reason_msg(exc)))
            continue
        if needle not in data and not _may_hide(data):
            continue
        month = MONTH_FILE.match(rel.rsplit("/", 1)[-1])
        assert month is not None
        found, file_problems = _parse_mentions(
            data, needle, source.display(rel), plan.id, f"{month[1]}-{month[2]}", config, seq
        )
        seq = max([seq + len(found) + len(file_problems), *(item.seq + 1 for item in found)])
        problems.extend(file_problems)
        entries.extend(item for item in found if item.entry.indicator_id == indicator_id)
    indicators = {ind.id: ind for ind in plan.indicators}
    for item in entries:
        problems.extend(check_entry(plan, indicators, item))
    return entries, problems


def _may_hide(data: bytes) -> bool:
    """Whether an entry of an indicator could be in ``data`` without its id's bytes: through an alias
    (``indicator: *i``), an escape (``"elder\\x2dbeds"``), or in another encoding (UTF-16, which
    status refuses; history must too). Such a file is parsed whole, as status reads it."""
    if b"*" in data or b"\\" in data or b"\x00" in data:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _parse_mentions(
    data: bytes, needle: bytes, path: str, plan_id: str, month: str, config: Config, first_seq: int
) -> tuple[list[EntryAt], list[Problem]]:
    """parse_progress, restricted to the lines that mention ``needle`` when every entry is one line.

    Each line of such a file is a whole entry (``- {…}``), so the others can be left
    unparsed; line numbers (and the order of entries) are those of the whole file.
    Any other file is parsed whole.
    """
    if not data.endswith(b"\n") or _may_hide(data):
        # A possibly torn tail, or an entry the bytes do not show: all of it.
        return parse_progress(data, path, plan_id, month, config, first_seq)
    lines = data.split(b"\n")[:-1]
    chosen: list[int] = []
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith(b"#"):
            continue
        if not (line.startswith(b"- {") and stripped.endswith(b"}")):
            return parse_progress(data, path, plan_id, month, config, first_seq)
        if needle in line:
            chosen.append(number)
    if len(chosen) * 2 > len(lines):
        return parse_progress(data, path, plan_id, month, config, first_seq)  # most lines: no gain
    subset = b"".join(lines[number - 1] + b"\n" for number in chosen)
    entries, problems = parse_progress(subset, path, plan_id, month, config, first_seq)
    for item in entries:
        item.line = chosen[item.line - 1]
        item.seq = first_seq + item.line
    return entries, [replace(p, line=chosen[p.line - 1]) if p.line else p for p in problems]


def plan_hash(root: Path, plan_id: str) -> tuple[str, str] | None:
    """The plan file's path (relative) and the hash of its bytes (None when it cannot be read):
    written into a fill-in sheet, so that `import` can say when the plan changed since."""
    import hashlib

    rel = f"{PLANS_DIR}/{plan_id}.yaml"
    try:
        data = (root / rel).read_bytes()
    except OSError:
        return None
    return rel, hashlib.blake2b(data, digest_size=16).hexdigest()


def plan_entries(root: Path, plan_file: PlanFile, config: Config) -> tuple[list[EntryAt], list[Problem]]:
    """Every entry of one plan in file order (each of its month files parsed), and the problems found."""
    plan = plan_file.plan
    source = DiskSource(root)
    entries: list[EntryAt] = []
    problems: list[Problem] = []
    seq = 0
    for rel in month_files(root, plan.id):
        month = MONTH_FILE.match(rel.rsplit("/", 1)[-1])
        assert month is not None
        data = source.read(rel, config.max_file_bytes)
        found, file_problems = parse_progress(data, source.display(rel), plan.id, f"{month[1]}-{month[2]}", config, seq)
        seq = max([seq + len(found) + len(file_problems), *(item.seq + 1 for item in found)])
        entries.extend(found)
        problems.extend(file_problems)
    return entries, problems
