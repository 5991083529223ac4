"""What people type for a plan, an indicator or a part: its id, its exact name, or a fragment of either.

Every command that takes ``PLAN/INDICATOR[/PART]`` (record, history) or ``--plan`` (status, report,
sheet, export) resolves through here, one level at a time, in this order:

1. the exact id (a fragment that is also an id is that id, even if it is part of other ids or names);
2. the exact name (the indicator's or part's ``name``, the plan's ``title``), when one thing has it;
3. a fragment of one id or name (case ignored): ``养老`` for 乡镇养老服务, ``beds`` for elder-beds.

An INDICATOR that names no indicator may name one part of any (``example/东区``: elder-homes/east).

A fragment that matches more than one is refused, listing the candidates with their ids; one that
matches none lists what is known. What is written (a progress entry's ``indicator``) is always the id.
Shell completion (civtrack/completion.py) offers the ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from civtrack.errors import Problem
    from civtrack.load import PlanFile
    from civtrack.oneplan import Target
    from civtrack.workspace import Config

# How many candidates an ambiguous fragment lists before "… N more".
MOST = 10


@dataclass(frozen=True)
class Named:
    """One thing a fragment may name: its id and its name (plan title, indicator or part name)."""

    id: str
    name: str | None


class Unresolved(Exception):
    """A fragment that names nothing, or more than one thing (``candidates``)."""

    def __init__(self, text: str, what: str, candidates: list[Named], known: Sequence[Named]):
        self.text = text
        self.what = what
        self.candidates = candidates
        self.known = known
        super().__init__(str(self.problem("civtrack")))

    def problem(self, path: str, line: int | None = None, within: tuple[str, str] | None = None) -> Problem:
        """The refusal as a problem at ``path:line``: E311 (names several: the candidates with their ids)
        or, naming nothing, E305 / E203 / E204 (what is known). ``within``: the plan or indicator the
        fragment was looked for in, as ``("plan", id)`` or ``("indicator", id)``."""
        from civtrack.errors import error
        from civtrack.messages import msg
        from civtrack.yamlsafe import shown

        text = shown(self.text)
        if self.candidates:
            listed = "; ".join(_shown(c) for c in self.candidates[:MOST])
            more = len(self.candidates) - MOST
            shown_list = msg("f.more", listed, str(more)) if more > 0 else listed
            if self.what == "plan":
                return error(path, line, "E311", text, str(len(self.candidates)), shown_list)
            key = {"indicator": "E311.indicator", "part": "E311.part" if within and within[0] == "indicator"
                   else "E311.plan_parts"}[self.what]  # fmt: skip
            return error(path, line, key, text, str(len(self.candidates)), shown_list, within[1] if within else "")
        ids = [k.id for k in self.known]  # in their order (a plan's indicators: the plan's)
        known = (msg("f.more", ", ".join(ids[:MOST]), str(len(ids) - MOST)) if len(ids) > MOST else ", ".join(ids)) or (
            msg("f.none")
        )  # fmt: skip
        if self.what == "plan":
            return error(path, line, "E305", text, known)
        if self.what == "indicator":
            return error(path, line, "E203.known", text, within[1] if within else "", known)
        return error(path, line, "E204.known", text, within[1] if within else "", known)


def _shown(named: Named) -> str:
    return named.id if not named.name or named.name == named.id else f"{named.id} ({named.name})"


def match(text: str, known: Iterable[Named], what: str) -> Named:
    """The one thing ``text`` names among ``known`` (rules 1–3 above); Unresolved otherwise."""
    known = list(known)
    for item in known:
        if item.id == text:
            return item
    exact = [item for item in known if item.name == text]
    if len(exact) == 1:
        return exact[0]
    folded = text.casefold()
    found = exact or [
        item for item in known if folded and (folded in item.id.casefold() or folded in (item.name or "").casefold())
    ]
    if len(found) == 1:
        return found[0]
    raise Unresolved(text, what, found, known)


def plan_id(root: Path, text: str, config: Config) -> str:
    """The id of the plan ``text`` names, from the file names of plans/ (their titles read only when no
    id matches: a province's thousands of plan files are not parsed to find one by its id)."""
    from civtrack.model import SLUG
    from civtrack.workspace import PLANS_DIR

    folder = root / PLANS_DIR
    try:
        if SLUG.match(text) and (folder / f"{text}.yaml").is_file() or not folder.is_dir():
            return text  # read_plan says what is wrong with it, if anything
        ids = sorted(p.stem for p in folder.glob("*.yaml") if not p.name.startswith("."))
    except OSError:  # plans/ cannot be searched: read_plan names the folder's problem
        return text
    try:
        return match(text, [Named(i, None) for i in ids], "plan").id
    except Unresolved as exc:
        if exc.candidates:
            raise
    try:
        return match(text, _titled(root, ids, config), "plan").id
    except Unresolved as exc:
        if exc.candidates:
            raise
        return text  # read_plan: "unknown plan"


def _titled(root: Path, ids: list[str], config: Config) -> list[Named]:
    from civtrack.files import read_regular
    from civtrack.load import parse_plan
    from civtrack.workspace import PLANS_DIR, display_path

    named = []
    for plan in ids:
        path = root / PLANS_DIR / f"{plan}.yaml"
        try:
            data = read_regular(path, config.max_file_bytes)
        except OSError:
            data = None
        plan_file = parse_plan(data, display_path(path), config)[0] if data is not None else None
        named.append(Named(plan, plan_file.plan.title if plan_file is not None else None))
    return named


def plan_ids(texts: list[str] | None, titles: dict[str, str]) -> list[str] | None:
    """--plan values (ids, titles or fragments) → plan ids, given every plan's title by id; an
    unresolved one is kept as typed (the caller names it as unknown)."""
    if not texts:
        return texts
    known = [Named(plan, title) for plan, title in titles.items()]
    out = []
    for text in texts:
        try:
            out.append(match(text, known, "plan").id)
        except Unresolved as exc:
            if exc.candidates:
                raise
            out.append(text)
    return out


def split(text: str) -> tuple[str, str, str | None] | None:
    """``PLAN/INDICATOR[/PART]`` → its three pieces as typed; None when it has not two or three."""
    pieces = text.split("/")
    if len(pieces) not in (2, 3) or not all(piece.strip() for piece in pieces):
        return None
    return pieces[0].strip(), pieces[1].strip(), pieces[2].strip() if len(pieces) == 3 else None


def target(root: Path, text: str, config: Config) -> Target:
    """The plan, indicator and part that ``PLAN/INDICATOR[/PART]`` names (each piece an id, a name or a
    fragment), the plan read and checked (oneplan.read_plan); InputError (exit 2) otherwise."""
    from civtrack.errors import InputError, error
    from civtrack.messages import msg
    from civtrack.oneplan import Target, read_plan
    from civtrack.workspace import PLANS_DIR, display_path
    from civtrack.yamlsafe import shown

    pieces = split(text)
    if pieces is None:
        raise InputError(error("civtrack", None, "E500", shown(text)))
    plan_text, indicator_text, part_text = pieces
    try:
        plan = plan_id(root, plan_text, config)
    except Unresolved as exc:
        raise InputError(exc.problem(display_path(root / PLANS_DIR))) from None
    plan_file = read_plan(root, plan, config)
    indicators = plan_file.plan.indicators
    try:
        found = match(indicator_text, [Named(i.id, i.name) for i in indicators], "indicator")
    except Unresolved as exc:
        part = _any_part(plan_file, indicator_text) if not exc.candidates and part_text is None else None
        if part is not None:
            return part
        raise InputError(exc.problem(plan_file.path, None, ("plan", plan))) from None
    indicator = next(i for i in indicators if i.id == found.id)
    if part_text is None:
        return Target(plan_file, indicator, None)
    line = plan_file.line("indicators", indicators.index(indicator))
    if not indicator.parts:
        raise InputError(error(plan_file.path, line, "E204.known", shown(part_text), indicator.id, msg("f.no_parts")))
    try:
        part = match(part_text, [Named(p.id, p.name) for p in indicator.parts], "part")
    except Unresolved as exc:
        raise InputError(exc.problem(plan_file.path, line, ("indicator", indicator.id))) from None
    return Target(plan_file, indicator, next(p for p in indicator.parts if p.id == part.id))


def _any_part(plan_file: PlanFile, text: str) -> Target | None:
    """The one part of any indicator that ``text`` names, when it names no indicator (``example/东区``);
    None when it names no part either; InputError (with the candidates) when it names several."""
    from civtrack.errors import InputError
    from civtrack.oneplan import Target

    parts = {
        f"{ind.id}/{part.id}": (ind, part) for ind in plan_file.plan.indicators for part in ind.parts
    }
    if not parts:
        return None
    known = [Named(ref, f"{ind.name} / {part.name}") for ref, (ind, part) in parts.items()]
    by_part = [Named(ref, parts[ref][1].name) for ref in parts]
    try:
        exact = [item for item in by_part if item.id.split("/")[1] == text or item.name == text]
        found = exact[0] if len(exact) == 1 else match(text, known, "part")
    except Unresolved as exc:
        if not exc.candidates:
            return None
        raise InputError(exc.problem(plan_file.path, None, ("plan", plan_file.plan.id))) from None
    ind, part = parts[found.id]
    return Target(plan_file, ind, part)
