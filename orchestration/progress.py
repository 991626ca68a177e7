"""One progress display for a refresh, shared by `make run` and `fiscal add`.

The run executes in this process; a thread follows its step events in the Dagster instance's event
log and shows the step running now. Everything the run prints (dbt's log, Dagster's and Python's
warnings) goes to ``$WAREHOUSE_DIR/build/last_refresh.log``; the terminal gets the bar, then a
summary: the outcome, the checks, the time taken and where the log is.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from orchestration.settings import WarehousePaths

if TYPE_CHECKING:  # dagster loads in a second or two: only when a refresh runs
    import dagster as dg

# What each step of the refresh job does, in the words the progress display shows.
STEP_WORDS = {
    "raw_bulletins": "reading the inbox",
    "analyst_corrections": "reading the corrections",
    "reference_tables": "writing reference tables",
    "extracted_facts": "extracting facts",
    "warehouse_models": "building and testing the dbt models",
    "python_checks": "checking the marts",
    "published_warehouse": "publishing warehouse.duckdb",
    "provenance_report": "writing the provenance report",
}


def progress_bar(console: Console) -> Progress:
    """A bar that disappears when done (the summary replaces it) and never captures other output."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
        disable=not console.is_terminal,  # a log or a pipe gets the summary only
    )


def refresh_log_path(paths: WarehousePaths):
    return paths.warehouse_dir / "build" / "last_refresh.log"


def node_of(step_key: str) -> str:
    """The job's node a step belongs to: an op inside a graph-backed asset runs as ``asset.op`` (or
    ``asset.op[key]`` when mapped), e.g. the extract stage's ``extracted_facts.extract_shard[s0]``."""
    return step_key.split(".")[0]


def finished_nodes(started: list[str], finished: set[str]) -> set[str]:
    """Nodes with a finished step and none running (a graph-backed node has several steps)."""
    running = {node_of(step) for step in started if step not in finished}
    return {node_of(step) for step in finished} - running


def step_description(started: list[str], finished: set[str], total: int) -> str:
    """The step running now in words; 'finishing' between the last node and the run's end."""
    running = [step for step in started if step not in finished]
    if running:
        return STEP_WORDS.get(node_of(running[-1]), f"check {running[-1]}")
    done = finished_nodes(started, finished)
    return "finishing" if len(done) >= total else ("starting" if not done else "next step")


def refresh_with_progress_display(
    instance: dg.DagsterInstance, paths: WarehousePaths, console: Console, tags: dict[str, str] | None = None
) -> tuple[dg.ExecuteInProcessResult, list[str]]:
    """Run the refresh job with the bar; print the summary; return the result and the failed checks."""
    import dagster as dg

    from orchestration.build import execute_refresh, refresh_job

    step_events = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}
    total = len(refresh_job().graph.nodes)
    run_id = str(uuid.uuid4())  # chosen here, so the follower can read this run's events as they come
    log_path = refresh_log_path(paths)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    done = threading.Event()

    def follow(progress: Progress, task) -> None:
        while not done.wait(0.5):
            try:
                entries = instance.all_logs(run_id, of_type=step_events)
            except Exception:  # the event log may be busy for a moment: the bar just waits
                continue
            started = [e.step_key for e in entries if e.dagster_event.event_type == dg.DagsterEventType.STEP_START]
            finished = {e.step_key for e in entries if e.dagster_event.event_type != dg.DagsterEventType.STEP_START}
            progress.update(
                task,
                completed=len(finished_nodes(started, finished)),
                description=step_description(started, finished, total),
            )

    began = time.monotonic()
    with progress_bar(console) as progress, open(log_path, "w", encoding="utf-8") as log:
        task = progress.add_task("starting", total=total)
        follower = threading.Thread(target=follow, args=(progress, task), daemon=True)
        follower.start()
        try:
            with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
                result, failed, lines = execute_refresh(instance, run_id=run_id, paths=paths, tags=tags)
        finally:
            done.set()
            follower.join()
    for line in lines:  # soft_wrap: a long path or message stays one line, whatever the width
        console.print(escape(line), soft_wrap=True)
    console.print(f"took {time.monotonic() - began:.0f} s; dbt's log and warnings: {log_path}", soft_wrap=True)
    return result, failed
