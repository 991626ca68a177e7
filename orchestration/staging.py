"""The Parquet staging tables that Python assets write and dbt sources read.

Each table has an explicit Arrow schema so that an empty table still has typed columns, and
each file is replaced atomically (write to a temporary name, then rename) so that dbt never
reads a half-written file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

YUAN = pa.decimal128(24, 2)
_str, _int, _year = pa.string(), pa.int64(), pa.int32()

SCHEMAS: dict[str, pa.Schema] = {
    "bulletin_files": pa.schema(
        [
            ("source_file", _str),
            ("content_sha256", _str),
            ("bytes", _int),
            ("encoding", _str),
            ("status", _str),
            ("reason", _str),
            ("bulletin_id", _str),
            ("chars", _int),
            ("duplicate_of", _str),
        ]
    ),
    "bulletin_texts": pa.schema([("bulletin_id", _str), ("source_file", _str), ("text", _str)]),
    "articles": pa.schema(
        [
            ("bulletin_id", _str),
            ("article_no", _int),
            ("title", _str),
            ("title_start", _int),
            ("body_start", _int),
            ("body_end", _int),
            ("author_org", _str),
            ("author_person", _str),
            ("locality_code", _str),
            ("locality_stable_code", _str),
            ("locality_evidence", _str),
            ("default_year", _year),
        ]
    ),
    "amounts": pa.schema(
        [
            ("bulletin_id", _str),
            ("article_no", _int),
            ("char_start", _int),
            ("char_end", _int),
            ("amount_text", _str),
            ("amount_yuan", YUAN),
            ("sentence", _str),
            ("sentence_start", _int),
            ("fiscal_year", _year),
            ("locality_code", _str),
            ("program_name", _str),
            ("function_code", _str),
            ("measure", _str),
            ("is_total", pa.bool_()),
            ("parent_char_start", _int),
        ]
    ),
    "ratios": pa.schema(
        [
            ("bulletin_id", _str),
            ("article_no", _int),
            ("char_start", _int),
            ("char_end", _int),
            ("percent_text", _str),
            ("value", pa.decimal128(12, 4)),
            ("kind", _str),
            ("of_what", _str),
            ("sentence", _str),
            ("fiscal_year", _year),
            ("locality_code", _str),
        ]
    ),
    "skipped_spans": pa.schema(
        [
            ("bulletin_id", _str),
            ("char_start", _int),
            ("char_end", _int),
            ("span_text", _str),
            ("reason", _str),
        ]
    ),
    "extraction_failures": pa.schema([("bulletin_id", _str), ("error", _str)]),
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
}


def write_table(path: Path, table: str, rows: Iterable[Mapping]) -> int:
    """Write rows (dicts keyed by column name) as Parquet, atomically; returns the row count."""
    schema = SCHEMAS[table]
    arrow = pa.Table.from_pylist([{name: row.get(name) for name in schema.names} for row in rows], schema=schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(arrow, tmp)
    os.replace(tmp, path)
    return arrow.num_rows


def read_table(path: Path, columns: list[str] | None = None) -> list[dict]:
    return pq.read_table(path, columns=columns).to_pylist()
