"""The dbt command a run's dbt resource starts when a warm dbt server is up (warm_dbt.py).

    python -I -S warm_dbt_client.py SOCKET_PATH INSTALLED_DBT [DBT ARGUMENTS...]

Hands this process's stdin, stdout and stderr to the server with the arguments, directory and environment,
forwards SIGINT and SIGTERM to the dbt process the server forks, and exits with its status. When the server
cannot take the command (not listening, or gone before it started dbt), it runs the installed dbt instead.
Standard library only: it starts without site packages, in milliseconds.
"""

import json
import os
import signal
import socket
import sys


def run_installed(dbt: str, args: list[str], pending: list[int]) -> int:
    """The installed dbt in place of this process, unless a signal already asked to stop."""
    if pending:
        return 128 + pending[0]
    os.execv(dbt, [dbt, *args])


def main() -> int:
    socket_path, installed_dbt, *args = sys.argv[1:]
    dbt_pid: int | None = None
    pending: list[int] = []  # a signal that came before dbt started: forwarded once it has

    def forward(signum, _frame):
        if dbt_pid is None:
            pending.append(signum)
            return
        try:
            os.kill(dbt_pid, signum)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.connect(socket_path)
        request = {"argv0": installed_dbt, "args": args, "cwd": os.getcwd(), "env": dict(os.environ)}
        socket.send_fds(server, [b"R"], [0, 1, 2])
        server.sendall(json.dumps(request).encode())
        server.shutdown(socket.SHUT_WR)  # the request is complete: the server reads to its end
    except OSError:
        return run_installed(installed_dbt, args, pending)
    replies = server.makefile("r")
    started = replies.readline().split()
    if started[:1] != ["pid"]:  # the server died before forking dbt: nothing ran
        return run_installed(installed_dbt, args, pending)
    dbt_pid = int(started[1])
    for signum in pending:
        forward(signum, None)
    finished = replies.readline().split()
    if finished[:1] != ["exit"]:
        print(f"warm dbt: the server exited while dbt (pid {dbt_pid}) ran", file=sys.stderr)
        return 1
    code = int(finished[1])
    return code if code >= 0 else 128 - code  # killed by a signal: as a shell reports it


if __name__ == "__main__":
    sys.exit(main())
