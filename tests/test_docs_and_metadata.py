"""What analysts read besides the data: the data dictionary (dbt docs) and the Dagster UI."""

import duckdb
import pytest
import yaml

from orchestration.definitions import defs
from orchestration.extract.records import (
    MEASURES,
    PERIODS,
    SPENDING_MEASURES,
    UNKNOWN_PERIOD,
    measure_rows,
    period_rows,
)
from orchestration.settings import DBT_PROJECT_DIR

LAYER_GROUPS = {"ingest", "reference", "extract", "staging", "intermediate", "marts", "publish", "report"}


def model_docs(folder: str) -> dict[str, dict]:
    """Model name -> its yml entry, for every yml under dbt_project/models/<folder>."""
    models = {}
    for path in sorted((DBT_PROJECT_DIR / "models" / folder).glob("*.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            models[model["name"]] = model
    return models


@pytest.mark.slow
def test_every_mart_and_every_mart_column_is_described(seed_build):
    paths, _ = seed_build
    marts = model_docs("marts")
    sql_models = {p.stem for p in (DBT_PROJECT_DIR / "models" / "marts").glob("*.sql")}
    assert sql_models == set(marts), "every mart has a yml entry"
    undocumented = [
        f"{name}.{column['name']}"
        for name, model in marts.items()
        for column in model.get("columns", [])
        if not str(column.get("description", "")).strip()
    ]
    assert undocumented == []
    assert [name for name, model in marts.items() if not str(model.get("description", "")).strip()] == []
    # The yml lists every column the table really has (a column missing from the yml has no description).
    with duckdb.connect(str(paths.published_database), read_only=True) as con:
        for name, model in marts.items():
            actual = {d[0] for d in con.execute(f'select * from "{name}" limit 0').description}  # names from yml
            assert actual == {c["name"] for c in model.get("columns", [])}, name


@pytest.mark.parametrize("folder", ["staging", "intermediate"])
def test_every_model_before_the_marts_is_described(folder):
    described = {name for name, model in model_docs(folder).items() if str(model.get("description", "")).strip()}
    assert {p.stem for p in (DBT_PROJECT_DIR / "models" / folder).glob("*.sql")} <= described


@pytest.mark.parametrize(
    ("column_name", "enumeration", "at_least"),
    [("period", "stg_periods", 3), ("measure", "stg_measures", 1)],  # fct_amount, fct_ratio, the roll-up
)
def test_every_mart_column_of_an_enumeration_is_held_to_the_extractors_list(column_name, enumeration, at_least):
    """No mart repeats the list: its values must be rows of the reference table written from records.py."""
    found = 0
    for model in model_docs("marts").values():
        for column in model.get("columns", []):
            if column["name"] != column_name:
                continue
            rules = [t["row_rules"]["arguments"] for t in model.get("data_tests", []) if "row_rules" in t]
            keys = [rule.get("relationships", {}).get(column_name) for rule in rules]
            assert f"{enumeration}.{column_name}" in keys, model["name"]
            found += 1
    assert found >= at_least


def test_the_enumerations_dbt_reads_are_the_extractors():
    assert [r["period"] for r in period_rows()] == [*PERIODS, UNKNOWN_PERIOD]
    assert [r["measure"] for r in measure_rows()] == list(MEASURES)
    assert {r["measure"] for r in measure_rows() if r["measure_group"] == "spending"} == SPENDING_MEASURES


def test_every_asset_and_check_has_a_description_and_a_layer_group():
    specs = list(defs.resolve_all_asset_specs())
    assert [s.key.to_user_string() for s in specs if not s.description] == []
    assert {s.group_name for s in specs} == LAYER_GROUPS
    checks = [c for a in defs.assets for c in getattr(a, "check_specs", [])]
    checks += [c for definition in defs.asset_checks or [] for c in definition.check_specs]
    assert len(checks) > 20
    assert [c.key.to_user_string() for c in checks if not c.description] == []


@pytest.mark.slow
@pytest.mark.parametrize("entry", ["newest_amounts", "spending_by_province", "row_counts"])
def test_publishing_reports_a_preview_in_the_ui(seed_build, entry):
    _, result = seed_build
    (materialization,) = result.asset_materializations_for_node("published_warehouse")
    text = materialization.metadata[entry].value
    assert text.count("\n") >= 2
    if entry == "spending_by_province":
        assert "| province | year | period |" in text and "江苏省" in text
    if entry == "newest_amounts":
        assert "amount_text" in text and "period" in text


def test_the_docs_open_on_an_overview_of_the_marts_and_how_to_add_up_spending():
    text = (DBT_PROJECT_DIR / "models" / "overview.md").read_text(encoding="utf-8")
    assert text.startswith("{% docs __overview__ %}") and text.rstrip().endswith("{% enddocs %}")
    assert [mart for mart in model_docs("marts") if f"`{mart}`" not in text] == []
    assert "spending_role" in text and "stated_total" in text


@pytest.mark.slow
def test_extract_assets_report_their_total_rows_and_a_preview_of_the_new_ones(seed_build):
    paths, result = seed_build
    materializations = {
        m.asset_key.to_user_string(): m for m in result.asset_materializations_for_node("extracted_facts")
    }
    amounts = materializations["extracted_amounts"].metadata
    with duckdb.connect(str(paths.published_database), read_only=True) as con:
        in_warehouse = con.execute("select count(*) from fct_amount").fetchone()[0]
    assert amounts["dagster/row_count"].value == amounts["rows_added"].value == in_warehouse  # a first build
    preview = amounts["preview"].value
    assert "amount_text" in preview and preview.count("\n") == 1 + 5  # header, rule, five rows
