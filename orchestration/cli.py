"""`fiscal`: the warehouse from the command line.

    fiscal query SQL [--csv PATH | --parquet PATH] [--limit N]   read-only SQL on the published warehouse
    fiscal add FILE... [--no-refresh]                            check bulletins, put them in the inbox, refresh
        [--url URL] [--published DATE] [--locality NAME] [--title T]  and record where they came from (sources.csv)
    fiscal status                                                files by status, last refresh, failing checks
    fiscal explain AMOUNT_ID                                     a figure, its sentence, and how it was decided

Paths come from BULLETINS_DIR and WAREHOUSE_DIR as everywhere (``orchestration.settings``); the
Dagster instance is DAGSTER_HOME, or the project's ``.dagster_home`` as under ``make``. Queries only
ever open the published ``warehouse.duckdb``, read-only: the build database belongs to the pipeline.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import sys
import threading
import uuid
from decimal import Decimal
from pathlib import Path

import duckdb
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from orchestration.extract.sources import SOURCES_FILE, SourceMetadata, read_sources, valid_published, write_sources
from orchestration.ingest.decode import decode_bulletin
from orchestration.ingest.inbox import MAX_BULLETIN_BYTES, bulletin_id_for
from orchestration.provenance import figure_in_sentence
from orchestration.settings import PROJECT_ROOT, WarehousePaths

DEFAULT_LIMIT = 50
# What each step of the refresh job does, in the words the progress display shows.
STEP_WORDS = {
    "raw_bulletins": "reading the inbox",
    "reference_tables": "writing reference tables",
    "extracted_facts": "extracting facts",
    "warehouse_models": "building and testing the dbt models",
    "published_warehouse": "publishing warehouse.duckdb",
    "provenance_report": "writing the provenance report",
}


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or PROJECT_ROOT / ".dagster_home")


def _published(paths: WarehousePaths) -> Path:
    if not paths.published_database.exists():
        raise CliError(
            f"no published warehouse at {paths.published_database}: run `fiscal add FILE...` or `make run` first"
        )
    return paths.published_database


def _connect(paths: WarehousePaths) -> duckdb.DuckDBPyConnection:
    """The published warehouse, read-only: a reader never blocks or sees a refresh half done."""
    return duckdb.connect(str(_published(paths)), read_only=True)


def _cell(value) -> Text:
    if value is None:
        return Text("NULL", style="dim")
    if isinstance(value, Decimal):
        return Text(format(value, ",f"))
    if isinstance(value, float):
        return Text(f"{value:,.4g}")
    return Text(str(value))


def render_table(columns: list[str], rows: list[tuple], title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False, header_style="bold")
    for i, name in enumerate(columns):
        numeric = any(isinstance(r[i], int | float | Decimal) and not isinstance(r[i], bool) for r in rows)
        table.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    return table


# query ---------------------------------------------------------------------------------------
def cmd_query(args: argparse.Namespace, console: Console) -> int:
    paths = WarehousePaths.from_env()
    with _connect(paths) as con:
        export = args.csv or args.parquet
        if export:
            with console.status(f"writing {export} …"):
                relation = con.sql(args.sql)
                if relation is None:
                    raise CliError("the statement returns no rows to export")
                # The relation API writes through DuckDB's COPY; the path is an argument, never SQL text.
                if args.csv:
                    relation.write_csv(str(args.csv), header=True)
                    count_sql = "select count(*) from read_csv(?, header = true)"
                else:
                    relation.write_parquet(str(args.parquet))
                    count_sql = "select count(*) from read_parquet(?)"
                rows = con.execute(count_sql, [str(export)]).fetchone()[0]
            console.print(f"wrote {rows} row(s) to {export}")
            return 0
        with console.status("running query …"):
            cursor = con.execute(args.sql)
            if cursor.description is None:
                console.print("done (the statement returns no rows)")
                return 0
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchmany(args.limit + 1)
    shown = rows[: args.limit]
    console.print(render_table(columns, shown))
    if len(rows) > args.limit:
        console.print(f"[dim]first {args.limit} rows shown; --limit N shows more, --csv/--parquet exports all[/dim]")
    else:
        console.print(f"[dim]{len(shown)} row(s)[/dim]")
    return 0


# add -----------------------------------------------------------------------------------------
def check_bulletin(path: Path) -> str | None:
    """Why ``path`` cannot go into the inbox, or None when it can."""
    if not path.is_file():
        return "no such file"
    if path.suffix.lower() != ".txt":
        return "the inbox only reads *.txt files: rename it to .txt"
    if path.stat().st_size > MAX_BULLETIN_BYTES:
        return f"larger than {MAX_BULLETIN_BYTES // 2**20} MiB"
    decoded = decode_bulletin(path.read_bytes())
    return None if decoded.ok else decoded.reason


def place_in_inbox(path: Path, inbox: Path) -> tuple[bool, str]:
    """Copy ``path`` into the inbox atomically; (copied, what happened). Never overwrites another file."""
    target = inbox / path.name
    if target.exists():
        if target.read_bytes() == path.read_bytes():
            return False, f"already in the inbox as {target.name}"
        return False, f"refused: a different file named {target.name} is already in the inbox (rename yours)"
    # Hidden while being written (the inbox skips dot files), then renamed: a refresh running now
    # never reads half a file.
    tmp = inbox / f".{path.name}.{os.getpid()}.tmp"
    shutil.copyfile(path, tmp)
    os.replace(tmp, target)
    return True, f"added as {target.name}"


def record_sources(inbox: Path, names: list[str], given: SourceMetadata) -> None:
    """Set the source metadata of the inbox files ``names`` in the inbox's sources.csv (others kept)."""
    path = inbox / SOURCES_FILE
    sources = read_sources(path)
    for name in names:
        sources[name] = given
    write_sources(path, sources)


def _source_of(args: argparse.Namespace) -> SourceMetadata | None:
    given = SourceMetadata(
        url=args.url or "", published=args.published or "", locality=args.locality or "", title=args.title or ""
    )
    return None if given == SourceMetadata() else given


def known_bulletins(paths: WarehousePaths) -> dict[str, str]:
    """bulletin_id -> source file of the bulletins already in the published warehouse."""
    if not paths.published_database.exists():
        return {}
    with _connect(paths) as con:
        return dict(con.execute("select bulletin_id, source_file from dim_bulletin").fetchall())


def cmd_add(args: argparse.Namespace, console: Console) -> int:
    paths = WarehousePaths.from_env()
    paths.bulletins_dir.mkdir(parents=True, exist_ok=True)
    known = known_bulletins(paths)
    source = _source_of(args)
    if source is not None and not valid_published(source.published):
        console.print(f"[red]✗[/red] --published {escape(source.published)}: use YYYY-MM-DD, YYYY-MM or YYYY")
        return 2
    copied, refused = 0, 0
    in_inbox: list[str] = []
    with _progress(console) as progress:
        task = progress.add_task("checking bulletins", total=len(args.files))
        for path in args.files:
            reason = check_bulletin(path)
            if reason is not None:
                refused += 1
                console.print(f"[red]✗[/red] {escape(str(path))}: refused, {escape(reason)}")
            else:
                placed, what = place_in_inbox(path, paths.bulletins_dir)
                copied += placed
                if not what.startswith("refused"):
                    in_inbox.append(path.name)
                refused += what.startswith("refused")
                mark = "[green]✓[/green]" if placed else ("[red]✗[/red]" if what.startswith("refused") else "·")
                same = known.get(bulletin_id_for(decode_bulletin(path.read_bytes()).text))
                note = f" (same text as {same}: it will be counted once, as a duplicate)" if same and placed else ""
                console.print(f"{mark} {escape(str(path))}: {escape(what)}{escape(note)}")
            progress.advance(task)
    if source is not None and in_inbox:
        record_sources(paths.bulletins_dir, in_inbox, source)
        console.print(f"source recorded for {len(in_inbox)} file(s) in {paths.bulletins_dir / SOURCES_FILE}")
    console.print(f"{copied} added, {refused} refused, inbox {paths.bulletins_dir}")
    ok = refused == 0
    if args.no_refresh:
        console.print(
            "not refreshed (--no-refresh): run `fiscal add` again, `make run`, or let the sensor pick them up"
        )
        return 0 if ok else 1
    return 0 if refresh_with_progress(paths, console) and ok else 1


def _progress(console: Console) -> Progress:
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
    )


def refresh_with_progress(paths: WarehousePaths, console: Console) -> bool:
    """Refresh as ``make run`` does (recorded in the Dagster instance) with a bar over the job's steps.

    The run executes here; a thread follows its step events in the instance's event log. dbt's own
    output goes to ``build/last_refresh.log`` instead of the terminal.
    """
    from orchestration.freshness import stale_reason  # imports the extractor: only when refreshing

    reason = stale_reason(paths)
    if reason is None:
        console.print("warehouse is current: nothing to refresh")
        return True
    console.print(f"refreshing: {reason}")
    with console.status("loading the pipeline …"):
        import dagster as dg

        from orchestration.build import execute_refresh, refresh_job

        home = dagster_home()
        home.mkdir(parents=True, exist_ok=True)
        os.environ["DAGSTER_HOME"] = str(home)
        instance = dg.DagsterInstance.get()
        total = len(refresh_job().graph.nodes)
    run_id = str(uuid.uuid4())  # chosen here, so the follower can read this run's events as they come
    log_path = paths.warehouse_dir / "build" / "last_refresh.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    done = threading.Event()

    def follow(progress: Progress, task) -> None:
        step_events = {
            dg.DagsterEventType.STEP_START,
            dg.DagsterEventType.STEP_SUCCESS,
            dg.DagsterEventType.STEP_FAILURE,
        }
        while not done.wait(0.5):
            started, finished = [], set()
            try:
                entries = instance.all_logs(run_id, of_type=step_events)
            except Exception:  # the event log may be busy for a moment: the bar just waits
                continue
            for entry in entries:
                if entry.dagster_event.event_type == dg.DagsterEventType.STEP_START:
                    started.append(entry.step_key)
                else:
                    finished.add(entry.step_key)
            running = [s for s in started if s not in finished]
            words = STEP_WORDS.get(running[-1], f"check {running[-1]}") if running else "starting"
            progress.update(task, completed=len(finished), description=words)

    with _progress(console) as progress, open(log_path, "w") as log:
        task = progress.add_task("starting", total=total)
        follower = threading.Thread(target=follow, args=(progress, task), daemon=True)
        follower.start()
        try:
            with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
                _, failed, lines = execute_refresh(instance, run_id=run_id, paths=paths)
        finally:
            done.set()
            follower.join()
    for line in lines:
        console.print(escape(line))
    succeeded = lines[0].endswith("succeeded") and not failed
    if not succeeded:
        console.print(f"[red]refresh failed[/red]: the last good warehouse stays published; dbt's output: {log_path}")
    return succeeded


# status --------------------------------------------------------------------------------------
def check_results(home: Path) -> tuple[str, list[tuple[str, str, str]]]:
    """('ok' | 'unknown: why', [(check, severity, run_id) of failing checks]) from the Dagster instance."""
    if not home.is_dir():
        return f"unknown: no Dagster instance at {home} (set DAGSTER_HOME)", []
    import dagster as dg

    from orchestration.definitions import defs

    logging.getLogger("dagster").setLevel(logging.ERROR)  # not the "no dagster.yaml" notice
    instance = dg.DagsterInstance.from_config(str(home))
    keys = list(defs.resolve_asset_graph().asset_check_keys)
    records = instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
    if not records:
        return "unknown: no check has run in this Dagster instance", []
    failing = []
    for key, record in sorted(records.items(), key=lambda kv: kv[0].to_user_string()):
        evaluation = record.event.dagster_event.event_specific_data if record.event else None
        if evaluation is not None and getattr(evaluation, "passed", True) is False:
            failing.append((key.to_user_string(), evaluation.severity.value.lower(), record.run_id))
    return f"{len(records)} checks with results, {len(failing)} failing", failing


def cmd_status(args: argparse.Namespace, console: Console) -> int:
    paths = WarehousePaths.from_env()
    with _connect(paths) as con:
        statuses = con.execute(
            "select status, count(*) filter (where not is_removed), count(*) filter (where is_removed) "
            "from bulletin_files group by 1 order by 1"
        ).fetchall()
        quarantined = con.execute(
            "select source_file, reason from bulletin_files where status = 'quarantined' and not is_removed order by 1"
        ).fetchall()
        removed = con.execute(
            "select source_file, status, removed_at from bulletin_files where is_removed order by 1"
        ).fetchall()
        build = con.execute("select run_id, published_at from warehouse_build").fetchone()
        facts = con.execute("select (select count(*) from fct_amount), (select count(*) from fct_ratio)").fetchone()
    console.print(f"[bold]warehouse[/bold] {paths.published_database}   [bold]inbox[/bold] {paths.bulletins_dir}")
    console.print(render_table(["status", "files", "removed from inbox"], statuses, title="Bulletin files"))
    if quarantined:
        console.print(render_table(["file", "reason"], quarantined, title="Quarantined"))
    if removed:
        console.print(
            render_table(["file", "status", "removed at"], removed, title="Removed (facts kept until purged)")
        )
    run_id, published_at = build or (None, None)
    console.print(f"last refresh: {published_at} (run {run_id}); {facts[0]} amounts, {facts[1]} ratios")

    from orchestration.freshness import stale_reason

    reason = stale_reason(paths)
    console.print("warehouse is current" if reason is None else f"[yellow]stale[/yellow]: {reason}")
    with console.status("reading check results from the Dagster instance …"):
        summary, failing = check_results(dagster_home())
    console.print(f"checks: {summary}")
    if failing:
        console.print(render_table(["check", "severity", "run"], failing, title="Failing checks"))
    return 0


# explain -------------------------------------------------------------------------------------
EXPLAIN_SQL = """
    select a.*,
           l.locality_name, l.locality_level, l.province, l.prefecture,
           art.title as article_title, art.locality_evidence as article_locality_evidence, art.default_year,
           f.function_name,
           parent.amount_text as parent_text, parent.program_name as parent_program,
           (select count(*) from fct_amount p where p.parent_amount_id = a.amount_id) as part_count
    from fct_amount a
    left join dim_locality l on l.locality_code = a.locality_code
    left join dim_article art on art.article_id = a.article_id
    left join dim_function_class f on f.function_code = a.function_code
    left join fct_amount parent on parent.amount_id = a.parent_amount_id
    where a.amount_id = ?
"""


def cmd_explain(args: argparse.Namespace, console: Console) -> int:
    paths = WarehousePaths.from_env()
    with _connect(paths) as con:
        cursor = con.execute(EXPLAIN_SQL, [args.amount_id])
        names = [d[0] for d in cursor.description]
        row = cursor.fetchone()
        if row is None:
            near = con.execute(
                "select amount_id from fct_amount where amount_id like ? order by 1 limit 5",
                [args.amount_id.split(":")[0] + "%"],
            ).fetchall()
            hint = f"; amounts of that bulletin include {', '.join(n for (n,) in near)}" if near else ""
            raise CliError(f"no amount {args.amount_id} in fct_amount{hint}")
    a = dict(zip(names, row, strict=True))
    text = a["sentence"] or ""
    span = figure_in_sentence(text, a["amount_text"], a["char_start"], a["char_end"], a["sentence_start"])
    if span:
        # «» mark the figure where colours do not show (a pipe, a log); the colour where they do.
        start, end = span
        sentence = Text.assemble(text[:start], ("«" + text[start:end] + "»", "bold black on yellow"), text[end:])
    else:
        sentence = Text(text)

    grid = Table.grid(padding=(0, 2))
    grid.add_column(justify="right", style="bold", no_wrap=True)
    grid.add_column(overflow="fold")

    def line(label: str, value) -> None:
        grid.add_row(label, value if isinstance(value, Text) else Text(str(value)))

    line("figure", f"{a['amount_text']} = {a['amount_yuan']:,} yuan")
    line("sentence", sentence)
    line("bulletin", f"{a['source_file']} (bulletin {a['bulletin_id']}), characters {a['char_start']}-{a['char_end']}")
    line("article", f"no. {a['article_no']}: {a['article_title'] or '(untitled)'}")
    if a["locality_code"]:
        where = " / ".join(p for p in (a["province"], a["prefecture"]) if p)
        line("locality", f"{a['locality_name']} ({a['locality_code']}, {a['locality_level']}; {where})")
    else:
        line("locality", "not decided")
    # the amount's own evidence (a named recipient, or its article's); older rows have only the article's
    line("  decided by", a["locality_evidence"] or a["article_locality_evidence"] or "no evidence recorded")
    line("program", f"{a['program_name'] or '(none)'}" + (f" [{a['program_id']}]" if a["program_id"] else ""))
    line("  decided by", "the purpose words around the figure in its sentence (jieba + rules)")
    function = f"{a['function_code']} {a['function_name'] or ''}" if a["function_code"] else "none (not one area)"
    line("function class", function)
    evidence = a.get("function_evidence")  # present once the extractor records it
    line("  decided by", evidence or "keywords of the program and sentence (function_keywords.csv)")
    line("measure", a["measure"])
    year_note = "article's default year" if a["fiscal_year"] == a["default_year"] else "stated in the text"
    line("year", f"{a['fiscal_year']} ({year_note})" if a["fiscal_year"] else "not stated")
    line("period", a.get("period") or "unknown")
    if a["parent_amount_id"]:
        line("part of", f"{a['parent_text']} ({a['parent_program'] or ''}) [{a['parent_amount_id']}]")
    line("is total", f"yes, of {a['part_count']} part(s)" if a["is_total"] else "no")
    if a["is_source_removed"]:
        line("note", "its file has left the inbox; the fact is kept until purged")
    console.print(grid)
    return 0


# main ----------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fiscal", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    query = commands.add_parser("query", help="run read-only SQL against the published warehouse")
    query.add_argument("sql", help="the SQL, e.g. \"from agg_spending_by_locality where locality_level = 'province'\"")
    out = query.add_mutually_exclusive_group()
    out.add_argument("--csv", type=Path, metavar="PATH", help="write every row to a CSV file")
    out.add_argument("--parquet", type=Path, metavar="PATH", help="write every row to a Parquet file")
    query.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help=f"rows to show (default {DEFAULT_LIMIT})")
    query.set_defaults(handler=cmd_query)

    add = commands.add_parser("add", help="check bulletins, copy them into the inbox, refresh")
    add.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add.add_argument("--no-refresh", action="store_true", help="only place the files in the inbox")
    add.add_argument("--url", help="page the files came from (recorded in the inbox's sources.csv)")
    add.add_argument("--published", help="date the page gives: YYYY-MM-DD, YYYY-MM or YYYY")
    add.add_argument("--locality", help="unit the text is about, e.g. 辽宁省铁岭市铁岭县 or a 6-digit code")
    add.add_argument("--title", help="the page title")
    add.set_defaults(handler=cmd_add)

    status = commands.add_parser("status", help="files by status, quarantine reasons, last refresh, failing checks")
    status.set_defaults(handler=cmd_status)

    explain = commands.add_parser("explain", help="a figure's sentence, locality, program, class and their evidence")
    explain.add_argument("amount_id", help="fct_amount.amount_id, e.g. 2a0b6745affabbff:120-126")
    explain.set_defaults(handler=cmd_explain)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console(file=sys.stdout, highlight=False)
    try:
        return args.handler(args, console)
    except CliError as exc:
        Console(file=sys.stderr, highlight=False).print(f"[red]error:[/red] {escape(str(exc))}")
        return 1
    except duckdb.Error as exc:
        Console(file=sys.stderr, highlight=False).print(f"[red]DuckDB:[/red] {escape(str(exc))}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
