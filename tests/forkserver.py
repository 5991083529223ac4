"""Many runs of the civtrack command line at the cost of a fork each: a fork server.

A run of the installed console script spends about 0.3 s of CPU starting Python and importing civtrack
(pydantic, rich, typer, PyYAML) before it reads a byte; the bad-input corpus makes about 700 runs. The
server (this file, run as a process of its own) imports civtrack once, then runs each job in a child
forked from it: a real process with its own working folder, environment, standard streams (files) and
exit status, calling ``civtrack.cli.main``, the function the console script calls. What the fork skips
is only the interpreter's start-up and the imports; tests/test_bad_inputs.py checks on a sample of cases
that the installed console script gives the same exit codes and bytes.

Protocol: one JSON job per line on stdin ``{"args", "cwd", "env", "stdout", "stderr", "timeout"}`` (the
two streams are file paths), one JSON answer per line on stdout ``{"returncode", "timed_out"}``.
"""

from __future__ import annotations

import atexit
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


def _streams(env: dict[str, str]) -> None:
    """sys.stdin/out/err on fds 0/1/2 as a new interpreter would make them: PYTHONIOENCODING for the
    encoding and stdout's error handler, stderr always with backslashreplace."""
    encoding, _, errors = env.get("PYTHONIOENCODING", "").partition(":")
    encoding = encoding or "utf-8"
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding=encoding, errors=errors or "strict")
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding=encoding, errors=errors or "strict")
    sys.stderr = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False), encoding=encoding, errors="backslashreplace", line_buffering=True
    )


def _child(job: dict[str, Any]) -> int:
    from civtrack.cli import main

    os.chdir(job["cwd"])
    os.environ.clear()
    os.environ.update(job["env"])
    for fd, path, flags in (
        (0, job.get("stdin") or os.devnull, os.O_RDONLY),
        (1, job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
        (2, job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
    ):
        opened = os.open(path, flags, 0o600)
        os.dup2(opened, fd)
        os.close(opened)
    _streams(job["env"])
    sys.argv = ["civtrack", *job["args"]]
    code: object = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)  # what Python does with sys.exit("text")
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 120  # Python's status when it cannot flush stdout at exit
    return code


def _start(job: dict[str, Any]) -> int:
    """Fork a child that runs the job; its pid."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into the server's loop
        status = 70
        try:
            status = _child(job)
        except BaseException:  # noqa: BLE001 - a failure of the harness itself, shown to the test
            import traceback

            traceback.print_exc()
        finally:
            os._exit(status)
    return pid


def _wait(pid: int, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return {"returncode": os.waitstatus_to_exitcode(status), "timed_out": False}
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return {"returncode": -signal.SIGKILL, "timed_out": True}
        time.sleep(0.002)


def _run(job: dict[str, Any]) -> dict[str, Any]:
    return _wait(_start(job), job["timeout"])


def _answer(job: dict[str, Any], finished: dict[int, int | None]) -> dict[str, Any]:
    """One request: run a job to its end, or spawn one and answer its pid, poll it, or wait for it."""
    op = job.get("op", "run")
    if op == "run":
        return _run(job)
    if op == "spawn":
        pid = _start(job)
        finished[pid] = None
        return {"pid": pid}
    pid = job["pid"]
    if finished[pid] is None:
        if op == "poll":
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                finished[pid] = os.waitstatus_to_exitcode(status)
        else:
            finished[pid] = _wait(pid, job["timeout"])["returncode"]
    return {"returncode": finished[pid]}


def serve() -> None:
    # Every module of civtrack imported once here, and what the commands import lazily (rich's tables,
    # typer's help): the children inherit them, and each run costs only its own work.
    import pkgutil

    import civtrack

    for module in pkgutil.walk_packages(civtrack.__path__, "civtrack."):
        if not module.name.endswith("__main__"):
            __import__(module.name)
    for name in ("rich.console", "rich.table", "rich.text", "rich.markdown", "typer.rich_utils"):
        __import__(name)
    finished: dict[int, int | None] = {}  # spawned children: their exit code once reaped
    for line in sys.stdin:
        print(json.dumps(_answer(json.loads(line), finished)), flush=True)


class ForkServer:
    """One server process; `run` is used by one thread at a time (see `run_shared`)."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.count = 0
        self.proc = subprocess.Popen(
            [sys.executable, __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={key: value for key, value in os.environ.items() if key != "CIVTRACK_ROOT"},
        )

    def _ask(self, job: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the fork server ended (exit {self.proc.wait()}); its error is above")
        return json.loads(line)

    def _job(
        self, args: list[str], cwd: Path, env: dict[str, str], timeout: float, input: str | None
    ) -> dict[str, Any]:
        self.count += 1
        out, err = self.scratch / f"{self.count}.out", self.scratch / f"{self.count}.err"
        job = {"args": args, "cwd": str(cwd), "env": env, "stdout": str(out), "stderr": str(err), "timeout": timeout}
        # Made here, not only by the child: a child killed before it opens them still leaves them (empty).
        out.write_bytes(b"")
        err.write_bytes(b"")
        if input is not None:
            job["stdin"] = str(self.scratch / f"{self.count}.in")
            Path(job["stdin"]).write_text(input, encoding="utf-8")
        return job

    def _result(self, job: dict[str, Any], returncode: int) -> subprocess.CompletedProcess[str]:
        out, err = Path(job["stdout"]), Path(job["stderr"])
        result = subprocess.CompletedProcess(
            ["civtrack", *job["args"]],
            returncode,
            out.read_bytes().decode("utf-8", "surrogateescape"),
            err.read_bytes().decode("utf-8", "surrogateescape"),
        )
        for used in (out, err, Path(job.get("stdin") or out)):
            used.unlink(missing_ok=True)
        return result

    def run(
        self, args: list[str], cwd: Path, env: dict[str, str], timeout: float = 60, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        job = self._job(args, cwd, env, timeout, input)
        answer = self._ask(job)
        if answer["timed_out"]:
            raise subprocess.TimeoutExpired(["civtrack", *args], timeout)
        return self._result(job, answer["returncode"])

    def spawn(self, args: list[str], cwd: Path, env: dict[str, str]) -> Spawned:
        """Start a run and return at once (for tests that kill it): a Popen-like handle."""
        job = self._job(args, cwd, env, 60, None)
        return Spawned(self, job, self._ask({**job, "op": "spawn"})["pid"])

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


class Spawned:
    """A run started by ``ForkServer.spawn``: poll, send_signal and communicate, as with subprocess.Popen."""

    def __init__(self, server: ForkServer, job: dict[str, Any], pid: int) -> None:
        self.server, self.job, self.pid = server, job, pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.server._ask({"op": "poll", "pid": self.pid})["returncode"]
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def communicate(self, timeout: float = 60) -> tuple[str, str]:
        self.returncode = self.server._ask({"op": "wait", "pid": self.pid, "timeout": timeout})["returncode"]
        result = self.server._result(self.job, self.returncode)
        return result.stdout, result.stderr


_SHARED: ForkServer | None = None
_SHARED_LOCK = threading.Lock()


def shared() -> ForkServer:
    """This test process's server (made on first use; it ends when the process closes its pipe)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None or _SHARED.proc.poll() is not None:
            _SHARED = ForkServer(Path(tempfile.mkdtemp(prefix="civtrack-forks-")))
            atexit.register(_SHARED.close)
        return _SHARED


def run_shared(
    args: list[str], cwd: Path, env: dict[str, str], timeout: float = 120, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """A run through this process's server; one at a time (the server runs its jobs in turn)."""
    server = shared()
    with _SERVER_TURN:
        return server.run(args, cwd, env, timeout, input)


_SERVER_TURN = threading.Lock()


if __name__ == "__main__":
    serve()
