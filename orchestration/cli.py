"""`fiscal`: the warehouse from the command line.

    fiscal query SQL [--csv PATH | --parquet PATH | --json] [--limit N]   read-only SQL on the published warehouse
    fiscal add FILE... [--no-refresh]                            check bulletins, put them in the inbox, refresh
        [--url URL] [--published DATE] [--locality NAME] [--title T]  and record where they came from (sources.csv)
    fiscal status                                                files by status, last refresh, failing checks
    fiscal explain AMOUNT_ID                                     a figure, its sentence, and how it was decided
    fiscal correct AMOUNT_ID FIELD=VALUE... --why TEXT [--who NAME]   record an analyst's decision on a figure
    fiscal review [--limit N]                                    walk the figures most worth a look, one key each
    fiscal export-gold DIR                                       the reviewed bulletins in the gold format (make eval)

Paths come from BULLETINS_DIR and WAREHOUSE_DIR as everywhere (``orchestration.settings``); the
Dagster instance is DAGSTER_HOME, or the project's ``.dagster_home`` as under ``make``. Queries only
ever open the published ``warehouse.duckdb``, read-only: the build database belongs to the pipeline.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import math
import os
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from orchestration.extract.sources import SOURCES_FILE, SourceMetadata, read_sources, valid_published, write_sources
from orchestration.ingest.decode import decode_bulletin
from orchestration.ingest.formats import DOCUMENT_SUFFIXES, read_document
from orchestration.ingest.inbox import BULLETIN_SUFFIXES
from orchestration.ingest.reading import MAX_BULLETIN_BYTES, bulletin_id_for
from orchestration.instance import dagster_home, ensure_dagster_home
from orchestration.progress import progress_bar
from orchestration.provenance import figure_in_sentence
from orchestration.settings import WarehousePaths
from orchestration.summary import set_aside
from orchestration.warehouse.publish import read_outcome

DEFAULT_LIMIT = 50


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


def _published(paths: WarehousePaths) -> Path:
    if not paths.published_database.exists():
        raise CliError(
            f"no published warehouse at {paths.published_database}: run `fiscal add FILE...` or `make run` first"
        )
    return paths.published_database


def _connect(paths: WarehousePaths) -> duckdb.DuckDBPyConnection:
    """The published warehouse, read-only: a reader never blocks or sees a refresh half done."""
    return duckdb.connect(str(_published(paths)), read_only=True)


def exact_number(value: float | Decimal) -> str:
    """Every digit the value holds, with thousands separators and never an exponent.

    A float prints as its shortest exact decimal (``repr``), so 17402.0 / 1e4-style results keep their
    digits: ``1.74e+04`` would lose them.
    """
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        value = Decimal(repr(value))
    return format(value, ",f")


def _cell(value) -> Text:
    if value is None:
        return Text("NULL", style="dim")
    if isinstance(value, Decimal | float):
        return Text(exact_number(value))
    return Text(str(value))


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def render_table(columns: list[str], rows: list[tuple], title: str | None = None) -> Table:
    """A table that fits the terminal (80 columns too): numbers never wrap, text folds within its column."""
    table = Table(title=title, show_lines=False, header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    for i, name in enumerate(columns):
        numeric = any(_is_number(r[i]) for r in rows)
        if numeric:
            table.add_column(name, justify="right", no_wrap=True)
        else:
            table.add_column(name, justify="left", overflow="fold")
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
        if args.json:
            return _print_json(con, args, console)
        limit = DEFAULT_LIMIT if args.limit is None else args.limit
        with console.status("running query …"):
            cursor = con.execute(args.sql)
            if cursor.description is None:
                console.print("done (the statement returns no rows)")
                return 0
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchmany(limit + 1)
    shown = rows[:limit]
    console.print(render_table(columns, shown))
    if len(rows) > limit:
        console.print(f"[dim]first {limit} rows shown; --limit N shows more, --csv/--parquet/--json give all[/dim]")
    else:
        console.print(f"[dim]{len(shown)} row(s)[/dim]")
    return 0


def _json_value(value):
    """Decimals as strings (exact: JSON numbers are read as floats), dates as ISO text, the rest as is."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


def _print_json(con: duckdb.DuckDBPyConnection, args: argparse.Namespace, console: Console) -> int:
    """Every row (or --limit N) as a JSON array of objects on stdout, nothing else: for scripts."""
    cursor = con.execute(args.sql)
    if cursor.description is None:
        print("[]")
        return 0
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall() if args.limit is None else cursor.fetchmany(args.limit)
    records = [{c: _json_value(v) for c, v in zip(columns, row, strict=True)} for row in rows]
    print(json.dumps(records, ensure_ascii=False, indent=1, default=str))
    return 0


# add -----------------------------------------------------------------------------------------
def stored_text(path: Path) -> str | None:
    """The text the refresh will store for the file at ``path`` (None when it would be quarantined)."""
    suffix = path.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        return read_document(path.read_bytes(), suffix).text
    return decode_bulletin(path.read_bytes()).text


def check_bulletin(path: Path) -> str | None:
    """Why ``path`` cannot go into the inbox, or None when it can."""
    if not path.is_file():
        return "no such file"
    suffix = path.suffix.lower()
    if suffix not in BULLETIN_SUFFIXES:
        return f"the inbox reads only {', '.join(sorted(BULLETIN_SUFFIXES))} files"
    if path.stat().st_size > MAX_BULLETIN_BYTES:
        return f"larger than {MAX_BULLETIN_BYTES // 2**20} MiB"
    if suffix in DOCUMENT_SUFFIXES:  # read as the refresh will: a file it would quarantine is refused
        document = read_document(path.read_bytes(), suffix)
        return None if document.text is not None else document.reason
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
    copied, refused, added = 0, 0, []
    in_inbox: list[str] = []
    with progress_bar(console) as progress:
        task = progress.add_task("checking bulletins", total=len(args.files))
        for path in args.files:
            reason = check_bulletin(path)
            if reason is not None:
                refused += 1
                console.print(f"[red]✗[/red] {escape(str(path))}: refused, {escape(reason)}")
            else:
                placed, what = place_in_inbox(path, paths.bulletins_dir)
                copied += placed
                added += [path.name] if placed else []
                if not what.startswith("refused"):
                    in_inbox.append(path.name)
                refused += what.startswith("refused")
                mark = "[green]✓[/green]" if placed else ("[red]✗[/red]" if what.startswith("refused") else "·")
                same = known.get(bulletin_id_for(stored_text(path)))
                note = f" (same text as {same}: it will be counted once, as a duplicate)" if same and placed else ""
                console.print(f"{mark} {escape(str(path))}: {escape(what)}{escape(note)}")
            progress.advance(task)
    if source is not None and in_inbox:
        record_sources(paths.bulletins_dir, in_inbox, source)
        console.print(f"source recorded for {len(in_inbox)} file(s) in {paths.bulletins_dir / SOURCES_FILE}")
    console.print(f"{copied} added, {refused} refused, inbox {paths.bulletins_dir}")
    ok = refused == 0
    if args.no_refresh:
        if copied:
            console.print(
                "not refreshed (--no-refresh): run `make run`, or let the sensor under `make ui` pick them up"
            )
        else:
            console.print("nothing added, so nothing to refresh")
        return 0 if ok else 1
    return 0 if refresh_with_progress(paths, console, added) and ok else 1


def refresh_with_progress(paths: WarehousePaths, console: Console, files: list[str] | None = None) -> bool:
    """Refresh as ``make run`` does (recorded in the Dagster instance), with one progress display.

    dbt's own output goes to ``build/last_refresh.log`` instead of the terminal (orchestration.progress).
    """
    from orchestration.freshness import stale_reason  # imports the extractor: only when refreshing
    from orchestration.settings import DBT_EXECUTABLE
    from orchestration.warehouse.warm_dbt import start_ahead

    reason = stale_reason(paths, hand_over=True)  # the run's ingest takes its inbox listing
    if reason is None:
        console.print("warehouse is current: nothing to refresh")
        return True
    console.print(f"refreshing: {reason}")
    start_ahead(DBT_EXECUTABLE)  # dbt imports while the pipeline loads (warm_dbt.py)
    with console.status("loading the pipeline …"):
        import dagster as dg

        from orchestration.build import run_tags
        from orchestration.progress import refresh_with_progress_display
        from orchestration.staging import skip_pyarrows_pandas_import

        skip_pyarrows_pandas_import()
        ensure_dagster_home()
        instance = dg.DagsterInstance.get()
    tags = run_tags("fiscal add", reason)
    if files:
        tags["files"] = ", ".join(files)[:1000]
    result, failed = refresh_with_progress_display(instance, paths, console, tags)
    succeeded = result.success and not failed
    if not succeeded:
        log_path = paths.warehouse_dir / "build" / "last_refresh.log"
        console.print(f"[red]refresh failed[/red]: the last good warehouse stays published; dbt's output: {log_path}")
    return succeeded


def _has_corrections(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse was built with the corrections layer (older ones have no fct_correction)."""
    return bool(con.execute("select count(*) from duckdb_tables() where table_name = 'fct_correction'").fetchone()[0])


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
        not_in = set_aside(con)
        removed = con.execute(
            "select source_file, status, removed_at from bulletin_files where is_removed order by 1"
        ).fetchall()
        build = con.execute("select run_id, published_at from warehouse_build").fetchone()
        facts = con.execute("select (select count(*) from fct_amount), (select count(*) from fct_ratio)").fetchone()
        unapplied = (
            con.execute(
                "select row_no, amount_id, field, value, status, status_reason from fct_correction "
                "where status not in ('applied', 'superseded') order by row_no"
            ).fetchall()
            if _has_corrections(con)
            else []
        )
    console.print(f"[bold]warehouse[/bold] {paths.published_database}   [bold]inbox[/bold] {paths.bulletins_dir}")
    console.print(render_table(["status", "files", "removed from inbox"], statuses, title="Bulletin files"))
    if not_in:
        console.print(render_table(["file", "status", "reason"], not_in, title="Quarantined or held (not published)"))
    if removed:
        console.print(
            render_table(["file", "status", "removed at"], removed, title="Removed (facts kept until purged)")
        )
    run_id, published_at = build or (None, None)
    console.print(f"last refresh: {published_at} (run {run_id}); {facts[0]} amounts, {facts[1]} ratios")

    from orchestration.freshness import stale_reason

    reason = stale_reason(paths)
    console.print("warehouse is current" if reason is None else f"[yellow]stale[/yellow]: {reason}")
    outcome = read_outcome(paths.refresh_outcome)
    if outcome and not outcome["published"]:
        console.print(f"[red]last refresh not published[/red] ({outcome['at']}): {escape(outcome['reason'])}")
    if unapplied:
        console.print(
            render_table(
                ["row", "amount_id", "field", "value", "status", "why"], unapplied, title="Corrections not applied"
            )
        )
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
    sentence = _marked_sentence(a)

    grid = Table.grid(padding=(0, 2))
    grid.add_column(justify="right", style="bold", no_wrap=True)
    grid.add_column(overflow="fold")

    def line(label: str, value) -> None:
        grid.add_row(label, value if isinstance(value, Text) else Text(str(value)))

    line("figure", f"{a['amount_text']} = {a['amount_yuan']:,} yuan")
    line("sentence", sentence)
    line("bulletin", f"{a['source_file']} (bulletin {a['bulletin_id']}), characters {a['char_start']}-{a['char_end']}")
    if a.get("source_location"):  # a document file: the page, paragraph, table cell or sheet cell it came from
        line("  in the file", a["source_location"])
    line("article", f"no. {a['article_no']}: {a['article_title'] or '(untitled)'}")
    if a["locality_code"]:
        where = " / ".join(p for p in (a["province"], a["prefecture"]) if p)
        line("locality", f"{a['locality_name']} ({a['locality_code']}, {a['locality_level']}; {where})")
    else:
        line("locality", "not decided")
    # the figure's own evidence (a recipient named in its clause, or the article's), else the article's
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
    added_as = {"class": "a class figure", "stated_total": "the stated total of its locality, year and period"}
    line("added up as", added_as.get(a.get("spending_role"), "not added"))
    line("  because", a.get("spending_note") or "no spending note (a warehouse built before spending roles)")
    if a["is_source_removed"]:
        line("note", "its file has left the inbox; the fact is kept until purged")
    with _connect(paths) as con:
        decisions = (
            con.execute(
                "select field, value, who, corrected_at, why, status from fct_correction where amount_id = ? "
                "order by row_no",
                [a["amount_id"]],
            ).fetchall()
            if _has_corrections(con)
            else []
        )
    if a.get("is_reviewed"):
        changed = a["reviewed_fields"] or "none (confirmed as extracted)"
        line("reviewed", f"fields corrected: {changed}; as extracted: {a['extracted_values'] or '-'}")
    for field, value, who, at, why, status in decisions:
        line("  decision", f"{field}={value} by {who or '?'} at {at or '?'}: {why or ''} [{status}]")
    line("correct it", f"fiscal correct {a['amount_id']} FIELD=VALUE --why '...'")
    console.print(grid)
    return 0


# correct, review, export-gold ------------------------------------------------------------------
def _who(args: argparse.Namespace) -> str:
    return args.who or os.environ.get("USER") or getpass.getuser()


def record_decision(
    paths: WarehousePaths, amount_id: str, assignments: list[tuple[str, str]], who: str, why: str
) -> list[str]:
    """Append the decision to the corrections file when the warehouse accepts it; else why it is refused."""
    from orchestration.corrections import append_corrections, corrections_path
    from orchestration.review import new_corrections

    with _connect(paths) as con:
        rows, problems = new_corrections(con, amount_id, assignments, who, why)
    if not problems:
        append_corrections(corrections_path(paths.bulletins_dir), rows)
    return problems


def cmd_correct(args: argparse.Namespace, console: Console) -> int:
    from orchestration.corrections import corrections_path
    from orchestration.review import parse_assignments

    paths = WarehousePaths.from_env()
    try:
        assignments = parse_assignments(args.assignments)
        problems = record_decision(paths, args.amount_id, assignments, _who(args), args.why)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if problems:
        for problem in problems:
            console.print(f"[red]✗[/red] refused: {escape(problem)}")
        return 1
    target = corrections_path(paths.bulletins_dir)
    console.print(f"recorded {len(assignments)} decision(s) on {args.amount_id} in {target}")
    if args.refresh:
        return 0 if refresh_with_progress(paths, console) else 1
    console.print("the next refresh applies it (`make run`, `fiscal correct ... --refresh`, or the sensor)")
    return 0


REVIEW_KEYS = "[c]onfirm  [e]dit (correct)  [s]kip  [q]uit"


def read_key(stream=None) -> str:
    """One key press from the terminal (no Enter needed); a line's first character when not a terminal."""
    stream = stream or sys.stdin
    if not stream.isatty():
        return (stream.readline() or "q")[:1]
    import termios
    import tty

    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)  # TCSAFLUSH would drop a key pressed before the prompt
        return stream.read(1)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def cmd_review(args: argparse.Namespace, console: Console) -> int:
    from orchestration.review import REVIEW_QUEUE_SQL, parse_assignments, queue_reason

    paths = WarehousePaths.from_env()
    who = _who(args)
    with _connect(paths) as con:
        cursor = con.execute(REVIEW_QUEUE_SQL)
        names = [d[0] for d in cursor.description]
        queue = [dict(zip(names, row, strict=True)) for row in cursor.fetchmany(args.limit)]
        held = [row for row in set_aside(con) if row[1] == "held"]
    if held:
        # Their figures are not in the marts (so not in the queue): what failed is worth a look first.
        console.print(render_table(["file", "status", "reason"], held, title="Held back by a check (not in the queue)"))
    decided = 0
    for number, a in enumerate(queue, start=1):
        console.rule(f"{number}/{len(queue)}  {a['amount_id']}  ({queue_reason(a)})")
        _show_for_review(console, a)
        console.print(escape(REVIEW_KEYS))
        key = read_key().lower()
        if key == "q":
            break
        if key == "c":
            problems = record_decision(paths, a["amount_id"], [("confirm", "")], who, "confirmed in review")
        elif key == "e":
            console.print("field=value ... (e.g. fiscal_year=2021 function_code=208), empty to skip:")
            words = sys.stdin.readline().split()
            if not words:
                continue
            console.print("why:")
            why = sys.stdin.readline().strip()
            try:
                problems = record_decision(paths, a["amount_id"], parse_assignments(words), who, why)
            except ValueError as exc:
                problems = [str(exc)]
        else:
            continue
        for problem in problems:
            console.print(f"[red]✗[/red] refused: {escape(problem)}")
        if not problems:
            decided += 1
            console.print("[green]✓[/green] recorded")
    console.print(f"{decided} decision(s) recorded; the next refresh applies them (`make run`)")
    return 0


def _marked_sentence(a: dict) -> Text:
    """The figure's sentence, the figure marked: «» where colours do not show (a pipe, a log), colour where they do."""
    text = a["sentence"] or ""
    span = figure_in_sentence(text, a["amount_text"], a["char_start"], a["char_end"], a["sentence_start"])
    if not span:
        return Text(text)
    start, end = span
    return Text.assemble(text[:start], ("«" + text[start:end] + "»", "bold black on yellow"), text[end:])


def _show_for_review(console: Console, a: dict) -> None:
    sentence = _marked_sentence(a)
    console.print(Text.assemble(f"{a['amount_text']} = {a['amount_yuan']:,} yuan  ", (a["source_file"], "dim")))
    console.print(sentence)
    locality = f"{a['locality_code']} {a['locality_name'] or ''}" if a["locality_code"] else "-"
    function = f"{a['function_code']} {a['function_name'] or ''}" if a["function_code"] else "-"
    fields = [
        ("locality_code", locality, a["locality_evidence"]),
        ("fiscal_year", a["fiscal_year"] or "-", ""),
        ("period", a["period"], ""),
        ("function_code", function, a["function_evidence"]),
        ("measure", a["measure"], ""),
        ("program_name", a["program_name"] or "-", ""),
        ("parent_amount_id", a["parent_amount_id"] or "-", ""),
        ("is_total", "true" if a["is_total"] else "false", ""),
    ]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_column(style="dim", overflow="fold")
    for name, value, evidence in fields:
        grid.add_row(name, str(value), evidence or "")
    console.print(grid)


def cmd_export_gold(args: argparse.Namespace, console: Console) -> int:
    from orchestration.review import export_gold

    paths = WarehousePaths.from_env()
    with _connect(paths) as con:
        bulletins, reviewed = export_gold(con, args.directory)
    if not bulletins:
        console.print("no applied correction yet: nothing to export (`fiscal review` or `fiscal correct` first)")
        return 1
    console.print(f"wrote {bulletins} bulletin(s), {reviewed} reviewed figure(s) to {args.directory}")
    console.print(f"score the extractor on them: make eval GOLD={args.directory}")
    return 0


# main ----------------------------------------------------------------------------------------
HELP_EPILOG = """\
where things are (environment variables, as for `make`):
  BULLETINS_DIR   the inbox of bulletin files: .txt, .html, .pdf, .docx, .xlsx (default: seeds/)
  WAREHOUSE_DIR   the warehouse folder (default: warehouse/ of the project); queries read
                  $WAREHOUSE_DIR/warehouse.duckdb, read-only; the report is $WAREHOUSE_DIR/report/index.html
  DAGSTER_HOME    the Dagster instance that records refreshes and checks (default: .dagster_home/)

the tables (fct_amount, agg_spending_by_locality, dim_locality, ...) and their columns are described in
the README's "Tables" section and in the data dictionary `make docs` builds ($WAREHOUSE_DIR/docs/
static_index.html). Spending you may add up: fct_amount.spending_role, or agg_spending_by_locality.

examples:
  fiscal query "from agg_spending_by_locality where locality_level = 'province'"
  fiscal query "select spending_role, spending_note, amount_text from fct_amount" --json
  fiscal add ~/Downloads/bulletin.txt
  fiscal explain 2a0b6745affabbff:640-645
  fiscal correct 2a0b6745affabbff:640-645 fiscal_year=2021 --why "stated in the title"
  fiscal review
"""

ADD_DESCRIPTION = """\
Check bulletins, copy them into the inbox (BULLETINS_DIR) and refresh the warehouse.

Each FILE is a bulletin, at most 64 MiB: plain text with a .txt name, in UTF-8 (with or without BOM),
GB18030/GBK or UTF-16, or a published document: a saved web page (.html, .htm), a PDF with a text layer,
a Word (.docx) or Excel (.xlsx) file. A file that would be quarantined (binary, garbled, empty, a scanned
or encrypted PDF, a truncated document, another format) is refused with the reason; a file is never
copied over a different file of the same name in the inbox. The refresh then runs like `make run`: a
progress display, then the run's result; dbt's log goes to $WAREHOUSE_DIR/build/last_refresh.log.
"""


CORRECT_DESCRIPTION = """\
Record an analyst's decision on one figure in the corrections file (corrections.csv in the inbox, or
CORRECTIONS_FILE): appended with who, when and why, applied at every refresh, surviving re-extraction.

FIELD is one of locality_code, fiscal_year, period, function_code, measure, program_name,
parent_amount_id, is_total (an empty value clears it); `not_a_fact` (the span is no money figure);
`confirm` (every field right as extracted); add=MEASURE adds a figure the extractor missed, by its span
(AMOUNT_ID is then bulletin_id:start-end of the figure as written). A value the warehouse does not
know (a locality code not valid in the figure's year, an unknown class) is refused.

examples:
  fiscal correct 2a0b6745affabbff:640-645 fiscal_year=2021 function_code=224 --why "the notice is 2021's"
  fiscal correct 2a0b6745affabbff:700-706 add=allocation locality_code=320981 --why "missed by the extractor"
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fiscal",
        description="The fiscal bulletin warehouse from the command line: query it, add bulletins, see its state.",
        epilog=HELP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    query = commands.add_parser(
        "query",
        help="run read-only SQL against the published warehouse",
        description="Run SQL (DuckDB dialect) read-only against $WAREHOUSE_DIR/warehouse.duckdb and print a table. "
        "Numbers print exactly, with thousands separators.",
        epilog=HELP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    query.add_argument("sql", metavar="SQL", help='the SQL, e.g. "from agg_spending_by_locality limit 5"')
    out = query.add_mutually_exclusive_group()
    out.add_argument("--csv", type=Path, metavar="PATH", help="write every row to a CSV file")
    out.add_argument("--parquet", type=Path, metavar="PATH", help="write every row to a Parquet file")
    out.add_argument(
        "--json",
        action="store_true",
        help="print every row (or --limit N) as a JSON array of objects, decimals as exact strings, for scripts",
    )
    query.add_argument(
        "--limit", type=int, metavar="N", help=f"rows to show (default {DEFAULT_LIMIT}; --json: all rows)"
    )
    query.set_defaults(handler=cmd_query)

    add = commands.add_parser(
        "add",
        help="check bulletins, copy them into the inbox, refresh",
        description=ADD_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="a bulletin file (.txt, .html, .htm, .pdf, .docx, .xlsx); several allowed",
    )
    add.add_argument(
        "--no-refresh",
        action="store_true",
        help="only place the files in the inbox (`make run` or the sensor refreshes)",
    )
    add.add_argument("--url", help="page the files came from (recorded in the inbox's sources.csv)")
    add.add_argument("--published", help="date the page gives: YYYY-MM-DD, YYYY-MM or YYYY")
    add.add_argument("--locality", help="unit the text is about, e.g. 辽宁省铁岭市铁岭县 or a 6-digit code")
    add.add_argument("--title", help="the page title")
    add.set_defaults(handler=cmd_add)

    status = commands.add_parser(
        "status",
        help="files by status, quarantine reasons, last refresh, failing checks",
        description="Files by status (loaded, duplicate, quarantined and why, removed), the last refresh, whether "
        "the warehouse is current, and the failing checks recorded in the Dagster instance (DAGSTER_HOME).",
    )
    status.set_defaults(handler=cmd_status)

    explain = commands.add_parser(
        "explain",
        help="a figure's sentence, locality, program, class and their evidence",
        description="One figure of fct_amount: its sentence with the figure marked, its bulletin and offsets, how "
        "its locality, program, class, year and period were decided, and whether it is added up.",
    )
    explain.add_argument(
        "amount_id",
        metavar="AMOUNT_ID",
        help="fct_amount.amount_id (bulletin_id:start-end), e.g. 2a0b6745affabbff:120-126",
    )
    explain.set_defaults(handler=cmd_explain)

    correct = commands.add_parser(
        "correct",
        help="record an analyst's decision on a figure (applied at every refresh)",
        description=CORRECT_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    correct.add_argument("amount_id", metavar="AMOUNT_ID", help="fct_amount.amount_id, or a span to add a figure")
    correct.add_argument(
        "assignments", nargs="+", metavar="FIELD=VALUE", help="e.g. fiscal_year=2021; or confirm, or not_a_fact"
    )
    correct.add_argument("--why", required=True, help="why, in your words (kept in the audit trail)")
    correct.add_argument("--who", help="who decides (default: $USER)")
    correct.add_argument("--refresh", action="store_true", help="refresh the warehouse now to apply it")
    correct.set_defaults(handler=cmd_correct)

    review = commands.add_parser(
        "review",
        help="walk the figures most worth a look and confirm, correct or skip each with one key",
        description="The figures no analyst has decided on, those most worth a look first: fields without "
        "evidence, conflicting evidence, then the largest amounts. Each shows its sentence with the figure "
        "marked and each field's evidence; c confirms, e corrects (type field=value and why), s skips, q quits.",
    )
    review.add_argument("--limit", type=int, default=50, metavar="N", help="figures in the queue (default 50)")
    review.add_argument("--who", help="who decides (default: $USER)")
    review.set_defaults(handler=cmd_review)

    gold = commands.add_parser(
        "export-gold",
        help="write the reviewed bulletins in the gold format, for make eval GOLD=DIR",
        description="Every bulletin with an applied correction, its texts and figures (the analysts' values over "
        "the extractor's) in the gold format of tests/fixtures/gold, so `make eval GOLD=DIR` measures the "
        "extractor against what analysts decided.",
    )
    gold.add_argument("directory", type=Path, metavar="DIR")
    gold.set_defaults(handler=cmd_export_gold)
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
