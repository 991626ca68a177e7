"""`make ui`'s launcher ends every process of dagster dev's group; the refresh progress display's words."""

import subprocess
import sys
import time

from orchestration.ui import QUIET_WARNINGS, end_group, group_alive

# A leader that ignores SIGINT and starts a child that ignores it too: like a code server that
# outlives dagster dev.
IGNORE_CTRL_C = "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
CHILD = IGNORE_CTRL_C + "time.sleep(600)"
STUBBORN = IGNORE_CTRL_C + f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', {CHILD!r}]); "
STUBBORN += "time.sleep(600)"


def test_a_group_that_ignores_ctrl_c_is_killed_after_the_grace_period():
    process = subprocess.Popen([sys.executable, "-c", STUBBORN], start_new_session=True)
    time.sleep(1.5)  # the child is started
    began = time.monotonic()
    end_group(process, grace_seconds=1)
    assert time.monotonic() - began < 5
    time.sleep(0.5)  # the orphaned child is reaped by init
    assert not group_alive(process.pid) or _only_zombies(process.pid)


# A leader that stops on Ctrl-C as a terminal program does, even when the test runs in the background (where
# SIGINT arrives ignored); it says when its handler is in place.
STOPS_ON_CTRL_C = (
    "import signal, sys, time; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "print('ready', flush=True); time.sleep(600)"
)


def test_a_group_that_stops_on_ctrl_c_is_not_waited_for():
    process = subprocess.Popen(
        [sys.executable, "-c", STOPS_ON_CTRL_C], start_new_session=True, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "ready"
    began = time.monotonic()
    end_group(process, grace_seconds=30)
    assert time.monotonic() - began < 5 and process.returncode is not None


def test_dagster_devs_supersession_notice_is_filtered_by_message():
    action, message = QUIET_WARNINGS.split(":", 1)
    assert action == "ignore" and message.startswith("Function `dev_command`")


def _only_zombies(group: int) -> bool:
    states = subprocess.run(["ps", "-o", "stat=", "-g", str(group)], capture_output=True, text=True).stdout.split()
    return all(state.startswith("Z") for state in states)


def test_the_progress_display_names_the_running_step_and_never_ends_on_starting():
    from orchestration.progress import step_description

    assert step_description([], set(), 13) == "starting"
    assert step_description(["raw_bulletins"], set(), 13) == "reading the inbox"
    assert step_description(["raw_bulletins", "fct_amount_parts_check"], {"raw_bulletins"}, 13).startswith("check ")
    steps = [f"step_{i}" for i in range(13)]
    assert step_description(steps, set(steps), 13) == "finishing"
