"""The Parquet staging store that Python assets write and dbt sources read.

Incremental refreshes rest on two kinds of files under ``$WAREHOUSE_DIR/staging``:

- ledgers (``ledger/<name>.parquet``): the current bookkeeping — which file holds which text,
  which text was extracted into which batch. A ledger is small and replaced whole by an atomic
  rename; that rename is the commit point of each step.
- batches (``batches/<table>/batch-<id>.parquet``): append-only facts, one file per table per
  refresh, holding only what that refresh processed. Every fact row carries its ``batch_id``; the
  dbt staging models keep a row only if the ledger points at its batch, so a batch written by a run
  that was killed before its ledger commit is ignored (and later deleted), never counted twice.

Every table has an explicit Arrow schema, so an empty table still has typed columns; each batch
folder holds an empty placeholder file so that dbt's globs never come up empty.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from orchestration.extract.records import FACT_TABLES, YUAN
from orchestration.imports import refusing_imports

_str, _int, _year, _time, _bool = pa.string(), pa.int64(), pa.int32(), pa.timestamp("us"), pa.bool_()

_ARROW_OF_SQL = {"VARCHAR": _str, "BIGINT": _int, "INTEGER": _year, "BOOLEAN": _bool, "TIMESTAMP": _time}


def skip_pyarrows_pandas_import() -> None:
    """Spare this process the 1.2-2.4 s import of pandas that pyarrow makes on its first array from Python values.

    pyarrow imports pandas then only to ask whether the values are a pandas object; this project builds arrays from
    lists and never converts between Arrow and pandas. pyarrow tries that import once per process and remembers a
    failure, so it is made to fail once here (pandas stays importable for anyone who imports it). For the commands
    of this project (``make run``); a process that wants ``Table.to_pandas`` must not call it. No effect once
    pandas is loaded."""
    if "pandas" in sys.modules:
        return
    with refusing_imports("pandas"):
        pa.array([""])


def arrow_type(sql_type: str) -> pa.DataType:
    """The Parquet column type of a SQL type as declared by the extractor's records."""
    if decimal := re.fullmatch(r"DECIMAL\((\d+), *(\d+)\)", sql_type):
        return pa.decimal128(int(decimal[1]), int(decimal[2]))
    return _ARROW_OF_SQL[sql_type]


LEDGER_SCHEMAS: dict[str, pa.Schema] = {
    # One row per file ever seen in the inbox (removed files stay, with removed_at set).
    "bulletin_files": pa.schema(
        [
            ("source_file", _str),
            ("content_sha256", _str),
            ("bytes", _int),
            ("mtime_ns", _int),
            ("encoding", _str),
            ("status", _str),
            ("reason", _str),
            ("decode_reason", _str),
            ("bulletin_id", _str),
            ("chars", _int),
            ("duplicate_of", _str),
            ("first_seen_at", _time),
            ("changed_at", _time),
            ("removed_at", _time),
            # what the page the file came from says (the inbox's optional sources.csv; empty when none)
            ("source_url", _str),
            ("source_published", _str),
            ("source_locality", _str),
            ("source_title", _str),
            # what the file says about itself (a web page's canonical URL, date, title); sources.csv wins
            ("page_url", _str),
            ("page_published", _str),
            ("page_title", _str),
        ]
    ),
    # Every decoded text ever stored (the raw history), and the batch that holds it.
    "texts": pa.schema([("bulletin_id", _str), ("batch_id", _str), ("chars", _int), ("stored_at", _time)]),
    # The extraction of each text: which batch holds its facts, by which extractor version.
    "extractions": pa.schema(
        [
            ("bulletin_id", _str),
            ("batch_id", _str),
            ("extractor_version", _str),
            # digest of the source metadata the text was extracted with: a change re-extracts it
            ("source_digest", _str),
            ("status", _str),
            ("error", _str),
            ("extracted_at", _time),
        ]
    ),
    # The analysts' corrections file as the last refresh read it (orchestration/corrections.py), row by row.
    "corrections": pa.schema(
        [
            ("row_no", _int),
            ("bulletin_id", _str),
            ("char_start", _int),
            ("char_end", _int),
            ("field", _str),
            ("value", _str),
            ("who", _str),
            ("corrected_at", _str),
            ("why", _str),
            ("span_text", _str),
            ("format_problem", _str),
            ("added_amount_yuan", arrow_type(YUAN)),
            ("file_digest", _str),
        ]
    ),
    # Bulletins held back from the marts because their rows failed a check (orchestration/warehouse/holds.py).
    "holds": pa.schema(
        [
            ("bulletin_id", _str),
            ("check_name", _str),
            ("reason", _str),
            ("checks_version", _str),
            ("run_id", _str),
            ("held_at", _time),
        ]
    ),
}

BATCH_SCHEMAS: dict[str, pa.Schema] = {
    "texts": pa.schema([("bulletin_id", _str), ("source_file", _str), ("text", _str)]),
    # where each span of a stored text came from in its file (orchestration/ingest/formats): page,
    # paragraph, table cell, sheet cell; written with the text, in the texts ledger's batch
    "text_parts": pa.schema(
        [
            ("bulletin_id", _str),
            ("char_start", _int),
            ("char_end", _int),
            ("kind", _str),
            ("page", _int),
            ("paragraph", _int),
            ("table_no", _int),
            ("sheet", _str),
            ("cell", _str),
            ("row_label", _str),
            ("column_header", _str),
            ("location", _str),
        ]
    ),
    "file_events": pa.schema(
        [
            ("source_file", _str),
            ("event", _str),
            ("content_sha256", _str),
            ("bulletin_id", _str),
            ("status", _str),
            ("reason", _str),
            ("observed_at", _time),
            ("run_id", _str),
        ]
    ),
    # The extractor's tables: their columns are declared once, by the records (extract/records.py).
    **{
        name: pa.schema([(col, arrow_type(sql_type)) for col, sql_type in table.columns])
        for name, table in FACT_TABLES.items()
    },
}
# Every batch row records the batch it was written in.
BATCH_SCHEMAS = {name: schema.append(pa.field("batch_id", _str)) for name, schema in BATCH_SCHEMAS.items()}

REFERENCE_SCHEMAS: dict[str, pa.Schema] = {
    "localities": pa.schema(
        [
            ("code", _str),
            ("name", _str),
            ("level", _str),
            ("parent_code", _str),
            ("province", _str),
            ("prefecture", _str),
            ("valid_from_year", _year),
            ("valid_to_year", _year),
            ("stable_code", _str),
            ("former_names", _str),
        ]
    ),
    "function_classes": pa.schema([("function_code", _str), ("function_name", _str)]),
    # the enumerations of extract/records.py, so that dbt tests and models use the same names
    "measures": pa.schema([("measure", _str), ("measure_group", _str)]),
    "periods": pa.schema([("period", _str), ("covers_whole_year", _bool)]),
}

PLACEHOLDER = "batch-0-placeholder.parquet"


def now() -> datetime:
    """UTC wall time without tzinfo (Parquet timestamp[us], DuckDB TIMESTAMP)."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_batch_id(run_id: str) -> str:
    """Sortable and unique per run: UTC time, then the run id's first block."""
    return f"{now():%Y%m%dT%H%M%S%f}-{run_id.split('-')[0]}"


def _write(path: Path, schema: pa.Schema, rows: Iterable[Mapping]) -> int:
    """Write rows (dicts keyed by column name; other keys ignored) atomically; returns the count."""
    return _write_table(path, _table_of(rows, schema))


def _table_of(rows: Iterable[Mapping], schema: pa.Schema) -> pa.Table:
    """Rows (dicts keyed by column name; other keys ignored) as a table of ``schema``."""
    rows = list(rows)
    # column by column: no dict per row (a ledger holds a row per file ever seen, 100,000 and more)
    return pa.Table.from_pydict({name: [row.get(name) for row in rows] for name in schema.names}, schema=schema)


def _create_empty(path: Path, schema: pa.Schema) -> None:
    """An empty file of ``schema`` at ``path`` unless one exists by then. Steps that start together (the
    multiprocess executor runs ingest beside the corrections step) both lay out the staging folder: a
    plain write could replace the ledger the other step has just committed with an empty one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.empty.tmp")
    pq.write_table(schema.empty_table(), tmp)
    try:
        os.link(tmp, path)  # atomic, and fails where a file already is: never replaces one
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def _in_schema(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with ``schema``'s columns in its order (NULL where a file written before a column existed
    lacks it), cast to its types."""
    n = table.num_rows
    columns = [table[f.name] if f.name in table.column_names else pa.nulls(n, type=f.type) for f in schema]
    return pa.Table.from_arrays(columns, names=schema.names).cast(schema)


def _write_table(path: Path, table: pa.Table) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)
    return table.num_rows


class BatchWriter:
    """Rows of one table for one batch, written as part files every ``rows_per_part`` rows so that
    memory stays bounded however large the batch. ``in_background``: each part is written by a thread while the
    next one fills (Parquet's encoding and compression release the GIL), at most one part at a time; ``close``
    waits for the last one and raises what a write raised."""

    def __init__(
        self, store: StagingStore, table: str, batch_id: str, rows_per_part: int, in_background: bool = False
    ) -> None:
        self.store, self.table, self.batch_id, self.rows_per_part = store, table, batch_id, rows_per_part
        self.pending: list = []
        self.part = 0
        self.written = 0
        self._writer = ThreadPoolExecutor(1, thread_name_prefix=f"write-{table}") if in_background else None
        self._writing: Future[int] | None = None

    def add(self, rows: Iterable) -> None:
        self.pending.extend(rows)
        if len(self.pending) >= self.rows_per_part:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        rows, part = self.pending, self.part
        self.pending = []
        self.part += 1
        if self._writer is None:
            self.written += self._write(rows, part)
            return
        self._wait()
        self._writing = self._writer.submit(self._write, rows, part)

    def close(self) -> None:
        """Write what is pending and wait until every part is written."""
        try:
            self.flush()
            self._wait()
        finally:
            if self._writer is not None:
                self._writer.shutdown()

    def _wait(self) -> None:
        if self._writing is not None:
            writing, self._writing = self._writing, None
            self.written += writing.result()

    def _write(self, rows: list, part: int) -> int:
        return self.store.write_batch(self.table, self.batch_id, rows, part)


class TupleBatchWriter(BatchWriter):
    """A BatchWriter for rows given as tuples in ``columns`` order (any subset of the table's columns):
    no dict per row, and the Parquet columns are built column by column (the extract step writes
    about 100,000 rows per 2,000 bulletins)."""

    def __init__(
        self, store: StagingStore, table: str, batch_id: str, columns: Iterable[str], rows_per_part: int
    ) -> None:
        super().__init__(store, table, batch_id, rows_per_part)
        self.columns = tuple(columns)

    def _write(self, rows: list, part: int) -> int:
        return self.store.write_batch_tuples(self.table, self.batch_id, self.columns, rows, part)


class StagingStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    # Ledgers -------------------------------------------------------------------------------
    def ledger_path(self, name: str) -> Path:
        return self.root / "ledger" / f"{name}.parquet"

    def read_ledger(
        self,
        name: str,
        columns: list[str] | None = None,
        bulletin_ids: Iterable[str] | None = None,
        where: Mapping[str, str] | None = None,
    ) -> list[dict]:
        """The ledger's rows as dicts: only ``columns`` when given, only the rows of ``bulletin_ids`` and those
        whose columns equal ``where``'s values when given (a ledger holds a row per file or text ever seen:
        100,000 and more, where a refresh wants a few; Python objects cost ~1 s per 100,000 full rows)."""
        return self.ledger_table(name, columns, bulletin_ids, where).to_pylist()

    def ledger_table(
        self,
        name: str,
        columns: list[str] | None = None,
        bulletin_ids: Iterable[str] | None = None,
        where: Mapping[str, str] | None = None,
    ) -> pa.Table:
        """The ledger as an Arrow table (read_ledger's selection); all its columns in its declared schema when no
        ``columns`` are named (a file written before a column existed gets it as NULL), empty when absent."""
        path = self.ledger_path(name)
        schema = LEDGER_SCHEMAS[name]
        if not path.exists():
            return schema.empty_table().select(columns) if columns else schema.empty_table()
        conditions = [pc.field(column) == value for column, value in (where or {}).items()]
        if bulletin_ids is not None:
            conditions.append(pc.field("bulletin_id").isin(pa.array(list(bulletin_ids), type=pa.string())))
        filters = None
        for condition in conditions:
            filters = condition if filters is None else filters & condition
        table = pq.read_table(path, columns=columns, filters=filters)
        return table if columns else _in_schema(table, schema)

    def count_ledger(self, name: str, where: Mapping[str, str]) -> int:
        """Rows of the ledger whose columns equal ``where``'s values, read column-wise."""
        return self.ledger_table(name, list(where), where=where).num_rows

    def write_ledger(self, name: str, rows: Iterable[Mapping]) -> int:
        return self.write_ledger_table(name, _table_of(rows, LEDGER_SCHEMAS[name]))

    def write_ledger_table(self, name: str, table: pa.Table) -> int:
        """Replace the ledger with ``table`` (its declared columns, in order)."""
        return _write_table(self.ledger_path(name), _in_schema(table, LEDGER_SCHEMAS[name]))

    def upsert_ledger(self, name: str, rows: Iterable[Mapping], key: str = "bulletin_id") -> pa.Table:
        """Replace the ledger's rows whose ``key`` is among ``rows``' keys, append the others, and return the
        ledger as written. The rows kept stay Arrow columns: a refresh that changes a few rows of a 100,000-row
        ledger builds no Python object for the others."""
        schema = LEDGER_SCHEMAS[name]
        new = _table_of(rows, schema)
        if pc.count_distinct(new[key]).as_py() != new.num_rows:
            raise ValueError(f"{name}: rows to write repeat a {key}")
        kept = self.ledger_table(name)
        if new.num_rows:
            kept = kept.filter(pc.invert(pc.is_in(kept[key], value_set=new[key])))
        table = pa.concat_tables([kept, new])
        _write_table(self.ledger_path(name), table)
        return table

    # Batches -------------------------------------------------------------------------------
    def batch_dir(self, table: str) -> Path:
        return self.root / "batches" / table

    def write_batch(self, table: str, batch_id: str, rows: Iterable[Mapping], part: int = 0) -> int:
        """Write one part file of a batch (large batches are written in several parts)."""
        rows = [{**row, "batch_id": batch_id} for row in rows]
        if not rows:
            return 0
        return _write(self.batch_dir(table) / f"batch-{batch_id}.{part:04d}.parquet", BATCH_SCHEMAS[table], rows)

    def write_batch_tuples(
        self, table: str, batch_id: str, columns: Iterable[str], rows: list[tuple], part: int = 0
    ) -> int:
        """Like :meth:`write_batch` for rows as tuples in ``columns`` order; absent columns are NULL."""
        if not rows:
            return 0
        schema = BATCH_SCHEMAS[table]
        values = dict(zip(columns, zip(*rows, strict=True), strict=True))
        n = len(rows)
        arrays = [
            pa.array(values[f.name], type=f.type)
            if f.name in values
            else pa.array([batch_id] * n, type=f.type)
            if f.name == "batch_id"
            else pa.nulls(n, type=f.type)
            for f in schema
        ]
        path = self.batch_dir(table) / f"batch-{batch_id}.{part:04d}.parquet"
        return _write_table(path, pa.Table.from_arrays(arrays, schema=schema))

    def _batch_files(self, table: str) -> Iterator[tuple[str, Path]]:
        for path in sorted(self.batch_dir(table).glob("batch-*.parquet")):
            if path.name != PLACEHOLDER:
                yield path.name.removeprefix("batch-").split(".")[0], path

    def batch_row_count(self, table: str, batch_id: str) -> int:
        """Rows of one batch of ``table`` on disk, from the Parquet footers (0 when its files are gone)."""
        return self.live_row_count(table, {batch_id})

    def live_row_count(self, table: str, live_batch_ids: set[str]) -> int:
        """Rows of ``table`` in the live batches, from the Parquet footers (no data is read)."""
        return sum(
            pq.ParquetFile(path).metadata.num_rows
            for batch_id, path in self._batch_files(table)
            if batch_id in live_batch_ids
        )

    def iter_batch_rows(
        self, table: str, wanted: Mapping[str, str], key: str = "bulletin_id", chunk_rows: int = 256
    ) -> Iterator[dict]:
        """Stream the rows whose ``key`` maps to their own batch in ``wanted`` (key -> live batch id)."""
        live = set(wanted.values())
        for batch_id, path in self._batch_files(table):
            if batch_id not in live:
                continue
            for record_batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows):
                for row in record_batch.to_pylist():
                    if wanted.get(row[key]) == batch_id:
                        yield row

    def collect_garbage(self, table: str, live_batch_ids: set[str]) -> int:
        """Delete batch files no ledger points at (superseded, or left by a killed run)."""
        removed = 0
        for batch_id, path in list(self._batch_files(table)):
            if batch_id not in live_batch_ids:
                path.unlink(missing_ok=True)
                removed += 1
        for tmp in self.batch_dir(table).glob(".*.tmp"):  # half-written by a killed run
            tmp.unlink(missing_ok=True)
        return removed

    # Reference tables ----------------------------------------------------------------------
    def reference_path(self, name: str) -> Path:
        return self.root / "reference" / f"{name}.parquet"

    def write_reference(self, name: str, rows: Iterable[Mapping]) -> int:
        return _write(self.reference_path(name), REFERENCE_SCHEMAS[name], rows)

    # Layout --------------------------------------------------------------------------------
    def ensure_layout(self) -> None:
        """Create every file dbt's sources read, empty where nothing has been written yet."""
        for name, schema in LEDGER_SCHEMAS.items():
            if not self.ledger_path(name).exists():
                _create_empty(self.ledger_path(name), schema)
        for table, schema in BATCH_SCHEMAS.items():
            placeholder = self.batch_dir(table) / PLACEHOLDER
            # Rewritten when the schema gained a column: with it, dbt's union_by_name read always
            # has every column (NULL in older batches) even before a new batch is written.
            if not placeholder.exists() or not pq.read_schema(placeholder).equals(schema, check_metadata=False):
                _write(placeholder, schema, [])
