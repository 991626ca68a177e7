"""The warm dbt server: a command through it is the installed dbt's, and without it the installed dbt runs."""

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from orchestration.warehouse.project import DBT_EXECUTABLE
from orchestration.warehouse.warm_dbt import CLIENT, WarmDbt

SLEEP_UNTIL_TERMINATED = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_DFL); print('ready', flush=True); time.sleep(60)"
)
slow = pytest.mark.slow  # each real server imports dbt (4-8 s)


def run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture
def warm():
    server = WarmDbt(DBT_EXECUTABLE).start()
    yield server
    server.stop()


@slow
def test_a_command_through_the_server_prints_and_exits_as_the_installed_dbt(warm):
    installed_help, warm_help = run([DBT_EXECUTABLE, "--help"]), run([str(warm.launcher), "--help"])
    assert warm_help.returncode == installed_help.returncode == 0
    assert warm_help.stdout == installed_help.stdout
    assert warm_help.stdout.startswith("Usage: dbt ")

    refused = run([str(warm.launcher), "--no-such-option"])
    assert refused.returncode == run([DBT_EXECUTABLE, "--no-such-option"]).returncode == 2
    assert "No such option" in refused.stderr
    assert warm.running()  # each command runs in a forked child: the server serves the next one


@slow
def test_without_a_listening_server_the_launcher_runs_the_installed_dbt(warm):
    warm.process.kill()
    warm.process.wait()
    help_text = run([str(warm.launcher), "--help"])
    assert help_text.returncode == 0
    assert help_text.stdout == run([DBT_EXECUTABLE, "--help"]).stdout


@slow
def test_the_server_exits_with_the_process_that_started_it(tmp_path):
    """A refresh killed without its teardown (kill -9 of the run's process) leaves no server behind."""
    starter = textwrap.dedent(
        f"""
        import os, sys
        from orchestration.warehouse.warm_dbt import WarmDbt
        server = WarmDbt({DBT_EXECUTABLE!r}).start()
        print(server.process.pid, flush=True)
        os._exit(0)
        """
    )
    started = subprocess.run([sys.executable, "-c", starter], capture_output=True, text=True, check=True, timeout=60)
    server_pid = int(started.stdout.strip())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _alive(server_pid):
        time.sleep(0.2)
    assert not _alive(server_pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child of no one is reaped by init; until then it counts as gone.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_a_signal_to_the_launcher_reaches_the_process_the_server_started(tmp_path):
    """dagster-dbt stops a cancelled command by signalling the process it started: the launcher passes the signal
    on to the dbt the server forked. A stand-in server here: it answers with the pid of a sleeping process."""
    socket_path = str(tmp_path / "dbt.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(1)
    launcher = subprocess.Popen([sys.executable, "-I", "-S", str(CLIENT), socket_path, "/bin/false", "build"])
    connection, _ = listener.accept()
    _, fds, _, _ = socket.recv_fds(connection, 1, 3)
    request = json.loads(b"".join(iter(lambda: connection.recv(65536), b"")))
    for fd in fds:
        os.close(fd)
    assert (len(fds), request["args"], request["cwd"]) == (3, ["build"], os.getcwd())
    # A process that stops on SIGTERM whatever its parent ignores (a disposition set to ignore is inherited).
    sleeper = subprocess.Popen([sys.executable, "-c", SLEEP_UNTIL_TERMINATED], stdout=subprocess.PIPE, text=True)
    assert sleeper.stdout.readline() == "ready\n"
    connection.sendall(f"pid {sleeper.pid}\n".encode())
    launcher.send_signal(signal.SIGTERM)
    assert sleeper.wait(timeout=30) == -signal.SIGTERM
    connection.sendall(f"exit {-signal.SIGTERM}\n".encode())
    assert launcher.wait(timeout=30) == 128 + signal.SIGTERM


@slow
def test_a_run_uses_the_server_started_ahead_of_it_and_leaves_it_running():
    """`make run` starts the server before its run (start_ahead); the run's dbt resource uses it and does not stop it:
    the command that started it does, when it exits."""
    script = textwrap.dedent(
        f"""
        from orchestration.warehouse import warm_dbt
        from orchestration.warehouse.project import dbt_cli
        warm_dbt.start_ahead({DBT_EXECUTABLE!r})
        ahead = warm_dbt.started_ahead({DBT_EXECUTABLE!r})
        resource = dbt_cli()
        resource.setup_for_execution(None)
        print(resource._warm is ahead)
        resource.teardown_after_execution(None)
        print(ahead.running())
        print(ahead.process.pid)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(CLIENT.parents[2]), os.getenv("PYTHONPATH", "")])}
    printed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env, timeout=60
    ).stdout.split()
    assert printed[:2] == ["True", "True"]
    pid = int(printed[2])
    for _ in range(100):  # stopped at the starter's exit
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the server started ahead outlived the process that started it")


@slow
def test_a_table_written_through_the_server_is_in_the_database_file_alone(warm, tmp_path):
    """The forked dbt ends without the interpreter's teardown, but with the exit handlers that close DuckDB: the
    database is checkpointed, no write-ahead log is left, and a copy of the file alone holds the table (the
    publish copies the build database's file)."""
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: probe\nversion: '1.0'\nconfig-version: 2\nprofile: probe\nmodel-paths: [models]\n"
        "flags:\n  send_anonymous_usage_stats: false\n"
    )
    database = tmp_path / "probe.duckdb"
    (project / "profiles.yml").write_text(
        f"probe:\n  target: t\n  outputs:\n    t:\n      type: duckdb\n      path: {database}\n      threads: 1\n"
    )
    (project / "models" / "probe_table.sql").write_text(
        "{{ config(materialized='table') }}\nselect range as n from range(1000)\n"
    )
    built = subprocess.run(
        [str(warm.launcher), "run", "--project-dir", str(project), "--profiles-dir", str(project)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=project,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert not database.with_name(database.name + ".wal").exists()
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(database.read_bytes())
    import duckdb

    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("select count(*), sum(n) from probe_table").fetchall() == [(1000, 499500)]
