"""Work split between this process and forked children, for commands that lay out many plans.

Once the cache is warm, what is left of `status` and `report` on a thousand plans is evaluating and
laying out each plan, which is independent from plan to plan. So the plans are cut into contiguous
shares: forked children each do one share (they inherit the opened repository, so nothing is read
twice) and send back their result, pickled, through a pipe; this process does the first share itself,
then collects the others in order. A child that fails is not trusted: its share is done again here,
so any error is raised, and reported, by this process as usual.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# At most this many processes, whatever the machine: beyond it the pickling outweighs the gain.
MAX_WORKERS = 8
# Items per share when this process does every share itself (one process: CIVTRACK_WORKERS=1).
SERIAL_SHARE = 64


def workers() -> int:
    """Processes to use: the cores this process may run on (its affinity, which also reflects a
    container's cpuset), at most MAX_WORKERS; CIVTRACK_WORKERS overrides (1: no fork)."""
    wanted = os.environ.get("CIVTRACK_WORKERS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return min(int(wanted), MAX_WORKERS)
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def map_shares(
    work: Callable[[list[Item]], Result],
    items: Sequence[Item],
    processes: int,
    emit: Callable[[Result], None] | None = None,
) -> list[Result]:
    """``work`` of each contiguous share of ``items``, in order, over up to ``processes`` processes.

    ``work`` must depend only on its share and on what this process holds before the call (a child
    sees a copy of it), and its result must pickle. With ``emit``, each result is given to it, in
    order, as soon as it is there (and dropped: the list returned is empty), so that a large output
    is written share by share instead of held whole."""
    items = list(items)
    results: list[Result] = []
    keep = results.append if emit is None else emit
    if processes < 2 or len(items) < 2 or not hasattr(os, "fork"):
        # In shares here too, each kept (or emitted) before the next is done: what a share builds on
        # the way (its plans' statuses, their tables) is not held for a thousand plans at once.
        for start in range(0, max(len(items), 1), SERIAL_SHARE):
            keep(work(items[start : start + SERIAL_SHARE]))
        return results
    step = -(-len(items) // min(processes, len(items)))
    shares = [items[i : i + step] for i in range(0, len(items), step)]
    children: list[tuple[int, int]] = []
    for share in shares[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: its share's result through the pipe, then leave without any cleanup
            code = 0
            try:
                os.close(read_end)
                data = pickle.dumps(work(share), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(data)
            except BaseException:  # noqa: BLE001 - the parent does the share itself then
                code = 1
            os._exit(code)
        os.close(write_end)
        children.append((pid, read_end))
    try:
        keep(work(shares[0]))
        for index, (share, (pid, read_end)) in enumerate(zip(shares[1:], children, strict=True)):
            with os.fdopen(read_end, "rb") as pipe:
                children[index] = (pid, -1)
                data = pipe.read()
            _, status = os.waitpid(pid, 0)
            children[index] = (-1, -1)
            # Our own child's bytes, unpickled only when it finished well.
            result = pickle.loads(data) if status == 0 and data else work(share)
            del data
            keep(result)
            del result
    except BaseException:
        for pid, read_end in children:  # nobody will read their work: stop them, leave no zombie
            if pid > 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            if read_end >= 0:
                os.close(read_end)
        raise
    return results
