"""What the refresh makes of failed dbt tests (holds.py) and how the Dagster UI words them (describe.py):
pure, on a hand-made run_results.json and a DuckDB file holding the stored failing rows."""

import json

from orchestration.warehouse.databases import connect_build_database
from orchestration.warehouse.describe import describe_dbt_test
from orchestration.warehouse.holds import dbt_test_failures

BULLETIN = "0123456789abcdef"


def run_results(path, *results):
    path.write_text(json.dumps({"results": list(results)}))
    return path


def failed_test(name, relation, failures):
    return {
        "unique_id": f"test.fiscal_warehouse.{name}.abc123",
        "status": "fail",
        "failures": failures,
        "relation_name": relation,
    }


def test_failing_rows_that_name_a_bulletin_blame_it_with_the_rules_they_break(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    with connect_build_database(database) as con:  # the failures are stored in the internal database
        con.execute("create schema internal.test_failures")
        con.execute(
            "create table internal.test_failures.fct_amount_row_rules as select * from (values "
            f"('measure is not a key of stg_measures (measure)', '{BULLETIN}:10-16', '{BULLETIN}'),"
            f"('amount_yuan is null; not (amount_yuan >= 0)', '{BULLETIN}:30-35', '{BULLETIN}')"
            ") as t(failed_rules, amount_id, bulletin_id)"
        )
    results = run_results(
        tmp_path / "run_results.json",
        failed_test("fct_amount_row_rules", '"internal"."test_failures"."fct_amount_row_rules"', 2),
        {"unique_id": "test.fiscal_warehouse.unique_fct_amount_amount_id.x", "status": "pass"},
    )

    blamed, blocking = dbt_test_failures(results, database)

    assert blocking == []
    [failure] = blamed
    assert (failure.bulletin_id, failure.check, failure.rows) == (BULLETIN, "fct_amount_row_rules", 2)
    assert "failed_rules=measure is not a key of stg_measures (measure)" in failure.reason


def test_failing_rows_that_name_no_bulletin_block_and_show_one_of_them(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    with connect_build_database(database) as con:  # the failures are stored in the internal database
        con.execute("create schema internal.test_failures")
        con.execute(
            "create table internal.test_failures.dim_locality_row_rules as "
            "select 'locality_code is not a 6-digit code' as failed_rules, '12345' as locality_code"
        )
    results = run_results(
        tmp_path / "run_results.json",
        failed_test("dim_locality_row_rules", '"internal"."test_failures"."dim_locality_row_rules"', 1),
        {"unique_id": "model.fiscal_warehouse.fct_ratio", "status": "error", "message": "Contract failed\nmore"},
    )

    blamed, blocking = dbt_test_failures(results, database)

    assert blamed == []
    assert blocking == [
        "dbt test dim_locality_row_rules failed on 1 row(s) that name no bulletin, "
        "e.g. failed_rules=locality_code is not a 6-digit code, locality_code=12345",
        "dbt model fct_ratio: Contract failed",
    ]


def test_a_row_rules_test_is_described_rule_by_rule():
    node = {
        "test_metadata": {
            "name": "row_rules",
            "kwargs": {
                "not_null": ["amount_id", "period"],
                "unique": ["amount_id", ["locality_code", "period"]],
                "accepted_values": {"spending_role": ["class", "stated_total"]},
                "six_digit_code": ["locality_code"],
                "relationships": {"period": "stg_periods.period"},
                "expressions": ["amount_yuan >= 0"],
            },
        }
    }
    assert describe_dbt_test(node) == (
        "dbt test: every row: amount_id, period never NULL; amount_id unique; one row per locality_code, period; "
        "spending_role one of: class, stated_total; "
        "locality_code a 6-digit administrative division code; period a key of stg_periods.period; amount_yuan >= 0"
    )
