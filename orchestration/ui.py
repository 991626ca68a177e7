"""`make ui`: the Dagster UI (``dagster dev``), and Ctrl-C ends every process it started.

``dagster dev`` starts a webserver, a daemon and code servers, and after Ctrl-C some of them outlived
it by a minute or more. Here it runs in a process group of its own: Ctrl-C (or SIGTERM) is passed to
the whole group, and whatever is still alive ``GRACE_SECONDS`` later is killed. The instance's
dagster.yaml (telemetry off) is written first, as for `make run`.

    python -m orchestration.ui [dagster dev options, e.g. -p 3001]
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from orchestration.instance import ensure_dagster_home
from orchestration.settings import PROJECT_ROOT

GRACE_SECONDS = 10
# dagster dev names its successor (`dg dev`) in a warning on every start: not the user's concern.
QUIET_WARNINGS = "ignore:Function `dev_command` is superseded"


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def end_group(process: subprocess.Popen, grace_seconds: float = GRACE_SECONDS) -> None:
    """Interrupt the group (dagster dev's own shutdown), wait ``grace_seconds``, then kill what is left."""
    group = process.pid  # the leader of its own session, so the group id is its pid
    if group_alive(group):
        os.killpg(group, signal.SIGINT)
    deadline = time.monotonic() + grace_seconds
    while time.monotonic() < deadline:
        process.poll()  # reap the leader, so that a finished leader does not keep the group "alive"
        if not group_alive(group):
            return
        time.sleep(0.2)
    if group_alive(group):
        os.killpg(group, signal.SIGKILL)
    process.wait()


def main(argv: list[str] | None = None) -> int:
    ensure_dagster_home()
    warnings = ",".join(filter(None, [os.environ.get("PYTHONWARNINGS"), QUIET_WARNINGS]))
    dagster = Path(sys.executable).parent / "dagster"
    process = subprocess.Popen(
        [str(dagster), "dev", "-w", "workspace.yaml", *(argv if argv is not None else sys.argv[1:])],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONWARNINGS": warnings},
        start_new_session=True,  # the terminal's Ctrl-C reaches this process only; it ends the group
    )
    stop_requested = False

    def request_stop(signum, frame) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    while process.poll() is None and not stop_requested:
        time.sleep(0.2)
    end_group(process)  # also after dagster dev exits on its own: no code server is left behind
    return 0 if stop_requested else process.returncode


if __name__ == "__main__":
    sys.exit(main())
