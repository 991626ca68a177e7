"""The extractor's staging tables are declared once (records.FACT_TABLES); everything else follows it."""

import re
from pathlib import Path

import pytest

from orchestration.extract.document import extract_document
from orchestration.extract.records import FACT_TABLES
from orchestration.extraction.parallel import ROW_COLUMNS, extraction_rows
from orchestration.staging import BATCH_SCHEMAS, arrow_type

STAGING_MODELS = Path(__file__).parents[1] / "dbt_project" / "models" / "staging"
TEXT = "江苏东台：示例\n\n2021年，东台市安排教育资金1200万元，同比增长5.2%，惠及学生300名。\n全年节约资金约3万余元。"


def test_parquet_schemas_and_row_tuples_follow_the_declaration():
    for name, table in FACT_TABLES.items():
        schema = BATCH_SCHEMAS[name]
        assert schema.names == [*table.column_names, "batch_id"]
        assert [schema.field(col).type for col, _ in table.columns] == [arrow_type(t) for _, t in table.columns]
        assert ROW_COLUMNS[name] == table.column_names


def test_every_row_has_a_value_per_declared_column():
    rows = extraction_rows("b1", extract_document(TEXT))
    assert {name for name, table_rows in rows.items() if table_rows} >= {"articles", "amounts", "ratios"}
    for name, table_rows in rows.items():
        for row in table_rows:
            assert len(row) == len(ROW_COLUMNS[name])
            assert row[0] == "b1"


@pytest.mark.parametrize("name", sorted(FACT_TABLES))
def test_the_dbt_staging_model_reads_every_declared_column(name):
    """A column the extractor stages but dbt never selects would be lost silently."""
    sql = (STAGING_MODELS / f"stg_{name}.sql").read_text(encoding="utf-8")
    assert f"source('batches', '{name}')" in sql
    missing = [col for col in FACT_TABLES[name].column_names if not re.search(rf"\b{col}\b", sql)]
    assert not missing, f"stg_{name}.sql does not select {missing}"


def test_a_record_field_needs_a_sql_type_the_declaration_can_derive():
    from dataclasses import dataclass

    from orchestration.extract.records import FactTable

    @dataclass
    class Odd:
        when: object

    with pytest.raises(TypeError, match="give the SQL type"):
        _ = FactTable(Odd).columns
