"""dbt, imported while the refresh does its other work: a fork server for the run's dbt commands.

Importing dbt takes 4-8 s on this machine (measured: ``dbt --version`` 4.5 s quiet), paid by every dbt command
before it does any work. A run starts this server when its resources are set up; the server imports dbt while
ingest and extraction run, then forks one child per dbt command, which runs it at once. dagster-dbt still starts
a process per command and streams its output: the launcher (``warm_dbt_client.py``) hands its own stdin, stdout
and stderr to the server, which runs dbt on them in the forked child and returns the exit status.

Nothing depends on the server: when it is not running, failed while importing, or is gone, the launcher runs the
installed dbt as before; FISCAL_WARM_DBT=off turns the server off. It is one process per run, in the run's process
group (killing the group kills it and any dbt it forked), and it exits when its parent does.

    python -m orchestration.warehouse.warm_dbt SOCKET_PATH PARENT_PID
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

CLIENT = Path(__file__).with_name("warm_dbt_client.py")
IDLE_CHECK_SECONDS = 1.0  # how often a waiting server looks whether its parent is gone


class WarmDbt:
    """The server of one run: started by ``start``, reached through ``launcher``, stopped by ``stop``."""

    def __init__(self, dbt_executable: str):
        self.dbt_executable = dbt_executable
        self.directory = Path(tempfile.mkdtemp(prefix="warm-dbt-"))
        self.socket_path = self.directory / "dbt.sock"
        self.launcher = self.directory / "dbt"
        self.process: subprocess.Popen | None = None

    def start(self) -> WarmDbt:
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "orchestration.warehouse.warm_dbt", str(self.socket_path), str(os.getpid())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_package_root(), os.getenv("PYTHONPATH")]))},
        )
        # The command dagster-dbt starts: the client, without site packages (it needs the standard library only).
        command = [sys.executable, "-I", "-S", str(CLIENT), str(self.socket_path), self.dbt_executable]
        self.launcher.write_text("#!/bin/sh\nexec " + " ".join(map(shlex.quote, command)) + ' "$@"\n')
        self.launcher.chmod(0o755)
        return self

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


# The server a process started ahead of its run (start_ahead), which the run's dbt resource then uses.
_started_ahead: WarmDbt | None = None


def start_ahead(dbt_executable: str) -> None:
    """Start this process's server now, before the run whose dbt resource will use it (``started_ahead``): dbt's
    import then overlaps the run's own start-up (the instance, the run's record, ingest, extraction) instead of
    only the steps before dbt. Stopped when this process exits (and it exits by itself if this process dies)."""
    global _started_ahead
    if _started_ahead is None and warm_dbt_enabled():
        _started_ahead = WarmDbt(dbt_executable).start()
        atexit.register(_started_ahead.stop)


def started_ahead(dbt_executable: str) -> WarmDbt | None:
    """The server ``start_ahead`` started for this dbt, if it is still running."""
    server = _started_ahead
    return server if server is not None and server.dbt_executable == dbt_executable and server.running() else None


def warm_dbt_enabled() -> bool:
    """On unless FISCAL_WARM_DBT=off: the fork server needs a POSIX system (fork, file descriptors over sockets)."""
    return os.name == "posix" and hasattr(socket, "send_fds") and os.getenv("FISCAL_WARM_DBT", "on") != "off"


def _package_root() -> str:
    """The folder holding the ``orchestration`` package this module was imported from."""
    return str(Path(__file__).resolve().parents[2])


def serve(socket_path: str, parent: int) -> dict | None:
    """Listen first (a client that connects while dbt imports waits in the backlog), import dbt, then fork a child
    for each request, one at a time, until the parent process is gone (it may be gone already).

    Returns None in the server; in a forked child, returns the request the child is to run as dbt."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(8)
    # The import this server exists for, and modules every `dbt build` loads after start-up (~0.8 s more).
    import dbt.adapters.duckdb.impl  # noqa: F401
    import dbt.cli.main  # noqa: F401
    import dbt.parser.manifest  # noqa: F401
    import dbt.task.build  # noqa: F401

    _build_validation_schemas()
    listener.settimeout(IDLE_CHECK_SECONDS)
    while os.getppid() == parent:
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            continue
        connection.settimeout(None)
        with connection:
            if (request := _serve_one(connection, listener)) is not None:
                return request
    return None


# The classes whose JSON schema every dbt command builds to validate the project, the profile and the results
# (~0.5 s; mashumaro keeps a class's schema once built, so a forked child finds them built).
VALIDATED_AT_START = {
    "dbt.contracts.project": ["Configuration", "Project", "ProjectFlags", "PackageConfig", "ProfileConfig"],
    "dbt.contracts.selection": ["SelectorFile"],
    "dbt.adapters.duckdb.credentials": ["DuckDBCredentials"],
    "dbt_common.contracts.constraints": ["ColumnLevelConstraint"],
    "dbt.task.test": ["TestResultData"],
}


def _build_validation_schemas() -> None:
    """Build VALIDATED_AT_START's schemas; a class a later dbt moved or renamed is skipped (only time is lost)."""
    for module_name, class_names in VALIDATED_AT_START.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in class_names:
            if hasattr(cls := getattr(module, name, None), "json_schema"):
                cls.json_schema()


def _serve_one(connection: socket.socket, listener: socket.socket) -> dict | None:
    """Fork a child for one request and report its pid and exit status; in the child, return the request.

    A request is one byte carrying the client's stdin, stdout and stderr, then JSON (argv0, args, cwd, env) up to
    the client's shutdown; the replies are the lines ``pid N`` and ``exit STATUS``."""
    _, fds, _, _ = socket.recv_fds(connection, 1, 3)
    message = b"".join(iter(lambda: connection.recv(65536), b""))  # the client ends its request with a shutdown
    if len(fds) != 3:
        for fd in fds:
            os.close(fd)
        return None
    request = json.loads(message)
    child = os.fork()
    if child == 0:
        listener.close()
        connection.close()
        for target, fd in enumerate(fds):  # the client's stdin, stdout and stderr become this process's
            os.dup2(fd, target)
            os.close(fd)
        return request
    for fd in fds:
        os.close(fd)
    connection.sendall(f"pid {child}\n".encode())
    _, status = os.waitpid(child, 0)
    connection.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
    return None


def run_dbt(request: dict) -> int:
    """In a forked child: run dbt as the client's process would (its directory, environment and arguments)."""
    from dbt.cli.main import cli

    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = [request["argv0"], *request["args"]]
    try:
        cli(prog_name="dbt")  # click's standalone mode ends with SystemExit
        return 0
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        request = serve(argv[0], parent=int(argv[1]))
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group; dbt's child handles its own
        Path(argv[0]).unlink(missing_ok=True)
        return 130
    if request is not None:
        exit_as_a_process_does(run_dbt(request))  # the forked child
    Path(argv[0]).unlink(missing_ok=True)
    return 0


def exit_as_a_process_does(status: int) -> None:
    """End the forked child with what a process's exit runs, without the interpreter's teardown. The exit handlers
    release dbt-duckdb's connection (DuckDB checkpoints as it closes, so no write-ahead log is left beside the
    database: a copy of the file alone would miss what it holds), close dbt's log files and unlink multiprocessing's
    semaphores. The teardown after them only frees dbt's objects one by one: ~1 s of every dbt command."""
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
