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


def _run(job: dict[str, Any]) -> dict[str, Any]:
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
    deadline = time.monotonic() + job["timeout"]
    timed_out = False
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            timed_out, status = True, -signal.SIGKILL
            break
        time.sleep(0.002)
    code = status if timed_out else os.waitstatus_to_exitcode(status)
    return {"returncode": code, "timed_out": timed_out}


def serve() -> None:
    # Everything a command may import, imported once here (the children inherit it).
    import civtrack.cli  # noqa: F401
    from civtrack.commands import COMMANDS

    for name in COMMANDS:
        __import__(f"civtrack.commands.{name}")
    for module in ("cache", "check", "compute", "diffing", "git", "load", "oneplan", "store", "render.table"):
        __import__(f"civtrack.{module}")
    for line in sys.stdin:
        print(json.dumps(_run(json.loads(line))), flush=True)


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

    def run(
        self, args: list[str], cwd: Path, env: dict[str, str], timeout: float = 60, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.count += 1
        out, err = self.scratch / f"{self.count}.out", self.scratch / f"{self.count}.err"
        job = {"args": args, "cwd": str(cwd), "env": env, "stdout": str(out), "stderr": str(err), "timeout": timeout}
        if input is not None:
            job["stdin"] = str(self.scratch / f"{self.count}.in")
            Path(job["stdin"]).write_text(input, encoding="utf-8")
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the fork server ended (exit {self.proc.wait()}); its error is above")
        answer = json.loads(line)
        if answer["timed_out"]:
            raise subprocess.TimeoutExpired(["civtrack", *args], timeout)
        result = subprocess.CompletedProcess(
            ["civtrack", *args],
            answer["returncode"],
            out.read_bytes().decode("utf-8", "surrogateescape"),
            err.read_bytes().decode("utf-8", "surrogateescape"),
        )
        for used in self.scratch.glob(f"{self.count}.*"):
            used.unlink()
        return result

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


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
