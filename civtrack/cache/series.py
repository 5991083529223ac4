"""Per-indicator series: what the entries of a reference add up to, day by day.

``Series`` keeps, per plan and reference, the days with entries and their totals, counts and last
values (compute.Day), so that the ledger at an as-of date is one bisection and a short sum
(``Snapshot.ledger_at``), and ``SeriesTimeline`` evaluates a plan at any date without reading an
entry (`report`, `status --chart`). ``_SeriesMap`` decodes a plan's series row on first use."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from civtrack.cache.files import _read
from civtrack.workspace import Config


class Series:
    """The days of one reference in the order the ledger first saw them, with their Day values
    (total, count, last value, done flag; the order within a day is no longer needed).

    ``sorted``: the days are in date order (the usual case: monthly files, appended in time), so the
    days up to a date are found by bisection; else every day is looked at. Either way the totals are
    added up in the ledger's order, as compute._sum_until does: the same result to the last bit. A
    count column of one entry a day, and last or done columns without a value, are left out (None):
    most references have them. The record is what the cache stores; nothing is rebuilt on reading.
    """

    __slots__ = ("dates", "total", "count", "last", "done", "sorted")

    def __init__(self, rec: list[Any]):
        self.dates, self.total, self.count, self.last, self.done, self.sorted = rec

    @classmethod
    def from_days(cls, days: dict[dt.date, Any]) -> Series:
        ordinals = [d.toordinal() for d in days]
        values = list(days.values())
        counts = [v.count for v in values]
        lasts = [v.last for v in values]
        dones = [v.done for v in values]
        return cls([
            ordinals, [v.total for v in values], None if all(c == 1 for c in counts) else counts,
            None if all(x is None for x in lasts) else lasts, None if all(x is None for x in dones) else dones,
            all(a < b for a, b in zip(ordinals, ordinals[1:], strict=False)),
        ])  # fmt: skip

    def at(self, as_of: int) -> tuple[Any, int, Any, bool | None] | None:
        """(total, count, last, done) of the days on or before ``as_of``, or None when there are none:
        what compute._sum_until and _last_until find in the full ledger."""
        if self.sorted:
            k = bisect.bisect_right(self.dates, as_of)
            if k == 0:
                return None
            total: Any = 0
            for value in self.total[:k]:
                total += value
            return (
                total, k if self.count is None else sum(self.count[:k]),
                _latest(self.last, k), _latest(self.done, k),
            )  # fmt: skip
        total = 0
        count = 0
        best: int | None = None
        last: Any = None
        best_done: int | None = None
        done: bool | None = None
        for i, date in enumerate(self.dates):
            if date > as_of:
                continue
            total += self.total[i]
            count += 1 if self.count is None else self.count[i]
            if self.last is not None and self.last[i] is not None and (best is None or date > best):
                best, last = date, self.last[i]
            if self.done is not None and self.done[i] is not None and (best_done is None or date > best_done):
                best_done, done = date, self.done[i]
        if count == 0:
            return None
        return total, count, last, done

    def record(self) -> list[Any]:
        return [self.dates, self.total, self.count, self.last, self.done, self.sorted]


def _latest(column: list[Any] | None, k: int) -> Any:
    """The last value that is not None among the first ``k`` (days in date order)."""
    if column is None:
        return None
    for index in range(k - 1, -1, -1):
        if column[index] is not None:
            return column[index]
    return None


def _valid_series(rec: Any) -> bool:
    """Lengths and the dates' order; the values are trusted as far as the checksum goes."""
    try:
        dates, total, count, last, done, running = rec
        n = len(dates)
        # Spelled out rather than all(... for c in ...): eighty-five thousand references at 1M.
        return (
            type(running) is bool and len(total) == n and (count is None or len(count) == n)
            and (last is None or len(last) == n) and (done is None or len(done) == n)
        )  # fmt: skip
    except (TypeError, ValueError):
        return False


def last_entries(series_of: Mapping[str, Series], as_of: dt.date) -> dict[str, dt.date]:
    """Rule 12 from the series: per reference, the date of its last entry on or before ``as_of``, where
    there is one (the ledger of one as-of date keeps no dates)."""
    ordinal = as_of.toordinal()
    lasts = {}
    for ref, series in series_of.items():
        dates = series.dates
        if series.sorted:
            k = bisect.bisect_right(dates, ordinal)
            last = dates[k - 1] if k else None
        else:
            last = max((date for date in dates if date <= ordinal), default=None)
        if last is not None:
            lasts[ref] = dt.date.fromordinal(last)
    return lasts


class SeriesTimeline:
    """One plan's series as a reporting.Timeline: ``at(day)`` holds, per reference, one Day adding up
    the days up to ``day`` (Series.at: exactly what the full ledger gives when evaluated there)."""

    def __init__(self, series: dict[str, Series]):
        self._series = series
        self._by_indicator: dict[str, list[tuple[str, Series]]] | None = None

    def _of(self, indicator: str) -> list[tuple[str, Series]]:
        if self._by_indicator is None:
            self._by_indicator = {}
            for ref, series in self._series.items():
                self._by_indicator.setdefault(ref.split("/")[0], []).append((ref, series))
        return self._by_indicator.get(indicator, [])

    def at(self, day: dt.date, indicator: str | None = None) -> dict:
        from civtrack.compute import Day

        ordinal = day.toordinal()
        refs: dict = {}
        for ref, series in self._series.items() if indicator is None else self._of(indicator):
            state = series.at(ordinal)
            if state is not None:
                total, count, last, done = state
                refs[ref] = {day: Day(total, (), last, done, count)}
        return refs

    def last_entries(self, as_of: dt.date) -> dict[str, dt.date]:
        """Rule 12: per reference, the date of its last entry on or before ``as_of`` (one bisection each)."""
        return last_entries(self._series, as_of)

    def dates(self, indicator: str, first: dt.date, last: dt.date) -> list[dt.date]:
        low, high = first.toordinal(), last.toordinal()
        found = {ordinal for _, series in self._of(indicator) for ordinal in series.dates if low <= ordinal <= high}
        return [dt.date.fromordinal(ordinal) for ordinal in sorted(found)]


class _Timelines(Mapping):
    """Plan id → SeriesTimeline, made on lookup (so that the series are decoded only when used)."""

    def __init__(self, series: Mapping[str, dict[str, Series]], plan_ids: list[str]):
        self._series = series
        self._ids = [plan_id for plan_id in plan_ids if plan_id in series]
        self._wanted = set(self._ids)

    def __getitem__(self, plan_id: str) -> SeriesTimeline:
        if plan_id not in self._wanted:
            raise KeyError(plan_id)
        return SeriesTimeline(self._series[plan_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class _SeriesMap(Mapping):
    """Plan id → its series, decoded from the cache row on first use (by whichever process needs it:
    `status` lays out plans in forked children, each decoding its own share)."""

    def __init__(self, root: Path, config: Config):
        self._root = root
        self._config = config
        self._data: dict[str, Any] = {}
        self._files: dict[str, list[tuple[str, str, str]]] = {}

    def put(self, plan_id: str, value: dict[str, Series] | bytes, files: list[tuple[str, str, str]]) -> None:
        self._data[plan_id] = value
        self._files[plan_id] = files

    def __getitem__(self, plan_id: str) -> dict[str, Series]:
        value = self._data[plan_id]
        if isinstance(value, bytes):
            try:
                record = orjson.loads(value)
                if not (isinstance(record, dict) and all(_valid_series(r) for r in record.values())):
                    raise ValueError("shape")
                value = {ref: Series(rec) for ref, rec in record.items()}
            except ValueError:  # checksummed but unusable (forged?): count again from the files
                value = _series_from_files(self._root, self._config, plan_id, self._files[plan_id])
            self._data[plan_id] = value
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def _series_from_files(
    root: Path, config: Config, plan_id: str, files: list[tuple[str, str, str]]
) -> dict[str, Series]:
    from civtrack.compute import add_entry
    from civtrack.load import parse_progress

    ledger: dict = {}
    for rel, month, shown in files:
        entries, _ = parse_progress(_read(root, rel, config.max_file_bytes)[1], shown, plan_id, month, config)
        for index, item in enumerate(entries):
            add_entry(ledger, plan_id, item.entry, (month, index))
    return {ref: Series.from_days(days) for ref, days in ledger.get(plan_id, {}).items()}
