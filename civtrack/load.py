"""Reading plan and progress files: the only code that parses them.

A repository is read through a *source* (the working tree here; a git revision in
civtrack.git), so that `status` and `diff` load files the same way. Every object
keeps the file and line it came from. Problems are collected, not raised, so that
`check` can report all of them at once.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import TypeAdapter, ValidationError

from civtrack import files
from civtrack.errors import CodedValueError, InputError, Problem, error, warning
from civtrack.messages import Msg, msg
from civtrack.model import Entry, Plan
from civtrack.store import TORN_KEY, unterminated_tail, wait_for_append
from civtrack.text import shown as escaped
from civtrack.workspace import PLANS_DIR, PROGRESS_DIR, Config, display_path

if TYPE_CHECKING:
    from civtrack import yamlsafe

# ASCII digits only, and nothing after ".yaml" ('$' would let "2021-06.yaml\n" pass).
MONTH_FILE = re.compile(r"\A([0-9]{4})-(0[1-9]|1[0-2])\.yaml\Z")


class Source(Protocol):
    """Where files come from: relative POSIX paths below a repository root."""

    def files(self, folder: str) -> list[str]:
        """Every regular file below ``folder`` (recursively), sorted."""
        ...

    def read(self, relpath: str, limit: int) -> bytes:
        """The bytes of one file; at most ``limit + 1`` of them."""
        ...

    def display(self, relpath: str) -> str:
        """The name of a file in messages."""
        ...


class DiskSource:
    """The working tree. Symbolic links are not followed (they could lead outside the root),
    and only regular files are read (a named pipe would block the reader forever)."""

    def __init__(self, root: Path):
        self.root = root
        self.links: list[str] = []
        self.special: list[str] = []  # pipes, sockets, devices: listed, never opened
        self.unlistable: list[tuple[str, tuple[Any, ...]]] = []  # folders not listed, and why (key, args)

    def files(self, folder: str) -> list[str]:
        base = self.root / folder
        if base.is_symlink():
            self.links.append(folder)
            return []
        found: list[str] = []

        def unlistable(exc: OSError) -> None:
            where = Path(exc.filename or base)
            rel = where.relative_to(self.root).as_posix() if where.is_relative_to(self.root) else str(where)
            if exc.errno == errno.ENOTDIR:
                why: tuple[Any, ...] = ("E307",) if rel == PROGRESS_DIR else ("E307.other",)
            else:
                why = ("E308", files.reason_msg(exc))
            self.unlistable.append((rel, why))

        for dirpath, dirnames, filenames in files.walk(base, unlistable):
            rel_dir = Path(dirpath).relative_to(self.root).as_posix()
            for name in list(dirnames):
                if os.path.islink(os.path.join(dirpath, name)):
                    self.links.append(f"{rel_dir}/{name}")
                    dirnames.remove(name)
            for name in filenames:
                rel = f"{rel_dir}/{name}"
                try:
                    mode = os.lstat(os.path.join(dirpath, name)).st_mode
                except OSError:
                    continue  # removed while listing
                if stat.S_ISLNK(mode):
                    self.links.append(rel)
                elif stat.S_ISREG(mode):
                    found.append(rel)
                else:
                    self.special.append(rel)
        return sorted(found)

    def read(self, relpath: str, limit: int) -> bytes:
        return read_settled(self.root, relpath, limit)[1]

    def display(self, relpath: str) -> str:
        # A file name may hold a newline or an escape sequence: show it escaped, on one line.
        return escaped(display_path(self.root / relpath), limit=4096)


def read_settled(root: Path, relpath: str, limit: int) -> tuple[os.stat_result, bytes]:
    """A file's stat and (at most ``limit + 1``) bytes, never caught in the middle of a `record`.

    O_NOFOLLOW: a file replaced by a link after it was listed is still not followed;
    O_NONBLOCK: a pipe put there meanwhile does not block the open. A file without its
    last newline may be caught in the middle of an append by `record`, which holds the
    file's lock while it writes: wait for the lock (or a moment), then read again
    before calling the last entry torn.
    """
    with os.fdopen(files.open_regular(os.path.join(root, relpath)), "rb") as handle:
        data = _read_up_to(handle, limit + 1)
        for _ in range(5):
            if not data or data.endswith(b"\n") or len(data) > limit:
                break
            if not wait_for_append(root, relpath):
                time.sleep(0.02)
            handle.seek(0)
            again = _read_up_to(handle, limit + 1)
            if again == data:
                break
            data = again
        return os.fstat(handle.fileno()), data


def _read_up_to(handle: Any, most: int) -> bytes:
    """``handle.read(most)``, without a buffer of ``most`` bytes for a small file: the file's size (and
    one byte more, to see it grow) is read first, then the rest if it grew."""
    size = os.fstat(handle.fileno()).st_size - handle.tell()
    data = handle.read(max(0, min(size + 1, most)))
    if len(data) > size and len(data) < most:
        data += handle.read(most - len(data))
    return data


@dataclass
class PlanFile:
    plan: Plan
    path: str  # as shown in messages
    doc: yamlsafe.Document

    def line(self, *where: str | int) -> int | None:
        return self.doc.line(tuple(where))

    @property
    def plan_id(self) -> str:
        """The plan's id (civtrack.cache knows it without building the plan)."""
        return self.plan.id


@dataclass(slots=True)
class EntryAt:
    """An entry with where it was read from; ``seq`` orders entries as they stand in the files."""

    plan_id: str
    entry: Entry
    path: str
    line: int
    seq: int
    month: str  # YYYY-MM of the file it is in


@dataclass
class Repository:
    plans: dict[str, PlanFile] = field(default_factory=dict)
    entries: dict[str, list[EntryAt]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def all_entries(self) -> Iterator[EntryAt]:
        for plan_id in sorted(self.entries):
            yield from self.entries[plan_id]


def _field_path(loc: tuple[Any, ...], value: Any) -> tuple[str | int, ...]:
    """The location of an error in the document: pydantic's ``loc`` without validator names.

    pydantic adds the names of union members or validators (e.g. "int",
    "function-before[...]") after a field. They are told apart from field names by
    walking the document: a name is a field only where the document has a mapping.
    """
    path: list[str | int] = []
    for part in loc:
        if isinstance(part, int) and isinstance(value, list):
            value = value[part] if 0 <= part < len(value) else None
        elif isinstance(value, dict) and isinstance(part, str):
            value = value.get(part)
        else:
            continue  # a validator's name, not a place in the file
        path.append(part)
    return tuple(path)


def _describe(loc: tuple[str | int, ...]) -> str:
    text = ""
    for part in loc:
        name = escaped(part)  # a field name is the user's text too
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{name}" if text else name)
    return text


def validation_problems(exc: ValidationError, doc: yamlsafe.Document, path: str, prefix: tuple = ()) -> list[Problem]:
    """Turn pydantic's errors into ``path:line`` problems in plain words."""
    problems = []
    value: Any = doc.value
    for key in prefix:
        value = value[key]
    for err in exc.errors(include_url=False):
        loc = _field_path(err["loc"], value)
        full = (*prefix, *loc)
        problems.append(error(path, doc.line(full), *_validation_message(err, loc)))
    return problems


def _validation_message(err: Any, loc: tuple[str | int, ...]) -> tuple[Any, ...]:
    """One pydantic error as a catalogue key and its arguments."""
    kind = err["type"]
    name = _describe(loc)
    coded = err.get("ctx", {}).get("error") if kind == "value_error" else None
    if isinstance(coded, CodedValueError):  # a validator of civtrack.model
        return (coded.key, name, *coded.args_)
    if kind == "extra_forbidden":
        field = escaped(loc[-1])
        return ("E060.in", field, _describe(loc[:-1])) if len(loc) > 1 else ("E060", field)
    if kind == "missing":
        return ("E061.in", str(loc[-1]), _describe(loc[:-1])) if len(loc) > 1 else ("E061", str(loc[-1]))
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "indicator":
        return ("E062", escaped(err["input"]))
    if kind == "string_pattern_mismatch":
        return ("E063", name, escaped(err["input"]))
    if kind == "literal_error":
        return ("E064", name, _choices(str(err["ctx"]["expected"])), _kind_of(err["input"]))
    if kind == "greater_than_equal":
        return ("E065", name, str(err["ctx"]["ge"]), _kind_of(err["input"]))
    if kind == "model_type" and not loc:
        return ("E066",)
    if kind in ("model_type", "dict_type"):
        return ("E067", name, _kind_of(err["input"]))
    if kind == "list_type":
        return ("E068", name, _kind_of(err["input"]))
    if kind in ("string_type",):
        return ("E069", name, _kind_of(err["input"]))
    if kind == "bool_type" or kind == "bool_parsing":
        return ("E070", name, _kind_of(err["input"]))
    message = err["msg"].removeprefix("Value error, ")  # pydantic's own words (English)
    return ("E071", name, message) if name else ("E071.bare", message)


def _choices(expected: str) -> Any:
    """pydantic's "'a', 'b' or 'c'" with the "or" in the message's language."""
    first, sep, last = expected.rpartition(" or ")
    return msg("f.or", first, last) if sep else expected


def _kind_of(value: Any) -> Msg:
    if isinstance(value, list):
        return msg("f.list")
    if isinstance(value, dict):
        return msg("f.mapping")
    if value is None:
        return msg("f.nothing")
    if isinstance(value, bool):
        return msg("f.boolean", str(value).lower())
    return msg("f.value", escaped(value))


def _too_large(path: str, config: Config) -> InputError:
    return InputError(error(path, None, "E011.hint", str(config.max_file_bytes)))


def read_document(data: bytes, path: str, config: Config, *, fast: bool = True) -> yamlsafe.Document:
    """Decode and parse one file's bytes: the fast path when it reads them exactly as the reference does
    (civtrack.fastyaml), else the reference reader, which words every error.

    Any problem found in a document the fast path read makes the caller read the file again with
    ``fast=False``: the reference defines what a file means and says what is wrong with it, so a doubt
    is settled by it, never turned into an error of its own (issue 18, D14).
    """
    # Imported here: a run that finds every file in the cache loads neither yaml-rs nor PyYAML.
    from civtrack import fastyaml, yamlsafe

    if len(data) > config.max_file_bytes:
        raise _too_large(path, config)
    text = yamlsafe.decode(data, path)
    doc = fastyaml.parse(text, path, max_bytes=config.max_file_bytes) if fast else None
    if doc is None:
        doc = yamlsafe.parse(text, path, max_bytes=config.max_file_bytes)
    return doc


def parse_plan(data: bytes, path: str, config: Config, *, fast: bool = True) -> tuple[PlanFile | None, list[Problem]]:
    """Parse and validate one plan file's bytes (a problem in what the fast path read: read again by the
    reference, which words it)."""
    try:
        doc = read_document(data, path, config, fast=fast)
    except InputError as exc:
        return None, exc.problems
    if getattr(doc, "fast", False):
        try:
            plan_file, problems = _plan_of(doc, path)
        except InputError:  # the lines of a problem come from the reference, which refused the file
            problems = [error(path, None, "E071.bare", "")]
        return (plan_file, problems) if not problems else parse_plan(data, path, config, fast=False)
    return _plan_of(doc, path)


def _plan_of(doc: yamlsafe.Document, path: str) -> tuple[PlanFile | None, list[Problem]]:
    if doc.value is None:
        return None, [error(path, 1, "E100")]
    if not isinstance(doc.value, dict):
        return None, [error(path, 1, "E101", _kind_of(doc.value))]
    try:
        plan = Plan.model_validate(doc.value)
    except ValidationError as exc:
        return None, validation_problems(exc, doc, path)
    return PlanFile(plan, path, doc), []


@functools.cache
def _entry_list() -> TypeAdapter[list[Entry]]:
    return TypeAdapter(list[Entry])


def parse_progress(
    data: bytes, path: str, plan_id: str, month: str, config: Config, first_seq: int = 0
) -> tuple[list[EntryAt], list[Problem]]:
    """Parse and validate one month file's bytes; good entries are kept beside the problems.

    A file that does not end with a newline may end with an entry cut short by a
    crash (civtrack.store): when its last entry does not read as an entry it is
    reported as an incomplete last entry at its line and the entries before it are
    kept; when it does, a warning asks to check it.
    """
    tail = unterminated_tail(data) if len(data) <= config.max_file_bytes else None
    entries, problems = _parse_progress(data, path, plan_id, month, config, first_seq)
    if entries and len(entries) > 1:
        problems.extend(_identical_lines(data, path))
    if tail is None:
        return entries, problems
    if tail.nul_bytes or any(p.severity == "error" and p.line is not None and p.line >= tail.line for p in problems):
        entries, problems = _parse_progress(data[: tail.offset], path, plan_id, month, config, first_seq)
        zeros = msg("f.nul_bytes", str(tail.nul_bytes)) if tail.nul_bytes else ""
        problems.append(error(path, tail.line, TORN_KEY, str(tail.line), zeros))
    else:
        problems.append(warning(path, tail.line, "W202"))
    return entries, problems


def _identical_lines(data: bytes, path: str) -> list[Problem]:
    """A warning for each entry line that is byte for byte an earlier one of the same file.

    git's union merge (.gitattributes) keeps identical added lines once: when two branches add the
    same line, the merge keeps one and an entry is lost without a conflict. ``record`` writes a random
    ``id`` in every entry so that this cannot happen; a file with identical lines was written by hand
    (or by an old civtrack), and one of them may already be a lost entry's survivor or a copy.
    """
    if b"- {" not in data:  # no line can be a whole entry (the usual file: looked at in C, not line by line)
        return []
    seen: dict[bytes, int] = {}
    problems = []
    for number, line in enumerate(data.split(b"\n"), 1):
        line = line.rstrip(b"\r ")
        if not (line.startswith(b"- {") and line.endswith(b"}")):  # a whole entry on one line
            continue
        first = seen.setdefault(line, number)
        if first != number:
            problems.append(warning(path, number, "W203", str(first)))
    return problems


def _parse_progress(
    data: bytes, path: str, plan_id: str, month: str, config: Config, first_seq: int, *, fast: bool = True
) -> tuple[list[EntryAt], list[Problem]]:
    try:
        doc = read_document(data, path, config, fast=fast)
    except InputError as exc:
        return [], exc.problems
    if getattr(doc, "fast", False):
        try:
            entries, problems = _entries_of(doc, path, plan_id, month, first_seq)
        except InputError:  # the lines of a problem come from the reference, which refused the file
            entries, problems = [], [error(path, None, "E071.bare", "")]
        if not problems:
            return entries, problems
        return _parse_progress(data, path, plan_id, month, config, first_seq, fast=False)
    return _entries_of(doc, path, plan_id, month, first_seq)


def _entries_of(
    doc: yamlsafe.Document, path: str, plan_id: str, month: str, first_seq: int
) -> tuple[list[EntryAt], list[Problem]]:
    if doc.value is None:
        return [], []
    if not isinstance(doc.value, list):
        return [], [error(path, 1, "E200", _kind_of(doc.value))]
    if all(type(item) is dict for item in doc.value):
        # All at once (one call into pydantic for the file: a sixth faster); when any entry is wrong,
        # each is validated again below for its own messages.
        try:
            valid = _entry_list().validate_python(doc.value)
        except ValidationError:
            pass
        else:
            line_of = doc.line
            return [
                EntryAt(plan_id, entry, path, line_of((index,)) or 1, first_seq + index, month)
                for index, entry in enumerate(valid)
            ], []
    entries: list[EntryAt] = []
    problems: list[Problem] = []
    for index, item in enumerate(doc.value):
        line = doc.line((index,)) or 1
        if not isinstance(item, dict):
            problems.append(error(path, line, "E201", _kind_of(item)))
            continue
        try:
            entry = Entry.model_validate(item)
        except ValidationError as exc:
            problems.extend(validation_problems(exc, doc, path, prefix=(index,)))
            continue
        entries.append(EntryAt(plan_id, entry, path, line, first_seq + index, month))
    return entries, problems


class Reader(Protocol):
    """Reads each file for load(): civtrack.cache answers from its cache. OSError: unreadable."""

    def plan(self, rel: str, shown: str) -> tuple[PlanFile | None, list[Problem]]: ...

    def progress_file(
        self, rel: str, shown: str, plan_id: str, month: str, first_seq: int
    ) -> tuple[list[EntryAt], list[Problem]]: ...


class _SourceReader:
    """The plain reader: the source's bytes, parsed."""

    def __init__(self, source: Source, config: Config):
        self.source = source
        self.config = config

    def plan(self, rel: str, shown: str) -> tuple[PlanFile | None, list[Problem]]:
        return parse_plan(self.source.read(rel, self.config.max_file_bytes), shown, self.config)

    def progress_file(
        self, rel: str, shown: str, plan_id: str, month: str, first_seq: int
    ) -> tuple[list[EntryAt], list[Problem]]:
        data = self.source.read(rel, self.config.max_file_bytes)
        return parse_progress(data, shown, plan_id, month, self.config, first_seq)


def load(source: Source, config: Config, *, reader: Reader | None = None) -> Repository:
    """Read every plan and progress file of a source (each through ``reader`` when one is given)."""
    repo = Repository()
    read = reader or _SourceReader(source, config)

    def cannot_read(shown: str, exc: OSError) -> None:
        repo.problems.append(error(shown, None, "E001", files.system_msg(exc)))

    unreadable: set[str] = set()  # plan files that exist but could not be read
    for rel in source.files(PLANS_DIR):
        name = rel.rsplit("/", 1)[-1]
        if name.startswith("."):
            continue
        shown = source.display(rel)
        if not name.endswith((".yaml", ".yml")) or rel.count("/") != 1:
            repo.problems.append(warning(shown, None, "W301"))
            continue
        try:
            plan_file, problems = read.plan(rel, shown)
        except OSError as exc:
            cannot_read(shown, exc)
            continue
        repo.problems.extend(problems)
        stem = name.rsplit(".", 1)[0]
        if plan_file is None:
            unreadable.add(stem)
            continue
        plan_id = plan_file.plan_id
        if plan_id != stem:
            repo.problems.append(error(shown, plan_file.line("id"), "E114", plan_id, escaped(stem)))
        if plan_id in repo.plans and plan_id == stem and Path(repo.plans[plan_id].path).stem != plan_id:
            # plans/<id>.yaml is the plan; the file read first under another name is the copy.
            other = repo.plans[plan_id]
            repo.problems.append(error(other.path, other.line("id"), "E304", plan_id, shown))
            repo.plans[plan_id] = plan_file
            continue
        if plan_id in repo.plans:
            repo.problems.append(error(shown, plan_file.line("id"), "E304", plan_id, repo.plans[plan_id].path))
            continue
        repo.plans[plan_id] = plan_file
    seq: dict[str, int] = {}
    # plans/ could not be listed (reported with the folder): no plan is "unknown" (issue 18, D21).
    plans_unlisted = any(folder == PLANS_DIR for folder, _ in getattr(source, "unlistable", []))
    for rel in source.files(PROGRESS_DIR):
        parts = rel.split("/")
        if parts[-1].startswith(".") or parts[-1] in ("README.md",):
            continue
        shown = source.display(rel)
        month = MONTH_FILE.match(parts[-1]) if len(parts) == 3 else None
        if month is None:
            repo.problems.append(error(shown, None, "E302"))
            continue
        plan_id = parts[1]
        if plan_id not in repo.plans:
            if plan_id in unreadable or plans_unlisted:
                # Its plan file has errors, reported above: its entries cannot be checked
                # against it, but their own syntax can (and no second, misleading message).
                try:
                    repo.problems.extend(read.progress_file(rel, shown, plan_id, "", 0)[1])
                except OSError as exc:
                    cannot_read(shown, exc)
            else:
                repo.problems.append(error(shown, None, "E303", escaped(plan_id)))
            continue
        try:
            entries, problems = read.progress_file(rel, shown, plan_id, f"{month[1]}-{month[2]}", seq.get(plan_id, 0))
        except OSError as exc:
            cannot_read(shown, exc)
            continue
        seq[plan_id] = seq.get(plan_id, 0) + len(entries) + len(problems)
        repo.problems.extend(problems)
        repo.entries.setdefault(plan_id, []).extend(entries)
    links = getattr(source, "links", [])
    for link in links:
        repo.problems.append(error(source.display(link), None, "E300"))
    for folder, why in getattr(source, "unlistable", []):
        repo.problems.append(error(source.display(folder), None, *why))
    for special in getattr(source, "special", []):
        repo.problems.append(error(source.display(special), None, "E301"))
    return repo


def load_disk(root: Path, config: Config) -> Repository:
    return load(DiskSource(root), config)
